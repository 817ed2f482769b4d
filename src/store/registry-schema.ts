/**
 * Migration 9: the registry's research columns (issue 12 §4), back-filled from the stored encounters. The registry
 * already kept payer, sex, age, lowest T-score and VFA fracture counts; cohort queries and follow-up also need the
 * therapy, the VFA fracture levels with the highest Genant grade, and the per-site BMD, T- and Z-scores.
 */
import type { Kysely } from 'kysely';
import type { Encounter } from '../contract/encounter.js';
import type { MigrationReport } from './patients.js';
import { registryFactsOf } from './registry-row.js';
import type { StoreDatabase } from './schema.js';

const PAGE = 500;

/**
 * Adds the columns and fills every encounter's registry row again from its stored input (its report is read again),
 * creating the rows of encounters stored before the registry existed (migration 2). Works in pages of encounters, so
 * memory stays flat. Reports counts only; nothing on a store without encounters.
 */
export async function addRegistryResearchColumns(db: Kysely<StoreDatabase>): Promise<MigrationReport | undefined> {
  for (const column of ['therapy', 'fracture_levels', 'site_results'] as const) await db.schema.alterTable('registry').addColumn(column, 'text').execute();
  await db.schema.alterTable('registry').addColumn('highest_genant_grade', 'integer').execute();
  await db.schema.createIndex('registry_org_sex_date').on('registry').columns(['organization', 'sex', 'date_of_service']).execute();
  const tally = { encounters: 0, created: 0, withResults: 0, withGrade: 0, withTherapy: 0 };
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('encounters as e')
      .leftJoin('registry as g', 'g.encounter_id', 'e.id')
      .select(['e.id', 'e.organization', 'e.input_json', 'g.encounter_id as registered'])
      .where('e.id', '>', after)
      .orderBy('e.id')
      .limit(PAGE)
      .execute();
    if (page.length === 0) break;
    after = page.at(-1)!.id;
    for (const row of page) {
      const facts = registryFactsOf(JSON.parse(row.input_json) as Encounter, undefined);
      tally.encounters += 1;
      if (facts.site_results !== null) tally.withResults += 1;
      if (facts.highest_genant_grade !== null) tally.withGrade += 1;
      if (facts.therapy !== null) tally.withTherapy += 1;
      if (row.registered === null) {
        tally.created += 1;
        await db.insertInto('registry').values({ encounter_id: row.id, organization: row.organization, ...facts }).execute();
      } else {
        await db.updateTable('registry').set(facts).where('encounter_id', '=', row.id).execute();
      }
    }
  }
  if (tally.encounters === 0) return undefined;
  return {
    summary: `registry rows of ${tally.encounters} encounters filled again from their stored input (${tally.created} created): ${tally.withResults} with per-site results, ${tally.withGrade} with a Genant grade, ${tally.withTherapy} with a therapy`,
  };
}
