/**
 * Importing official files into the store as knowledge versions, and loading the stored versions into the
 * knowledge the engine uses (an edge: files and the database). An import is refused whole, never half-stored:
 * a file that does not match its layout (file, line, column), a version whose main row count falls far below the
 * previous version of the same kind, a version already imported, or files without an effective period.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Knowledge } from '../knowledge/compile.js';
import type { PayerPack } from '../knowledge/schema.js';
import { IMPORTERS, ImportError, KNOWLEDGE_KINDS, type KnowledgeKind } from '../knowledge/import/index.js';
import { decodeTables, encodeTables } from '../knowledge/import/table.js';
import { compileVersion, withVersions, type CompiledVersion, type KnowledgeVersionRecord } from '../knowledge/versions.js';
import type { RecheckCandidate, Store } from '../store/index.js';
import { diffTables, type KnowledgeDiff } from '../knowledge/diff.js';
import { isCalendarDate } from '../contract/dates.js';

/** The largest official file accepted (a PTP part is under 100 MB; PECOS about 150 MB). */
export const MAX_IMPORT_FILE_BYTES = 1024 * 1024 * 1024;

/** Below this share of the previous version's rows an import is refused unless the user allows it. */
export const MIN_ROW_SHARE = 0.5;

/** An import that was refused: the message says what and where. */
export class KnowledgeImportError extends Error {
  override readonly name = 'KnowledgeImportError';
}

/**
 * A payer pack that was refused: lint errors (file:line:column: message) or cases that failed, each with what
 * differed. A pack is stored only after it passes its own cases.
 */
export class PayerPackRefused extends KnowledgeImportError {
  constructor(
    message: string,
    readonly problems: readonly string[],
    readonly failures: readonly { name: string; differences: string[] }[],
  ) {
    super(message);
  }
}

/**
 * Lints a pack file against the knowledge in use and runs its cases with it; throws PayerPackRefused with every lint
 * error or failed case. Returns the pack, how many cases passed and the lint warnings.
 */
export async function checkPayerPackFile(name: string, text: string, knowledge: Knowledge): Promise<{ pack: PayerPack; cases: number; warnings: string[] }> {
  const [{ lintPack, problemText, readPackFile }, { runPackCases }, { KnowledgeError }] = await Promise.all([
    import('../knowledge/pack-file.js'),
    import('../engine/cases.js'),
    import('../knowledge/errors.js'),
  ]);
  const file = readPackFile(name, text);
  // Another version of the same payer is not an error here: an upload takes precedence on the dates it covers.
  const problems = [...file.problems, ...lintPack(file, knowledge, [])];
  const errors = problems.filter((p) => p.severity === 'error').map((p) => problemText(name, p));
  if (!file.pack || errors.length > 0) throw new PayerPackRefused(`${name}: the payer pack has ${errors.length} error${errors.length === 1 ? '' : 's'} (dxacode policy lint explains them): ${errors.slice(0, 5).join('; ')}`, errors, []);
  let outcomes;
  try {
    outcomes = runPackCases(file.pack, name, knowledge);
  } catch (error) {
    if (error instanceof KnowledgeError) throw new PayerPackRefused(`${name}: ${error.message}`, [error.message], []);
    throw error;
  }
  const failures = outcomes.filter((o) => !o.ok).map((o) => ({ name: o.name, differences: o.differences }));
  if (failures.length > 0) {
    throw new PayerPackRefused(`${name}: ${failures.length} of ${outcomes.length} case${outcomes.length === 1 ? '' : 's'} failed: ${failures.map((f) => `"${f.name}" (${f.differences[0]})`).join('; ')}`, [], failures);
  }
  if (outcomes.length === 0) throw new PayerPackRefused(`${name}: the payer pack has no cases; a pack is stored only after it passes its own cases`, [], []);
  return { pack: file.pack, cases: outcomes.length, warnings: problems.filter((p) => p.severity === 'warning').map((p) => problemText(name, p)) };
}

/** What the user asked for. */
export interface ImportRequest {
  kind: string;
  files: string[];
  /** The files' contents when they are already in memory (an upload): `files` are then only their names. */
  contents?: Uint8Array[] | undefined;
  /** The knowledge in use: a payer pack is linted and its cases run with it before it is stored. */
  knowledge?: Knowledge | undefined;
  /** Overrides of the period the files name (ISO dates; `to` inclusive). */
  effectiveFrom?: string | undefined;
  effectiveTo?: string | undefined;
  /** Accept a row count far below the previous version of the kind. */
  allowSmaller?: boolean | undefined;
  /** Who imports (recorded with the version and in the audit log). */
  actor: string;
  /** Test seam: the clock is the store's; this is only for timing the phases. */
  now?: () => number;
}

/** What an import did, with the time each phase took. */
export interface ImportOutcome {
  record: KnowledgeVersionRecord;
  warnings: string[];
  milliseconds: { read: number; parse: number; encode: number; store: number };
}

/** The row count that stands for a version's size: `rows` where the kind has it, else the largest table. */
export function mainRowCount(counts: Record<string, number>): number {
  if (counts.rows !== undefined) return counts.rows;
  if (counts.codes !== undefined) return counts.codes;
  return Math.max(0, ...Object.values(counts));
}

/** Reads, checks and stores one import. Throws KnowledgeImportError (or ImportError for a layout problem). */
export async function importKnowledge(store: Store, request: ImportRequest): Promise<ImportOutcome> {
  const now = request.now ?? (() => performance.now());
  if (!(KNOWLEDGE_KINDS as readonly string[]).includes(request.kind)) {
    throw new KnowledgeImportError(`unknown kind "${request.kind}": expected one of ${KNOWLEDGE_KINDS.join(', ')}`);
  }
  const kind = request.kind as KnowledgeKind;
  const importer = IMPORTERS[kind];
  const { min, max } = importer.fileCount;
  if (request.files.length < min || request.files.length > max) {
    throw new KnowledgeImportError(`${kind} takes ${min === max ? min : `${min} to ${max}`} file${max === 1 ? '' : 's'} (${importer.files}), got ${request.files.length}`);
  }
  if (kind === 'payer-pack' && (request.effectiveFrom !== undefined || request.effectiveTo !== undefined)) {
    throw new KnowledgeImportError('payer-pack: the pack file gives its own effective period (effective, end); --effective-from and --effective-to do not apply');
  }
  for (const [name, value] of [['--effective-from', request.effectiveFrom], ['--effective-to', request.effectiveTo]] as const) {
    if (value !== undefined && !isCalendarDate(value)) throw new KnowledgeImportError(`${name}: expected a date as YYYY-MM-DD, got "${value}"`);
  }
  const t0 = now();
  const files = [];
  for (const [i, path] of request.files.entries()) {
    const given = request.contents?.[i];
    if (given) {
      if (given.length > MAX_IMPORT_FILE_BYTES) throw new KnowledgeImportError(`${path}: the file is larger than ${MAX_IMPORT_FILE_BYTES / (1024 * 1024)} MiB`);
      files.push({ name: basename(path), bytes: given, sha256: createHash('sha256').update(given).digest('hex') });
      continue;
    }
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      throw new KnowledgeImportError(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? 'error')})`);
    }
    if (size > MAX_IMPORT_FILE_BYTES) throw new KnowledgeImportError(`${path}: the file is larger than ${MAX_IMPORT_FILE_BYTES / (1024 * 1024)} MiB`);
    const bytes = await readFile(path);
    files.push({ name: basename(path), bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  const t1 = now();
  const data = importer.read(files.map((f) => ({ name: f.name, bytes: f.bytes })));
  let warnings = data.warnings;
  if (kind === 'payer-pack') {
    if (!request.knowledge) throw new Error('importKnowledge: a payer pack needs the knowledge to run its cases with');
    const file = files[0]!;
    warnings = (await checkPayerPackFile(file.name, new TextDecoder().decode(file.bytes), request.knowledge)).warnings;
  }
  const t2 = now();
  const from = request.effectiveFrom ?? data.effective?.from;
  const to = request.effectiveTo !== undefined ? request.effectiveTo : request.effectiveFrom !== undefined ? null : (data.effective?.to ?? null);
  if (from === undefined) {
    throw new KnowledgeImportError(`${files.map((f) => f.name).join(', ')}: the file names do not say when this ${kind} version takes effect; give --effective-from YYYY-MM-DD (and --effective-to for the last day, if it is not open-ended)`);
  }
  if (to !== null && to < from) throw new KnowledgeImportError(`the effective period ends (${to}) before it starts (${from})`);

  const versions = await store.listKnowledgeVersions();
  const previous = versions.filter((v) => v.kind === kind).at(-1);
  const rows = mainRowCount(data.rowCounts);
  // Versions of a payer pack are of different payers and sizes: a small pack is not a truncated file.
  if (previous && !request.allowSmaller && kind !== 'payer-pack') {
    const before = mainRowCount(previous.rowCounts);
    if (rows < before * MIN_ROW_SHARE) {
      throw new KnowledgeImportError(
        `${kind}: ${rows.toLocaleString('en-US')} rows is far below the ${before.toLocaleString('en-US')} of the previous version ${previous.id} (under ${MIN_ROW_SHARE * 100} %); a truncated or wrong file is likely. Check the files, or pass --allow-smaller if the drop is real`,
      );
    }
  }
  const encoded = encodeTables(data.tables);
  const contentSha256 = createHash('sha256').update(encoded).digest('hex');
  const t3 = now();
  const duplicate = versions.find((v) => v.kind === kind && v.contentSha256 === contentSha256 && v.effectiveFrom === from && v.effectiveTo === to);
  if (duplicate) throw new KnowledgeImportError(`${kind}: these files were already imported as ${duplicate.id} on ${duplicate.importedAt.slice(0, 10)}`);
  const slug = data.edition.replace(/[^0-9A-Za-z.]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'edition';
  const record = await store.addKnowledgeVersion(
    {
      id: `${kind}:${slug}:${from}:${contentSha256.slice(0, 8)}`,
      kind,
      edition: data.edition,
      effectiveFrom: from,
      effectiveTo: to,
      files: files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes.length })),
      rowCounts: data.rowCounts,
      contentSha256,
      importedBy: request.actor,
      warnings: warnings.slice(0, 1000),
    },
    encoded,
  );
  const t4 = now();
  return { record, warnings, milliseconds: { read: t1 - t0, parse: t2 - t1, encode: t3 - t2, store: t4 - t3 } };
}

/**
 * One stored version, compiled: its data is read now and decoded when first needed (a PTP quarter only when a claim
 * with two codes asks), not at load.
 */
export async function compileStoredVersion(store: Store, record: KnowledgeVersionRecord): Promise<CompiledVersion> {
  const data = await store.knowledgeVersionData(record.id);
  if (data === undefined) throw new KnowledgeImportError(`knowledge version ${record.id} has no stored data`);
  return compileVersion(record, () => decodeTables(data));
}

/** The embedded knowledge plus every version stored; a version whose data cannot be read is named in the error. */
export async function loadStoredKnowledge(store: Store, base: Knowledge): Promise<Knowledge> {
  const compiled = [];
  for (const record of await store.listKnowledgeVersions()) compiled.push(await compileStoredVersion(store, record));
  return withVersions(base, compiled);
}

export { ImportError };

/** The payer id of a payer-pack version (its edition is "ID VERSION"). */
function packIdOf(record: KnowledgeVersionRecord): string {
  return record.edition.split(' ')[0]!;
}

/** The difference between a stored version and another (by default the previous version of the same kind). */
export async function diffStoredVersions(
  store: Store,
  base: Knowledge,
  toId: string,
  fromId: string | undefined,
  options: { all?: boolean; only?: (code: string) => boolean } = {},
): Promise<{ from: KnowledgeVersionRecord | undefined; to: KnowledgeVersionRecord; diff: KnowledgeDiff }> {
  const versions = await store.listKnowledgeVersions();
  const to = versions.find((v) => v.id === toId);
  if (!to) throw new KnowledgeImportError(`no knowledge version ${toId} (dxacode knowledge list shows them)`);
  const sameSeries = (v: KnowledgeVersionRecord) => v.kind === to.kind && (to.kind !== 'payer-pack' || packIdOf(v) === packIdOf(to));
  const from = fromId === undefined ? versions.filter((v) => sameSeries(v) && v.seq < to.seq).at(-1) : versions.find((v) => v.id === fromId);
  if (fromId !== undefined && !from) throw new KnowledgeImportError(`no knowledge version ${fromId} (dxacode knowledge list shows them)`);
  if (from && from.kind !== to.kind) throw new KnowledgeImportError(`${from.id} is ${from.kind} and ${to.id} is ${to.kind}: only versions of one kind can be compared`);
  const tablesOf = async (record: KnowledgeVersionRecord | undefined) => {
    if (!record) return {};
    const data = await store.knowledgeVersionData(record.id);
    if (data === undefined) throw new KnowledgeImportError(`knowledge version ${record.id} has no stored data`);
    return decodeTables(data);
  };
  const diff = diffTables(to.kind, await tablesOf(from), await tablesOf(to), options.only ?? (options.all ? undefined : familyCodeTest(base)));
  return { from, to, diff };
}

/**
 * Whether a code (no dot) belongs to the bone-density family: the CPT/HCPCS codes of the code table, the ICD-10-CM
 * codes of the embedded subset and of the billing articles.
 */
export function familyCodeTest(knowledge: Knowledge): (code: string) => boolean {
  const codes = new Set<string>(knowledge.codes.byCode.keys());
  for (const dx of knowledge.icd10.billable.keys()) codes.add(dx.replace('.', ''));
  for (const article of new Set(knowledge.articles.byJurisdiction.values())) {
    for (const code of article.codes) {
      codes.add(code);
      for (const dx of article.coveredFor(code) ?? []) codes.add(dx.replace('.', ''));
    }
  }
  return (code) => codes.has(code);
}

/** One stored encounter a recheck looked at. */
export interface RecheckLine {
  organization: string;
  encounterId: string;
  externalId: string | null;
  dateOfService: string;
  version: number;
  before: string;
  after: string;
  reason: string;
}

/** The codes (CPT/HCPCS and ICD-10-CM without the dot) an encounter's claim, recommended claim and diagnoses name. */
function codesOf(candidate: RecheckCandidate): Set<string> {
  const out = new Set<string>();
  for (const line of candidate.encounter.claim?.lines ?? []) {
    out.add(line.code.toUpperCase());
    for (const dx of line.diagnoses ?? []) out.add(dx.replace('.', '').toUpperCase());
  }
  for (const line of candidate.result.recommended.lines) out.add(line.code);
  for (const dx of [...(candidate.encounter.diagnoses ?? []), ...candidate.result.recommended.diagnoses]) out.add(dx.replace('.', '').toUpperCase());
  for (const h of candidate.encounter.history ?? []) out.add(h.code.toUpperCase());
  return out;
}

/**
 * `dxacode recheck --since VERSION`: every version imported since (and including) VERSION touches the stored
 * encounters whose date of service it is in force on and whose codes its changes name (all of them when it has no
 * earlier version of its kind to compare with). Each is checked again with `knowledge` and kept as a new version
 * with its reason. Returns every encounter rechecked, changed verdicts first.
 */
export async function recheckSince(store: Store, knowledge: Knowledge, sinceId: string, actor: string, organization?: string): Promise<RecheckLine[]> {
  const versions = await store.listKnowledgeVersions();
  const since = versions.find((v) => v.id === sinceId);
  if (!since) throw new KnowledgeImportError(`no knowledge version ${sinceId} (dxacode knowledge list shows them)`);
  const touching = versions.filter((v) => v.seq >= since.seq);
  const done = new Map<string, RecheckLine>();
  for (const version of touching) {
    // A payer pack touches only its payer's encounters.
    const payer = version.kind === 'payer-pack' ? packIdOf(version) : undefined;
    const candidates = (await store.encountersInPeriod(version.effectiveFrom, version.effectiveTo, organization === undefined ? {} : { organization })).filter(
      (c) => !done.has(`${c.organization}/${c.encounterId}`) && (payer === undefined || (c.encounter.payer ?? 'medicare') === payer),
    );
    if (candidates.length === 0) continue;
    const codes = candidates.map(codesOf);
    // Provider lists change NPIs, not codes, and a pack's rules change what its codes mean: every encounter in their
    // period is checked again.
    const byCode = version.kind !== 'order-referring' && version.kind !== 'leie' && version.kind !== 'payer-pack';
    const hasPrevious = byCode && versions.some((v) => v.kind === version.kind && v.seq < version.seq);
    // Compare only the rows that name a code of these encounters: a PTP quarter has millions of rows, the office's
    // claims a few hundred codes.
    const named = new Set(codes.flatMap((c) => [...c]));
    const touched = hasPrevious ? new Set((await diffStoredVersions(store, knowledge, version.id, undefined, { only: (code) => named.has(code) })).diff.touchedCodes) : undefined;
    const reason = `knowledge version ${version.id} (${version.kind} ${version.edition})`;
    for (const [i, candidate] of candidates.entries()) {
      const key = `${candidate.organization}/${candidate.encounterId}`;
      if (done.has(key)) continue;
      if (touched !== undefined && ![...codes[i]!].some((c) => touched.has(c))) continue;
      const outcome = await store.forOrganization(candidate.organization).encounters.recheck(candidate.encounterId, knowledge, reason, actor);
      done.set(key, {
        organization: candidate.organization,
        encounterId: candidate.encounterId,
        externalId: candidate.externalId,
        dateOfService: candidate.dateOfService,
        version: outcome.version,
        before: outcome.before,
        after: outcome.after,
        reason,
      });
    }
  }
  return [...done.values()].sort((a, b) => Number(a.before === a.after) - Number(b.before === b.after) || a.dateOfService.localeCompare(b.dateOfService));
}
