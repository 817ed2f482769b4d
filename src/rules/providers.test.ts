/**
 * The providers family on imported lists: CMS Order and Referring (PECOS) and the OIG LEIE, read from the invented
 * fixtures with the importers, encoded and decoded as the store keeps them, and compiled as knowledge versions; and
 * the office's settings (required lists, default jurisdiction and billing NPI) carried through forDate.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Encounter } from '../contract/encounter.js';
import { check, parseEncounter } from '../engine/index.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { leie } from '../knowledge/import/leie.js';
import { orderReferring } from '../knowledge/import/order-referring.js';
import { decodeTables, encodeTables } from '../knowledge/import/table.js';
import type { Importer, KnowledgeKind } from '../knowledge/import/types.js';
import { withOfficeSettings, type OfficeSettings } from '../knowledge/office.js';
import { compileVersion, withVersions, type KnowledgeVersionRecord } from '../knowledge/versions.js';
import { isExclusionInForce } from './providers.js';

const FIXTURES = new URL('../../test/fixtures/cms/', import.meta.url).pathname;
const PECOS_FILE = 'Order_and_Referring_2026-09-25.csv';
const pecosBytes = readFileSync(`${FIXTURES}order-referring/${PECOS_FILE}`);
// The fixture's reinstated row has no NPI; one invented row with an NPI and a reinstatement is added for the test.
const leieText = `${readFileSync(`${FIXTURES}leie/UPDATED.csv`, 'utf8').trimEnd()}\r\n"VANTERPOOL","ODA","","","IND- LIC HC SERV PRO","RADIOLOGY","","1111111112","","6 INVENTED WAY","NOWHERE","OH","00006","1128b4","20240105","20260301","00000000",""\r\n`;

const embedded = loadKnowledge();

function version(kind: KnowledgeKind, importer: Importer, name: string, bytes: Uint8Array, seq: number) {
  const data = importer.read([{ name, bytes }]);
  const record: KnowledgeVersionRecord = {
    seq,
    id: `${kind}:test-${seq}`,
    kind,
    edition: data.edition,
    // As imported with --effective-from: the fixtures' own dates fall after the embedded code sets end.
    effectiveFrom: '2026-01-01',
    effectiveTo: null,
    files: [{ name, sha256: '0'.repeat(64), bytes: bytes.length }],
    rowCounts: data.rowCounts,
    contentSha256: '0'.repeat(64),
    importedBy: 'test',
    importedAt: '2026-10-01T00:00:00.000Z',
    warnings: data.warnings,
  };
  return compileVersion(record, decodeTables(encodeTables(data.tables)));
}

const pecos = version('order-referring', orderReferring, PECOS_FILE, pecosBytes, 1);
const exclusions = version('leie', leie, 'UPDATED.csv', Buffer.from(leieText), 2);
const both = withVersions(embedded, [pecos, exclusions]);
const pecosOnly = withVersions(embedded, [pecos]);

/** The J15 Medicare 77080 encounter of cases/medicare-billing-articles.yaml, clean on the embedded knowledge. */
function encounter(changes: Record<string, unknown> = {}): Encounter {
  const parsed = parseEncounter({
    dateOfService: '2026-06-15',
    patient: { sex: 'female', age: 68 },
    jurisdiction: 'J15',
    orderingProvider: { npi: '1987654328', treating: true },
    history: [],
    performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }],
    diagnoses: ['M81.0', 'Z78.0'],
    clinical: { estrogenDeficient: true },
    ...changes,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.encounter;
}

const rules = (result: ReturnType<typeof check>) => result.findings.map((f) => `${f.rule}:${f.severity}`);
const providersChecked = (result: ReturnType<typeof check>) => result.checked.find((c) => c.family === 'providers')?.version ?? '';

describe('compiled provider lists', () => {
  it('finds PECOS rows by NPI with their flags, and not others', () => {
    const lookup = both.forDate('2026-06-15').providers.orderReferring!;
    expect(lookup.rows).toBe(5);
    expect(lookup.get('1987654328')).toMatchObject({ lastName: 'MARBLEWOOD, JR', firstName: 'THEO', partB: true, dme: false });
    expect(lookup.get('1678901236')).toMatchObject({ lastName: 'PELLIGRANO-VEST', partB: false, dme: true, pmd: true });
    expect(lookup.get('1111111112')).toBeUndefined();
    expect(lookup.get('not an npi')).toBeUndefined();
  });

  it('counts LEIE rows without an NPI and finds the others by NPI', () => {
    const lookup = both.forDate('2026-06-15').providers.leie!;
    expect(lookup.rows).toBe(6);
    expect(lookup.withoutNpi).toBe(2);
    expect(lookup.get('1456789019')).toMatchObject([{ name: 'FICTIONAL DENSITOMETRY, LLC', exclusionType: '1128b8', exclusionDate: '2025-01-15', reinstatementDate: null }]);
    expect(lookup.get('1678901236')[0]).toMatchObject({ name: 'OSTRANDERLY, IVO', waiverDate: '2022-03-01', waiverState: 'GA' });
    expect(lookup.get('1765432103')).toEqual([]);
  });

  it('keeps an exclusion in force from its date until the reinstatement', () => {
    const row = both.forDate('2026-06-15').providers.leie!.get('1111111112')[0]!;
    expect(isExclusionInForce(row, '2024-01-04')).toBe(false);
    expect(isExclusionInForce(row, '2024-01-05')).toBe(true);
    expect(isExclusionInForce(row, '2026-02-28')).toBe(true);
    expect(isExclusionInForce(row, '2026-03-01')).toBe(false);
  });

  it('applies only from the version\'s effective date', () => {
    expect(both.forDate('2025-12-31').providers).toEqual({});
  });
});

describe('providers: Order and Referring (PECOS)', () => {
  it('an eligible orderer passes, and checked names the versions', () => {
    const result = check(encounter(), both);
    expect(result.verdict, JSON.stringify(result)).toBe('clean');
    expect(providersChecked(result)).toContain(pecos.record.id);
    expect(providersChecked(result)).toContain(exclusions.record.id);
  });

  it('an orderer on the file but not eligible for Part B denies', () => {
    const result = check(encounter({ orderingProvider: { npi: '1678901236', treating: true } }), pecosOnly);
    expect(result.verdict).toBe('reject');
    expect(rules(result)).toContain('provider.orderer-not-eligible:error');
    const finding = result.findings.find((f) => f.rule === 'provider.orderer-not-eligible')!;
    expect(finding.message).toContain('1678901236 (PELLIGRANO-VEST, MIRA)');
    expect(finding.message).toContain('PARTB N');
    expect(finding.source.version).toBe(pecos.record.id);
    expect(finding).toMatchObject({ path: 'orderingProvider.npi', params: { npi: '1678901236', onFile: true } });
  });

  it('an orderer not on the file denies', () => {
    const result = check(encounter({ orderingProvider: { npi: '1111111112', treating: true } }), pecosOnly);
    expect(result.verdict).toBe('reject');
    const finding = result.findings.find((f) => f.rule === 'provider.orderer-not-eligible');
    expect(finding?.message).toContain('1111111112 is not on the');
    expect(finding?.params).toEqual({ npi: '1111111112', onFile: false });
  });

  it('does not apply to a commercial payer', () => {
    const result = check(encounter({ payer: 'aetna-cpb-0134', orderingProvider: { npi: '1111111112', treating: true } }), pecosOnly);
    expect(rules(result)).not.toContain('provider.orderer-not-eligible:error');
  });

  it('warns when no ordering NPI is given while the file is loaded', () => {
    const result = check(encounter({ orderingProvider: { treating: true } }), pecosOnly);
    expect(rules(result)).toContain('provider.orderer-npi-missing:warning');
    expect(result.verdict).toBe('review');
    // No NPI, so nothing to point to and nothing to compare (docs/rules.md).
    const finding = result.findings.find((f) => f.rule === 'provider.orderer-npi-missing');
    expect(finding?.path).toBeUndefined();
    expect(finding?.params).toBeUndefined();
  });
});

describe('providers: OIG exclusions (LEIE)', () => {
  it('an excluded billing NPI denies, for any payer', () => {
    for (const payer of ['medicare', 'aetna-cpb-0134']) {
      const result = check(encounter({ payer, billingProvider: { npi: '1456789019' } }), both);
      expect(result.verdict).toBe('reject');
      const finding = result.findings.find((f) => f.rule === 'provider.excluded')!;
      expect(finding.message).toContain('billing NPI 1456789019 (FICTIONAL DENSITOMETRY, LLC');
      expect(finding.source.version).toBe(exclusions.record.id);
      expect(finding.path).toBe('billingProvider.npi');
      expect(finding.params).toEqual({ npi: '1456789019', roles: ['billing'], exclusionType: '1128b8', exclusionDate: '2025-01-15', reinstatementDate: null });
    }
  });

  it('keeps the waiver in the message: it does not lift the exclusion for the office', () => {
    const result = check(encounter({ billingProvider: { npi: '1678901236' } }), both);
    expect(result.findings.find((f) => f.rule === 'provider.excluded')?.message).toMatch(/waiver from 2022-03-01 for GA.*does not lift the exclusion/);
  });

  it('an NPI reinstated before the date of service passes', () => {
    const result = check(encounter({ billingProvider: { npi: '1111111112' } }), both);
    expect(result.verdict, JSON.stringify(result.findings)).toBe('clean');
  });

  it('an excluded ordering NPI denies', () => {
    const result = check(encounter({ orderingProvider: { npi: '1234567893', treating: true } }), both);
    const finding = result.findings.find((f) => f.rule === 'provider.excluded');
    expect(finding?.message).toContain('ordering NPI 1234567893 (QUILLFEATHER, ANNA');
    expect(finding).toMatchObject({ path: 'orderingProvider.npi', params: { npi: '1234567893', roles: ['ordering'] } });
  });
});

describe('providers: lists not loaded', () => {
  it('a list the office does not require keeps a clean claim clean', () => {
    const result = check(encounter(), embedded);
    expect(result.verdict).toBe('clean');
    expect(providersChecked(result)).toContain('order-referring not loaded');
    expect(providersChecked(result)).toContain('leie not loaded');
  });

  it('a list the office requires and has not loaded makes the verdict review', () => {
    const result = check(encounter(), withOfficeSettings(pecosOnly, { require: ['leie'] }));
    expect(result.verdict).toBe('review');
    const reasons = result.unchecked.filter((u) => u.family === 'providers').map((u) => u.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('OIG exclusion list (LEIE)');
    expect(reasons[0]).toContain('dxacode knowledge import leie');
  });

  it('a required list that is loaded counts towards clean', () => {
    const result = check(encounter(), withOfficeSettings(both, { require: ['order-referring', 'leie'] }));
    expect(result.verdict).toBe('clean');
  });
});

describe('office settings', () => {
  const j15: OfficeSettings = { jurisdiction: 'J15', require: [] };

  it('the office jurisdiction is the default of an encounter that names none', () => {
    const without = encounter({ jurisdiction: undefined });
    expect(check(without, embedded).verdict).toBe('review');
    expect(check(without, withOfficeSettings(embedded, j15)).verdict).toBe('clean');
    // The encounter's own jurisdiction wins.
    expect(check(encounter({ jurisdiction: 'J6' }), withOfficeSettings(embedded, j15)).verdict).toBe('review');
  });

  it('survives forDate, whichever is applied first', () => {
    for (const knowledge of [withOfficeSettings(both, j15), withVersions(withOfficeSettings(embedded, j15), [pecos, exclusions])]) {
      const onDate = knowledge.forDate('2026-06-15');
      expect(onDate.office).toEqual(j15);
      expect(onDate.providers.orderReferring).toBeDefined();
      expect(onDate.forDate('2026-06-16').office).toEqual(j15);
      expect(knowledge.forDate('2026-06-15')).toBe(onDate);
    }
  });

  it('the office billing NPI is checked when the encounter gives none', () => {
    const result = check(encounter(), withOfficeSettings(both, { billingNpi: '1456789019', require: [] }));
    expect(rules(result)).toContain('provider.excluded:error');
    // The office's NPI is not in the encounter: the finding has no path (docs/rules.md), its params still name it.
    const finding = result.findings.find((f) => f.rule === 'provider.excluded');
    expect(finding?.path).toBeUndefined();
    expect(finding?.params?.npi).toBe('1456789019');
    const own = check(encounter({ billingProvider: { npi: '1111111112' } }), withOfficeSettings(both, { billingNpi: '1456789019', require: [] }));
    expect(own.verdict).toBe('clean');
  });
});

/**
 * Each providers finding, `checked` entry and `unchecked` reason word for word (the tests above compare parts). Two
 * more invented rows: a PECOS practitioner without a first name and not eligible for Part B, and an NPI with two
 * LEIE exclusions, the first reinstated before the date of service, the second in force with a waiver and no waiver
 * state or specialty, and a third in force from 2026-01-01 (one finding per NPI: the first in force). 1234567890 fails the check digit (1234567893 passes; CMS NPI standard, Luhn over 80840).
 */
describe('providers findings word for word', () => {
  const pecosMore = version('order-referring', orderReferring, PECOS_FILE, Buffer.concat([pecosBytes, Buffer.from('1000000004,QUARRYSTONE,,N,N,N,N,N\n')]), 3);
  const leieMore = version(
    'leie',
    leie,
    'UPDATED.csv',
    Buffer.from(
      `${leieText}"RIVERMOOR","JUNO","","","INDIVIDUAL","","","2000000002","","7 INVENTED WAY","NOWHERE","OH","00007","1128b5","20200101","20210101","00000000",""\r\n` +
        `"RIVERMOOR","JUNO","","","INDIVIDUAL","","","2000000002","","7 INVENTED WAY","NOWHERE","OH","00007","1128b7","20250301","00000000","20250401",""\r\n` +
        `"RIVERMOOR","JUNO","","","INDIVIDUAL","","","2000000002","","7 INVENTED WAY","NOWHERE","OH","00007","1128a1","20260101","00000000","00000000",""\r\n`,
    ),
    4,
  );
  const more = withVersions(embedded, [pecosMore, leieMore]);
  const onDate = more.forDate('2026-06-15').providers;
  const pecosLabel = onDate.orderReferring!.info.label;
  const leieLabel = onDate.leie!.info.label;
  const npiSource = {
    title: 'CMS NPI standard: the tenth digit is a Luhn check digit computed over the prefix 80840 and the first nine digits (not in REFERENCE)',
    confidence: 'secondary',
  };
  const providerFindings = (result: ReturnType<typeof check>) => result.findings.filter((f) => f.rule.startsWith('provider.'));
  const providersUnchecked = (result: ReturnType<typeof check>) => result.unchecked.filter((u) => u.family === 'providers').map((u) => u.reason);
  const notEligibleFix = 'Confirm the ordering practitioner and their NPI; an eligible practitioner must order the study (the practitioner enrols in PECOS to order).';

  it('names every role of an NPI that fails the check digit, and points to where the encounter gives it', () => {
    const result = check(encounter({ orderingProvider: { npi: '1234567890', treating: true }, billingProvider: { npi: '1234567890' } }), more);
    expect(providerFindings(result)).toEqual([
      {
        rule: 'provider.npi-check-digit',
        severity: 'error',
        message: 'The ordering and billing NPI 1234567890 fails the NPI check digit (Luhn over 80840 and its first nine digits): it is mistyped or not an NPI, and the claim will be rejected.',
        fix: 'Correct the ordering and billing NPI from NPPES.',
        source: npiSource,
        path: 'orderingProvider.npi',
        params: { npi: '1234567890', roles: ['ordering', 'billing'] },
      },
    ]);
    // A mistyped billing NPI beside a valid ordering one: its own path; not looked up in PECOS or the LEIE.
    const billing = check(encounter({ billingProvider: { npi: '1234567890' } }), more);
    expect(providerFindings(billing)).toEqual([{ ...providerFindings(result)[0], message: expect.stringMatching(/^The billing NPI 1234567890 fails/), fix: 'Correct the billing NPI from NPPES.', path: 'billingProvider.npi', params: { npi: '1234567890', roles: ['billing'] } }]);
    // The office's default billing NPI: nothing in the encounter to point to.
    const office = check(encounter(), withOfficeSettings(more, { billingNpi: '1234567890', require: [] }));
    expect(providerFindings(office).map((f) => [f.rule, f.path, f.params])).toEqual([['provider.npi-check-digit', undefined, { npi: '1234567890', roles: ['billing'] }]]);
  });

  it('does not look a mistyped ordering NPI up in PECOS', () => {
    const result = check(encounter({ orderingProvider: { npi: '1234567890', treating: true } }), more);
    expect(providerFindings(result).map((f) => f.rule)).toEqual(['provider.npi-check-digit']);
  });

  it('a missing ordering NPI', () => {
    const result = check(encounter({ orderingProvider: { treating: true } }), more);
    expect(providerFindings(result)).toEqual([
      {
        rule: 'provider.orderer-npi-missing',
        severity: 'warning',
        message: `The encounter gives no ordering NPI, so whether the practitioner who ordered the study may order Part B services was not checked against the ${pecosLabel}.`,
        fix: "Give the ordering provider's NPI (837P 2310A / 2420E).",
        source: onDate.orderReferring!.info.source,
      },
    ]);
    expect(pecosLabel).toContain(pecosMore.record.id);
  });

  it('an orderer not eligible: on the file without a first name, and not on the file', () => {
    const onFile = check(encounter({ orderingProvider: { npi: '1000000004', treating: true } }), more);
    expect(providerFindings(onFile)).toEqual([
      {
        rule: 'provider.orderer-not-eligible',
        severity: 'error',
        message: `The ordering NPI 1000000004 (QUARRYSTONE) is on the ${pecosLabel}, but not eligible to order Part B services (PARTB N): Medicare denies the study ordered by them.`,
        fix: notEligibleFix,
        source: onDate.orderReferring!.info.source,
        path: 'orderingProvider.npi',
        params: { npi: '1000000004', onFile: true },
      },
    ]);
    const offFile = check(encounter({ orderingProvider: { npi: '2000000002', treating: true } }), withVersions(embedded, [pecosMore]));
    expect(providerFindings(offFile)).toEqual([
      {
        rule: 'provider.orderer-not-eligible',
        severity: 'error',
        message: `The ordering NPI 2000000002 is not on the ${pecosLabel}: the practitioner is not enrolled in Medicare as eligible to order, and Medicare denies the study ordered by them.`,
        fix: notEligibleFix,
        source: onDate.orderReferring!.info.source,
        path: 'orderingProvider.npi',
        params: { npi: '2000000002', onFile: false },
      },
    ]);
  });

  it('an exclusion with its reinstatement, and of three the first in force (a waiver but no state or specialty), after an earlier one ended', () => {
    const reinstated = check(encounter({ dateOfService: '2026-02-27', billingProvider: { npi: '1111111112' } }), more);
    expect(providerFindings(reinstated)).toEqual([
      {
        rule: 'provider.excluded',
        severity: 'error',
        message: 'The billing NPI 1111111112 (VANTERPOOL, ODA; RADIOLOGY) is excluded by OIG under 1128b4 from 2024-01-05 until reinstatement on 2026-03-01: no Federal health care program pays for a service involving them on 2026-02-27.',
        fix: 'Do not bill the service; refer to compliance.',
        source: onDate.leie!.info.source,
        path: 'billingProvider.npi',
        params: { npi: '1111111112', roles: ['billing'], exclusionType: '1128b4', exclusionDate: '2024-01-05', reinstatementDate: '2026-03-01' },
      },
    ]);
    const twice = check(encounter({ payer: 'aetna-cpb-0134', orderingProvider: { npi: '2000000002', treating: true }, billingProvider: { npi: '2000000002' } }), more);
    expect(providerFindings(twice)).toEqual([
      {
        rule: 'provider.excluded',
        severity: 'error',
        message:
          'The ordering and billing NPI 2000000002 (RIVERMOOR, JUNO) is excluded by OIG under 1128b7 from 2025-03-01, not reinstated: no Federal health care program pays for a service involving them on 2026-06-15. OIG lists a waiver from 2025-04-01: a waiver applies only as OIG granted it (to the program that asked for it); it does not lift the exclusion for the billing office in general.',
        fix: 'Do not bill the service; refer to compliance.',
        source: onDate.leie!.info.source,
        path: 'orderingProvider.npi',
        params: { npi: '2000000002', roles: ['ordering', 'billing'], exclusionType: '1128b7', exclusionDate: '2025-03-01', reinstatementDate: null },
      },
    ]);
  });

  it('checks the orderer of a Medicare claim with one line in the code tables, and not for an unknown payer', () => {
    const mixed = check(encounter({ orderingProvider: { npi: '2000000002', treating: true }, claim: { lines: [{ code: 'A0021', diagnoses: ['M81.0'] }, { code: '77080', diagnoses: ['M81.0'] }] } }), withVersions(embedded, [pecosMore]));
    expect(providerFindings(mixed).map((f) => [f.rule, f.params])).toEqual([['provider.orderer-not-eligible', { npi: '2000000002', onFile: false }]]);
    // No pack (an unknown payer): not a Medicare claim, nothing to check, and no error.
    const unknown = check(encounter({ payer: 'no-such-payer', orderingProvider: { npi: '2000000002', treating: true } }), withVersions(embedded, [pecosMore]));
    expect(providerFindings(unknown)).toEqual([]);
  });

  it('records the lists in checked, with the LEIE rows it cannot match', () => {
    expect(providersChecked(check(encounter(), more))).toBe(`NPI check digit; ${pecosLabel}; ${leieLabel} (2 of 9 rows without an NPI cannot be matched by NPI)`);
    // Every row with an NPI: the label alone.
    const leieAllNpi = version('leie', leie, 'UPDATED.csv', Buffer.from(leieText.split('\r\n').filter((row) => !row.includes('"0000000000"')).join('\r\n')), 5);
    const allNpi = withVersions(embedded, [leieAllNpi]);
    expect(allNpi.forDate('2026-06-15').providers.leie!.withoutNpi).toBe(0);
    expect(providersChecked(check(encounter(), allNpi))).toBe(
      `NPI check digit; order-referring not loaded for 2026-06-15: the ordering NPI was not checked against PECOS (dxacode knowledge import order-referring FILE); ${allNpi.forDate('2026-06-15').providers.leie!.info.label}`,
    );
    expect(providersChecked(check(encounter(), embedded))).toBe(
      'NPI check digit; order-referring not loaded for 2026-06-15: the ordering NPI was not checked against PECOS (dxacode knowledge import order-referring FILE); leie not loaded for 2026-06-15: the ordering and billing NPIs were not checked against the exclusion list (dxacode knowledge import leie FILE)',
    );
    expect(providerFindings(check(encounter(), embedded))).toEqual([]);
  });

  it('names each list the office requires and has not loaded', () => {
    const result = check(encounter(), withOfficeSettings(embedded, { require: ['order-referring', 'leie'] }));
    expect(providersUnchecked(result)).toEqual([
      'the office requires the CMS Order and Referring file (PECOS), but none is loaded in force on 2026-06-15: the ordering NPI was not checked against PECOS (dxacode knowledge import order-referring FILE)',
      'the office requires the OIG exclusion list (LEIE), but none is loaded in force on 2026-06-15: the ordering and billing NPIs were not checked against the exclusion list (dxacode knowledge import leie FILE)',
    ]);
    expect(providersUnchecked(check(encounter(), withOfficeSettings(more, { require: ['order-referring', 'leie'] })))).toEqual([]);
  });
});
