/**
 * The research registry (issue 12 §4, docs/registry.md) on SQLite and PostgreSQL: cohort queries with small cells
 * suppressed, follow-up against the facility's LSC and new fractures, and the de-identified export. The done-when
 * test of the issue: every identifier kind the store holds is seeded, and every byte of the CSV, the NDJSON files and
 * the manifest is searched for each of them, with dates as the year and shifted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { buildServer } from '../src/server/server.js';
import { storeTokenVerifier } from '../src/server/tokens.js';
import { openStore, type Store } from '../src/store/index.js';
import { cohortSummary, deidentifiedStudies, exportRegistry, followUp, type RegistrySettings } from '../src/store/registry.js';
import { runCli } from './cli-helpers.js';
import { BACKENDS } from './store-backends.js';

const knowledge = loadKnowledge();
const SECRET = 'registry test secret, not a real one: 0123456789abcdef';

/** Every identifier kind the store holds for the seeded patient, as it could appear in text. */
const IDENTIFIERS = {
  familyName: 'ZEBULON',
  givenName: 'MARGARETHE',
  mrn: 'QX-7741-ZZ',
  memberId: '1EG4-TE5-MK72',
  memberIdBilled: '1EG4TE5MK72',
  birthDate: '1951-07-04',
  birthDateUs: '07/04/1951',
  firstStudyDate: '2024-03-11',
  dateOfService: '2025-03-14',
  dateOfServiceUs: '03/14/2025',
  dateOfServiceCompact: '20250314',
  signedDateUs: '03/15/2025',
  addressLine: '12 Quarry Lane',
  city: 'Springfield',
  zip: '97478',
  zipPlus4: '974781234',
  phone: '555-0199',
  email: 'mzebulon@example.org',
  deviceSerial: 'HLX-99817-K',
  claimId: 'CLM-ZEB-0001',
  externalId: 'enc-zebulon-2',
  priorAuthorization: 'PA-55123-Q',
  orderingNpi: '1234567893',
  billingNpi: '1245319599',
  referringPhysician: 'Daniel Kim',
  readingPhysician: 'Howard Lee',
  facility: 'Lakeside Bone Health',
} as const;

const reportOf = (date: string, body: string) =>
  [
    `${IDENTIFIERS.facility}, ${IDENTIFIERS.addressLine}, ${IDENTIFIERS.city}, OR ${IDENTIFIERS.zip}. Phone (541) ${IDENTIFIERS.phone}.`,
    'DXA BONE DENSITY WITH VFA',
    `Exam date: ${date}`,
    `Patient: ${IDENTIFIERS.familyName}, ${IDENTIFIERS.givenName}  DOB: ${IDENTIFIERS.birthDateUs}  MRN: ${IDENTIFIERS.mrn}`,
    `Patient email: ${IDENTIFIERS.email}. Device serial number: ${IDENTIFIERS.deviceSerial}.`,
    `Referring physician: ${IDENTIFIERS.referringPhysician}, MD`,
    'INDICATION: 73-year-old postmenopausal woman on alendronate therapy, monitoring response.',
    'TECHNIQUE: DXA of the lumbar spine and left hip with vertebral fracture assessment (VFA) in the same session.',
    'FINDINGS:',
    'Region              BMD (g/cm2)  T-score  Z-score',
    body,
    `Electronically signed by ${IDENTIFIERS.readingPhysician}, MD on ${IDENTIFIERS.signedDateUs}`,
  ].join('\n');

/** The seeded patient: every identifier kind in the encounter and its report; two studies a year apart. */
function zebulon(date: string, externalId: string, report: string): Encounter {
  return {
    id: externalId,
    dateOfService: date,
    claimId: externalId === IDENTIFIERS.externalId ? IDENTIFIERS.claimId : undefined,
    patient: {
      sex: 'female',
      birthDate: IDENTIFIERS.birthDate,
      name: { family: IDENTIFIERS.familyName, given: IDENTIFIERS.givenName },
      mrn: IDENTIFIERS.mrn,
      memberId: IDENTIFIERS.memberId,
      address: { line: IDENTIFIERS.addressLine, city: IDENTIFIERS.city, state: 'OR', postalCode: IDENTIFIERS.zipPlus4 },
    },
    payer: 'medicare',
    orderingProvider: { npi: IDENTIFIERS.orderingNpi, treating: true },
    billingProvider: { npi: IDENTIFIERS.billingNpi },
    priorAuthorization: { obtained: true, number: IDENTIFIERS.priorAuthorization },
    report,
  } as Encounter;
}

const FIRST_REPORT = reportOf('03/11/2024', 'L1-L4                  0.850       -2.4     -0.3\nTotal Hip Left         0.780       -1.9     -0.1\nVFA: T4-L4 evaluated. No vertebral fracture is identified.\nIMPRESSION: Low bone mass.');
const SECOND_REPORT = reportOf(IDENTIFIERS.dateOfServiceUs, 'L1-L4                  0.804       -2.8     -0.5\nTotal Hip Left         0.770       -2.0     -0.1\nVFA: T4-L4 evaluated. T7: moderate (grade 2) wedge fracture.\nIMPRESSION: Osteoporosis with a vertebral fracture.');

/** A structured study of a filler patient (MRN F-n), female 65-74 unless told otherwise. */
function filler(n: number, overrides: Partial<Encounter['patient']> = {}, date = '2025-05-02'): Encounter {
  return {
    dateOfService: date,
    patient: { sex: 'female', age: 68, mrn: `F-${n}`, ...overrides },
    payer: 'medicare',
    orderingProvider: { npi: IDENTIFIERS.orderingNpi, treating: true },
    performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine'] }],
    diagnoses: ['M81.0'],
    clinical: { tScoreLowest: -2.6 - n / 100 },
  } as Encounter;
}

async function store1(store: Store, org: string, encounter: Encounter): Promise<string> {
  const parsed = parseEncounter(encounter);
  if (!parsed.ok) throw new Error(`bad test encounter: ${JSON.stringify(parsed.problems)}`);
  return (await store.forOrganization(org).encounters.storeAndCheck('coder', parsed.encounter, knowledge)).encounterId;
}

/** Every file of a folder as one text. */
function folderText(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

/** The identifier kinds found in a text (none expected). */
function identifiersIn(text: string, extra: Record<string, string>): string[] {
  const lower = text.toLowerCase();
  return Object.entries({ ...IDENTIFIERS, ...extra })
    .filter(([, value]) => lower.includes(value.toLowerCase()))
    .map(([kind]) => kind);
}

for (const backend of BACKENDS) {
  describe(`research registry on ${backend.name}`, () => {
    let store: Store;
    let tearDown: () => Promise<void>;
    let cliEnv: NodeJS.ProcessEnv;
    const org = 'org-registry';
    const ids: Record<string, string> = {};
    const settings: RegistrySettings = { dateShiftSecret: SECRET };

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      cliEnv = { DATABASE_URL: set.cli.url, ...(set.cli.auditKey ? { DXACODE_AUDIT_KEY: set.cli.auditKey.text } : {}), DXACODE_REGISTRY_SECRET: SECRET };
      store = await openStore(set.options);
      ids.first = await store1(store, org, zebulon(IDENTIFIERS.firstStudyDate, 'enc-zebulon-1', FIRST_REPORT));
      ids.second = await store1(store, org, zebulon(IDENTIFIERS.dateOfService, IDENTIFIERS.externalId, SECOND_REPORT));
      for (let n = 1; n <= 12; n++) await store1(store, org, filler(n));
      ids.old1 = await store1(store, org, filler(101, { sex: 'male', age: 93 }));
      ids.old2 = await store1(store, org, filler(102, { sex: 'male', age: 95 }));
      // Another organisation's patient never shows.
      await store1(store, 'org-other', filler(1));
    });
    afterAll(async () => {
      await store?.close();
      await tearDown?.();
    });

    it('keeps per-site results, the VFA fracture levels with their Genant grade and the therapy in the registry row', async () => {
      const row = await store.db.selectFrom('registry').selectAll().where('encounter_id', '=', ids.second!).executeTakeFirstOrThrow();
      expect(row.therapy).toBe('alendronate');
      expect(Number(row.highest_genant_grade)).toBe(2);
      expect(JSON.parse(row.fracture_levels!)).toEqual([{ level: 'T7', grade: 2 }]);
      expect(JSON.parse(row.site_results!)).toContainEqual({ site: 'lumbar-spine', measure: 'bmd', value: 0.804 });
      const first = await store.db.selectFrom('registry').selectAll().where('encounter_id', '=', ids.first!).executeTakeFirstOrThrow();
      expect(Number(first.highest_genant_grade)).toBe(0);
    });

    it('counts a cohort by its filters and suppresses cells of fewer patients than the minimum', async () => {
      const all = await cohortSummary(store.forOrganization(org), {}, {});
      // 13 female patients (14 studies) and 2 male: male is suppressed, and female with it (the total would give it back).
      expect(all.studies).toBe(16);
      expect(all.patients).toBe(15);
      expect(all.bySex).toEqual([
        { value: 'female', studies: 'suppressed' },
        { value: 'male', studies: 'suppressed' },
        { value: 'unknown', studies: 0 },
      ]);
      const osteoporosis = await cohortSummary(store.forOrganization(org), { tScoreCategory: 'osteoporosis', sex: 'female', ageBand: '65-74', payer: 'medicare', from: '2025-01-01', to: '2025-12-31' }, {});
      expect(osteoporosis.studies).toBe(13);
      expect(osteoporosis.byTScoreCategory.find((b) => b.value === 'osteoporosis')?.studies).toBe(13);
      expect((await cohortSummary(store.forOrganization(org), { tScoreCategory: 'osteopenia' }, {})).studies).toBe('suppressed');
      expect((await cohortSummary(store.forOrganization(org), { genantGrade: 2 }, { minimumCellSize: 2 })).studies).toBe('suppressed');
      expect((await cohortSummary(store.forOrganization(org), { therapy: 'alendronate' }, { minimumCellSize: 2 })).patients).toBe('suppressed');
      expect((await cohortSummary(store.forOrganization(org), { therapy: 'none' }, { minimumCellSize: 2 })).studies).toBe(14);
      expect((await cohortSummary(store.forOrganization(org), { ageBand: '85 and over' }, { minimumCellSize: 2 })).studies).toBe(2);
      // A caller may raise the minimum, never lower it.
      expect((await cohortSummary(store.forOrganization(org), { ageBand: '85 and over' }, { minimumCellSize: 2 }, 3)).studies).toBe('suppressed');
    });

    it("follows a patient's studies: BMD change against the configured LSC, and the level graded higher than before", async () => {
      const judged = await followUp(store.forOrganization(org), ids.second!, { leastSignificantChange: [{ site: 'lumbar-spine', gPerCm2: 0.03 }] });
      expect(judged.studies.map((s) => s.encounterId)).toEqual([ids.first, ids.second]);
      const since = judged.studies[1]!.sincePrevious!;
      expect(since.bmdChanges.find((c) => c.site === 'lumbar-spine')).toMatchObject({ changeGPerCm2: -0.046, judgement: 'significant-decrease', leastSignificantChange: 0.03 });
      // No LSC for the hip: the change is given, not judged, and says why.
      expect(since.bmdChanges.find((c) => c.site === 'left-total-hip')).toMatchObject({ judgement: 'not-judged', leastSignificantChange: null });
      expect(since.newFractures).toEqual([{ level: 'T7', grade: 2, previousGrade: 0 }]);
      const unjudged = await followUp(store.forOrganization(org), ids.second!, {});
      expect(unjudged.studies[1]!.sincePrevious!.bmdChanges.every((c) => c.judgement === 'not-judged' && c.note?.includes('REFERENCE.md gives none'))).toBe(true);
      await expect(followUp(store.forOrganization('org-other'), ids.second!, {})).rejects.toMatchObject({ kind: 'not-found' });
    });

    it('exports without any identifier kind: CSV and FHIR NDJSON, dates as the year and shifted (done-when of issue 12)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dxacode-registry-'));
      try {
        const extra = { firstEncounterId: ids.first!, secondEncounterId: ids.second!, firstStudyDateUs: '03/11/2024' };
        // The store holds every one of them (so finding none below means the export left them out).
        const stored = await store.db.selectFrom('encounters').select(['id', 'input_json']).where('id', 'in', [ids.first!, ids.second!]).execute();
        const held = stored.map((r) => `${r.id} ${r.input_json}`).join(' ');
        expect(Object.keys(IDENTIFIERS).filter((kind) => !identifiersIn(held, extra).includes(kind))).toEqual(['memberIdBilled', 'dateOfServiceCompact']);
        for (const dates of ['year', 'shift']) {
          const csv = await runCli(['registry', 'export', '--organization', org, '--format', 'csv', '--dates', dates], '', { env: cliEnv });
          expect(csv.code, csv.stderr).toBe(0);
          expect(csv.stdout.split('\r\n')[0]).toContain('subject,study,date,sex,age');
          expect(identifiersIn(csv.stdout, extra)).toEqual([]);
          // The research values are there.
          expect(csv.stdout).toContain(',0.804,-2.8,-0.5,');
          expect(csv.stdout).toContain(',2,true,alendronate,');
          const out = join(dir, `fhir-${dates}`);
          const fhir = await runCli(['registry', 'export', '--organization', org, '--format', 'fhir', '--dates', dates, '--out', out], '', { env: cliEnv });
          expect(fhir.code, fhir.stderr).toBe(0);
          expect(readdirSync(out).sort()).toEqual(['DiagnosticReport.ndjson', 'Observation.ndjson', 'Patient.ndjson', 'manifest.json']);
          expect(identifiersIn(folderText(out), extra)).toEqual([]);
          expect(readFileSync(join(out, 'Observation.ndjson'), 'utf8')).toContain('"code":"38267-1"');
          expect(readFileSync(join(out, 'Patient.ndjson'), 'utf8').split('\n')[0]).toMatch(/^\{"resourceType":"Patient","id":"s\d+"(,"gender":"(female|male)")?\}$/);
          // The report's words never leave: not even the impression.
          expect(folderText(out) + csv.stdout).not.toMatch(/IMPRESSION|Osteoporosis with a vertebral fracture|postmenopausal/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('groups ages over 89, keeps the interval between shifted dates, and suppresses small quasi-identifier classes', async () => {
      const byYear = await deidentifiedStudies(store.forOrganization(org), {}, 'year', { minimumCellSize: 2 });
      const old = byYear.studies.filter((s) => s.ageBand === '85 and over');
      expect(old.map((s) => s.age)).toEqual(['90 or older', '90 or older']);
      expect(byYear.studies.every((s) => /^\d{4}$/.test(s.date))).toBe(true);
      const shifted = await deidentifiedStudies(store.forOrganization(org), { from: '2024-01-01', to: '2025-04-01' }, 'shift', settings);
      expect(shifted.studies).toHaveLength(2);
      const [a, b] = shifted.studies;
      expect(a!.subject).toBe(b!.subject);
      expect((Date.parse(b!.date) - Date.parse(a!.date)) / 86_400_000).toBe(368);
      expect([a!.date, b!.date]).not.toContain(IDENTIFIERS.dateOfService);
      // The same patient is shifted by the same offset in every export; the subject number is the export's own.
      const again = await deidentifiedStudies(store.forOrganization(org), { from: '2024-01-01', to: '2025-04-01' }, 'shift', settings);
      expect(again.studies.map((s) => s.date)).toEqual(shifted.studies.map((s) => s.date));
      // With the default minimum (11), the two patients over 85 are a class of 2: their sex, age and payer are suppressed.
      const byDefault = await deidentifiedStudies(store.forOrganization(org), { sex: 'male' }, 'year', {});
      expect(byDefault.suppressedStudies).toBe(2);
      expect(byDefault.studies.map((s) => [s.sex, s.age, s.ageBand, s.payer])).toEqual([
        ['suppressed', 'suppressed', 'suppressed', 'suppressed'],
        ['suppressed', 'suppressed', 'suppressed', 'suppressed'],
      ]);
      await expect(deidentifiedStudies(store.forOrganization(org), {}, 'shift', {})).rejects.toMatchObject({ kind: 'invalid' });
    });

    it('answers query and followup on the command line, and names a bad option', async () => {
      const counted = await runCli(['registry', 'query', '--organization', org, '--sex', 'female', '--format', 'text'], '', { env: cliEnv });
      expect(counted.code, counted.stderr).toBe(0);
      expect(counted.stdout).toContain('studies 14, patients 13 (counts of fewer than 11 patients are suppressed)');
      const json = await runCli(['registry', 'query', '--organization', org, '--t-score-category', 'osteoporosis', '--minimum-cell-size', '20'], '', { env: cliEnv });
      expect(JSON.parse(json.stdout)).toMatchObject({ minimumCellSize: 20, studies: 'suppressed' });
      const followed = await runCli(['registry', 'followup', ids.second!, '--organization', org, '--format', 'text'], '', { env: cliEnv });
      expect(followed.code, followed.stderr).toBe(0);
      expect(followed.stdout).toContain('lumbar-spine BMD 0.85 -> 0.804 g/cm2 (-0.046, -5.4%): not judged: no least significant change is configured');
      expect(followed.stdout).toContain('new fractures: T7 grade 2 (was 0)');
      const bad = await runCli(['registry', 'query', '--organization', org, '--genant-grade', '5'], '', { env: cliEnv });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('dxacode: registry query: --genant-grade: expected a Genant grade 0 to 3\n');
      const noFolder = await runCli(['registry', 'export', '--organization', org, '--format', 'fhir'], '', { env: cliEnv });
      expect(noFolder.code).toBe(2);
      expect(noFolder.stderr).toContain('--out: expected a folder');
    });

    it('audits each export with the query that produced it', async () => {
      const { summary } = await exportRegistry(store.forOrganization(org), 'tok-admin', { query: { sex: 'female', from: '2025-01-01' }, format: 'fhir', dateMode: 'year' }, {});
      const [record] = await store.forOrganization(org).audit.list({ limit: 1 });
      expect(record).toMatchObject({ seq: summary.auditSeq, actor: 'tok-admin', action: 'registry-exported' });
      expect(record!.objectIds).toEqual(['format:fhir', 'dates:year', 'minimum-cell-size:11', 'query:{"from":"2025-01-01","sex":"female"}', `studies:${summary.studies}`, `subjects:${summary.subjects}`]);
    });
  });
}

describe('registry API', () => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'dxacode-registry-api-'));
  let app: Awaited<ReturnType<typeof buildServer>>;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    store = await openStore({ url: `sqlite:${join(dir, 'api.db')}` });
    for (let n = 1; n <= 3; n++) await store1(store, 'org-a', filler(n));
    tokens.viewer = (await store.forOrganization('org-a').tokens.create('viewer')).token;
    tokens.admin = (await store.forOrganization('org-a').tokens.create('admin')).token;
    app = await buildServer({ knowledge, store, tokens: storeTokenVerifier(store, { ttlMs: 0 }), registry: { minimumCellSize: 2 } });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const call = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

  it('answers cohort counts to a viewer and names a bad filter', async () => {
    const cohort = await call('GET', '/v1/registry/cohort?sex=female&ageBand=65-74', tokens.viewer!);
    expect(cohort.statusCode).toBe(200);
    expect(cohort.json()).toMatchObject({ studies: 3, patients: 3, minimumCellSize: 2 });
    const bad = await call('GET', '/v1/registry/cohort?tScoreCategory=low', tokens.viewer!);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().findings[0].message).toContain('tScoreCategory');
  });

  it('lets only an admin export, and audits the export', async () => {
    expect((await call('POST', '/v1/registry/export', tokens.viewer!, { format: 'csv' })).statusCode).toBe(403);
    const csv = await call('POST', '/v1/registry/export', tokens.admin!, { format: 'csv', query: { sex: 'female' } });
    expect(csv.statusCode).toBe(200);
    expect(csv.json().csv.split('\r\n').filter((l: string) => l !== '')).toHaveLength(4);
    const fhir = await call('POST', '/v1/registry/export', tokens.admin!, { format: 'fhir' });
    expect(fhir.statusCode).toBe(200);
    expect(fhir.json().manifest.output).toEqual([
      { type: 'Patient', url: 'Patient.ndjson', count: 3 },
      { type: 'DiagnosticReport', url: 'DiagnosticReport.ndjson', count: 3 },
      { type: 'Observation', url: 'Observation.ndjson', count: 3 },
    ]);
    expect((await call('POST', '/v1/registry/export', tokens.admin!, { format: 'fhir', dates: 'shift' })).statusCode).toBe(400);
    const audit = await store.forOrganization('org-a').audit.list({ limit: 3 });
    expect(audit.filter((r) => r.action === 'registry-exported')).toHaveLength(2);
  });
});
