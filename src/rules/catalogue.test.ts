/**
 * Every catalogued rule is exercised somewhere, and rules that embedded data cannot trigger are tested on data that
 * can; each rule id keeps the family, severity, meaning, paths and params docs/rules.md publishes for it (published
 * ids never change meaning), and the findings of every shipped payer pack's cases carry exactly the params the
 * catalogue declares for their rule. The engine and the knowledge are imported only by the
 * tests that use them, so that the published-catalogue tests load the catalogue alone (a mutation run of catalogue.ts
 * with fresh modules per mutant, docs/mutation-testing.md, costs about a second a mutant that way).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rulesMarkdown } from '../cli/rules.js';
import type { Finding } from '../contract/result.js';
import { FAMILIES, FAMILY_LABELS, RULES, type ParamDefinition, type RuleId } from './catalogue.js';

/** docs/rules.md (or the page generated now) by rule id: its table row and its params section. */
function byRule(page: string): Map<string, { row: string; params: string[] }> {
  const out = new Map<string, { row: string; params: string[] }>();
  const lines = page.split('\n');
  for (const line of lines) {
    const row = /^\| `([a-z0-9.-]+)` \|/.exec(line);
    if (row) out.set(row[1]!, { row: line, params: [] });
  }
  let current: string | undefined;
  for (const line of lines) {
    const heading = /^### `([a-z0-9.-]+)`$/.exec(line);
    if (heading) current = heading[1];
    else if (current !== undefined && line.startsWith('- `')) out.get(current)!.params.push(line);
  }
  return out;
}

describe('the published catalogue (docs/rules.md)', () => {
  const published = byRule(readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8'));
  // Generated inside the tests: a catalogue entry that breaks the generator fails them, not the file's collection.
  let generated: ReturnType<typeof byRule> | undefined;
  const current = () => (generated ??= byRule(rulesMarkdown()));

  it('keeps every published rule id, in order, and publishes every catalogued one', () => {
    expect([...current().keys()]).toEqual([...published.keys()]);
    expect(Object.keys(RULES)).toEqual([...published.keys()]);
  });

  for (const id of published.keys()) {
    it(`${id}: family, severity, meaning, paths and params as published`, () => {
      expect(current().get(id)).toEqual(published.get(id));
    });
  }

  it('names every family in the order the engine runs them, each with its label', () => {
    expect(FAMILIES).toEqual(['selection', 'codes', 'modifiers', 'pairs', 'units', 'diagnoses', 'pointers', 'coverage', 'frequency', 'indications', 'payer', 'providers', 'documentation']);
    expect(Object.keys(FAMILY_LABELS)).toEqual([...FAMILIES]);
    expect(FAMILY_LABELS.payer).toBe('Payer policy');
    // The workbench shows these words in place of the ids: each family has its own, none empty.
    const labels = Object.values(FAMILY_LABELS);
    expect(labels.filter((l) => l.trim() === '')).toEqual([]);
    expect(new Set(labels).size).toBe(FAMILIES.length);
    expect(new Set(Object.values(RULES).map((r) => r.family))).toEqual(new Set(FAMILIES));
  });
});

/** The findings of every shipped payer pack's own cases. */
async function packCaseFindings(): Promise<Finding[]> {
  const { runPackCases } = await import('../engine/cases.js');
  const { EMBEDDED_KNOWLEDGE_DIR, loadKnowledge } = await import('../io/knowledge-files.js');
  const { readPackFile } = await import('../knowledge/pack-file.js');
  const knowledge = loadKnowledge();
  const packsDir = `${EMBEDDED_KNOWLEDGE_DIR}/payers`;
  return readdirSync(packsDir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => runPackCases(readPackFile(file, readFileSync(`${packsDir}/${file}`, 'utf8')).pack!, file, knowledge))
    .flatMap((outcome) => outcome.result?.findings ?? []);
}

describe('params as declared, over the shipped payer packs\' cases', () => {
  let cached: Promise<Finding[]> | undefined;
  const caseFindings = () => (cached ??= packCaseFindings());

  it('reach every payer rule a shipped pack reports (none has a documentation rule; a pack case never names an unknown payer)', async () => {
    const findings = await caseFindings();
    const payerRules = Object.keys(RULES).filter((id) => id.startsWith('payer.') && id !== 'payer.documentation-missing' && id !== 'payer.unknown');
    expect(payerRules.filter((id) => !findings.some((f) => f.rule === id))).toEqual([]);
  });

  it('each finding carries exactly its rule\'s params, null only where declared (test/finding-params.test.ts checks the types over every case)', async () => {
    const findings = await caseFindings();
    const wrong = findings.flatMap((f) => {
      const declared = RULES[f.rule as RuleId].params as Readonly<Record<string, ParamDefinition>>;
      const names = Object.keys(declared);
      const given = f.params ?? {};
      if (names.length === 0) return f.params === undefined ? [] : [`${f.rule}: params given, none declared`];
      const nulls = names.filter((n) => given[n] === null && !declared[n]!.nullable);
      if (JSON.stringify(Object.keys(given).sort()) !== JSON.stringify([...names].sort())) return [`${f.rule}: params ${Object.keys(given).join(', ')}, declared ${names.join(', ')}`];
      return nulls.map((n) => `${f.rule}: ${n} is null, declared not nullable`);
    });
    expect(findings.length).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });
});

function filesUnder(dir: URL, ending: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(ending))
    .map((d) => readFileSync(`${d.parentPath}/${d.name}`, 'utf8'));
}

describe('rule catalogue', () => {
  it('every rule id is exercised by a case file or a test', () => {
    const corpus = [...filesUnder(new URL('../../cases/', import.meta.url), '.yaml'), ...filesUnder(new URL('../knowledge/data/payers/', import.meta.url), '.yaml'), ...filesUnder(new URL('../../test/', import.meta.url), '.ts'), ...filesUnder(new URL('../', import.meta.url), '.test.ts')].join('\n');
    const unexercised = Object.keys(RULES).filter((id) => !corpus.includes(id));
    expect(unexercised).toEqual([]);
  });

  it('modifier.no-split: 26 on a code that has no professional/technical split', async () => {
    const { check, parseEncounter } = await import('../engine/index.js');
    const { readKnowledgeSources } = await import('../io/knowledge-files.js');
    const { compileKnowledge } = await import('../knowledge/compile.js');
    // No bone-density code has a PFS PC/TC indicator other than 1, so give 76977 indicator 0 (physician service).
    const sources = readKnowledgeSources();
    sources.official.rvuCsv = sources.official.rvuCsv
      .split('\n')
      .map((row) => {
        const cells = row.split(',');
        if (cells[3] === '76977') cells[16] = '0';
        return cells.join(',');
      })
      .join('\n');
    const knowledge = compileKnowledge(sources);
    const parsed = parseEncounter({
      dateOfService: '2026-03-02',
      patient: { sex: 'female', age: 70 },
      performed: [{ procedure: 'ultrasound-peripheral' }],
      diagnoses: ['M85.851'],
      claim: { lines: [{ code: '76977', modifiers: ['26'], diagnoses: ['M85.851'] }] },
    });
    if (!parsed.ok) throw new Error('invalid test encounter');
    const result = check(parsed.encounter, knowledge);
    expect(result.findings.map((f) => `${f.rule}:${f.severity}`)).toContain('modifier.no-split:error');
    expect(result.findings.find((f) => f.rule === 'modifier.no-split')).toMatchObject({ path: 'claim.lines[0].modifiers', params: { code: '76977', modifiers: ['26'], pcTcIndicator: '0' } });
  });
});
