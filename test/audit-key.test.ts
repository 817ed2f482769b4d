/**
 * The audit key and record hash as known answers: the expected values were computed outside dxacode with OpenSSL 3
 * (openssl dgst -sha256; openssl kdf ... HKDF; openssl dgst -sha256 -mac HMAC; openssl pkey), so the code is checked
 * against an independent implementation, not against itself.
 */
import { describe, expect, it } from 'vitest';
import { auditHmac, auditKeyFromSecret, checkpointSignatureValid, parseAuditSecrets, signCheckpoint } from '../src/store/audit-key.js';
import { auditHash } from '../src/store/hash.js';

/** The secret 00 01 02 ... 1f. */
const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const PREV_HASH = 'a1'.repeat(32);
const RECORD = { seq: 2, at: '2026-03-01T08:00:00.000Z', actor: 'tok-1', organization: 'org-a', action: 'checked', objectIds: ['enc-1', 'v1'] };

describe('audit key and record hash, known answers', () => {
  const key = auditKeyFromSecret(SECRET);

  it('derives the key id, chain key and checkpoint public key', () => {
    // printf 00..1f | openssl dgst -sha256, first 16 hex digits
    expect(key.id).toBe('630dcd2966c43366');
    // openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:00..1f -kdfopt salt:"dxacode audit" -kdfopt info:"chain hmac" HKDF
    expect(key.chainKey.toString('hex')).toBe('b7cfece50884f032cdcd1f0d97e9a925a1485423ff03881bb70f69d19db980d5');
    // the Ed25519 key whose seed is HKDF(info "checkpoint ed25519"), public half from openssl pkey -pubout
    expect(key.publicKey).toBe('1r9IOA1a6D0vtNRad7xJ3J5Vt9WKoAUCProkQ7wbY3g');
  });

  it('hashes a keyed record as HMAC-SHA256 of the previous hash and the canonical record with its key id', () => {
    // printf '%s' "$PREV$JSON" | openssl dgst -sha256 -mac HMAC -macopt hexkey:<chain key>, with JSON the record's
    // keys sorted: {"action":"checked","actor":"tok-1","at":"2026-03-01T08:00:00.000Z","keyId":"630dcd2966c43366",...}
    expect(auditHmac(key, PREV_HASH, RECORD)).toBe('88e5bdf35898e3be097137a45d9229eed8ab72b5f0443bc888122120dfba358a');
  });

  it('hashes a record of the unkeyed chain (before migration 6) as SHA-256 of the previous hash and the record', () => {
    expect(auditHash(PREV_HASH, RECORD)).toBe('ee06931dfcf10bef0b365128571634a9c47bf026e352e6d1775901ba8c470407');
  });

  it('changes the hash when the previous hash, any field or the key changes', () => {
    const base = auditHmac(key, PREV_HASH, RECORD);
    expect(auditHmac(key, 'b2'.repeat(32), RECORD)).not.toBe(base);
    for (const changed of [{ seq: 3 }, { at: '2026-03-01T08:00:00.001Z' }, { actor: 'tok-2' }, { organization: 'org-b' }, { action: 'accepted' }, { objectIds: ['enc-1', 'v2'] }]) {
      expect(auditHmac(key, PREV_HASH, { ...RECORD, ...changed })).not.toBe(base);
    }
    expect(auditHmac(auditKeyFromSecret(Buffer.alloc(32, 7)), PREV_HASH, RECORD)).not.toBe(base);
  });
});

describe('audit key text', () => {
  it('reads base64 and hex secrets, one per line, skipping comments and blank lines', () => {
    const hex = SECRET.toString('hex');
    const secrets = parseAuditSecrets(`# current\n${SECRET.toString('base64')}\n\n# retired\n${hex}\n${SECRET.toString('base64url')}\n`, 'test');
    expect(secrets.map((s) => s.toString('hex'))).toEqual([hex, hex, hex]);
  });

  it('refuses short or mistyped secrets, naming the line but never the key', () => {
    expect(() => parseAuditSecrets('c2hvcnQ=', 'the key file k')).toThrow(/the key file k, line 1: expected an audit key of at least 32 bytes/);
    const typo = `${SECRET.toString('base64').slice(0, 20)}!${SECRET.toString('base64').slice(21)}`;
    expect(() => parseAuditSecrets(`# x\n${typo}`, 'k')).toThrow(/k, line 2/);
    try {
      parseAuditSecrets(typo, 'k');
    } catch (error) {
      expect((error as Error).message).not.toContain(typo);
    }
    expect(() => parseAuditSecrets('# only a comment\n', 'k')).toThrow(/expected an audit key/);
  });
});

describe('checkpoint signatures', () => {
  const key = auditKeyFromSecret(SECRET);
  const checkpoint = signCheckpoint(key, { checkpoint: 4, at: '2026-03-01T09:00:00.000Z', lastSeq: 4000, lastHash: 'c3'.repeat(32) });

  it('verifies with the key that signed, and names the key and its public half', () => {
    expect(checkpoint).toMatchObject({ keyId: key.id, publicKey: key.publicKey });
    expect(checkpointSignatureValid(key, checkpoint)).toBe(true);
  });

  it('fails when any field changes or another key verifies', () => {
    for (const changed of [{ checkpoint: 5 }, { at: '2026-03-01T09:00:01.000Z' }, { lastSeq: 3999 }, { lastHash: 'c4'.repeat(32) }]) {
      expect(checkpointSignatureValid(key, { ...checkpoint, ...changed })).toBe(false);
    }
    expect(checkpointSignatureValid(auditKeyFromSecret(Buffer.alloc(32, 9)), checkpoint)).toBe(false);
  });
});
