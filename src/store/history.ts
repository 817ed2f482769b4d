/**
 * A patient's bone-density history as the store keeps it (by MRN or member id only, within one organisation), read
 * back for the frequency rule, and the registry row of each encounter for the dashboard.
 */
import type { CheckOptions as EngineCheckOptions } from '../engine/index.js';
import type { ReportFacts } from '../extract/facts.js';
import type { Encounter, HistoryEntry } from '../contract/encounter.js';
import type { Tx } from './context.js';
import { registryFactsOf } from './registry-row.js';

/**
 * The encounter with the history it is checked against, and the engine options that say how far that history
 * reaches. History the caller gives covers every provider (CONTRACT.md); the organisation's own stored studies of the
 * patient are added to it (once each). Without given history, the stored studies are all that is known, so the
 * engine is told that they are this organisation's only (studies by other providers count too and are unknown); an
 * encounter with no MRN or member id matches no stored study.
 */
export async function withStoredHistory(tx: Tx, organization: string, keys: readonly string[], encounterId: string, encounter: Encounter): Promise<{ encounter: Encounter; options: EngineCheckOptions }> {
  const stored = keys.length === 0 ? [] : await storedHistory(tx, organization, keys, encounterId, encounter.dateOfService);
  const given = encounter.history;
  if (given === undefined) {
    return { encounter: keys.length === 0 ? encounter : { ...encounter, history: stored }, options: { historyScope: 'this-organization' } };
  }
  const seen = new Set(given.map((h) => `${h.dateOfService} ${h.code.toUpperCase()}`));
  const added = stored.filter((h) => !seen.has(`${h.dateOfService} ${h.code}`));
  return { encounter: added.length === 0 ? encounter : { ...encounter, history: [...given, ...added] }, options: { historyScope: 'all-providers' } };
}

/** The organisation's stored studies of a patient (any of its keys) before a date, each once, oldest first. */
async function storedHistory(tx: Tx, organization: string, keys: readonly string[], encounterId: string, before: string): Promise<HistoryEntry[]> {
  const rows = await tx
    .selectFrom('bone_density_history')
    .select(['encounter_id', 'date_of_service', 'code', 'npi'])
    .where('organization', '=', organization)
    .where('patient_key', 'in', [...keys])
    .where('encounter_id', '!=', encounterId)
    .where('date_of_service', '<', before)
    .orderBy('date_of_service')
    .orderBy('encounter_id')
    .execute();
  // An encounter that gave both identifiers is stored under both keys: one entry per encounter and code.
  const seen = new Set<string>();
  const history: HistoryEntry[] = [];
  for (const r of rows) {
    const id = `${r.encounter_id} ${r.code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    history.push({ dateOfService: r.date_of_service, code: r.code, ...(r.npi !== null ? { npi: r.npi } : {}) });
  }
  return history;
}

/** Stores an encounter's billed bone-density codes as history under each of the patient's keys, with who billed them. */
export async function insertHistoryRows(tx: Tx, organization: string, encounterId: string, encounter: Encounter, keys: readonly string[], codes: readonly string[]): Promise<void> {
  if (keys.length === 0 || codes.length === 0) return;
  const npi = encounter.billingProvider?.npi ?? null;
  const rows = keys.flatMap((patient_key) => codes.map((code) => ({ organization, patient_key, encounter_id: encounterId, date_of_service: encounter.dateOfService, code, npi })));
  await tx.insertInto('bone_density_history').values(rows).execute();
}

/**
 * The registry row of an encounter (bone-density and fracture data for the dashboard and researchers, registry-row.ts).
 * No name, member id or birth date is kept here.
 */
export async function writeRegistry(tx: Tx, organization: string, encounterId: string, encounter: Encounter, factsRead: ReportFacts | undefined): Promise<void> {
  // The check has read the report already; registryFactsOf reads it only when another checker (an 837P claim's) was used.
  const row = registryFactsOf(encounter, factsRead);
  await tx.insertInto('registry').values({ encounter_id: encounterId, organization, ...row }).onConflict((oc) => oc.column('encounter_id').doUpdateSet(row)).execute();
}
