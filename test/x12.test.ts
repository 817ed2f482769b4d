/**
 * X12 837P writer and reader (REFERENCE §9): envelopes and counts, CLM/HI/SV1/DTP content, round trips through
 * our reader and through node-x12 (an independent parser used only here), test mode, and writer problems.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import type { RecommendedLine } from '../src/contract/result.js';
import { check } from '../src/engine/check.js';
import {
  checkClaimFromX12,
  formatX12Problem,
  parse837P,
  parse837PText,
  parseX12Config,
  write837P,
  X12_PROBLEMS,
  type CheckedClaim,
} from '../src/interchange/x12/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { encounterFor, resultWith, segmentsOf, testConfig, TEST_CONFIG_RAW, twoClaimFile, twoClaims } from './x12-helpers.js';

const CONTROL = { interchange: 123, date: '2026-11-27', time: '0930' };

/** What node-x12 reads from each claim: id, HI codes, and per line code, modifiers, charge, units, pointers. */
function readWithNodeX12(text: string) {
  const parser = new X12Parser(true);
  const interchange = parser.parse(text) as unknown as {
    functionalGroups: { transactions: { segments: { tag: string; elements: { value: string }[] }[] }[] }[];
  };
  const claims: { id: string; total: string; hi: string[]; lines: { code: string; modifiers: string[]; charge: string; units: number; pointers: number[] }[] }[] = [];
  for (const group of interchange.functionalGroups) {
    for (const transaction of group.transactions) {
      for (const segment of transaction.segments) {
        const v = segment.elements.map((e) => e.value);
        if (segment.tag === 'CLM') claims.push({ id: v[0]!, total: v[1]!, hi: [], lines: [] });
        const claim = claims[claims.length - 1];
        if (segment.tag === 'HI' && claim) claim.hi.push(...v.map((c) => c.split(':')[1]!));
        if (segment.tag === 'SV1' && claim) {
          const [, code, ...modifiers] = v[0]!.split(':');
          claim.lines.push({ code: code!, modifiers, charge: v[1]!, units: Number(v[3]), pointers: v[6]!.split(':').map(Number) });
        }
      }
    }
  }
  return { claims, diagnostics: parser.diagnostics };
}

describe('write837P envelopes (REFERENCE §9)', () => {
  const text = twoClaimFile();
  const segments = segmentsOf(text);

  it('writes one ISA of 106 characters with matching IEA, GS/GE and ST/SE control numbers and counts', () => {
    expect(segments[0]!.length + 1).toBe(106);
    expect(segments[0]).toMatch(/^ISA\*00\* {10}\*00\* {10}\*ZZ\*TESTSUB01 {6}\*ZZ\*/);
    expect(segments[0]!.split('*')[13]).toBe('000000007');
    expect(segments[0]!.split('*')[15]).toBe('T');
    const st = segments.findIndex((s) => s.startsWith('ST*'));
    const se = segments.findIndex((s) => s.startsWith('SE*'));
    expect(segments[se]).toBe(`SE*${se - st + 1}*0001`);
    expect(segments[1]).toBe('GS*HC*TESTSUB01*TESTRCV01*20261127*0930*7*X*005010X222A1');
    expect(segments.at(-2)).toBe('GE*1*7');
    expect(segments.at(-1)).toBe('IEA*1*000000007');
  });

  it('writes CLM with the sum of the SV1 charges, the place of service and frequency 1; HI ABK then ABF without dots', () => {
    expect(segments).toContain('CLM*CLAIM00001*125.5***11:B:1*Y*A*Y*Y');
    expect(segments).toContain('HI*ABK:M810*ABF:Z87310');
    expect(segments).toContain('SV1*HC:77080:26*125.5*UN*1***1:2');
    // 77081 60 + 76977 40 x 2 units = 140; E21.0 is on the claim but no line points to it.
    expect(segments).toContain('CLM*CLAIM00002*140***11:B:1*Y*A*Y*Y');
    expect(segments).toContain('HI*ABK:M8580*ABF:Z780*ABF:E210');
    expect(segments).toContain('SV1*HC:76977:GA:XU*80*UN*2***2:1');
    expect(segments).toContain('DTP*472*D8*20260203');
    expect(segments).toContain('DMG*D8*19490830*F');
    expect(segments).toContain('NM1*IL*1*FAMILY1*TEST****MI*MBR1');
    expect(segments).toContain('NM1*PR*2*TEST MEDICARE CONTRACTOR*****PI*TESTMCR01');
  });

  it('gives each line a line item control number (REF*6R after DTP*472) naming interchange, claim and line, and reads it back', () => {
    expect(segments.filter((s) => s.startsWith('REF*6R*'))).toEqual(['REF*6R*000000007-1-1', 'REF*6R*000000007-2-1', 'REF*6R*000000007-2-2']);
    expect(segments[segments.indexOf('REF*6R*000000007-2-2') - 1]).toBe('DTP*472*D8*20260203');
    const written = write837P(twoClaims(), testConfig(), { interchange: 7, date: '2026-11-27', time: '0930' });
    expect(written.claims.map((c) => [c.claimId, c.ordinal, c.dateOfService, c.lineItems.map((l) => `${l.controlNumber} ${l.code} ${l.cents}`)])).toEqual([
      ['CLAIM00001', 1, '2026-01-20', ['000000007-1-1 77080 12550']],
      ['CLAIM00002', 2, '2026-02-03', ['000000007-2-1 77081 6000', '000000007-2-2 76977 8000']],
    ]);
    expect(parse837PText(text).claims.map((c) => c.lineControlNumbers)).toEqual([['000000007-1-1'], ['000000007-2-1', '000000007-2-2']]);
  });

  it('splits claims into several ST/SE by claimsPerTransaction, each with its own count; GE01 counts them', () => {
    const claims = [...twoClaims(), ...twoClaims().map((c, i) => ({ ...c, encounter: { ...c.encounter, claimId: `MORE${i}` } }))];
    const out = write837P(claims, testConfig({ claimsPerTransaction: 1 }), CONTROL);
    expect(out.transactionSets).toBe(4);
    const segs = segmentsOf(out.text);
    expect(segs.filter((s) => s.startsWith('ST*'))).toEqual(['ST*837*0001*005010X222A1', 'ST*837*0002*005010X222A1', 'ST*837*0003*005010X222A1', 'ST*837*0004*005010X222A1']);
    expect(segs.at(-2)).toBe('GE*4*123');
    const parsed = parse837PText(out.text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.claims.map((c) => c.claimId)).toEqual(['CLAIM00001', 'CLAIM00002', 'MORE0', 'MORE1']);
    expect(readWithNodeX12(out.text).claims).toHaveLength(4);
  });

  it('parses cleanly in node-x12 (strict), which verifies SE01, GE01 and IEA01 itself', () => {
    const read = readWithNodeX12(text);
    expect(read.diagnostics).toEqual([]);
    expect(read.claims.map((c) => c.id)).toEqual(['CLAIM00001', 'CLAIM00002']);
    const broken = text.replace(/SE\*\d+\*0001/, 'SE*3*0001');
    expect(() => new X12Parser(true).parse(broken)).toThrow(/SE01/);
  });

  it('writes compact output (no line breaks) that both parsers read the same way', () => {
    const compact = write837P(twoClaims(), testConfig(), CONTROL, { compact: true }).text;
    expect(compact).not.toContain('\n');
    expect(parse837PText(compact).claims).toHaveLength(2);
    expect(readWithNodeX12(compact).claims).toHaveLength(2);
  });
});

const CODES = ['77080', '77081', '77085', '77086', '76977', 'G0130', '72100'] as const;
const MODIFIERS = ['26', 'TC', 'GA', 'GY', 'GZ', 'XU', '59', '76', 'KX'] as const;
const DIAGNOSES = ['M81.0', 'Z87.310', 'M85.80', 'Z78.0', 'E21.0', 'M80.08XA', 'Z79.52', 'M85.852', 'E28.310', 'Z13.820', 'M81.8', 'R29.6', 'Z79.83', 'M89.9'];

const arbitraryClaim = fc
  .record({
    diagnoses: fc.uniqueArray(fc.constantFrom(...DIAGNOSES), { minLength: 1, maxLength: 12 }),
    lines: fc.array(
      fc.record({
        code: fc.constantFrom(...CODES),
        modifiers: fc.uniqueArray(fc.constantFrom(...MODIFIERS), { maxLength: 4 }),
        units: fc.integer({ min: 1, max: 999 }),
        pick: fc.uniqueArray(fc.nat(11), { minLength: 1, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    sex: fc.constantFrom('female' as const, 'male' as const, 'unknown' as const),
    day: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ diagnoses, lines, sex, day }) => {
    const recommended: RecommendedLine[] = lines.map((l) => ({
      code: l.code,
      modifiers: l.modifiers,
      units: l.units,
      diagnoses: [...new Set(l.pick.map((i) => diagnoses[i % diagnoses.length]!))],
    }));
    return { recommended, diagnoses, sex, date: `2026-03-${String(day).padStart(2, '0')}` };
  });

describe('round trip: write837P, then our reader and node-x12 (issue 4 item 6)', () => {
  it('gives back the same lines, modifiers, units, diagnoses and pointers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryClaim, { minLength: 1, maxLength: 6 }), async (drafts) => {
        const claims: CheckedClaim[] = drafts.map((d, i) => ({
          encounter: encounterFor(i + 1, { dateOfService: d.date, patient: { ...encounterFor(i + 1).patient, sex: d.sex } }),
          result: resultWith(d.recommended, d.diagnoses),
        }));
        const out = write837P(claims, testConfig(), CONTROL);
        expect(out.problems).toEqual([]);
        const ours = [];
        for await (const item of parse837P(out.text, { mode: 'strict' })) {
          if (item.kind === 'problem') throw new Error(formatX12Problem(item.problem));
          ours.push(item.claim);
        }
        const theirs = readWithNodeX12(out.text).claims;
        expect(ours).toHaveLength(drafts.length);
        expect(theirs).toHaveLength(drafts.length);
        drafts.forEach((draft, i) => {
          const claim = ours[i]!;
          const other = theirs[i]!;
          const expectedLines = draft.recommended.map((l) => ({ code: l.code, modifiers: l.modifiers, units: l.units, diagnoses: l.diagnoses }));
          expect(claim.encounter.claim?.lines).toEqual(expectedLines);
          expect(claim.encounter.diagnoses).toEqual(draft.diagnoses);
          expect(claim.encounter.dateOfService).toBe(draft.date);
          expect(claim.encounter.patient.sex).toBe(draft.sex);
          const expectedPointers = draft.recommended.map((l) => l.diagnoses.map((d) => draft.diagnoses.indexOf(d) + 1));
          expect(claim.pointers).toEqual(expectedPointers);
          // node-x12 sees the same codes, modifiers, units, pointers, and HI in the same order (no dots).
          expect(other.id).toBe(claim.claimId);
          expect(other.hi).toEqual(draft.diagnoses.map((d) => d.replace('.', '')));
          expect(other.lines.map((l) => ({ code: l.code, modifiers: l.modifiers, units: l.units, pointers: l.pointers }))).toEqual(
            draft.recommended.map((l, k) => ({ code: l.code, modifiers: l.modifiers, units: l.units, pointers: expectedPointers[k] })),
          );
          // CLM02 is the sum of the SV102 charges, in both readers.
          const sum = other.lines.reduce((s, l) => s + Math.round(Number(l.charge) * 100), 0);
          expect(Math.round(Number(other.total) * 100)).toBe(sum);
          expect(claim.totalCents).toBe(sum);
        });
      }),
      { numRuns: 60, seed: 60 },
    );
  });

  it('reads back the patient, payer mapping, place of service and claim id', () => {
    const claims = twoClaims();
    claims[1]!.encounter.payer = 'aetna-cpb-0134';
    claims[1]!.encounter.placeOfService = '22';
    const text = write837P(claims, testConfig(), CONTROL).text;
    const payers = { TESTMCR01: 'medicare', TESTCOM01: 'aetna-cpb-0134' };
    const [first, second] = parse837PText(text, { payers }).claims;
    expect(first!.encounter.patient).toEqual(claims[0]!.encounter.patient);
    expect(first!.encounter.claimId).toBe('CLAIM00001');
    expect(first!.encounter.id).toBe('CLAIM00001');
    expect(first!.encounter.component).toBe('professional'); // every line carries 26
    expect(second!.encounter.payer).toBe('aetna-cpb-0134');
    expect(second!.encounter.placeOfService).toBe('22');
    expect(parse837PText(text).claims[1]!.encounter.payer).toBe('medicare'); // unmapped payer ids default to medicare
  });

  it('reads a stream in small chunks the same as the whole text', async () => {
    const text = twoClaimFile();
    const whole = parse837PText(text);
    const chunks = (async function* () {
      for (let i = 0; i < text.length; i += 7) yield Buffer.from(text.slice(i, i + 7));
    })();
    const claims = [];
    for await (const item of parse837P(chunks)) if (item.kind === 'claim') claims.push(item.claim);
    expect(claims).toEqual(whole.claims);
  });
});

describe('write837P: checked encounters, test mode and problems', () => {
  const knowledge = loadKnowledge();

  it('writes the example encounter end to end without a configuration: ISA15 T and SAMPLE ids', () => {
    const encounter = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8'));
    const result = check(encounter, knowledge);
    const out = write837P([{ encounter, result }], undefined, CONTROL, { force: true });
    const segs = segmentsOf(out.text);
    expect(segs[0]!.split('*')[15]).toBe('T');
    expect(segs).toContain('NM1*41*2*SAMPLE SUBMITTER*****46*SAMPLESUBMITTER');
    expect(segs).toContain('NM1*85*2*SAMPLE BILLING PROVIDER*****XX*1234567893');
    expect(segs.find((s) => s.startsWith('NM1*PR'))).toContain('SAMPLE PAYER');
    expect(segs.find((s) => s.startsWith('NM1*IL'))).toBe('NM1*IL*1*SAMPLE*PATIENT****MI*SAMPLEMEMBER');
    expect(out.problems.filter((p) => p.rule === 'x12.write.sample').map((p) => p.field)).toEqual(['patient.name', 'patient.memberId', 'patient.address', 'payer', 'charges']);
    // The written claim is the recommended one and checks the same way when read back.
    const read = parse837PText(out.text).claims[0]!;
    expect(read.encounter.claim?.lines).toEqual(result.recommended.lines);
    const again = checkClaimFromX12(read.encounter, knowledge);
    expect(again.recommended).toEqual(result.recommended);
    expect(again.unchecked.at(-1)?.family).toBe('selection');
  });

  it('does not write a reject unless forced, and reports it either way', () => {
    const claims = twoClaims();
    claims[0]!.result = { ...claims[0]!.result, verdict: 'reject' };
    const held = write837P(claims, testConfig(), CONTROL);
    expect(held.claims.map((c) => c.claimId)).toEqual(['CLAIM00002']);
    expect(held.problems).toEqual([expect.objectContaining({ rule: 'x12.write.rejected', encounter: 'encounter "enc-1"' })]);
    const forced = write837P(claims, testConfig(), CONTROL, { force: true });
    expect(forced.claims.map((c) => c.claimId)).toEqual(['CLAIM00001', 'CLAIM00002']);
    expect(forced.problems).toEqual([expect.objectContaining({ rule: 'x12.write.forced', encounter: 'encounter "enc-1"' })]);
  });

  it('names the encounter and the field when a configured run lacks what the 837P requires', () => {
    const bare: CheckedClaim = {
      encounter: { dateOfService: '2026-01-20', patient: { sex: 'female', age: 70 }, payer: 'qualchoice-bi216', performed: [] },
      result: resultWith([{ code: '78350', modifiers: [], units: 1, diagnoses: [] }], []),
    };
    const out = write837P([bare], testConfig(), CONTROL);
    expect(out.text).toBe('');
    expect(out.problems.map((p) => `${p.rule} ${p.field}`)).toEqual([
      'x12.write.missing-field claimId',
      'x12.write.missing-field patient.name',
      'x12.write.missing-field patient.memberId',
      'x12.write.missing-field patient.address',
      'x12.write.missing-field patient.birthDate',
      'x12.write.config payer',
      'x12.write.missing-field diagnoses',
      'x12.write.config recommended.lines[0].code',
    ]);
    expect(formatX12Problem(out.problems[1]!)).toBe("encounter #1: patient.name: missing the patient's name (2010BA NM103/NM104), which the 837P requires (add patient.name to the encounter)");
  });

  it('keeps HI free of duplicates and refuses more than 12 diagnoses or 4 pointers per line', () => {
    const many = Array.from({ length: 13 }, (_, i) => `M8${i % 10}.${i}`);
    const out = write837P([{ encounter: encounterFor(1), result: resultWith([{ code: '77080', modifiers: [], units: 1, diagnoses: many.slice(0, 5) }], many) }], testConfig(), CONTROL);
    expect(out.problems.map((p) => p.rule)).toEqual(['x12.claim.diagnoses', 'x12.claim.pointer']);
    const dup = write837P([{ encounter: encounterFor(1), result: resultWith([{ code: '77080', modifiers: [], units: 1, diagnoses: ['M81.0'] }], ['M81.0', 'M810', 'm81.0']) }], testConfig(), CONTROL);
    expect(segmentsOf(dup.text)).toContain('HI*ABK:M810');
  });
});

describe('configuration (docs/x12.md)', () => {
  it('accepts the documented example', () => {
    const doc = readFileSync(new URL('../docs/x12.md', import.meta.url), 'utf8');
    const json = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(json).toBeDefined();
    const parsed = parseX12Config(JSON.parse(json!).x12);
    expect(parsed.ok).toBe(true);
  });

  it('names each bad field with what was expected', () => {
    const bad = { ...TEST_CONFIG_RAW, usage: 'live', billingProvider: { ...TEST_CONFIG_RAW.billingProvider, npi: '1234567890' }, charges: { '77080': 'a lot', '7708': 1 }, extra: 1 };
    delete (bad as Partial<typeof bad>).receiver;
    const parsed = parseX12Config(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.problems.map((p) => `${p.field}: ${p.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'usage: expected "production" (ISA15 P) or "test" (ISA15 T)',
        'receiver: missing; expected object',
        'billingProvider.npi: expected a 10-digit NPI with a valid check digit',
        'charges.77080: expected a charge in dollars (a number, e.g. 125.5)',
        'charges.7708: expected a CPT or HCPCS code as the key',
        ': unknown field "extra" (docs/x12.md lists the fields)',
      ]),
    );
  });
});

describe('problem catalogue', () => {
  it('gives every problem id a severity and a summary', () => {
    for (const [id, definition] of Object.entries(X12_PROBLEMS)) {
      expect(id).toMatch(/^x12\.[a-z0-9.-]+$/);
      expect(definition.summary.length).toBeGreaterThan(10);
    }
  });
});
