// The benchmark's peer: dxacode's pair, unit, modifier and Medicare frequency rules written for json-rules-engine,
// the common JavaScript rules engine, in two builds of the same rules (same conditions, same events):
//   untuned  as the library's documentation suggests: one Engine, JSONPath condition paths (`$.code`, the default
//            path resolver), four claim-line slots always evaluated behind a `lineCount` guard, allowUndefinedFacts.
//            runPeerUntuned().
//   tuned    as an expert would write it: a plain pathResolver (`object[path]`, no JSONPath), one Engine per claim
//            line count (facts and rules only for the lines that exist, so no guards and no undefined facts:
//            allowUndefinedFacts and replaceFactsInEventParams left off, their defaults), and condition priorities
//            so that the cheap, selective conditions run first and `all` short-circuits before the costly ones.
//            runPeer(); the benchmark's headline ratio is against this one.
// Every Engine is built once (at module load, or on first use for a line count over LINE_SLOTS) and reused; each
// run*() call precomputes the per-encounter facts and calls engine.run(facts) once.
//
// Scope (the same rules dxacode runs in these families, so the comparison is of equal work on these checks):
//   pairs      combined-code  77080 + 77086 on one date (from 2015-01-01)             dxacode pair.combined-code
//              contained      77085 with 77080 or 77086 (from 2015-01-01)             dxacode pair.contained / pair.bypass-not-allowed
//              mutually-excl. 77081 with 77080, professional claims, unless a line
//                             of the pair carries XU/XE/XS/XP/59                       dxacode pair.mutually-exclusive
//   units      units over MUE (1 for the codes of the CMS MUE table below), per line  dxacode units.over-mue
//   modifiers  26 with TC; GA/GY, GA/GZ, GY/GZ; GX without GY; > 4 modifiers          dxacode modifier.exclusive / .requires / .too-many
//   frequency  Medicare BMM line (BMM_CODES below) when the last BMM in history
//              is in a month less than 24 calendar months before the DOS month (eligible from the first day of the
//              month 24 months after the month of the last one, i.e. "at least 23 months"), without the
//              glucocorticoid-monitoring or confirmatory-baseline exception              dxacode frequency.too-soon
import { Engine } from 'json-rules-engine';

/** Claim-line slots of the untuned engine (the generator makes 1-4; the contract allows more; the tuned one builds an
 * engine for any line count). */
export const LINE_SLOTS = 4;

/** dxacode's rule families that hold the peer's rules: the benchmark runs dxacode with only these for the
 * same-rules ratio (`dxacode check --only pairs,units,modifiers,frequency`). */
export const PEER_FAMILIES = ['pairs', 'units', 'modifiers', 'frequency'];

// MUE per code, the same for practitioner and outpatient claims: the CMS NCCI MUE table dxacode ships
// (src/knowledge/data/cms/mue-2026q4-bone-density.csv, 2026 Q4), every bone-density code in it at 1 unit.
const MUE = Object.fromEntries(['76977', '77078', '77080', '77081', '77085', '77086', '77089', '77090', '77091', '77092', 'G0130'].map((c) => [c, 1]));
const BYPASS = ['XU', 'XE', 'XS', 'XP', '59'];
// The BMM codes of medicare-bmm.json with their first dates (MLN Matters MM5521/MM5847: 77078, 77080, 77081 and 77083
// replaced 76070, 76075, 76076 and 76078 from 2007-01-01; 77085 from 2015).
const BMM_CODES = [
  ['77085', 20150101],
  ['77080', 20070101],
  ['77081', 20070101],
  ['77078', 20070101],
  ['77083', 20070101],
  ['76977', 0],
  ['G0130', 0],
  ['76075', 0],
  ['76076', 0],
  ['76070', 0],
  ['76078', 0],
];
const AXIAL_DXA = ['76075', '77080', '77085'];
const PROGRAM = { medicare: 'medicare', 'aetna-cpb-0134': 'commercial', 'blue-plan-6-01-44': 'commercial', 'qualchoice-bi216': 'commercial' };

const dateNumber = (iso) => Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
const monthIndex = (iso) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const bmmCodesOn = (dateNum) => BMM_CODES.filter(([, from]) => dateNum >= from).map(([code]) => code);
function normalizeIcd(code) {
  const plain = code.toUpperCase().replace('.', '');
  return plain.length > 3 ? `${plain.slice(0, 3)}.${plain.slice(3)}` : plain;
}

// ---- rules -------------------------------------------------------------------------------------------------------
// One definition of the rules, rendered for either build: `tuned` selects the plain path syntax and the priorities.
// Condition priorities only order evaluation (a higher priority set runs first and a failed `all` set stops the
// rule); they never change which events are raised.

const PRIORITY = { first: 30, second: 20, third: 10 };

function pairRules(tuned) {
  const at = (condition, priority) => (tuned ? { ...condition, priority } : condition);
  const from2015 = at({ fact: 'dos', operator: 'greaterThanInclusive', value: 20150101 }, PRIORITY.third);
  const has = (code, priority) => at({ fact: 'codes', operator: 'contains', value: code }, priority);
  return [
    {
      name: 'pair.combined-code',
      conditions: { all: [from2015, has('77080', PRIORITY.first), has('77086', PRIORITY.second)] },
      event: { type: 'pair.combined-code', params: { codes: ['77080', '77086'], replacement: '77085' } },
    },
    {
      name: 'pair.contained-77080',
      conditions: { all: [from2015, has('77085', PRIORITY.first), has('77080', PRIORITY.second)] },
      event: { type: 'pair.contained', params: { column1: '77085', column2: '77080' } },
    },
    {
      name: 'pair.contained-77086',
      conditions: { all: [from2015, has('77085', PRIORITY.first), has('77086', PRIORITY.second)] },
      event: { type: 'pair.contained', params: { column1: '77085', column2: '77086' } },
    },
    {
      name: 'pair.mutually-exclusive-77081-77080',
      conditions: {
        all: [
          at({ fact: 'claimType', operator: 'equal', value: 'professional' }, PRIORITY.third),
          // some 77081 line and some 77080 line, neither of them carrying a distinct-service modifier
          at({ fact: 'codesWithoutBypass', operator: 'contains', value: '77081' }, PRIORITY.first),
          at({ fact: 'codesWithoutBypass', operator: 'contains', value: '77080' }, PRIORITY.second),
        ],
      },
      event: { type: 'pair.mutually-exclusive', params: { column1: '77081', column2: '77080' } },
    },
  ];
}

/**
 * Per-line rules for line i. Untuned: a guard (the line exists) evaluated first, JSONPath paths. Tuned: no guard (the
 * engine for n lines only has rules for lines 0..n-1), plain paths, selective conditions first.
 */
function lineRules(i, tuned) {
  const line = `line${i}`;
  const path = (name) => (tuned ? name : `$.${name}`);
  const at = (condition, priority) => (tuned ? { ...condition, priority } : condition);
  const guarded = (conditions) => (tuned ? conditions : [{ fact: 'lineCount', operator: 'greaterThan', value: i, priority: 10 }, ...conditions]);
  const mod = (m, priority) => at({ fact: line, path: path('modifiers'), operator: 'contains', value: m }, priority);
  const noMod = (m, priority) => at({ fact: line, path: path('modifiers'), operator: 'doesNotContain', value: m }, priority);
  const exclusive = (a, b) => ({
    name: `modifier.exclusive-${a}-${b}@${i}`,
    conditions: { all: guarded([mod(a, PRIORITY.first), mod(b, PRIORITY.second)]) },
    event: { type: 'modifier.exclusive', params: { line: i, modifiers: [a, b] } },
  });
  return [
    {
      name: `units.over-mue@${i}`,
      conditions: {
        all: guarded([
          at({ fact: line, path: path('code'), operator: 'in', value: Object.keys(MUE).filter((c) => MUE[c] === 1) }, PRIORITY.second),
          at({ fact: line, path: path('units'), operator: 'greaterThan', value: 1 }, PRIORITY.first),
        ]),
      },
      event: { type: 'units.over-mue', params: { line: i, mue: 1 } },
    },
    exclusive('26', 'TC'),
    exclusive('GA', 'GY'),
    exclusive('GA', 'GZ'),
    exclusive('GY', 'GZ'),
    {
      name: `modifier.requires-GX-GY@${i}`,
      conditions: { all: guarded([mod('GX', PRIORITY.first), noMod('GY', PRIORITY.second)]) },
      event: { type: 'modifier.requires', params: { line: i, modifier: 'GX', requires: 'GY' } },
    },
    {
      name: `modifier.too-many@${i}`,
      conditions: { all: guarded([{ fact: line, path: path('modifierCount'), operator: 'greaterThan', value: 4 }]) },
      event: { type: 'modifier.too-many', params: { line: i, max: 4 } },
    },
    {
      name: `frequency.too-soon@${i}`,
      conditions: {
        all: guarded([
          at({ fact: 'program', operator: 'equal', value: 'medicare' }, PRIORITY.first),
          at({ fact: line, path: path('code'), operator: 'in', value: { fact: 'bmmCodesOnDate' } }, PRIORITY.first),
          // the history facts are computed only when the cheap conditions above hold
          at({ fact: 'monthsSinceLastBmm', operator: 'lessThan', value: 24 }, PRIORITY.second),
          at(
            {
              // The glucocorticoid exception: the category C threshold met by the facts (5.0 mg/day for more than 3
              // months), or Z79.52 coded and not contradicted by a lower documented dose or duration.
              not: {
                any: [
                  {
                    all: [
                      { fact: 'clinical', path: path('glucocorticoidMgPerDay'), operator: 'greaterThanInclusive', value: 5 },
                      { fact: 'clinical', path: path('glucocorticoidMonths'), operator: 'greaterThan', value: 3 },
                    ],
                  },
                  {
                    all: [
                      {
                        any: [
                          { fact: 'diagnoses', operator: 'contains', value: 'Z79.52' },
                          { fact: line, path: path('diagnoses'), operator: 'contains', value: 'Z79.52' },
                        ],
                      },
                      {
                        not: {
                          any: [
                            { fact: 'clinical', path: path('glucocorticoidMgPerDay'), operator: 'lessThan', value: 5 },
                            { fact: 'clinical', path: path('glucocorticoidMonths'), operator: 'lessThanInclusive', value: 3 },
                          ],
                        },
                      },
                    ],
                  },
                ],
              },
            },
            PRIORITY.third,
          ),
          at(
            {
              not: {
                all: [
                  { fact: line, path: path('code'), operator: 'in', value: AXIAL_DXA },
                  { fact: 'priorAxialDxa', operator: 'equal', value: false },
                ],
              },
            },
            PRIORITY.third,
          ),
        ]),
      },
      event: { type: 'frequency.too-soon', params: { line: i } },
    },
  ];
}

// ---- engines (built once) ----------------------------------------------------------------------------------------

/** The dynamic facts derived from the run's facts (the same in both builds). */
function addDerivedFacts(engine) {
  engine.addFact('bmmCodesOnDate', async (_params, almanac) => bmmCodesOn(await almanac.factValue('dos')));
  // The earlier BMM services: before the DOS and inside the benefit on their own date.
  engine.addFact('priorBmm', async (_params, almanac) => {
    const history = await almanac.factValue('history');
    if (!history) return null;
    const dos = await almanac.factValue('dos');
    return history.filter((h) => {
      const d = dateNumber(h.dateOfService);
      return d < dos && bmmCodesOn(d).includes(h.code);
    });
  });
  // Calendar months from the month of the last earlier BMM to the month of the DOS (null: no history or none).
  engine.addFact('monthsSinceLastBmm', async (_params, almanac) => {
    const prior = await almanac.factValue('priorBmm');
    if (!prior || prior.length === 0) return null;
    let last = prior[0].dateOfService;
    for (const h of prior) if (h.dateOfService > last) last = h.dateOfService;
    return monthIndex(await almanac.factValue('dateOfService')) - monthIndex(last);
  });
  engine.addFact('priorAxialDxa', async (_params, almanac) => {
    const prior = await almanac.factValue('priorBmm');
    return prior !== null && prior.some((h) => AXIAL_DXA.includes(h.code));
  });
  return engine;
}

/** Untuned: one engine, the default (JSONPath) path resolver, LINE_SLOTS guarded line slots. */
export function buildEngine() {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const rule of pairRules(false)) engine.addRule(rule);
  for (let i = 0; i < LINE_SLOTS; i++) for (const rule of lineRules(i, false)) engine.addRule(rule);
  return addDerivedFacts(engine);
}

/** A plain path resolver: condition paths are property names of the fact's object (no JSONPath). */
const plainPath = (object, path) => object[path];

/** Tuned: the engine for encounters with exactly `lineCount` claim lines. */
export function buildTunedEngine(lineCount) {
  const engine = new Engine([], { pathResolver: plainPath });
  for (const rule of pairRules(true)) engine.addRule(rule);
  for (let i = 0; i < lineCount; i++) for (const rule of lineRules(i, true)) engine.addRule(rule);
  return addDerivedFacts(engine);
}

const untunedEngine = buildEngine();
const tunedEngines = [];
for (let n = 0; n <= LINE_SLOTS; n++) tunedEngines.push(buildTunedEngine(n));
const tunedEngine = (lineCount) => (tunedEngines[lineCount] ??= buildTunedEngine(lineCount));

// ---- facts and runs ----------------------------------------------------------------------------------------------

/** The facts a user of json-rules-engine would precompute from one encounter (codes upper case, ICD dotted). */
export function factsOf(encounter) {
  const lines = encounter.claim?.lines ?? [];
  const facts = {
    dateOfService: encounter.dateOfService,
    dos: dateNumber(encounter.dateOfService),
    claimType: encounter.claimType ?? 'professional',
    program: PROGRAM[encounter.payer ?? 'medicare'] ?? 'unknown',
    diagnoses: (encounter.diagnoses ?? []).map(normalizeIcd),
    clinical: encounter.clinical ?? {},
    history: encounter.history?.map((h) => ({ dateOfService: h.dateOfService, code: h.code.toUpperCase() })),
    lineCount: lines.length,
    codes: [],
    codesWithoutBypass: [],
  };
  lines.forEach((l, i) => {
    const code = l.code.toUpperCase();
    const modifiers = (l.modifiers ?? []).map((m) => m.toUpperCase());
    facts[`line${i}`] = { code, units: l.units ?? 1, modifiers, modifierCount: modifiers.length, diagnoses: (l.diagnoses ?? []).map(normalizeIcd) };
    facts.codes.push(code);
    if (!modifiers.some((m) => BYPASS.includes(m))) facts.codesWithoutBypass.push(code);
  });
  return facts;
}

/** The tuned peer over one encounter; resolves to the events (`{ type, params }`) raised. */
export async function runPeer(encounter) {
  const facts = factsOf(encounter);
  const { events } = await tunedEngine(facts.lineCount).run(facts);
  return events;
}

/** The untuned peer (the documentation's way) over one encounter; resolves to the events raised. */
export async function runPeerUntuned(encounter) {
  const facts = factsOf(encounter);
  if (facts.lineCount > LINE_SLOTS) throw new RangeError(`the untuned peer covers at most ${LINE_SLOTS} claim lines`);
  const { events } = await untunedEngine.run(facts);
  return events;
}
