/**
 * The embedded knowledge's build-time snapshot: `npm run build` validates the tables in src/knowledge/data once and
 * writes their validated form to dist/knowledge/embedded-knowledge.json, with a digest (CRC-32) of every file it was
 * made from (the data files and the modules that validate them). A command then reads the files' bytes, and when
 * the digest still matches it only indexes the stored tables: no YAML parsing of the payer packs, no schema
 * validation, and the 74,719-code ICD-10-CM list decoded only if a claim's code is not among those known to be on
 * it. A snapshot that is missing, unreadable or made from other files or code is never used: the knowledge is then
 * compiled from the files as before (io/knowledge-files.ts), which the tests compare the snapshot against.
 *
 * This module stays light on purpose (no YAML, no zod): it is what a single `dxacode check` loads.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import type { Knowledge, KnowledgeTables } from '../knowledge/compile.js';
import { KnowledgeError } from '../knowledge/errors.js';
import { indexKnowledge } from '../knowledge/indexes.js';
import { CodeList, decodeCodeList } from '../knowledge/official.js';

/** Folder of the embedded knowledge data (src/knowledge/data, found from both src/ and dist/). */
export const EMBEDDED_KNOWLEDGE_DIR = fileURLToPath(new URL('../../src/knowledge/data/', import.meta.url));

/** Where the build writes the snapshot: dist/knowledge/ beside the compiled modules (never under src/). */
export const KNOWLEDGE_SNAPSHOT_FILE = fileURLToPath(new URL('../knowledge/embedded-knowledge.json', import.meta.url));

/** File names a payer pack can have: YAML (the format docs/payer-packs.md describes) or JSON. */
export const PACK_FILE = /\.(ya?ml|json)$/i;

/** Files of the code lists, the ICD-10-CM subset and the other raw tables, relative to the data folder. */
export const KNOWLEDGE_FILES = {
  codes: 'codes.json',
  pairs: 'pairs.json',
  modifiers: 'modifiers.json',
  icd10Conventions: 'icd10cm-conventions.json',
  icd10Tsv: 'icd10cm-fy2026-subset.tsv',
  medicareBmm: 'medicare-bmm.json',
  iscdVfa: 'iscd-vfa.json',
  articles: 'medicare-billing-articles.json',
  icd10cmCodesGz: 'cms/icd10cm-codes-2026-04.txt.gz',
  hcpcsCodesGz: 'cms/hcpcs-level2-2026-07-codes.txt.gz',
  mueCsv: 'cms/mue-2026q4-bone-density.csv',
  rvuCsv: 'cms/pprrvu-2024-bone-density.csv',
} as const;

/**
 * The modules whose code decides what the validated tables are (schemas, the ICD-10-CM subset reader, the pack
 * reader, the file reader): a change to one makes a snapshot stale even when the data did not change. Found beside
 * this module, so that a run from src/ (the tests, with .ts files) never takes a snapshot built from dist/.
 */
const VALIDATING_MODULES = ['../knowledge/schema', '../knowledge/compile', '../knowledge/official', '../knowledge/import/text', '../knowledge/pack-file', '../io/knowledge-files', '../io/knowledge-snapshot'];

/** Version of the snapshot's layout; a snapshot of another layout is not read. */
const SNAPSHOT_FORMAT = 2;

/** Raises KnowledgeError for a file that cannot be read, as the loader has always worded it. */
export function readKnowledgeFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KnowledgeError(`cannot read knowledge file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Parses a knowledge file's JSON, naming the file when it is not valid. */
export function parseKnowledgeJson(path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw new KnowledgeError(`knowledge file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The embedded knowledge's files as bytes, by path relative to the data folder: every file the knowledge is made from. */
export interface KnowledgeFileSet {
  dir: string;
  bytes: Map<string, Buffer>;
  /** The payer pack files (relative paths), in the order they are loaded. */
  packs: string[];
  /** The billing-article index, parsed (it names the MCD export copies to read). */
  articles: unknown;
  /** The MCD export copies it names (relative paths). */
  articleFiles: string[];
}

/** Reads every file of the embedded knowledge in a data folder. Throws KnowledgeError for a missing or bad file. */
export function readKnowledgeFileSet(dir = EMBEDDED_KNOWLEDGE_DIR): KnowledgeFileSet {
  const bytes = new Map<string, Buffer>();
  for (const file of Object.values(KNOWLEDGE_FILES)) bytes.set(file, readKnowledgeFile(join(dir, file)));
  const articles = parseKnowledgeJson(join(dir, KNOWLEDGE_FILES.articles), bytes.get(KNOWLEDGE_FILES.articles)!);
  const articleFiles = (articles as { articles?: { file?: unknown }[] }).articles?.map((a) => a.file).filter((f): f is string => typeof f === 'string') ?? [];
  for (const file of articleFiles) bytes.set(file, readKnowledgeFile(join(dir, file)));
  const packs = readdirSync(join(dir, 'payers'))
    .filter((name) => PACK_FILE.test(name))
    .sort()
    .map((name) => `payers/${name}`);
  for (const file of packs) bytes.set(file, readKnowledgeFile(join(dir, file)));
  return { dir, bytes, packs, articles, articleFiles };
}

/**
 * CRC-32 of each file (path, size and content, in path order) and of the code of the validating modules, as one hex
 * string. It tells a snapshot made from other files (an edit, a new release) from a current one, as SHA-256 did, at
 * a fraction of the cost of loading node:crypto and hashing on every start; it guards against mistakes, not forgery
 * (whoever can write the data files can write the snapshot).
 */
export function knowledgeDigest(files: KnowledgeFileSet): string {
  const parts: string[] = [];
  const add = (name: string, content: Uint8Array) => {
    parts.push(`${name}:${content.byteLength}:${crc32(content).toString(16).padStart(8, '0')}`);
  };
  add('format', Buffer.from(String(SNAPSHOT_FORMAT)));
  const ext = extname(fileURLToPath(import.meta.url));
  for (const module of VALIDATING_MODULES) {
    const url = new URL(`${module}${ext}`, import.meta.url);
    add(`module ${module}`, existsSync(url) ? readFileSync(url) : Buffer.alloc(0));
  }
  for (const name of [...files.bytes.keys()].sort()) add(name, files.bytes.get(name)!);
  return parts.join(' ');
}

/** The snapshot file's content: the validated tables as JSON, and what they were made from. */
interface SnapshotFile {
  format: number;
  digest: string;
  tables: Omit<KnowledgeTables, 'packs' | 'billable' | 'icdCodes' | 'hcpcsCodes'> & {
    /** Payer packs by file relative to the data folder. */
    packs: { file: string; pack: KnowledgeTables['packs'][number]['pack'] }[];
    billable: [string, string][];
    icdCodes: CodeListSummary;
    hcpcsCodes: CodeListSummary;
  };
}

/** What the snapshot keeps of a code list: its size and the codes the knowledge names that are on it. */
interface CodeListSummary {
  size: number;
  members: string[];
}

/** The codes the embedded knowledge itself names that are on a list: the codes claims use most. */
function knownMembers(list: CodeList, candidates: Iterable<string>): string[] {
  return [...new Set(candidates)].filter((code) => list.has(code)).sort();
}

/** ICD-10-CM codes (no dot) that the subset and the billing articles name. */
function icdCandidates(tables: KnowledgeTables): string[] {
  const codes = [...tables.billable.keys()];
  for (const data of Object.values(tables.articleFiles)) {
    const entry = Array.isArray(data) ? (data[0] as { covered?: Record<string, unknown> } | undefined) : undefined;
    for (const list of Object.values(entry?.covered ?? {})) if (Array.isArray(list)) codes.push(...list.filter((c): c is string => typeof c === 'string'));
  }
  return codes.map((code) => code.replace('.', ''));
}

/** The snapshot of validated tables made from `files`. */
export function snapshotOf(tables: KnowledgeTables, files: KnowledgeFileSet): SnapshotFile {
  const { packs, billable, icdCodes, hcpcsCodes, ...rest } = tables;
  const packDir = join(files.dir, 'payers');
  return {
    format: SNAPSHOT_FORMAT,
    digest: knowledgeDigest(files),
    tables: {
      ...rest,
      packs: packs.map(({ name, pack }) => {
        if (!name.startsWith(`${packDir}/`)) throw new Error(`the snapshot holds the embedded payer packs only, not ${name}`);
        return { file: `payers/${name.slice(packDir.length + 1)}`, pack };
      }),
      billable: [...billable],
      icdCodes: { size: icdCodes.size, members: knownMembers(icdCodes, icdCandidates(tables)) },
      hcpcsCodes: { size: hcpcsCodes.size, members: knownMembers(hcpcsCodes, tables.codes.entries.map((e) => e.code)) },
    },
  };
}

/** The validated tables of a snapshot; the code lists are decoded from the files' bytes when first needed. */
function tablesOf(snapshot: SnapshotFile, files: KnowledgeFileSet): KnowledgeTables {
  const { packs, billable, icdCodes, hcpcsCodes, ...rest } = snapshot.tables;
  const gz = (file: string) => () => decodeCodeList(files.bytes.get(file)!);
  return {
    ...rest,
    packs: packs.map(({ file, pack }) => ({ name: join(files.dir, file), pack })),
    billable: new Map(billable),
    icdCodes: CodeList.decodedOnDemand(icdCodes.size, icdCodes.members, gz(KNOWLEDGE_FILES.icd10cmCodesGz)),
    hcpcsCodes: CodeList.decodedOnDemand(hcpcsCodes.size, hcpcsCodes.members, gz(KNOWLEDGE_FILES.hcpcsCodesGz)),
  };
}

/**
 * The embedded tables from the snapshot when it was made from exactly these files and this code; undefined when
 * there is no usable snapshot (the caller then validates the files).
 */
export function snapshotTables(files: KnowledgeFileSet, snapshotFile = KNOWLEDGE_SNAPSHOT_FILE): KnowledgeTables | undefined {
  let snapshot: SnapshotFile;
  try {
    snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as SnapshotFile;
  } catch {
    return undefined;
  }
  if (snapshot?.format !== SNAPSHOT_FORMAT || snapshot.digest !== knowledgeDigest(files)) return undefined;
  return tablesOf(snapshot, files);
}

/**
 * Loads the embedded knowledge (plus extra pack files): from the snapshot when it is current, else compiled from
 * the files. Extra packs are always read and validated from their files. Throws KnowledgeError on bad data.
 */
export async function loadEmbeddedKnowledge(extraPackFiles: string[] = [], snapshotFile = KNOWLEDGE_SNAPSHOT_FILE): Promise<Knowledge> {
  const files = readKnowledgeFileSet();
  const tables = snapshotTables(files, snapshotFile);
  if (tables && extraPackFiles.length === 0) return indexKnowledge(tables);
  const { compileKnowledge, readKnowledgeSources, readPackData } = await import('./knowledge-files.js');
  if (!tables) return compileKnowledge(readKnowledgeSources(EMBEDDED_KNOWLEDGE_DIR, extraPackFiles, files));
  return indexKnowledge({ ...tables, packs: [...tables.packs, ...extraPackFiles.map((name) => ({ name, pack: readPackData(name) }))] });
}

/** Validates the embedded knowledge and writes its snapshot (run by `npm run build`); returns the file written. */
export async function writeKnowledgeSnapshot(snapshotFile = KNOWLEDGE_SNAPSHOT_FILE): Promise<string> {
  const [{ readKnowledgeSources }, { validateKnowledgeSources }] = await Promise.all([import('./knowledge-files.js'), import('../knowledge/compile.js')]);
  const files = readKnowledgeFileSet();
  const tables = validateKnowledgeSources(readKnowledgeSources(EMBEDDED_KNOWLEDGE_DIR, [], files));
  // Indexing checks that the valid tables agree with one another: a snapshot that cannot be loaded is never written.
  indexKnowledge(tables);
  // ASCII only (other characters as \u escapes): V8 parses a one-byte string faster than a two-byte one.
  const json = JSON.stringify(snapshotOf(tables, files)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(snapshotFile, `${json}\n`);
  return snapshotFile;
}
