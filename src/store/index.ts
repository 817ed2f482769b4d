/** The store's public surface: open a store, its types, its errors. */
export { openStore, storeUrlFromEnv, storeOptionsFromEnv, DEFAULT_STORE_URL } from './store.js';
export { patientKeysOf } from './patients.js';
export type { Store, StoreOptions, TokenPrincipal, ResultVersion, OverrideRecord, StoredEncounter, EncounterSummary, EncounterFilters, TokenRecord, WriteOps, OrganizationWriteOps, IdempotentResponse, IdempotentOutcome, CheckOptions, AuditRecord, RecheckCandidate, RecheckOutcome, AppliedMigrationReport } from './store.js';
export { OrganizationStore } from './store.js';
export { ENCOUNTER_SORTS, type EncounterSort } from './encounters.js';
export { StoreError, STORE_ERROR_KINDS, type StoreErrorKind } from './errors.js';
export { ROLES, AUDIT_ACTIONS, MIGRATIONS, type Role, type AuditAction } from './schema.js';
export type { AuditVerification } from './audit.js';
export { parseAnchors } from './audit.js';
export type { AuditCheckpoint } from './audit-key.js';
