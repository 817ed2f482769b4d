/**
 * Imported versions compiled into the engine's lookups: an ICD-10-CM release with its tabular XML adds its
 * Excludes1 notes to the embedded conventions (here M80's note on pathological fracture NOS, M84.4, which the
 * embedded conventions lack), and a version applies only on the dates it is in force.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check, parseEncounter } from '../engine/index.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { icd10cm } from './import/icd10cm.js';
import { decodeTables, encodeTables } from './import/table.js';
import { compileVersion, withVersions, type KnowledgeVersionRecord } from './versions.js';

const DIR = new URL('../../test/fixtures/cms/icd10cm/', import.meta.url);
const file = (name: string) => ({ name, bytes: readFileSync(new URL(name, DIR)) });

function importedIcd(): ReturnType<typeof loadKnowledge> {
  const data = icd10cm.read([file('icd10cm_order_2026.txt'), file('icd10cm_tabular_2026.xml')]);
  const record: KnowledgeVersionRecord = {
    seq: 1,
    id: 'icd10cm:test',
    kind: 'icd10cm',
    edition: data.edition,
    effectiveFrom: '2027-01-01',
    effectiveTo: '2027-06-30',
    files: [],
    rowCounts: data.rowCounts,
    contentSha256: '',
    importedBy: 'test',
    importedAt: '2026-12-01T00:00:00.000Z',
    warnings: [],
  };
  return withVersions(loadKnowledge(), [compileVersion(record, decodeTables(encodeTables(data.tables)))]);
}

const encounter = (dateOfService: string, diagnoses: string[]) => {
  const parsed = parseEncounter({ dateOfService, patient: { sex: 'female', age: 70 }, payer: 'aetna-cpb-0134', performed: [{ procedure: 'dxa-axial' }], diagnoses });
  if (!parsed.ok) throw new Error('bad encounter');
  return parsed.encounter;
};

describe('imported ICD-10-CM versions', () => {
  const knowledge = importedIcd();

  it('adds the tabular Excludes1 notes while the version is in force', () => {
    const result = check(encounter('2027-02-01', ['M80.08XA', 'M84.48XA']), knowledge);
    const excludes = result.findings.filter((f) => f.rule === 'dx.excludes1');
    expect(excludes).toHaveLength(1);
    expect(excludes[0]!.message).toContain('pathological fracture NOS (M84.4)');
    expect(excludes[0]!.source.version).toBe('icd10cm:test');
    expect(result.checked.find((c) => c.family === 'diagnoses')?.version).toContain('icd10cm:test');
  });

  it('does not report a pair the embedded conventions already report', () => {
    const result = check(encounter('2027-02-01', ['M81.0', 'M80.08XA']), knowledge);
    expect(result.findings.filter((f) => f.rule === 'dx.excludes1')).toHaveLength(1);
  });

  it('uses the embedded code set outside the version period', () => {
    const result = check(encounter('2026-06-01', ['M80.08XA', 'M84.48XA']), knowledge);
    expect(result.findings.filter((f) => f.rule === 'dx.excludes1')).toHaveLength(0);
    expect(result.checked.find((c) => c.family === 'diagnoses')?.version).toContain('embedded');
  });
});

describe('imported billing articles', () => {
  it('decide coverage for their jurisdictions from the MCD tables, as the embedded copies do', async () => {
    const { readdirSync } = await import('node:fs');
    const { mcdArticle } = await import('./import/mcd.js');
    const dir = new URL('../../test/fixtures/cms/mcd/', import.meta.url);
    const files = readdirSync(dir)
      .filter((n) => n.endsWith('.csv'))
      .map((name) => ({ name, bytes: readFileSync(new URL(name, dir)) }));
    const data = mcdArticle.read(files);
    const record: KnowledgeVersionRecord = {
      seq: 1,
      id: 'mcd-article:test',
      kind: 'mcd-article',
      edition: data.edition,
      effectiveFrom: '2026-10-01',
      effectiveTo: null,
      files: [],
      rowCounts: data.rowCounts,
      contentSha256: '',
      importedBy: 'test',
      importedAt: '2026-12-01T00:00:00.000Z',
      warnings: [],
    };
    const knowledge = withVersions(loadKnowledge(), [compileVersion(record, decodeTables(encodeTables(data.tables)))]);
    const claim = (jurisdiction: string, code: string, procedure: string, diagnoses: string[]) => {
      const parsed = parseEncounter({
        dateOfService: '2026-11-02',
        patient: { sex: 'female', age: 70 },
        jurisdiction,
        orderingProvider: { treating: true },
        history: [],
        diagnoses,
        clinical: { estrogenDeficient: true },
        performed: [{ procedure }],
        claim: { lines: [{ code, diagnoses }] },
      });
      if (!parsed.ok) throw new Error('bad encounter');
      return check(parsed.encounter, knowledge);
    };
    const peripheral = claim('J15', '77081', 'dxa-peripheral', ['Z79.83']);
    const denied = peripheral.findings.find((f) => f.rule === 'medicare.bmm-article-diagnosis-not-covered');
    expect(denied?.source.title).toContain('Medicare Coverage Database billing articles');
    expect(denied?.message).toContain('A57132');
    expect(claim('J15', '77080', 'dxa-axial', ['Z79.83']).findings.map((f) => f.rule)).not.toContain('medicare.bmm-article-diagnosis-not-covered');
    expect(claim('JM', '77080', 'dxa-axial', ['N95.1']).findings.map((f) => f.rule)).not.toContain('medicare.bmm-article-diagnosis-not-covered');
    expect(claim('J15', '77080', 'dxa-axial', ['N95.1']).findings.map((f) => f.rule)).toContain('medicare.bmm-article-diagnosis-not-covered');
    expect(claim('JJ', '77080', 'dxa-axial', ['M81.0', 'Z78.0']).checked.find((c) => c.family === 'coverage')?.version).toContain('mcd-article:test');
  });
});
