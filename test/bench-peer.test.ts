/**
 * The benchmark compares dxacode with the same pair, unit, modifier and frequency rules written for json-rules-engine
 * (bench/peer-json-rules-engine.js), in two builds: untuned (as the library's documentation suggests) and tuned (as an
 * expert would write it; the benchmark's headline ratio). These tests keep that comparison honest: on hand-made
 * encounters and on a generated sample, each build raises exactly the events that correspond to dxacode's findings in
 * those families, and the two builds raise the same events with the same parameters. dxacode's side is the check that
 * runs only the families holding the peer's rules (bench/run.js's same-rules ratio), and it finds what the full check
 * finds there.
 */
import { describe, expect, it } from 'vitest';
import { makeEncounters } from '../bench/encounters.js';
import { PEER_FAMILIES, runPeer, runPeerUntuned } from '../bench/peer-json-rules-engine.js';
import { check, FamilySelection, parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';

const knowledge = loadKnowledge();
/** dxacode running only the peer's families, as the benchmark's same-rules ratio measures it. */
const peerFamilies = new FamilySelection(PEER_FAMILIES);

/** dxacode rule ids in the peer's scope, spelled as the peer's event types. */
const PEER_TYPE: Record<string, string> = {
  'pair.combined-code': 'pair.combined-code',
  'pair.contained': 'pair.contained',
  'pair.bypass-not-allowed': 'pair.contained',
  'units.over-mue': 'units.over-mue',
  'modifier.exclusive': 'modifier.exclusive',
  'modifier.requires': 'modifier.requires',
  'modifier.too-many': 'modifier.too-many',
  'frequency.too-soon': 'frequency.too-soon',
};
const PER_LINE = new Set(['units.over-mue', 'modifier.exclusive', 'modifier.requires', 'modifier.too-many', 'frequency.too-soon']);
const key = (type: string, line: number | undefined) => (PER_LINE.has(type) ? `${type}@${String(line)}` : type);

/**
 * dxacode's findings in the peer's scope, as a sorted set of `type` or `type@line`: from the check that runs only the
 * peer's families (what the benchmark's same-rules ratio times), which must find what the full check finds.
 */
function dxacodeKeys(raw: unknown): string[] {
  const same = findingKeys(raw, true);
  const full = findingKeys(raw, false);
  if (same.join() !== full.join()) throw new Error(`the peer's families alone find [${same.join()}], the full check [${full.join()}]`);
  return same;
}

function findingKeys(raw: unknown, peerFamiliesOnly: boolean): string[] {
  const parsed = parseEncounter(raw);
  if (!parsed.ok) throw new Error(`invalid encounter: ${JSON.stringify(parsed.problems)}`);
  const keys = new Set<string>();
  for (const f of check(parsed.encounter, knowledge, peerFamiliesOnly ? { families: peerFamilies } : {}).findings) {
    // The peer models the 77081/77080 row; dxacode's other mutually-exclusive rows are out of its scope.
    if (f.rule === 'pair.mutually-exclusive') {
      if (f.params?.column1 === '77081' && f.params.column2 === '77080') keys.add('pair.mutually-exclusive');
      continue;
    }
    const type = PEER_TYPE[f.rule];
    if (type) keys.add(key(type, f.line));
  }
  return [...keys].sort();
}

type PeerEvent = { type: string; params?: { line?: number } };
const PEERS: { name: string; run: (raw: unknown) => Promise<unknown> }[] = [
  { name: 'tuned', run: runPeer },
  { name: 'untuned', run: runPeerUntuned },
];

async function peerKeys(run: (raw: unknown) => Promise<unknown>, raw: unknown): Promise<string[]> {
  const events = (await run(raw)) as PeerEvent[];
  return [...new Set(events.map((e) => key(e.type, e.params?.line)))].sort();
}

/** Every event with its parameters, order-free (rules of one priority finish in any order). */
async function peerEvents(run: (raw: unknown) => Promise<unknown>, raw: unknown): Promise<string[]> {
  return ((await run(raw)) as PeerEvent[]).map((e) => JSON.stringify(e)).sort();
}

function encounter(lines: { code: string; modifiers?: string[]; units?: number; diagnoses?: string[] }[], extra: Record<string, unknown> = {}) {
  return {
    id: 'peer-test',
    dateOfService: '2026-01-20',
    patient: { sex: 'female', birthDate: '1949-08-30' },
    payer: 'medicare',
    performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'right-hip'] }, { procedure: 'vfa' }],
    diagnoses: ['M81.0'],
    claim: { lines: lines.map((l) => ({ diagnoses: ['M81.0'], ...l })) },
    ...extra,
  };
}

const CASES: { name: string; input: unknown; expected: string[] }[] = [
  { name: 'combined code: 77080 + 77086 on one date', input: encounter([{ code: '77080' }, { code: '77086' }]), expected: ['pair.combined-code'] },
  {
    name: 'no combined code before 77085 existed (2014)',
    input: encounter([{ code: '77080' }, { code: '77082' }], { dateOfService: '2014-06-02' }),
    expected: [],
  },
  { name: 'contained: 77085 with 77080', input: encounter([{ code: '77085' }, { code: '77080' }]), expected: ['pair.contained'] },
  { name: 'mutually exclusive: 77081 with 77080', input: encounter([{ code: '77081' }, { code: '77080' }]), expected: ['pair.mutually-exclusive'] },
  { name: 'XU on the pair bypasses the mutually-exclusive edit', input: encounter([{ code: '77081', modifiers: ['XU'] }, { code: '77080' }]), expected: [] },
  {
    name: 'the mutually-exclusive edit is practitioner only',
    input: encounter([{ code: '77081' }, { code: '77080' }], { claimType: 'institutional' }),
    expected: [],
  },
  { name: 'units over the MUE', input: encounter([{ code: '77080', units: 2 }]), expected: ['units.over-mue@0'] },
  { name: '26 and TC on one line', input: encounter([{ code: '77080', modifiers: ['26', 'TC'] }]), expected: ['modifier.exclusive@0'] },
  { name: 'GA and GZ on one line', input: encounter([{ code: '77080', modifiers: ['GA', 'GZ'] }]), expected: ['modifier.exclusive@0'] },
  { name: 'GX without GY', input: encounter([{ code: '78350', modifiers: ['GX'] }]), expected: ['modifier.requires@0'] },
  {
    name: 'Medicare frequency: last axial DXA 2024-06-10, eligible 2026-06-01',
    input: encounter([{ code: '77080' }], { history: [{ dateOfService: '2024-06-10', code: '77080' }] }),
    expected: ['frequency.too-soon@0'],
  },
  {
    name: 'Medicare frequency: last 2024-01-31, eligible from 2026-01-01 (counted by month)',
    input: encounter([{ code: '77080' }], { history: [{ dateOfService: '2024-01-31', code: '77080' }] }),
    expected: [],
  },
  {
    name: 'Medicare frequency: the glucocorticoid-monitoring exception',
    input: encounter([{ code: '77080' }], {
      history: [{ dateOfService: '2025-06-10', code: '77080' }],
      clinical: { glucocorticoidMgPerDay: 7.5, glucocorticoidMonths: 6 },
    }),
    expected: [],
  },
  {
    name: 'Medicare frequency: confirmatory baseline after a peripheral test',
    input: encounter([{ code: '77080' }], { history: [{ dateOfService: '2025-06-10', code: '76977' }] }),
    expected: [],
  },
  {
    name: 'frequency is a Medicare rule',
    input: encounter([{ code: '77080' }], { payer: 'aetna-cpb-0134', history: [{ dateOfService: '2025-06-10', code: '77080' }] }),
    expected: [],
  },
  {
    name: 'several at once',
    input: encounter([{ code: '77080', units: 2 }, { code: '77086', modifiers: ['26', 'TC'] }], {
      history: [{ dateOfService: '2025-02-01', code: '77085' }],
    }),
    expected: ['frequency.too-soon@0', 'modifier.exclusive@1', 'pair.combined-code', 'units.over-mue@0'],
  },
];

describe('bench peer (json-rules-engine) agrees with dxacode', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      expect(dxacodeKeys(c.input)).toEqual(c.expected);
      for (const peer of PEERS) expect(await peerKeys(peer.run, c.input), peer.name).toEqual(c.expected);
    });
  }

  for (const peer of PEERS) {
    it(`on a generated sample of the benchmark mix (${peer.name} peer)`, async () => {
      const sample = makeEncounters(1500, 20260120);
      const disagreements: string[] = [];
      let events = 0;
      for (const e of sample) {
        const a = dxacodeKeys(e);
        const b = await peerKeys(peer.run, e);
        events += b.length;
        if (a.join() !== b.join()) disagreements.push(`${e.id}: dxacode [${a.join()}] peer [${b.join()}]`);
      }
      expect(disagreements).toEqual([]);
      expect(events).toBeGreaterThan(500); // the sample exercises the rules
    });
  }

  it('the tuned and the untuned peer raise the same events with the same parameters', async () => {
    const sample = makeEncounters(1500, 20260121);
    const differences: string[] = [];
    for (const e of sample) {
      const tuned = await peerEvents(runPeer, e);
      const untuned = await peerEvents(runPeerUntuned, e);
      if (tuned.join() !== untuned.join()) differences.push(`${e.id}: tuned [${tuned.join()}] untuned [${untuned.join()}]`);
    }
    expect(differences).toEqual([]);
  });

  it('the tuned peer covers more claim lines than the untuned one', async () => {
    const lines = [{ code: '77080' }, { code: '77086' }, { code: '77081' }, { code: '72100' }, { code: '77080', modifiers: ['26', 'TC'] }];
    const input = encounter(lines);
    expect(dxacodeKeys(input)).toContain('modifier.exclusive@4');
    expect(await peerKeys(runPeer, input)).toEqual(dxacodeKeys(input));
    await expect(runPeerUntuned(input)).rejects.toThrow(RangeError);
  });
});
