// Deterministic generator of a realistic mix of DXA/VFA encounters for the benchmark (and the peer test).
// Seeded PRNG (mulberry32), no Math.random, no clock: makeEncounters(n, seed) always returns the same encounters.

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. Returns floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad2 = (n) => String(n).padStart(2, '0');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y, m) => (m === 2 && isLeap(y) ? 29 : DAYS[m - 1]);

function isoDate(year, month, day) {
  return `${year}-${pad2(month)}-${pad2(Math.min(day, daysIn(year, month)))}`;
}

/** The date `months` calendar months before (year, month), on `day` (clamped to the month). */
function monthsBefore(year, month, months, day) {
  const index = year * 12 + (month - 1) - months;
  return isoDate(Math.floor(index / 12), (index % 12) + 1, day);
}

// Claim-line codes and how often they are billed (weights), with the procedure each one documents.
const CODES = [
  ['77080', 40],
  ['77081', 8],
  ['77085', 14],
  ['77086', 12],
  ['77082', 3],
  ['77083', 2],
  ['76977', 5],
  ['G0130', 3],
  ['78350', 2],
  ['72100', 4],
];
const PERFORMED_FOR = {
  '77080': [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }],
  '77081': [{ procedure: 'dxa-peripheral', sites: ['left-forearm'] }],
  '77085': [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'right-hip'] }, { procedure: 'vfa' }],
  '77086': [{ procedure: 'vfa' }],
  '77082': [{ procedure: 'vfa' }],
  '77083': [{ procedure: 'radiographic-absorptiometry', sites: ['finger'] }],
  '76977': [{ procedure: 'ultrasound-peripheral', sites: ['heel'] }],
  G0130: [{ procedure: 'sexa-peripheral', sites: ['heel'] }],
  '78350': [{ procedure: 'spa', sites: ['forearm'] }],
  '72100': [{ procedure: 'spine-radiograph', sites: ['lumbar-spine'] }],
};
const MODIFIERS = [
  ['26', 4],
  ['TC', 3],
  ['XU', 2],
  ['GA', 3],
  ['GZ', 2],
  ['59', 2],
  ['76', 1],
];
const DIAGNOSES = [
  ['M81.0', 30],
  ['M85.851', 6],
  ['M85.80', 10],
  ['Z13.820', 14],
  ['Z78.0', 12],
  ['Z79.52', 5],
  ['Z79.83', 8],
  ['E21.0', 3],
  ['M80.08XA', 3],
  ['Z87.310', 5],
  ['I10', 4],
];
const PAYERS = [
  ['medicare', 70],
  ['aetna-cpb-0134', 10],
  ['blue-plan-6-01-44', 10],
  ['qualchoice-bi216', 10],
];
// MAC jurisdictions of the billing provider (a Medicare claim names one; a few leave it out).
const JURISDICTIONS = [
  ['J15', 20],
  ['JJ', 15],
  ['JM', 15],
  ['JH', 10],
  ['JL', 8],
  ['JK', 8],
  ['JN', 8],
  ['J5', 4],
  ['J6', 4],
  ['J8', 4],
  ['JE', 2],
  ['JF', 2],
  [undefined, 10],
];
const HISTORY_CODES = [
  ['77080', 60],
  ['77085', 15],
  ['77081', 8],
  ['76977', 6],
  ['G0130', 3],
  ['77086', 5],
  ['77078', 3],
];
const OTHER_PROCEDURES = ['dxa-axial', 'dxa-peripheral', 'vfa', 'ultrasound-peripheral', 'qct-axial', 'dxa-body-composition'];

function weighted(rand, table) {
  let total = 0;
  for (const [, w] of table) total += w;
  let r = rand() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}

const int = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (rand, list) => list[Math.floor(rand() * list.length)];

function distinct(rand, table, count) {
  const out = [];
  for (let tries = 0; out.length < count && tries < 20; tries++) {
    const v = weighted(rand, table);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** The claim lines of one encounter: typical combinations, sometimes odd ones. */
function claimCodes(rand, year) {
  const r = rand();
  if (r < 0.35) return ['77080'];
  if (r < 0.5) return [year >= 2015 ? '77085' : '77080'];
  if (r < 0.6) return ['77080', '77086']; // combined-code edit
  if (r < 0.65) return ['77080', '77081']; // mutually exclusive pair
  if (r < 0.68) return ['77085', '77080']; // contained
  const count = int(rand, 1, 4);
  const codes = [];
  for (let i = 0; i < count; i++) codes.push(weighted(rand, CODES));
  return codes;
}

function lineModifiers(rand, component) {
  const mods = [];
  if (component === 'professional' && rand() < 0.9) mods.push('26');
  if (component === 'technical' && rand() < 0.9) mods.push('TC');
  if (rand() < 0.22) {
    const extra = int(rand, 1, 3);
    for (let i = 0; i < extra && mods.length < 4; i++) {
      const m = weighted(rand, MODIFIERS);
      if (!mods.includes(m)) mods.push(m);
    }
  }
  return mods;
}

function clinicalFacts(rand) {
  if (rand() < 0.55) return undefined;
  const c = {};
  if (rand() < 0.6) c.tScoreLowest = Math.round((rand() * 5 - 4) * 10) / 10;
  if (rand() < 0.15) {
    c.glucocorticoidMgPerDay = pick(rand, [2.5, 5, 7.5, 10, 20]);
    c.glucocorticoidMonths = int(rand, 1, 24);
  }
  if (rand() < 0.3) c.estrogenDeficient = true;
  if (rand() < 0.1) c.heightLossHistoricalCm = int(rand, 1, 6);
  if (rand() < 0.05) c.primaryHyperparathyroidism = true;
  if (rand() < 0.05) c.vertebralAbnormalityOnXray = true;
  if (rand() < 0.15) c.monitoringOsteoporosisTherapy = true;
  if (rand() < 0.05) c.selfReportedVertebralFracture = true;
  return c;
}

/** One encounter. */
export function makeEncounter(rand, index, seed) {
  const year = int(rand, 2014, 2026);
  const month = int(rand, 1, 12);
  const day = int(rand, 1, 28);
  const dateOfService = isoDate(year, month, day);
  const sex = rand() < 0.88 ? 'female' : rand() < 0.9 ? 'male' : 'unknown';
  const age = int(rand, 45, 92);
  const patient = rand() < 0.8 ? { sex, birthDate: isoDate(year - age, int(rand, 1, 12), int(rand, 1, 28)) } : rand() < 0.8 ? { sex, age } : { sex };

  const payer = weighted(rand, PAYERS);
  const rc = rand();
  const component = rc < 0.8 ? 'global' : rc < 0.92 ? 'professional' : 'technical';

  const codes = claimCodes(rand, year);
  const dxCount = rand() < 0.08 ? 0 : int(rand, 1, 3);
  const diagnoses = distinct(rand, DIAGNOSES, dxCount);

  // Performed: consistent with the lines most of the time, sometimes missing or extra.
  const performed = [];
  const seenProcedures = new Set();
  for (const code of codes) {
    for (const p of PERFORMED_FOR[code]) {
      if (seenProcedures.has(p.procedure)) continue;
      seenProcedures.add(p.procedure);
      performed.push(p.sites ? { procedure: p.procedure, sites: [...p.sites] } : { procedure: p.procedure });
    }
  }
  const rp = rand();
  if (rp < 0.05 && performed.length > 1) performed.pop();
  else if (rp < 0.1) {
    const extra = pick(rand, OTHER_PROCEDURES);
    if (!seenProcedures.has(extra)) performed.push({ procedure: extra });
  }
  if (performed.length > 0 && rand() < 0.03) performed[0].interpreted = false;

  const lines = codes.map((code) => {
    const line = { code };
    const mods = lineModifiers(rand, component);
    if (mods.length > 0) line.modifiers = mods;
    if (rand() < 0.06) line.units = 2;
    else if (rand() < 0.3) line.units = 1;
    if (diagnoses.length > 0 && rand() < 0.9) line.diagnoses = diagnoses.slice(0, int(rand, 1, diagnoses.length));
    return line;
  });

  const encounter = { id: `bench-${seed}-${index}`, dateOfService, patient };
  if (payer !== 'medicare' || rand() < 0.6) encounter.payer = payer;
  if (rand() < 0.1) encounter.claimType = 'institutional';
  if (payer === 'medicare') {
    const jurisdiction = weighted(rand, JURISDICTIONS);
    if (jurisdiction !== undefined) encounter.jurisdiction = jurisdiction;
  }
  if (component !== 'global' || rand() < 0.3) encounter.component = component;
  if (rand() < 0.7) encounter.placeOfService = rand() < 0.8 ? '11' : '22';
  if (rand() < 0.75) encounter.orderingProvider = { npi: '1234567893', treating: rand() < 0.93 };
  encounter.performed = performed;
  if (diagnoses.length > 0) encounter.diagnoses = diagnoses;
  const clinical = clinicalFacts(rand);
  if (clinical) encounter.clinical = clinical;

  const rh = rand();
  if (rh >= 0.25) {
    const count = rh < 0.35 ? 0 : int(rand, 1, 3);
    const history = [];
    for (let i = 0; i < count; i++) {
      history.push({ dateOfService: monthsBefore(year, month, int(rand, 3, 72), int(rand, 1, 28)), code: weighted(rand, HISTORY_CODES) });
    }
    encounter.history = history;
  }
  if (rand() < 0.15) encounter.abnOnFile = rand() < 0.7;
  if (payer !== 'medicare' && rand() < 0.4) encounter.priorAuthorization = { obtained: rand() < 0.8 };
  encounter.claim = { lines };
  return encounter;
}

/** n deterministic encounters from the seed. */
export function makeEncounters(n, seed = 1) {
  const rand = prng(seed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = makeEncounter(rand, i, seed);
  return out;
}
