/** Shared fixtures for the X12 tests: a test configuration, encounters with their results, and a written file. */
import type { Encounter } from '../src/contract/encounter.js';
import type { RecommendedLine, Result } from '../src/contract/result.js';
import { parseX12Config, write837P, type CheckedClaim, type X12Settings } from '../src/interchange/x12/index.js';

/** A production-shaped configuration whose every name says TEST (no real party). */
export const TEST_CONFIG_RAW = {
  usage: 'test',
  submitter: { name: 'TEST SUBMITTER', id: 'TESTSUB01', contact: { name: 'TEST CONTACT', phone: '5555550100' } },
  receiver: { name: 'TEST RECEIVER', id: 'TESTRCV01' },
  billingProvider: {
    name: 'TEST BONE DENSITY CLINIC',
    npi: '1234567893',
    taxId: '123456789',
    address: { line: '1 TEST ROAD', city: 'TESTVILLE', state: 'NY', postalCode: '100010001' },
  },
  payers: {
    medicare: { name: 'TEST MEDICARE CONTRACTOR', id: 'TESTMCR01', claimFilingIndicator: 'MB' },
    'aetna-cpb-0134': { name: 'TEST COMMERCIAL PAYER', id: 'TESTCOM01' },
  },
  charges: { '77080': 125.5, '77081': 60, '77085': 180.25, '77086': 55, '76977': 40, G0130: 45, '72100': 70 },
  placeOfService: '11',
};

/** The test configuration, validated. */
export function testConfig(overrides: Partial<X12Settings> = {}): X12Settings {
  const parsed = parseX12Config(TEST_CONFIG_RAW);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { ...parsed.config, ...overrides };
}

/** A complete encounter for claim `n`. */
export function encounterFor(n: number, extra: Partial<Encounter> = {}): Encounter {
  return {
    id: `enc-${n}`,
    claimId: `CLAIM${String(n).padStart(5, '0')}`,
    dateOfService: '2026-01-20',
    patient: {
      sex: n % 3 === 0 ? 'male' : 'female',
      birthDate: '1949-08-30',
      name: { family: `FAMILY${n}`, given: 'TEST' },
      memberId: `MBR${n}`,
      address: { line: `${n} TEST STREET`, city: 'TESTVILLE', state: 'NY', postalCode: '10001' },
    },
    payer: 'medicare',
    performed: [{ procedure: 'dxa-axial' }],
    ...extra,
  };
}

/** A result that recommends exactly these lines and diagnoses (the writer reads only verdict and recommended). */
export function resultWith(lines: RecommendedLine[], diagnoses: string[], verdict: Result['verdict'] = 'clean'): Result {
  return { verdict, recommended: { lines, diagnoses }, findings: [], checked: [], unchecked: [] };
}

/** Two claims: 77080-26 with two diagnoses, and 77081 + 76977 with three. */
export function twoClaims(): CheckedClaim[] {
  return [
    { encounter: encounterFor(1), result: resultWith([{ code: '77080', modifiers: ['26'], units: 1, diagnoses: ['M81.0', 'Z87.310'] }], ['M81.0', 'Z87.310']) },
    {
      encounter: encounterFor(2, { dateOfService: '2026-02-03' }),
      result: resultWith(
        [
          { code: '77081', modifiers: [], units: 1, diagnoses: ['M85.80'] },
          { code: '76977', modifiers: ['GA', 'XU'], units: 2, diagnoses: ['Z78.0', 'M85.80'] },
        ],
        ['M85.80', 'Z78.0', 'E21.0'],
      ),
    },
  ];
}

/** The two claims written as an interchange (one segment per line). */
export function twoClaimFile(): string {
  return write837P(twoClaims(), testConfig(), { interchange: 7, date: '2026-11-27', time: '0930' }).text;
}

/** The file's segments (without terminators and line breaks). */
export function segmentsOf(text: string): string[] {
  return text.split('~\n').filter((s) => s !== '');
}

/** Joins segments back into a file. */
export function fileOf(segments: string[]): string {
  return segments.map((s) => `${s}~\n`).join('');
}
