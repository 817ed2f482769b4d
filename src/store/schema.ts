/** The store's tables as Kysely types, and the versioned migrations that create them. */
import { sql, type Kysely } from 'kysely';
import { rekeyPatientHistories, type MigrationReport } from './patients.js';
import { createResponseTables } from './responses-schema.js';
import { addRegistryResearchColumns } from './registry-schema.js';
import { addWorklistColumns } from './worklist.js';

/** Token roles, least to most privileged. */
export const ROLES = { viewer: 'viewer', coder: 'coder', admin: 'admin' } as const;
/** One token role. */
export type Role = (typeof ROLES)[keyof typeof ROLES];

/** Audit actions (issue 5 §3). */
export const AUDIT_ACTIONS = {
  checked: 'checked',
  overrode: 'overrode',
  accepted: 'accepted',
  exported: 'exported',
  signedIn: 'signed-in',
  denied: 'denied',
  tokenCreated: 'token-created',
  tokenRevoked: 'token-revoked',
  knowledgeImported: 'knowledge-imported',
  responsesImported: 'responses-imported',
  organizationGranted: 'organization-granted',
  registryExported: 'registry-exported',
} as const;
/** One audit action. */
export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];

/** Database tables. Times are ISO-8601 UTC text and JSON is text, so SQLite and PostgreSQL store the same bytes. */
export interface StoreDatabase {
  /** report: what a migration did (counts and internal ids), from migration 5 on. */
  schema_migrations: { version: number; name: string; applied_at: string; report?: string | null };
  organizations: { id: string; created_at: string };
  api_tokens: { id: string; organization: string; role: string; token_sha256: string; created_at: string; revoked_at: string | null };
  /** Further organisations an admin token administers besides its own (migration 8), granted by the operator. */
  token_organizations: { token_id: string; organization: string; granted_at: string; granted_by: string };
  encounters: {
    id: string;
    organization: string;
    external_id: string | null;
    patient_key: string | null;
    date_of_service: string;
    payer: string;
    input_json: string;
    input_sha256: string;
    latest_version: number;
    created_at: string;
    /** The worklist's patient columns (migration 10, src/store/worklist.ts): name as shown and as sorted, MRN, member id as compared. */
    patient_name?: string | null;
    patient_sort?: string | null;
    patient_mrn?: string | null;
    patient_member_id?: string | null;
  };
  check_results: {
    encounter_id: string;
    version: number;
    input_sha256: string;
    knowledge_version: string;
    verdict: string;
    result_json: string;
    created_at: string;
    actor: string;
    /** Why this version was made when it is not a check of new input (a recheck after a knowledge import). */
    reason?: string | null;
  };
  check_findings: { encounter_id: string; version: number; rule: string };
  accepted_claims: { encounter_id: string; version: number; claim_json: string; actor: string; created_at: string };
  overrides: { id: string; encounter_id: string; version: number; rule: string; line: number | null; reason: string; actor: string; created_at: string };
  /** The billed bone-density codes of each stored encounter, once per patient key (MRN, member id); npi: the billing provider. */
  bone_density_history: { organization: string; patient_key: string; encounter_id: string; date_of_service: string; code: string; npi?: string | null };
  /** key_id (migration 6): the audit key whose HMAC is `hash`; null for records chained by plain SHA-256 before it. */
  audit_log: { seq: number; at: string; actor: string; organization: string; action: string; object_ids: string; prev_hash: string; hash: string; key_id?: string | null };
  /** Signed statements that the chain reached record last_seq with hash last_hash (migration 6). */
  audit_checkpoints: { seq: number; at: string; last_seq: number; last_hash: string; key_id: string; signature: string };
  idempotency_keys: { organization: string; idempotency_key: string; request_sha256: string; status_code: number; response_json: string; created_at: string };
  jobs: {
    id: string;
    organization: string;
    actor: string;
    format: string;
    status: string;
    total: number;
    done: number;
    failed: number;
    created_at: string;
    finished_at: string | null;
    /** The uploaded file's name as the client gave it (migration 10); null when it gave none. */
    file_name?: string | null;
  };
  job_items: {
    job_id: string;
    seq: number;
    status: string;
    input_json: string | null;
    problems_json: string | null;
    encounter_id: string | null;
    version: number | null;
    verdict: string | null;
    lease_owner: string | null;
    lease_until: string | null;
    attempts: number;
    finished_at: string | null;
  };
  counters: { name: string; value: number };
  knowledge_versions: {
    seq: number;
    id: string;
    kind: string;
    edition: string;
    effective_from: string;
    effective_to: string | null;
    files_json: string;
    row_counts_json: string;
    content_sha256: string;
    imported_by: string;
    imported_at: string;
    warnings_json: string;
  };
  knowledge_data: { version_id: string; part: number; data_base64: string };
  registry: {
    encounter_id: string;
    organization: string;
    date_of_service: string;
    payer: string;
    sex: string;
    age_years: number | null;
    lowest_t_score: number | null;
    vfa_performed: number;
    vfa_fractures: number | null;
    /** Migration 9 (registry-schema.ts): the osteoporosis drug stated, the VFA fracture levels and highest Genant grade, the per-site results (JSON). */
    therapy?: string | null;
    highest_genant_grade?: number | null;
    fracture_levels?: string | null;
    site_results?: string | null;
  };
  /** One claim of an exported 837P: where it sits (ISA13, GS06, ST02, position) and the result version billed. */
  exported_claims: {
    id: string;
    organization: string;
    encounter_id: string;
    version: number;
    claim_id: string;
    interchange: string;
    group_control: string;
    transaction_control: string;
    ordinal: number;
    total_cents: number;
    date_of_service: string;
    exported_at: string;
    actor: string;
  };
  /** One billed line of an exported claim, with its line item control number (REF*6R). */
  exported_lines: { exported_claim_id: string; line: number; organization: string; control_number: string; code: string; modifiers: string; units: number; cents: number };
  /** One imported 999, 277CA or 835 file (ids and counts only; sha256 refuses the same file twice). */
  response_files: {
    id: string;
    organization: string;
    kinds: string;
    sha256: string;
    interchanges: string;
    items: number;
    matched: number;
    unmatched: number;
    errors: number;
    warnings: number;
    mode: string;
    imported_at: string;
    actor: string;
  };
  /** One item that came back: a 999 set or claim, a 277CA claim or batch, an 835 remittance, claim or provider adjustment. */
  responses: {
    id: string;
    file_id: string;
    organization: string;
    seq: number;
    kind: string;
    claim_id: string | null;
    exported_claim_id: string | null;
    encounter_id: string | null;
    status: string | null;
    charge_cents: number | null;
    paid_cents: number | null;
    patient_cents: number | null;
    remarks: string;
    match_method: string | null;
    match_note: string | null;
    unmatched_reason: string | null;
    detail_json: string;
    created_at: string;
  };
  /** One line of a 277CA or 835 claim, matched to the billed line where it can be. */
  response_lines: {
    response_id: string;
    seq: number;
    exported_claim_id: string | null;
    line: number | null;
    control_number: string | null;
    code: string | null;
    modifiers: string;
    status: string | null;
    charge_cents: number | null;
    paid_cents: number | null;
    allowed_cents: number | null;
    remarks: string;
    match_method: string | null;
    unmatched_reason: string | null;
  };
  /** One CAS adjustment of an 835 claim (line_seq 0) or line (line_seq 1, 2, ...). */
  response_adjustments: { response_id: string; line_seq: number; seq: number; group_code: string; reason_code: string; amount_cents: number; quantity: number | null };
}

/** One migration: applied once, in its own transaction, recorded in schema_migrations (with its report, if any). */
export interface Migration {
  version: number;
  name: string;
  up: (db: Kysely<StoreDatabase>) => Promise<void | MigrationReport>;
}

/** All migrations in order. Never edit a published one; add a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: async (db) => {
      await db.schema.createTable('organizations').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('created_at', 'text', (c) => c.notNull()).execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('viewer', 'coder', 'admin')`))
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('encounters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('external_id', 'text')
        .addColumn('patient_key', 'text')
        .addColumn('date_of_service', 'text', (c) => c.notNull())
        .addColumn('payer', 'text', (c) => c.notNull())
        .addColumn('input_json', 'text', (c) => c.notNull())
        .addColumn('input_sha256', 'text', (c) => c.notNull())
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('encounters_org_external_id', ['organization', 'external_id'])
        .execute();
      await db.schema.createIndex('encounters_org_date').on('encounters').columns(['organization', 'date_of_service']).execute();
      await db.schema.createIndex('encounters_org_patient').on('encounters').columns(['organization', 'patient_key']).execute();
      await db.schema
        .createTable('check_results')
        .addColumn('encounter_id', 'text', (c) => c.notNull().references('encounters.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('input_sha256', 'text', (c) => c.notNull())
        .addColumn('knowledge_version', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('result_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('check_results_pk', ['encounter_id', 'version'])
        .execute();
      await db.schema
        .createTable('check_findings')
        .addColumn('encounter_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addForeignKeyConstraint('check_findings_result', ['encounter_id', 'version'], 'check_results', ['encounter_id', 'version'])
        .execute();
      await db.schema.createIndex('check_findings_rule').on('check_findings').columns(['rule', 'encounter_id', 'version']).execute();
      await db.schema
        .createTable('accepted_claims')
        .addColumn('encounter_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('claim_json', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('accepted_claims_pk', ['encounter_id', 'version'])
        .addForeignKeyConstraint('accepted_claims_result', ['encounter_id', 'version'], 'check_results', ['encounter_id', 'version'])
        .execute();
      await db.schema
        .createTable('overrides')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('encounter_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('line', 'integer')
        .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(trim(reason)) > 0`))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addForeignKeyConstraint('overrides_result', ['encounter_id', 'version'], 'check_results', ['encounter_id', 'version'])
        .execute();
      await db.schema
        .createTable('bone_density_history')
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('patient_key', 'text', (c) => c.notNull())
        .addColumn('encounter_id', 'text', (c) => c.notNull().references('encounters.id'))
        .addColumn('date_of_service', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('bone_density_history_patient').on('bone_density_history').columns(['organization', 'patient_key', 'date_of_service']).execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('object_ids', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 2,
    name: 'idempotency keys, batch jobs, counters, registry',
    up: async (db) => {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('request_sha256', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer', (c) => c.notNull())
        .addColumn('response_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['organization', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_org_created').on('idempotency_keys').columns(['organization', 'created_at']).execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('organization', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done')`))
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull())
        .addColumn('failed', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('jobs_org_created').on('jobs').columns(['organization', 'created_at']).execute();
      await db.schema
        .createTable('job_items')
        .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'done', 'failed')`))
        .addColumn('input_json', 'text')
        .addColumn('problems_json', 'text')
        .addColumn('encounter_id', 'text')
        .addColumn('version', 'integer')
        .addColumn('verdict', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addPrimaryKeyConstraint('job_items_pk', ['job_id', 'seq'])
        .execute();
      await db.schema.createIndex('job_items_pending').on('job_items').columns(['status', 'lease_until']).execute();
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('registry')
        .addColumn('encounter_id', 'text', (c) => c.primaryKey().references('encounters.id'))
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('date_of_service', 'text', (c) => c.notNull())
        .addColumn('payer', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('age_years', 'integer')
        .addColumn('lowest_t_score', 'real')
        .addColumn('vfa_performed', 'integer', (c) => c.notNull())
        .addColumn('vfa_fractures', 'integer')
        .execute();
      await db.schema.createIndex('registry_org_date').on('registry').columns(['organization', 'date_of_service']).execute();
    },
  },
  {
    version: 3,
    name: 'batch job queue indexes',
    up: async (db) => {
      // A worker claims the next pending items of the oldest unfinished job. Without these, both lookups would scan
      // finished jobs and items, so claiming would slow down as a job progresses and as the queue's history grows.
      // The item index holds pending items only, in claim order, so the planner picks it even before PostgreSQL has
      // statistics on a freshly queued job.
      await db.schema.createIndex('jobs_status_created').on('jobs').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('job_items_pending_seq').on('job_items').columns(['job_id', 'seq']).where(sql.ref('status'), '=', sql.lit('pending')).execute();
    },
  },
  {
    version: 4,
    name: 'imported knowledge versions',
    up: async (db) => {
      // One row per import with its provenance; the encoded tables in parts of at most a few megabytes of base64
      // text, so SQLite and PostgreSQL store the same bytes and no single value grows past what a driver handles well.
      await db.schema
        .createTable('knowledge_versions')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('edition', 'text', (c) => c.notNull())
        .addColumn('effective_from', 'text', (c) => c.notNull())
        .addColumn('effective_to', 'text')
        .addColumn('files_json', 'text', (c) => c.notNull())
        .addColumn('row_counts_json', 'text', (c) => c.notNull())
        .addColumn('content_sha256', 'text', (c) => c.notNull())
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addColumn('warnings_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('knowledge_versions_kind').on('knowledge_versions').columns(['kind', 'seq']).execute();
      await db.schema
        .createTable('knowledge_data')
        .addColumn('version_id', 'text', (c) => c.notNull().references('knowledge_versions.id'))
        .addColumn('part', 'integer', (c) => c.notNull())
        .addColumn('data_base64', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('knowledge_data_pk', ['version_id', 'part'])
        .execute();
      // A result made by `dxacode recheck` says why: the knowledge version that touched it.
      await db.schema.alterTable('check_results').addColumn('reason', 'text').execute();
    },
  },
  {
    version: 5,
    name: 'patient histories keyed by MRN or member id only',
    // Adds bone_density_history.npi and schema_migrations.report, and re-keys every stored history (patients.ts).
    up: rekeyPatientHistories,
  },
  {
    version: 6,
    name: 'keyed audit chain and signed checkpoints',
    up: async (db) => {
      // Records written before this migration keep their plain SHA-256 chain (key_id null); the first keyed record's
      // HMAC covers the last of them, so they cannot be rewritten afterwards without breaking it.
      await db.schema.alterTable('audit_log').addColumn('key_id', 'text').execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('last_hash', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 7,
    name: 'exported claims and the 999, 277CA and 835 that come back',
    up: createResponseTables,
  },
  {
    version: 8,
    name: 'organisations an admin token administers',
    up: async (db) => {
      await db.schema
        .createTable('token_organizations')
        .addColumn('token_id', 'text', (c) => c.notNull().references('api_tokens.id'))
        .addColumn('organization', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('token_organizations_pk', ['token_id', 'organization'])
        .execute();
    },
  },
  {
    version: 9,
    name: 'registry research columns: therapy, fracture levels and grade, per-site results',
    up: addRegistryResearchColumns,
  },
  {
    version: 10,
    name: 'worklist search and sort by patient, batch file names',
    up: async (db) => {
      await db.schema.alterTable('jobs').addColumn('file_name', 'text').execute();
      return addWorklistColumns(db);
    },
  },
];
