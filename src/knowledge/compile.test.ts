/** The knowledge loader validates every table and names the bad entry; the embedded data is internally consistent. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_KNOWLEDGE_DIR, loadKnowledge, readKnowledgeSources } from '../io/knowledge-files.js';
import { compileKnowledge, KnowledgeError, parseIcdTsv } from './compile.js';

const fresh = () => structuredClone(readKnowledgeSources());

describe('knowledge', () => {
  const knowledge = loadKnowledge();

  it('loads the embedded tables with every entry sourced', () => {
    expect(knowledge.codes.byCode.size).toBeGreaterThan(20);
    for (const entry of knowledge.codes.byCode.values()) expect(entry.source.title.length).toBeGreaterThan(5);
    for (const row of knowledge.pairs.rows) expect(['verified', 'secondary', 'unverified']).toContain(row.source.confidence);
    expect(knowledge.pairs.partial).toBe(true);
    expect([...knowledge.payers.keys()].sort()).toEqual(['aetna-cpb-0134', 'bcbsri-medicare-advantage', 'blue-plan-6-01-44', 'medicare', 'qualchoice-bi216']);
  });

  it('keeps the code history of REFERENCE §1', () => {
    const at = (code: string) => knowledge.codes.byCode.get(code)!;
    expect([at('77082').effective, at('77082').end]).toEqual(['2007-01-01', '2014-12-31']);
    expect([at('77085').effective, at('77086').effective]).toEqual(['2015-01-01', '2015-01-01']);
    expect([at('76077').effective, at('76077').end]).toEqual(['2005-01-01', '2006-12-31']);
    expect(at('77083').service).toBe('radiographic-absorptiometry');
    expect(at('77083').statusUnverified).toBe(true);
  });

  it('treats category headers as not billable and knows the subset codes', () => {
    expect(knowledge.icd10.billable.get('M81.0')).toBe('Age-related osteoporosis without current pathological fracture');
    for (const header of ['M81', 'M80.0', 'M85.8', 'M48.5', 'M80.08X']) expect(knowledge.icd10.headers.has(header)).toBe(true);
    expect(knowledge.icd10.billable.has('M85.8')).toBe(false);
  });

  it('embeds the same ICD-10-CM subset as the shared domain folder', () => {
    const shared = new URL('../../../shared/domain/icd10cm-fy2026-subset.tsv', import.meta.url);
    if (!existsSync(shared)) return; // the shared folder sits beside the repository in development and CI
    expect(readFileSync(new URL('icd10cm-fy2026-subset.tsv', `file://${EMBEDDED_KNOWLEDGE_DIR}`), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });

  it('names the table and entry of a bad code row', () => {
    const sources = fresh();
    (sources.codes as { entries: { effective: string }[] }).entries[3]!.effective = '2007-02-30';
    expect(() => compileKnowledge(sources)).toThrow(/knowledge table codes: entries\.3\.effective: expected a real calendar date/);
  });

  it('refuses a pair row without a source confidence', () => {
    const sources = fresh();
    (sources.pairs as { rows: { source: { confidence: string } }[] }).rows[0]!.source.confidence = 'probably';
    expect(() => compileKnowledge(sources)).toThrow(KnowledgeError);
  });

  it('refuses a mutually exclusive modifier pair of one modifier twice (the modifiers family skips lines with fewer than two)', () => {
    const sources = fresh();
    (sources.modifiers as { exclusive: { modifiers: string[] }[] }).exclusive[0]!.modifiers = ['GA', 'GA'];
    expect(() => compileKnowledge(sources)).toThrow(/knowledge table modifiers: exclusive\.0\.modifiers: expected two different modifiers/);
  });

  it('refuses a payer pack rule that names a code the code table lacks', () => {
    const sources = fresh();
    const pack = sources.payers.find((p) => p.name.endsWith('aetna-cpb-0134.yaml'))!;
    (pack.data as { rules: { codes: string[] }[] }).rules[0]!.codes.push('99999');
    expect(() => compileKnowledge(sources)).toThrow(/rule vfa-adjunct-only: code 99999 is not in the codes table/);
  });

  it('refuses duplicate pack ids', () => {
    const sources = fresh();
    sources.payers.push({ name: 'copy.json', data: structuredClone(sources.payers[0]!.data) });
    expect(() => compileKnowledge(sources)).toThrow(/overlaps version .* give each version its own effective period/);
  });

  it('reports a malformed ICD-10-CM row by line', () => {
    expect(() => parseIcdTsv('code\tcode_dotted\tdescription\nM810\tM81.1\tWrong dot\n')).toThrow(/line 2/);
  });
});
