/**
 * The audit chain's key. Anyone who can write the database could rewrite an unkeyed SHA-256 chain and recompute every
 * hash, so each record's hash is an HMAC and each checkpoint an Ed25519 signature, both derived (HKDF-SHA256) from
 * one secret that is never stored in the database: it comes from the environment or a key file given at start.
 * A key file holds one secret per line: the first signs new records, the others (retired keys) only verify records
 * signed before a rotation.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { StoreError } from './errors.js';
import { canonicalJson, type AuditRecordFields } from './hash.js';

/** The shortest secret accepted: 256 bits, as for an HMAC-SHA256 key. */
export const MIN_AUDIT_SECRET_BYTES = 32;

/** One audit key, derived from its secret. */
export interface AuditKey {
  /** Names the key in records and checkpoints: the first 16 hex digits of SHA-256 of the secret (it does not reveal the secret). */
  id: string;
  /** HMAC-SHA256 key of the record chain. */
  chainKey: Buffer;
  /** Ed25519 key that signs checkpoints. */
  signingKey: KeyObject;
  /** Its public half, which verifies exported checkpoints. */
  verifyKey: KeyObject;
  /** The public key as raw Ed25519 in base64url, to publish beside exported checkpoints. */
  publicKey: string;
}

/** The keys a store works with: the current one signs, every one (by id) verifies. */
export interface AuditKeyring {
  current: AuditKey;
  byId: ReadonlyMap<string, AuditKey>;
}

const HKDF_SALT = 'dxacode audit';
/** PKCS #8 DER header of an Ed25519 private key (RFC 8410), followed by the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Derives the chain and checkpoint keys of one secret. */
export function auditKeyFromSecret(secret: Buffer): AuditKey {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, info, 32));
  const signingKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, derive('checkpoint ed25519')]), format: 'der', type: 'pkcs8' });
  const verifyKey = createPublicKey(signingKey);
  return {
    id: createHash('sha256').update(secret).digest('hex').slice(0, 16),
    chainKey: derive('chain hmac'),
    signingKey,
    verifyKey,
    publicKey: String(verifyKey.export({ format: 'jwk' }).x),
  };
}

/** A keyring from secrets, the first being the current key. */
export function keyringOf(secrets: readonly Buffer[]): AuditKeyring {
  const keys = secrets.map(auditKeyFromSecret);
  return { current: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) };
}

/**
 * Reads key text: one secret per line, base64 (standard or URL-safe) or hex, of at least 32 bytes; blank lines and
 * lines starting with # are ignored. `where` names the source in messages (never the key itself).
 */
export function parseAuditSecrets(text: string, where: string): Buffer[] {
  const secrets: Buffer[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const secret = decodeSecret(line);
    if (secret === undefined) {
      throw new StoreError('invalid', `${where}, line ${i + 1}: expected an audit key of at least ${MIN_AUDIT_SECRET_BYTES} bytes as base64 or hex (for example the output of: openssl rand -base64 32)`);
    }
    secrets.push(secret);
  });
  if (secrets.length === 0) throw new StoreError('invalid', `${where}: expected an audit key (one per line; the first signs new records)`);
  return secrets;
}

function decodeSecret(text: string): Buffer | undefined {
  let bytes: Buffer | undefined;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text) && text.length >= 2 * MIN_AUDIT_SECRET_BYTES) bytes = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    bytes = Buffer.from(text, 'base64');
    // Buffer skips what is not base64; a secret must round-trip, so a typing slip is refused, not shortened.
    if (bytes.toString('base64').replace(/=+$/, '') !== text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')) bytes = undefined;
  }
  return bytes !== undefined && bytes.length >= MIN_AUDIT_SECRET_BYTES ? bytes : undefined;
}

/** Reads a key file; a missing or unreadable file is a StoreError naming the path. */
export function readAuditKeyFile(path: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StoreError('invalid', `the audit key file ${path} cannot be read (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`, { cause: error });
  }
  return parseAuditSecrets(text, `the audit key file ${path}`);
}

/**
 * Creates a key file with a new random secret, readable by its owner only (0600); false when the file exists
 * already (another process made it first: its key is the one to use).
 */
export function createAuditKeyFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError('unavailable', `the audit key file ${path} could not be created`, { cause: error });
  }
  try {
    writeSync(fd, `# dxacode audit key (docs/deployment.md): the first key signs, later lines verify older records. Keep a copy outside this machine.\n${randomBytes(MIN_AUDIT_SECRET_BYTES).toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** hmac_sha256(chain key, prev_hash + canonical JSON of the record with its key id): a record commits to the one before it, and only the key's holder can make one. */
export function auditHmac(key: Pick<AuditKey, 'id' | 'chainKey'>, prevHash: string, record: AuditRecordFields): string {
  return createHmac('sha256', key.chainKey).update(prevHash + canonicalJson({ ...record, keyId: key.id }), 'utf8').digest('hex');
}

/** What a checkpoint states: after audit record `lastSeq`, whose hash is `lastHash`, at `at`. */
export interface CheckpointFields {
  checkpoint: number;
  at: string;
  lastSeq: number;
  lastHash: string;
  keyId: string;
}

/** A signed checkpoint as it is exported for anchoring outside the database. */
export interface AuditCheckpoint extends CheckpointFields {
  /** The key's public half (raw Ed25519, base64url), so an outside party can pin it. */
  publicKey: string;
  /** Ed25519 over the canonical JSON of the fields, base64url. */
  signature: string;
}

function checkpointPayload(fields: CheckpointFields): Buffer {
  const { checkpoint, at, lastSeq, lastHash, keyId } = fields;
  return Buffer.from(canonicalJson({ v: 1, checkpoint, at, lastSeq, lastHash, keyId }), 'utf8');
}

/** Signs a checkpoint with the key. */
export function signCheckpoint(key: AuditKey, fields: Omit<CheckpointFields, 'keyId'>): AuditCheckpoint {
  const all = { ...fields, keyId: key.id };
  return { ...all, publicKey: key.publicKey, signature: sign(null, checkpointPayload(all), key.signingKey).toString('base64url') };
}

/** True when the checkpoint's signature is the key's over its fields (the key is the verifier's own, never the one the checkpoint names). */
export function checkpointSignatureValid(key: AuditKey, checkpoint: CheckpointFields & { signature: string }): boolean {
  return verify(null, checkpointPayload(checkpoint), key.verifyKey, Buffer.from(checkpoint.signature, 'base64url'));
}
