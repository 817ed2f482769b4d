/** Patient identity in the store: the keys by which a patient's earlier stored studies are found. */
import type { Kysely } from 'kysely';
import type { Encounter } from '../contract/encounter.js';
import { canonicalJson, sha256Hex } from './hash.js';
import type { StoreDatabase } from './schema.js';

/**
 * The pseudonymous keys by which a patient's stored studies are matched within one organisation: the hash of the
 * medical record number, and the hash of the payer and member id, for those the encounter gives. Only these
 * identify a patient; birth date, sex and name never do (two patients share them), so an encounter with neither
 * identifier has no key and its patient's stored history is not looked up. Member ids are compared in capitals
 * without dashes (a Medicare MBI is printed with dashes and billed without); an MRN exactly as given.
 */
export function patientKeysOf(organization: string, encounter: Encounter): string[] {
  const bases: string[] = [];
  const { mrn, memberId } = encounter.patient;
  if (mrn !== undefined && mrn.length > 0) bases.push(`mrn:${mrn}`);
  if (memberId !== undefined && memberId.length > 0) bases.push(`member-id:${encounter.payer ?? 'medicare'}:${normalizeMemberId(memberId)}`);
  return bases.map((basis) => sha256Hex(canonicalJson({ v: 2, organization, basis })));
}

/** A member id as compared: capitals without dashes (a Medicare MBI is printed with dashes and billed without). */
export function normalizeMemberId(memberId: string): string {
  return memberId.toUpperCase().replaceAll('-', '');
}

/** What a migration did, for the operator: counts and internal ids only, never patient data. */
export interface MigrationReport {
  summary: string;
}

const REKEY_PAGE = 500;
/** Internal ids named in the report at most; the count is always complete. */
const REPORTED_IDS = 100;
const FREQUENCY_RULES = ['frequency.too-soon', 'frequency.exception'];

/**
 * Migration 5: stored histories were keyed by a caller's patient id, else payer and member id, else birth date and
 * sex, so two patients of one organisation who share a birth date and sex were one patient. Every encounter is
 * keyed again by patientKeysOf (MRN, member id), its history rows are stored once per key with the billing NPI, and
 * encounters with neither identifier keep no history. Works through the encounters in pages, so memory stays flat.
 * Reports nothing on a store without encounters.
 */
export async function rekeyPatientHistories(db: Kysely<StoreDatabase>): Promise<MigrationReport | undefined> {
  await db.schema.alterTable('bone_density_history').addColumn('npi', 'text').execute();
  await db.schema.alterTable('schema_migrations').addColumn('report', 'text').execute();
  const count = async () => Number((await db.selectFrom('bone_density_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rowsBefore = await count();
  const tally = { encounters: 0, byMrn: 0, byMemberIdOnly: 0, unkeyed: 0, unkeyedWereMatched: 0 };
  // Each old patient key's encounters and the new keys each of them has, to tell which old patients came apart.
  const oldGroups = new Map<string, { encounterId: string; keys: string[] }[]>();
  let after = '';
  for (;;) {
    const page = await db.selectFrom('encounters').select(['id', 'organization', 'patient_key', 'input_json']).where('id', '>', after).orderBy('id').limit(REKEY_PAGE).execute();
    if (page.length === 0) break;
    after = page.at(-1)!.id;
    const ids = page.map((r) => r.id);
    const codes = new Map<string, Set<string>>();
    for (const row of await db.selectFrom('bone_density_history').select(['encounter_id', 'code']).where('encounter_id', 'in', ids).execute()) {
      codes.set(row.encounter_id, (codes.get(row.encounter_id) ?? new Set()).add(row.code));
    }
    await db.deleteFrom('bone_density_history').where('encounter_id', 'in', ids).execute();
    const inserts: StoreDatabase['bone_density_history'][] = [];
    for (const row of page) {
      const encounter = JSON.parse(row.input_json) as Encounter;
      const keys = patientKeysOf(row.organization, encounter);
      tally.encounters += 1;
      if (encounter.patient.mrn !== undefined) tally.byMrn += 1;
      else if (encounter.patient.memberId !== undefined) tally.byMemberIdOnly += 1;
      else {
        tally.unkeyed += 1;
        if (row.patient_key !== null) tally.unkeyedWereMatched += 1;
      }
      if (row.patient_key !== null) {
        const group = `${row.organization}\u0001${row.patient_key}`;
        oldGroups.set(group, [...(oldGroups.get(group) ?? []), { encounterId: row.id, keys }]);
      }
      await db.updateTable('encounters').set({ patient_key: keys[0] ?? null }).where('id', '=', row.id).execute();
      const npi = encounter.billingProvider?.npi ?? null;
      for (const patient_key of keys) {
        for (const code of codes.get(row.id) ?? []) inserts.push({ organization: row.organization, patient_key, encounter_id: row.id, date_of_service: encounter.dateOfService, code, npi });
      }
    }
    for (let at = 0; at < inserts.length; at += REKEY_PAGE) await db.insertInto('bone_density_history').values(inserts.slice(at, at + REKEY_PAGE)).execute();
  }
  // An old patient came apart when no single identifier is common to all of its encounters any more.
  const apart = [...oldGroups.values()].filter((group) => group.length > 1 && !group[0]!.keys.some((key) => group.every((e) => e.keys.includes(key))));
  const apartIds = apart.flatMap((group) => group.map((e) => e.encounterId));
  const toRecheck: string[] = [];
  for (let at = 0; at < apartIds.length; at += REKEY_PAGE) {
    const rows = await db
      .selectFrom('encounters as e')
      .innerJoin('check_findings as f', (j) => j.onRef('f.encounter_id', '=', 'e.id').onRef('f.version', '=', 'e.latest_version'))
      .select('e.id')
      .distinct()
      .where('e.id', 'in', apartIds.slice(at, at + REKEY_PAGE))
      .where('f.rule', 'in', FREQUENCY_RULES)
      .execute();
    toRecheck.push(...rows.map((r) => r.id));
  }
  // A new store has nothing to report.
  if (tally.encounters === 0) return undefined;
  toRecheck.sort();
  const rowsAfter = await count();
  const named = toRecheck.slice(0, REPORTED_IDS).join(', ');
  return {
    summary:
      `re-keyed ${tally.encounters} encounters by MRN or member id: ${tally.byMrn} by MRN, ${tally.byMemberIdOnly} by member id only, ${tally.unkeyed} with neither (no stored history; ` +
      `${tally.unkeyedWereMatched} of them had been matched by birth date and sex); history rows ${rowsBefore} before, ${rowsAfter} after; ` +
      `${apart.length} patients the old key had merged came apart; ${toRecheck.length} encounters of theirs have a frequency finding in their latest result and may have been checked against another patient's studies: check them again` +
      (toRecheck.length > 0 ? ` (${named}${toRecheck.length > REPORTED_IDS ? ', ...' : ''})` : ''),
  };
}
