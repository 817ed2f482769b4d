/**
 * Reads the embedded knowledge tables from disk (an edge: the core never touches files) and compiles them.
 * Extra payer packs written by users can be added by path.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileKnowledge, KnowledgeError, type Knowledge, type KnowledgeSources } from '../knowledge/compile.js';

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

/** Reads the raw tables from a knowledge folder, plus any extra pack files. */
export function readKnowledgeSources(dir = EMBEDDED_KNOWLEDGE_DIR, extraPackFiles: string[] = []): KnowledgeSources {
  const packDir = join(dir, 'payers');
  const packFiles = readdirSync(packDir)
    .filter((name) => name.endsWith('.json'))
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
    payers: [...packFiles, ...extraPackFiles].map((path) => ({ name: path, data: readJson(path) })),
    official: readOfficial(dir),
  };
}

/** Reads and compiles the embedded knowledge (plus extra pack files). Throws KnowledgeError on bad data. */
export function loadKnowledge(extraPackFiles: string[] = []): Knowledge {
  return compileKnowledge(readKnowledgeSources(EMBEDDED_KNOWLEDGE_DIR, extraPackFiles));
}
