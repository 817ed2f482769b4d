/** Canonical JSON and SHA-256 helpers for input hashes, patient keys, token hashes and the audit chain. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal values always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v);
    }
    return sorted;
  }
  return value;
}

/** Hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The prev_hash of the first audit record. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The audit fields covered by a record's hash. */
export interface AuditRecordFields {
  seq: number;
  at: string;
  actor: string;
  organization: string;
  action: string;
  objectIds: string[];
}

/** sha256(prev_hash + canonical JSON of the record): the unkeyed chain of records written before migration 6 (audit-key.ts has the keyed one). */
export function auditHash(prevHash: string, record: AuditRecordFields): string {
  return sha256Hex(prevHash + canonicalJson(record));
}
