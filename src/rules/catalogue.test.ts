/** Every catalogued rule is exercised somewhere, and rules that embedded data cannot trigger are tested on data that can. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, parseEncounter } from '../engine/index.js';
import { readKnowledgeSources } from '../io/knowledge-files.js';
import { compileKnowledge } from '../knowledge/compile.js';
import { RULES } from './catalogue.js';

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

  it('modifier.no-split: 26 on a code that has no professional/technical split', () => {
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
