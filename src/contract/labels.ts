/**
 * Plain-English labels of the encounter's fields, for every text a user reads: finding messages, fixes, the reasons a
 * family was not checked, and the workbench page. One table, so a field has one name wherever it is shown; the
 * field paths themselves (CONTRACT.md) stay in a finding's `path` and the API.
 */

/** The label of each field name of the Encounter (CONTRACT.md), as a coder would say it. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  dateOfService: 'Date of service',
  patient: 'Patient',
  sex: 'Sex',
  birthDate: 'Birth date',
  age: 'Age',
  name: 'Name',
  mrn: 'MRN',
  memberId: 'Member id',
  payer: 'Payer',
  claimType: 'Claim type',
  component: 'Component billed',
  placeOfService: 'Place of service',
  jurisdiction: 'MAC jurisdiction',
  orderingProvider: 'Ordering provider',
  billingProvider: 'Billing provider',
  npi: 'NPI',
  treating: 'Treating practitioner',
  performed: 'Performed',
  procedure: 'Procedure',
  sites: 'Sites',
  interpreted: 'Interpreted',
  diagnoses: 'Diagnosis',
  clinical: '',
  tScoreLowest: 'Lowest T-score',
  heightLossHistoricalCm: 'Historical height loss (cm)',
  heightLossProspectiveCm: 'Prospective height loss (cm)',
  glucocorticoidMgPerDay: 'Glucocorticoid dose (mg/day)',
  glucocorticoidMonths: 'Glucocorticoid duration (months)',
  selfReportedVertebralFracture: 'Self-reported vertebral fracture',
  estrogenDeficient: 'Estrogen deficient',
  primaryHyperparathyroidism: 'Primary hyperparathyroidism',
  vertebralAbnormalityOnXray: 'Vertebral abnormality on X-ray',
  monitoringOsteoporosisTherapy: 'Monitoring osteoporosis therapy',
  history: 'History',
  abnOnFile: 'Signed ABN on file',
  priorAuthorization: 'Prior authorization',
  obtained: 'Obtained',
  report: 'Report',
  morphometry: 'VFA vertebral heights',
  priorMorphometry: 'Prior VFA vertebral heights',
  number: 'Number',
  claim: 'Claim',
  lines: 'Line',
  code: 'Code',
  modifiers: 'Modifier',
  units: 'Units',
};

/**
 * A field path as a coder reads it: `clinical.tScoreLowest` becomes `Lowest T-score`, `claim.lines[1].code`
 * `Claim · Line 2 · Code` (indexes counted from 1). A name the table lacks is split into lower-case words.
 */
export function fieldLabel(path: string): string {
  return path
    .split('.')
    .map((part) => {
      const m = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(part);
      if (!m) return part;
      const name = m[1]!;
      const word = FIELD_LABELS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      return m[2] !== undefined ? `${word} ${Number(m[2]) + 1}` : word;
    })
    .filter(Boolean)
    .join(' · ');
}

/** Phrases already made: the rules ask for the same few fields in every check. Bounded against unusual input. */
const phrases = new Map<string, string>();
const MAX_PHRASES = 1_000;

/** A field's label inside a sentence: its first letter in lower case unless it starts an abbreviation (T-score, MRN, NPI). */
export function fieldPhrase(path: string): string {
  let phrase = phrases.get(path);
  if (phrase === undefined) {
    const label = fieldLabel(path);
    phrase = /^[A-Z][A-Z-]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
    if (phrases.size < MAX_PHRASES) phrases.set(path, phrase);
  }
  return phrase;
}
