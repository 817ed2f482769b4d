/**
 * Migration 7: what was exported and what came back. Each claim of an exported 837P is kept with where it sits
 * (ISA13, GS06, ST02, position) and its lines with their line item control numbers, so a 999, 277CA or 835 can be
 * matched to it; each imported file and each item it holds is kept with its match (or why there is none), the 835
 * lines and adjustments in their own rows so denials and money can be counted by reason.
 */
import type { Kysely } from 'kysely';
import type { StoreDatabase } from './schema.js';

/** Creates the exported-claim and response tables and their indexes. */
export async function createResponseTables(db: Kysely<StoreDatabase>): Promise<void> {
  await db.schema
    .createTable('exported_claims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('encounter_id', 'text', (c) => c.notNull().references('encounters.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('claim_id', 'text', (c) => c.notNull())
    .addColumn('interchange', 'text', (c) => c.notNull())
    .addColumn('group_control', 'text', (c) => c.notNull())
    .addColumn('transaction_control', 'text', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('total_cents', 'integer', (c) => c.notNull())
    .addColumn('date_of_service', 'text', (c) => c.notNull())
    .addColumn('exported_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('exported_claims_claim').on('exported_claims').columns(['organization', 'claim_id']).execute();
  await db.schema.createIndex('exported_claims_group').on('exported_claims').columns(['organization', 'group_control', 'transaction_control']).execute();
  await db.schema.createIndex('exported_claims_encounter').on('exported_claims').columns(['encounter_id']).execute();
  await db.schema
    .createTable('exported_lines')
    .addColumn('exported_claim_id', 'text', (c) => c.notNull().references('exported_claims.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('organization', 'text', (c) => c.notNull())
    .addColumn('control_number', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('modifiers', 'text', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull())
    .addColumn('cents', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('exported_lines_pk', ['exported_claim_id', 'line'])
    .execute();
  await db.schema.createIndex('exported_lines_control').on('exported_lines').columns(['organization', 'control_number']).execute();
  await db.schema
    .createTable('response_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('interchanges', 'text', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('unmatched', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('warnings', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addUniqueConstraint('response_files_sha256', ['organization', 'sha256'])
    .execute();
  await db.schema
    .createTable('responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file_id', 'text', (c) => c.notNull().references('response_files.id'))
    .addColumn('organization', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('claim_id', 'text')
    .addColumn('exported_claim_id', 'text', (c) => c.references('exported_claims.id'))
    .addColumn('encounter_id', 'text', (c) => c.references('encounters.id'))
    .addColumn('status', 'text')
    .addColumn('charge_cents', 'integer')
    .addColumn('paid_cents', 'integer')
    .addColumn('patient_cents', 'integer')
    .addColumn('remarks', 'text', (c) => c.notNull())
    .addColumn('match_method', 'text')
    .addColumn('match_note', 'text')
    .addColumn('unmatched_reason', 'text')
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('responses_file').on('responses').columns(['file_id', 'seq']).execute();
  await db.schema.createIndex('responses_encounter').on('responses').columns(['organization', 'encounter_id']).execute();
  await db.schema
    .createTable('response_lines')
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('exported_claim_id', 'text')
    .addColumn('line', 'integer')
    .addColumn('control_number', 'text')
    .addColumn('code', 'text')
    .addColumn('modifiers', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('charge_cents', 'integer')
    .addColumn('paid_cents', 'integer')
    .addColumn('allowed_cents', 'integer')
    .addColumn('remarks', 'text', (c) => c.notNull())
    .addColumn('match_method', 'text')
    .addColumn('unmatched_reason', 'text')
    .addPrimaryKeyConstraint('response_lines_pk', ['response_id', 'seq'])
    .execute();
  await db.schema
    .createTable('response_adjustments')
    .addColumn('response_id', 'text', (c) => c.notNull().references('responses.id'))
    .addColumn('line_seq', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('group_code', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'real')
    .addPrimaryKeyConstraint('response_adjustments_pk', ['response_id', 'line_seq', 'seq'])
    .execute();
  await db.schema.createIndex('response_adjustments_reason').on('response_adjustments').columns(['reason_code']).execute();
}
