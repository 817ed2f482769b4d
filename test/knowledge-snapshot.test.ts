/**
 * The build-time snapshot of the embedded knowledge (src/io/knowledge-snapshot.ts) against the knowledge compiled
 * from its files: the same digest of every table and index, the same result for every case in cases/ and every
 * case the embedded payer packs carry, and a snapshot that does not match its files is never used. Runs the built
 * modules in dist/ (test/global-setup.ts builds them and writes the snapshot, as `npm run build` does), because the
 * snapshot is made for them: a run from src/ always compiles from the files.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type * as CasesModule from '../src/engine/cases.js';
import type * as EngineModule from '../src/engine/index.js';
import type * as FilesModule from '../src/io/knowledge-files.js';
import type * as SnapshotModule from '../src/io/knowledge-snapshot.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import type { CodeList } from '../src/knowledge/official.js';

const DIST = new URL('../dist/', import.meta.url);
const load = <T>(path: string) => import(new URL(path, DIST).href) as Promise<T>;
const snapshotModule = await load<typeof SnapshotModule>('io/knowledge-snapshot.js');
const filesModule = await load<typeof FilesModule>('io/knowledge-files.js');
const { check, parseEncounter } = await load<typeof EngineModule>('engine/index.js');
const { runPackCases } = await load<typeof CasesModule>('engine/cases.js');
const { readPackFile } = await load<typeof import('../src/knowledge/pack-file.js')>('knowledge/pack-file.js');

/**
 * Everything a Knowledge holds, as canonical JSON: maps and sets as sorted entries, code lists as their codes,
 * functions left out (the cases below exercise them), a reference back to an object already on the path marked.
 */
function canonical(value: unknown, path: object[] = []): unknown {
  if (typeof value === 'function' || value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (path.includes(value)) return '[cycle]';
  const inner = [...path, value];
  const sorted = (entries: unknown[]) => entries.map((e) => canonical(e, inner)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value instanceof Map) return { map: sorted([...value.entries()]) };
  if (value instanceof Set) return { set: sorted([...value]) };
  if (value.constructor?.name === 'CodeList') {
    const list = value as CodeList;
    return { size: list.size, codes: list.under('', Number.MAX_SAFE_INTEGER) };
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v, inner) ?? null);
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k], inner)])
      .filter(([, v]) => v !== undefined),
  );
}

const digest = (knowledge: Knowledge) => createHash('sha256').update(JSON.stringify(canonical(knowledge))).digest('hex');

const files = snapshotModule.readKnowledgeFileSet();
const fromSnapshot = await snapshotModule.loadEmbeddedKnowledge();
const fromFiles = filesModule.loadKnowledge();

describe('the embedded knowledge snapshot', () => {
  it('is current after the build, so the CLI uses it', () => {
    expect(snapshotModule.snapshotTables(files)).toBeDefined();
  });

  it('indexes into the same knowledge as compiling the files', () => {
    expect(digest(fromSnapshot)).toBe(digest(fromFiles));
    // The digest covers the tables and the whole code lists, not an empty shell.
    expect(JSON.stringify(canonical(fromFiles)).length).toBeGreaterThan(1_000_000);
    expect(fromSnapshot.version).toBe(fromFiles.version);
  });

  it('gives the same result for every case in cases/', () => {
    const dir = new URL('../cases/', import.meta.url).pathname;
    let count = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const data = parse(readFileSync(join(dir, file), 'utf8')) as { defaults?: object; cases: { name: string; encounter: object; historyScope?: 'all-providers' | 'this-organization' }[] };
      for (const testCase of data.cases) {
        const parsed = parseEncounter({ ...(data.defaults ?? {}), ...testCase.encounter });
        if (!parsed.ok) continue;
        const options = testCase.historyScope === undefined ? {} : { historyScope: testCase.historyScope };
        expect(check(parsed.encounter, fromSnapshot, options), `${file}: ${testCase.name}`).toEqual(check(parsed.encounter, fromFiles, options));
        count++;
      }
    }
    expect(count).toBeGreaterThan(100);
  });

  it('gives the same result for every case the embedded payer packs carry', () => {
    const dir = join(snapshotModule.EMBEDDED_KNOWLEDGE_DIR, 'payers');
    for (const file of files.packs) {
      const pack = readPackFile(file, readFileSync(join(snapshotModule.EMBEDDED_KNOWLEDGE_DIR, file), 'utf8')).pack!;
      const results = (knowledge: Knowledge) => runPackCases(pack, file, knowledge).map((o) => o.result);
      expect(results(fromSnapshot), file).toEqual(results(fromFiles));
    }
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(5);
  });

  it('decodes the ICD-10-CM list only for a code it does not know to be on it', () => {
    const codes = fromSnapshot.icd10.codeSet.codes;
    expect(codes.size).toBe(74_719);
    expect(codes.has('M810')).toBe(true);
    expect(codes.has('S22000A')).toBe(fromFiles.icd10.codeSet.codes.has('S22000A'));
    expect(codes.has('M8100')).toBe(false);
    expect(codes.under('M80', 3)).toEqual(fromFiles.icd10.codeSet.codes.under('M80', 3));
  });

  it('is not used when a file it was made from changed', () => {
    const changed = { ...files, bytes: new Map(files.bytes) };
    const pairs = files.bytes.get('pairs.json')!;
    changed.bytes.set('pairs.json', Buffer.concat([pairs, Buffer.from(' ')]));
    expect(snapshotModule.snapshotTables(changed)).toBeUndefined();
  });

  it('is not used when it is missing, unreadable or of another layout, and the files are compiled instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-snapshot-'));
    const copy = join(dir, 'embedded-knowledge.json');
    copyFileSync(snapshotModule.KNOWLEDGE_SNAPSHOT_FILE, copy);
    expect(snapshotModule.snapshotTables(files, copy)).toBeDefined();
    expect(snapshotModule.snapshotTables(files, join(dir, 'missing.json'))).toBeUndefined();
    writeFileSync(copy, '{"format": 1, "digest": ');
    expect(snapshotModule.snapshotTables(files, copy)).toBeUndefined();
    const snapshot = JSON.parse(readFileSync(snapshotModule.KNOWLEDGE_SNAPSHOT_FILE, 'utf8')) as { format: number };
    writeFileSync(copy, JSON.stringify({ ...snapshot, format: snapshot.format + 1 }));
    expect(snapshotModule.snapshotTables(files, copy)).toBeUndefined();
    expect(digest(await snapshotModule.loadEmbeddedKnowledge([], copy))).toBe(digest(fromFiles));
  });

  it('adds extra pack files to the snapshot as compiling would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-snapshot-'));
    const extra = join(dir, 'medicare-copy.yaml');
    writeFileSync(extra, readFileSync(join(snapshotModule.EMBEDDED_KNOWLEDGE_DIR, 'payers', 'medicare.yaml'), 'utf8').replace(/^id: medicare$/m, 'id: medicare-copy'));
    const knowledge = await snapshotModule.loadEmbeddedKnowledge([extra]);
    expect(knowledge.payers.has('medicare-copy')).toBe(true);
    expect(digest(knowledge)).toBe(digest(filesModule.loadKnowledge([extra])));
  });
});
