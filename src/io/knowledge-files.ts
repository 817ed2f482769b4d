/**
 * Reads the embedded knowledge tables from disk (an edge: the core never touches files) and compiles them.
 * Extra payer packs written by users can be added by path.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileKnowledge, KnowledgeError, type Knowledge, type KnowledgeSources } from '../knowledge/compile.js';
import { problemText, readPackFile, withoutCases } from '../knowledge/pack-file.js';

/** Folder of the embedded knowledge data (src/knowledge/data, found from both src/ and dist/). */
export const EMBEDDED_KNOWLEDGE_DIR = fileURLToPath(new URL('../../src/knowledge/data/', import.meta.url));

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KnowledgeError(`cannot read knowledge file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KnowledgeError(`knowledge file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KnowledgeError(`cannot read knowledge file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** The official CMS copies under data/cms/ (data/cms/README.md) and the billing-article index. */
function readOfficial(dir: string): KnowledgeSources['official'] {
  const articles = readJson(join(dir, 'medicare-billing-articles.json'));
  const files = (articles as { articles?: { file?: unknown }[] }).articles?.map((a) => a.file).filter((f): f is string => typeof f === 'string') ?? [];
  return {
    icd10cmCodesGz: readBytes(join(dir, 'cms', 'icd10cm-codes-2026-04.txt.gz')),
    hcpcsCodesGz: readBytes(join(dir, 'cms', 'hcpcs-level2-2026-07-codes.txt.gz')),
    mueCsv: readFileSync(join(dir, 'cms', 'mue-2026q4-bone-density.csv'), 'utf8'),
    rvuCsv: readFileSync(join(dir, 'cms', 'pprrvu-2024-bone-density.csv'), 'utf8'),
    articles,
    articleFiles: Object.fromEntries(files.map((file) => [file, readJson(join(dir, file))])),
  };
}

/** File names a payer pack can have: YAML (the format docs/payer-packs.md describes) or JSON. */
export const PACK_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads one payer pack file for checking claims (its cases are left out: `dxacode policy test` runs them); a syntax
 * or schema error is a KnowledgeError naming file, line and column.
 */
export function readPackData(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KnowledgeError(`cannot read payer pack ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const file = readPackFile(path, withoutCases(text));
  const first = file.problems.find((p) => p.severity === 'error');
  if (!file.pack || first) throw new KnowledgeError(`payer pack ${problemText(path, first ?? { line: 1, column: 1, severity: 'error', message: 'not a payer pack' })}`);
  return file.pack;
}

/** Reads the raw tables from a knowledge folder, plus any extra pack files. */
export function readKnowledgeSources(dir = EMBEDDED_KNOWLEDGE_DIR, extraPackFiles: string[] = []): KnowledgeSources {
  const packDir = join(dir, 'payers');
  const packFiles = readdirSync(packDir)
    .filter((name) => PACK_FILE.test(name))
    .sort()
    .map((name) => join(packDir, name));
  return {
    codes: readJson(join(dir, 'codes.json')),
    pairs: readJson(join(dir, 'pairs.json')),
    modifiers: readJson(join(dir, 'modifiers.json')),
    icd10Conventions: readJson(join(dir, 'icd10cm-conventions.json')),
    icd10Tsv: readFileSync(join(dir, 'icd10cm-fy2026-subset.tsv'), 'utf8'),
    medicareBmm: readJson(join(dir, 'medicare-bmm.json')),
    iscdVfa: readJson(join(dir, 'iscd-vfa.json')),
    payers: [...packFiles, ...extraPackFiles].map((path) => ({ name: path, data: readPackData(path) })),
    official: readOfficial(dir),
  };
}

/** Reads and compiles the embedded knowledge (plus extra pack files). Throws KnowledgeError on bad data. */
export function loadKnowledge(extraPackFiles: string[] = []): Knowledge {
  return compileKnowledge(readKnowledgeSources(EMBEDDED_KNOWLEDGE_DIR, extraPackFiles));
}
