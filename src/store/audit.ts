/**
 * The audit log: append-only records chained by HMAC under the audit key (audit-key.ts), signed checkpoints of the
 * chain's head that can be exported and anchored outside the database, and verification of both. Records hold ids
 * only, never patient data.
 */
import type { Kysely } from 'kysely';
import { StoreError } from './errors.js';
import { AUDIT_GENESIS_HASH, auditHash } from './hash.js';
import { auditHmac, checkpointSignatureValid, signCheckpoint, type AuditCheckpoint, type AuditKey, type AuditKeyring } from './audit-key.js';
import type { AuditAction, StoreDatabase } from './schema.js';

/** A checkpoint is written with every this many records, in the transaction of the record that completes them. */
export const CHECKPOINT_EVERY_RECORDS = 1000;

/** Records read per page while verifying, so memory stays flat however long the log is. */
const VERIFY_PAGE = 5000;

/** The outcome of verifying the audit chain. */
export type AuditVerification =
  | {
      ok: true;
      /** Records verified (of the organisation, when verification was scoped to one). */
      records: number;
      /** Records chained by plain SHA-256 before the chain was keyed (migration 6); 0 on a store created since. */
      legacyRecords: number;
      /** Stored checkpoints verified, and exported checkpoints (anchors) verified against the log. */
      checkpoints: number;
      anchors: number;
    }
  | {
      ok: false;
      /** The first record (or checkpoint's record) found wrong; null when it belongs to another organisation. */
      seq: number | null;
      problem: string;
    };

/** Appends one chained record under the current key; the caller holds the write transaction, so seq and prev_hash cannot race. */
export async function appendAuditRecord(
  tx: Kysely<StoreDatabase>,
  key: AuditKey,
  record: { at: string; actor: string; organization: string; action: AuditAction; objectIds: string[] },
): Promise<{ seq: number }> {
  const last = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const seq = last === undefined ? 1 : Number(last.seq) + 1;
  const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
  const fields = { seq, ...record };
  const hash = auditHmac(key, prevHash, fields);
  await tx
    .insertInto('audit_log')
    .values({ seq, at: record.at, actor: record.actor, organization: record.organization, action: record.action, object_ids: JSON.stringify(record.objectIds), prev_hash: prevHash, hash, key_id: key.id })
    .execute();
  if (seq % CHECKPOINT_EVERY_RECORDS === 0) await insertCheckpoint(tx, key, seq, hash, record.at);
  return { seq };
}

/** Signs and stores a checkpoint of the chain's head. */
async function insertCheckpoint(tx: Kysely<StoreDatabase>, key: AuditKey, lastSeq: number, lastHash: string, at: string): Promise<AuditCheckpoint> {
  const previous = await tx.selectFrom('audit_checkpoints').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const checkpoint = signCheckpoint(key, { checkpoint: previous === undefined ? 1 : Number(previous.seq) + 1, at, lastSeq, lastHash });
  await tx
    .insertInto('audit_checkpoints')
    .values({ seq: checkpoint.checkpoint, at, last_seq: lastSeq, last_hash: lastHash, key_id: key.id, signature: checkpoint.signature })
    .execute();
  return checkpoint;
}

/**
 * Checkpoints the chain's head now, unless the newest checkpoint already covers it (then that one is returned);
 * undefined while the log is empty.
 */
export async function checkpointHead(tx: Kysely<StoreDatabase>, key: AuditKey, at: string): Promise<AuditCheckpoint | undefined> {
  const head = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (head === undefined) return undefined;
  const newest = await tx.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (newest !== undefined && Number(newest.last_seq) === Number(head.seq) && newest.key_id === key.id) return { ...rowToCheckpoint(newest), publicKey: key.publicKey };
  return insertCheckpoint(tx, key, Number(head.seq), head.hash, at);
}

type CheckpointRow = StoreDatabase['audit_checkpoints'];

function rowToCheckpoint(row: CheckpointRow): Omit<AuditCheckpoint, 'publicKey'> {
  return { checkpoint: Number(row.seq), at: row.at, lastSeq: Number(row.last_seq), lastHash: row.last_hash, keyId: row.key_id, signature: row.signature };
}

/** Every stored checkpoint, oldest first, with the public key of the key that signed it (when that key is known). */
export async function listCheckpoints(db: Kysely<StoreDatabase>, keyring: AuditKeyring | undefined): Promise<AuditCheckpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
  return rows.map((row) => ({ ...rowToCheckpoint(row), publicKey: keyring?.byId.get(row.key_id)?.publicKey ?? '' }));
}

/**
 * Walks the whole chain in seq order and reports the first record whose seq is missing (deleted), whose prev_hash
 * does not link to the record before, whose hash does not match its contents under its key (altered, or forged by
 * someone without the key), or that is unkeyed after keyed records. Then every stored checkpoint and every given
 * anchor (an exported checkpoint) must carry a valid signature of a known key and name a record that is still in
 * the log with that hash: a log cut off after an anchored record fails, which the chain alone cannot show. With an
 * organisation, the counts are that organisation's and a broken record of another organisation is not named.
 */
export async function verifyAuditChain(
  db: Kysely<StoreDatabase>,
  keyring: AuditKeyring | undefined,
  options: { organization?: string; anchors?: readonly AuditCheckpoint[] } = {},
): Promise<AuditVerification> {
  const storedCheckpoints = (await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()).map(rowToCheckpoint);
  const anchors = options.anchors ?? [];
  // The hashes the checkpoints and anchors name, filled in as the walk passes their records.
  const wanted = new Map<number, string | undefined>();
  for (const c of [...storedCheckpoints, ...anchors]) wanted.set(c.lastSeq, undefined);

  const fail = (seq: number, organization: string, problem: string): AuditVerification =>
    options.organization === undefined || options.organization === organization
      ? { ok: false, seq, problem }
      : { ok: false, seq: null, problem: "the audit chain is broken at a record of another organisation; the installation's operator can see where with dxacode audit verify" };

  let prevHash = AUDIT_GENESIS_HASH;
  let expectedSeq = 1;
  let records = 0;
  let legacyRecords = 0;
  let keyed = false;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(VERIFY_PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return fail(expectedSeq, row.organization, `record ${expectedSeq} is missing`);
      if (row.prev_hash !== prevHash) return fail(seq, row.organization, 'prev_hash does not match the previous record');
      let objectIds: string[];
      try {
        objectIds = JSON.parse(row.object_ids) as string[];
      } catch {
        return fail(seq, row.organization, 'object ids are not valid JSON');
      }
      const fields = { seq, at: row.at, actor: row.actor, organization: row.organization, action: row.action, objectIds };
      const keyId = row.key_id ?? null;
      if (keyId === null) {
        // Only the records written before the chain was keyed may be unkeyed: one after a keyed record is a forgery.
        if (keyed) return fail(seq, row.organization, 'an unkeyed record follows keyed records (forged without the audit key)');
        if (auditHash(prevHash, fields) !== row.hash) return fail(seq, row.organization, 'hash does not match the record (altered)');
        legacyRecords += 1;
      } else {
        const key = keyring?.byId.get(keyId);
        if (key === undefined) return fail(seq, row.organization, `the record is signed with audit key ${keyId}, which is not among the keys given (restore it, or add it to the key file as a retired key)`);
        if (auditHmac(key, prevHash, fields) !== row.hash) return fail(seq, row.organization, 'hash does not match the record under its audit key (altered or forged)');
        keyed = true;
      }
      if (wanted.has(seq)) wanted.set(seq, row.hash);
      if (options.organization === undefined || options.organization === row.organization) records += 1;
      prevHash = row.hash;
      expectedSeq += 1;
    }
  }
  const lastSeq = expectedSeq - 1;
  for (const [what, list] of [['checkpoint', storedCheckpoints], ['anchored checkpoint', anchors]] as const) {
    for (const c of list) {
      const key = keyring?.byId.get(c.keyId);
      if (key === undefined || !checkpointSignatureValid(key, c)) return { ok: false, seq: c.lastSeq, problem: `${what} ${c.checkpoint} does not carry a valid signature of a known audit key (forged or altered)` };
      if (c.lastSeq > lastSeq) return { ok: false, seq: lastSeq + 1, problem: `the log ends at record ${lastSeq}, but ${what} ${c.checkpoint} of ${c.at} covers record ${c.lastSeq}: records were cut off the end` };
      if (wanted.get(c.lastSeq) !== c.lastHash) return { ok: false, seq: c.lastSeq, problem: `record ${c.lastSeq} is not the one ${what} ${c.checkpoint} signed (rewritten)` };
    }
  }
  return { ok: true, records, legacyRecords, checkpoints: storedCheckpoints.length, anchors: anchors.length };
}

/** Reads exported checkpoints (one JSON object per line, as `dxacode audit checkpoint` prints them). */
export function parseAnchors(text: string, where: string): AuditCheckpoint[] {
  const anchors: AuditCheckpoint[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new StoreError('invalid', `${where}, line ${i + 1}: expected a checkpoint as one JSON object per line`);
    }
    const c = value as Partial<AuditCheckpoint>;
    const valid =
      typeof c === 'object' && c !== null && Number.isInteger(c.checkpoint) && Number.isInteger(c.lastSeq) && typeof c.at === 'string' && typeof c.lastHash === 'string' && typeof c.keyId === 'string' && typeof c.signature === 'string';
    if (!valid) throw new StoreError('invalid', `${where}, line ${i + 1}: expected checkpoint, at, lastSeq, lastHash, keyId and signature`);
    anchors.push({ ...(c as AuditCheckpoint), publicKey: c.publicKey ?? '' });
  });
  return anchors;
}
