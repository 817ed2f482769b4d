/**
 * What the worklist searches and sorts encounters by, kept in columns of `encounters` (migration 10) so that both
 * databases filter, count and page in SQL: the patient's name as shown and as sorted, the medical record number and
 * the member id as matched. What a row shows of its latest result (billed codes, top finding) is read from the
 * result itself, for the page's rows only.
 */
import type { Kysely } from 'kysely';
import type { Encounter } from '../contract/encounter.js';
import type { Finding, Result } from '../contract/result.js';
import { normalizeMemberId, type MigrationReport } from './patients.js';
import type { StoreDatabase } from './schema.js';

/** The worklist's patient columns of one encounter. */
export interface PatientColumns {
  patient_name: string | null;
  patient_sort: string | null;
  patient_mrn: string | null;
  patient_member_id: string | null;
}

/** Text as the worklist compares it case-blind: Unicode lower case of the NFC form, so both databases compare the same bytes. */
export function searchText(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** The worklist columns of an encounter: "Family, Given" as shown; its lower case, family first, as sorted and searched. */
export function patientColumnsOf(encounter: Encounter): PatientColumns {
  const { name, mrn, memberId } = encounter.patient;
  const shown = name === undefined ? null : name.given === undefined ? name.family : `${name.family}, ${name.given}`;
  return {
    patient_name: shown,
    patient_sort: shown === null ? null : searchText(shown),
    patient_mrn: mrn ?? null,
    patient_member_id: memberId === undefined ? null : normalizeMemberId(memberId),
  };
}

const SEVERITY_RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** What a list shows of a finding: its rule, severity, words and line. */
export interface TopFinding {
  rule: string;
  severity: Finding['severity'];
  message: string;
  line?: number;
}

/** A finding as a list shows it (no fix, source or params). */
export function topFindingSummary(finding: Finding): TopFinding {
  return { rule: finding.rule, severity: finding.severity, message: finding.message, ...(finding.line === undefined ? {} : { line: finding.line }) };
}

/** The finding a worklist row shows: the first error, else the first warning, else the first note; undefined when there is none. */
export function topFindingOf(result: Pick<Result, 'findings'>): Finding | undefined {
  let top: Finding | undefined;
  for (const finding of result.findings ?? []) {
    if (top === undefined || SEVERITY_RANK[finding.severity] < SEVERITY_RANK[top.severity]) top = finding;
  }
  return top;
}

/**
 * The codes the encounter bills, with modifiers (`77080-26`): the submitted claim's lines when one was given (what
 * the coder is asked about), else the recommended claim's.
 */
export function billedCodesOf(encounter: Pick<Encounter, 'claim'>, result: Pick<Result, 'recommended'>): string[] {
  const lines = encounter.claim?.lines ?? result.recommended?.lines ?? [];
  return lines.map((line) => [line.code.toUpperCase(), ...(line.modifiers ?? []).map((m) => m.toUpperCase())].join('-'));
}

const BACKFILL_PAGE = 500;

/** Migration 8: the worklist's patient columns and their indexes, filled in for every stored encounter. */
export async function addWorklistColumns(db: Kysely<StoreDatabase>): Promise<MigrationReport | undefined> {
  for (const column of ['patient_name', 'patient_sort', 'patient_mrn', 'patient_member_id'] as const) {
    await db.schema.alterTable('encounters').addColumn(column, 'text').execute();
  }
  await db.schema.createIndex('encounters_org_patient_sort').on('encounters').columns(['organization', 'patient_sort']).execute();
  await db.schema.createIndex('encounters_org_mrn').on('encounters').columns(['organization', 'patient_mrn']).execute();
  await db.schema.createIndex('encounters_org_member_id').on('encounters').columns(['organization', 'patient_member_id']).execute();
  let after = '';
  let filled = 0;
  for (;;) {
    const page = await db.selectFrom('encounters').select(['id', 'input_json']).where('id', '>', after).orderBy('id').limit(BACKFILL_PAGE).execute();
    if (page.length === 0) break;
    after = page.at(-1)!.id;
    for (const row of page) {
      await db.updateTable('encounters').set(patientColumnsOf(JSON.parse(row.input_json) as Encounter)).where('id', '=', row.id).execute();
      filled += 1;
    }
  }
  return filled === 0 ? undefined : { summary: `worklist patient columns filled in for ${filled} stored encounter${filled === 1 ? '' : 's'}` };
}
