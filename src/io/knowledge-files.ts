/**
 * Reads the embedded knowledge tables from disk (an edge: the core never touches files) and compiles them.
 * Extra payer packs written by users can be added by path. A command loads the embedded knowledge through
 * knowledge-snapshot.ts, which uses the build-time snapshot when it is current and this module otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileKnowledge, KnowledgeError, type Knowledge, type KnowledgeSources } from '../knowledge/compile.js';
import { problemText, readPackFile, withoutCases } from '../knowledge/pack-file.js';
import type { PayerPack } from '../knowledge/schema.js';
import { EMBEDDED_KNOWLEDGE_DIR, KNOWLEDGE_FILES, parseKnowledgeJson, readKnowledgeFileSet, type KnowledgeFileSet } from './knowledge-snapshot.js';

export { EMBEDDED_KNOWLEDGE_DIR, PACK_FILE } from './knowledge-snapshot.js';
export { compileKnowledge } from '../knowledge/compile.js';

/**
 * Reads one payer pack file for checking claims (its cases are left out: `dxacode policy test` runs them); a syntax
 * or schema error is a KnowledgeError naming file, line and column.
 */
export function readPackData(path: string): PayerPack {
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

/** Reads the raw tables from a knowledge folder (or from its files already read), plus any extra pack files. */
export function readKnowledgeSources(dir = EMBEDDED_KNOWLEDGE_DIR, extraPackFiles: string[] = [], files: KnowledgeFileSet = readKnowledgeFileSet(dir)): KnowledgeSources {
  const bytes = (file: string) => files.bytes.get(file)!;
  const json = (file: string) => parseKnowledgeJson(join(dir, file), bytes(file));
  const text = (file: string) => bytes(file).toString('utf8');
  return {
    codes: json(KNOWLEDGE_FILES.codes),
    pairs: json(KNOWLEDGE_FILES.pairs),
    modifiers: json(KNOWLEDGE_FILES.modifiers),
    icd10Conventions: json(KNOWLEDGE_FILES.icd10Conventions),
    icd10Tsv: text(KNOWLEDGE_FILES.icd10Tsv),
    medicareBmm: json(KNOWLEDGE_FILES.medicareBmm),
    iscdVfa: json(KNOWLEDGE_FILES.iscdVfa),
    payers: [...files.packs.map((file) => join(dir, file)), ...extraPackFiles].map((path) => ({ name: path, data: readPackData(path) })),
    official: {
      icd10cmCodesGz: bytes(KNOWLEDGE_FILES.icd10cmCodesGz),
      hcpcsCodesGz: bytes(KNOWLEDGE_FILES.hcpcsCodesGz),
      mueCsv: text(KNOWLEDGE_FILES.mueCsv),
      rvuCsv: text(KNOWLEDGE_FILES.rvuCsv),
      articles: files.articles,
      articleFiles: Object.fromEntries(files.articleFiles.map((file) => [file, json(file)])),
    },
  };
}

/** Reads and compiles the embedded knowledge (plus extra pack files), without the snapshot. Throws KnowledgeError on bad data. */
export function loadKnowledge(extraPackFiles: string[] = []): Knowledge {
  return compileKnowledge(readKnowledgeSources(EMBEDDED_KNOWLEDGE_DIR, extraPackFiles));
}
