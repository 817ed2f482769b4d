// The benchmark's peer: dxacode's pair, unit, modifier and Medicare frequency rules written for json-rules-engine,
// the common JavaScript rules engine, the way a user of that library would write them. The Engine and its rules are
// built once (module load); runPeer() precomputes the per-encounter facts and calls engine.run(facts) once.
//
// Scope (the same rules dxacode runs in these families, so the comparison is of equal work on these checks):
//   pairs      combined-code  77080 + 77086 on one date (from 2015-01-01)             dxacode pair.combined-code
//              contained      77085 with 77080 or 77086 (from 2015-01-01)             dxacode pair.contained / pair.bypass-not-allowed
//              mutually-excl. 77081 with 77080, professional claims, unless a line
//                             of the pair carries XU/XE/XS/XP/59                       dxacode pair.mutually-exclusive
//   units      units over MUE (1 for 77080, 77081, 77085, 77086), per line           dxacode units.over-mue
//   modifiers  26 with TC; GA/GY, GA/GZ, GY/GZ; GX without GY; > 4 modifiers          dxacode modifier.exclusive / .requires / .too-many
//   frequency  Medicare BMM line (77080, 77081, 77085 from 2015, 76977, 77078, G0130) when the last BMM in history
//              is in a month less than 24 calendar months before the DOS month (eligible from the first day of the
//              month 24 months after the month of the last one, i.e. "at least 23 months"), without the
//              glucocorticoid-monitoring or confirmatory-baseline exception              dxacode frequency.too-soon
import { Engine } from 'json-rules-engine';

/** Claim lines the per-line rules cover (the generator makes 1-4; the contract allows more). */
export const LINE_SLOTS = 4;

const MUE = { '77080': 1, '77081': 1, '77085': 1, '77086': 1 };
const BYPASS = ['XU', 'XE', 'XS', 'XP', '59'];
const BMM_CODES = [
  ['77085', 20150101],
  ['77080', 0],
  ['77081', 0],
  ['77078', 0],
  ['76977', 0],
  ['G0130', 0],
];
const AXIAL_DXA = ['77080', '77085'];
const PROGRAM = { medicare: 'medicare', 'aetna-cpb-0134': 'commercial', 'blue-plan-6-01-44': 'commercial', 'qualchoice-bi216': 'commercial' };

const dateNumber = (iso) => Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
const monthIndex = (iso) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const bmmCodesOn = (dateNum) => BMM_CODES.filter(([, from]) => dateNum >= from).map(([code]) => code);
function normalizeIcd(code) {
  const plain = code.toUpperCase().replace('.', '');
  return plain.length > 3 ? `${plain.slice(0, 3)}.${plain.slice(3)}` : plain;
}

// ---- rules -------------------------------------------------------------------------------------------------------

const from2015 = { fact: 'dos', operator: 'greaterThanInclusive', value: 20150101 };
const has = (code) => ({ fact: 'codes', operator: 'contains', value: code });

const pairRules = [
  {
    name: 'pair.combined-code',
    conditions: { all: [from2015, has('77080'), has('77086')] },
    event: { type: 'pair.combined-code', params: { codes: ['77080', '77086'], replacement: '77085' } },
  },
  {
    name: 'pair.contained-77080',
    conditions: { all: [from2015, has('77085'), has('77080')] },
    event: { type: 'pair.contained', params: { column1: '77085', column2: '77080' } },
  },
  {
    name: 'pair.contained-77086',
    conditions: { all: [from2015, has('77085'), has('77086')] },
    event: { type: 'pair.contained', params: { column1: '77085', column2: '77086' } },
  },
  {
    name: 'pair.mutually-exclusive-77081-77080',
    conditions: {
      all: [
        { fact: 'claimType', operator: 'equal', value: 'professional' },
        // some 77081 line and some 77080 line, neither of them carrying a distinct-service modifier
        { fact: 'codesWithoutBypass', operator: 'contains', value: '77081' },
        { fact: 'codesWithoutBypass', operator: 'contains', value: '77080' },
      ],
    },
    event: { type: 'pair.mutually-exclusive', params: { column1: '77081', column2: '77080' } },
  },
];

/** Per-line rules for slot i: a guard (the line exists) evaluated first, then the rule's own conditions. */
function lineRules(i) {
  const line = `line${i}`;
  const exists = { fact: 'lineCount', operator: 'greaterThan', value: i, priority: 10 };
  const mod = (m) => ({ fact: line, path: '$.modifiers', operator: 'contains', value: m });
  const noMod = (m) => ({ fact: line, path: '$.modifiers', operator: 'doesNotContain', value: m });
  const exclusive = (a, b) => ({
    name: `modifier.exclusive-${a}-${b}@${i}`,
    conditions: { all: [exists, mod(a), mod(b)] },
    event: { type: 'modifier.exclusive', params: { line: i, modifiers: [a, b] } },
  });
  return [
    {
      name: `units.over-mue@${i}`,
      conditions: {
        all: [
          exists,
          { fact: line, path: '$.code', operator: 'in', value: Object.keys(MUE).filter((c) => MUE[c] === 1) },
          { fact: line, path: '$.units', operator: 'greaterThan', value: 1 },
        ],
      },
      event: { type: 'units.over-mue', params: { line: i, mue: 1 } },
    },
    exclusive('26', 'TC'),
    exclusive('GA', 'GY'),
    exclusive('GA', 'GZ'),
    exclusive('GY', 'GZ'),
    {
      name: `modifier.requires-GX-GY@${i}`,
      conditions: { all: [exists, mod('GX'), noMod('GY')] },
      event: { type: 'modifier.requires', params: { line: i, modifier: 'GX', requires: 'GY' } },
    },
    {
      name: `modifier.too-many@${i}`,
      conditions: { all: [exists, { fact: line, path: '$.modifierCount', operator: 'greaterThan', value: 4 }] },
      event: { type: 'modifier.too-many', params: { line: i, max: 4 } },
    },
    {
      name: `frequency.too-soon@${i}`,
      conditions: {
        all: [
          exists,
          { fact: 'program', operator: 'equal', value: 'medicare' },
          { fact: line, path: '$.code', operator: 'in', value: { fact: 'bmmCodesOnDate' } },
          { fact: 'monthsSinceLastBmm', operator: 'lessThan', value: 24 },
          {
            not: {
              any: [
                { fact: 'clinical', path: '$.glucocorticoidMonths', operator: 'greaterThan', value: 3 },
                { fact: 'diagnoses', operator: 'contains', value: 'Z79.52' },
                { fact: line, path: '$.diagnoses', operator: 'contains', value: 'Z79.52' },
              ],
            },
          },
          {
            not: {
              all: [
                { fact: line, path: '$.code', operator: 'in', value: AXIAL_DXA },
                { fact: 'priorAxialDxa', operator: 'equal', value: false },
              ],
            },
          },
        ],
      },
      event: { type: 'frequency.too-soon', params: { line: i } },
    },
  ];
}

// ---- engine (built once) -----------------------------------------------------------------------------------------

/** Builds the engine: rules plus the dynamic facts derived from the run's facts. */
export function buildEngine() {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const rule of pairRules) engine.addRule(rule);
  for (let i = 0; i < LINE_SLOTS; i++) for (const rule of lineRules(i)) engine.addRule(rule);

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

const engine = buildEngine();

/** The facts a user of json-rules-engine would precompute from one encounter (codes upper case, ICD dotted). */
export function factsOf(encounter) {
  const lines = encounter.claim?.lines ?? [];
  if (lines.length > LINE_SLOTS) throw new RangeError(`the peer covers at most ${LINE_SLOTS} claim lines`);
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

/** Runs the peer's rules over one encounter; resolves to the events (`{ type, params }`) raised. */
export async function runPeer(encounter) {
  const { events } = await engine.run(factsOf(encounter));
  return events;
}
