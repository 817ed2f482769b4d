/**
 * Property tests: no input crashes the validator or the engine, every result is contract-valid, and the same
 * encounter and knowledge always give byte-identical output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROCEDURES, SITES } from '../src/contract/values.js';
import { Result } from '../src/contract/result.js';
import { check, parseEncounter, parseEncounterStrictly } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';

const knowledge = loadKnowledge();

const day = fc.integer({ min: 0, max: 365 * 25 }).map((n) => {
  const d = new Date(Date.UTC(2003, 0, 1) + n * 86_400_000);
  return d.toISOString().slice(0, 10);
});
const codes = ['76075', '76076', '76077', '77080', '77081', '77082', '77083', '77085', '77086', '77078', '76977', 'G0130', '78350', '78351', '76499', '77084', '72100', '72070', '99213', '77089'];
const modifiers = ['26', 'TC', '59', 'XU', 'XE', 'GA', 'GZ', 'GY', 'GX', '76', '77', 'LT', 'ZZ', '25'];
const diagnoses = ['M81.0', 'M8100', 'M81', 'M80.08XA', 'M80.08X', 'M80.08XB', 'M85.80', 'M85.851', 'M85.8', 'M48.50XA', 'M48.50XK', 'Z13.820', 'Z78.0', 'Z79.52', 'Z79.83', 'E21.0', 'E21.3', 'Z87.310', 'Z82.62', 'I10', 'S22.000A', 'M84.40XA'];
const payers = ['medicare', 'aetna-cpb-0134', 'blue-plan-6-01-44', 'qualchoice-bi216', 'bcbsri-medicare-advantage', 'unknown-payer'];

const encounterArb = fc.record(
  {
    id: fc.string({ maxLength: 20 }),
    dateOfService: day,
    patient: fc.record({ sex: fc.constantFrom('female', 'male', 'unknown'), age: fc.integer({ min: 0, max: 110 }) }, { requiredKeys: ['sex'] }),
    payer: fc.constantFrom(...payers),
    claimType: fc.constantFrom('professional', 'institutional'),
    component: fc.constantFrom('global', 'professional', 'technical'),
    orderingProvider: fc.record({ treating: fc.boolean() }, { requiredKeys: [] }),
    performed: fc.array(
      fc.record({ procedure: fc.constantFrom(...PROCEDURES), sites: fc.array(fc.constantFrom(...SITES), { maxLength: 3 }), interpreted: fc.boolean() }, { requiredKeys: ['procedure'] }),
      { maxLength: 4 },
    ),
    diagnoses: fc.array(fc.constantFrom(...diagnoses), { maxLength: 6 }),
    clinical: fc.record(
      {
        tScoreLowest: fc.double({ min: -5, max: 3, noNaN: true }),
        heightLossHistoricalCm: fc.double({ min: 0, max: 10, noNaN: true }),
        heightLossProspectiveCm: fc.double({ min: 0, max: 5, noNaN: true }),
        glucocorticoidMgPerDay: fc.double({ min: 0, max: 40, noNaN: true }),
        glucocorticoidMonths: fc.integer({ min: 0, max: 60 }),
        selfReportedVertebralFracture: fc.boolean(),
        estrogenDeficient: fc.boolean(),
        primaryHyperparathyroidism: fc.boolean(),
        vertebralAbnormalityOnXray: fc.boolean(),
        monitoringOsteoporosisTherapy: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    history: fc.array(fc.record({ dateOfService: day, code: fc.constantFrom(...codes) }), { maxLength: 4 }),
    abnOnFile: fc.boolean(),
    priorAuthorization: fc.record({ obtained: fc.boolean() }),
    claim: fc.record({
      lines: fc.array(
        fc.record(
          {
            code: fc.constantFrom(...codes),
            modifiers: fc.array(fc.constantFrom(...modifiers), { maxLength: 4 }),
            units: fc.integer({ min: 1, max: 3 }),
            diagnoses: fc.array(fc.constantFrom(...diagnoses), { maxLength: 5 }),
          },
          { requiredKeys: ['code'] },
        ),
        { minLength: 1, maxLength: 5 },
      ),
    }),
  },
  { requiredKeys: ['dateOfService', 'patient', 'performed'] },
);

describe('properties', () => {
  it('any domain-shaped encounter gives a contract-valid, deterministic result', () => {
    fc.assert(
      fc.property(encounterArb, (raw) => {
        const parsed = parseEncounter(raw);
        expect(parsed.ok, 'the compiled JSON Schema and zod agree').toBe(parseEncounterStrictly(raw).ok);
        if (!parsed.ok) return; // e.g. an out-of-range birth date: covered by the validator properties below
        const first = check(parsed.encounter, knowledge);
        Result.parse(first);
        const again = check(structuredClone(parsed.encounter), knowledge);
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));
        if (first.findings.some((f) => f.severity === 'error')) expect(first.verdict).toBe('reject');
        else if (first.unchecked.length === 0 && first.findings.every((f) => f.severity === 'info')) expect(first.verdict).toBe('clean');
        else expect(first.verdict).toBe('review');
        for (const finding of first.findings) {
          if (finding.line !== undefined) expect(finding.line).toBeLessThan(parsed.encounter.claim?.lines.length ?? 0);
        }
        for (const line of first.recommended.lines) {
          expect(line.modifiers.length).toBeLessThanOrEqual(4);
          for (const dx of line.diagnoses) expect(first.recommended.diagnoses).toContain(dx);
        }
      }),
      { numRuns: 3000, seed: 20261127 },
    );
  });

  it('arbitrary JSON never crashes the validator, and whatever it accepts checks cleanly', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => {
        const parsed = parseEncounter(raw);
        expect(parsed.ok).toBe(parseEncounterStrictly(raw).ok);
        if (parsed.ok) Result.parse(check(parsed.encounter, knowledge));
        else for (const problem of parsed.problems) expect(problem.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('mutated valid encounters never crash: each problem names a field', () => {
    const mutation = fc.record({ path: fc.constantFrom('dateOfService', 'patient', 'performed', 'diagnoses', 'claim', 'history', 'clinical', 'units', '__proto__', 'payer'), value: fc.jsonValue({ maxDepth: 2 }) });
    fc.assert(
      fc.property(encounterArb, mutation, (raw, m) => {
        const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        if (m.path === 'units' && Array.isArray((copy.claim as { lines?: unknown[] } | undefined)?.lines)) {
          ((copy.claim as { lines: Record<string, unknown>[] }).lines[0] ?? {}).units = m.value;
        } else {
          Object.defineProperty(copy, m.path, { value: m.value, enumerable: true, configurable: true, writable: true });
        }
        const parsed = parseEncounter(copy);
        expect(parsed.ok, 'the compiled JSON Schema and zod agree').toBe(parseEncounterStrictly(copy).ok);
        if (parsed.ok) Result.parse(check(parsed.encounter, knowledge));
        else for (const problem of parsed.problems) expect(problem.field).toMatch(/^[\w.[\]()_]+$/);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe('stringifyResult', () => {
  it('writes exactly what JSON.stringify writes', async () => {
    const { stringifyResult } = await import('../src/contract/serialize.js');
    fc.assert(
      fc.property(encounterArb, (raw) => {
        const parsed = parseEncounter(raw);
        if (!parsed.ok) return;
        const result = check(parsed.encounter, knowledge);
        expect(stringifyResult(result)).toBe(JSON.stringify(result));
      }),
      { numRuns: 1000, seed: 3 },
    );
  });
});
