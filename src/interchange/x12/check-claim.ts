/**
 * Checking a claim read from an 837P: the file says what was billed, not what was documented, so the services
 * billed stand in for the performed ones and the result says that "billed but not documented" was not checked
 * (missing data is never a pass).
 */
import type { Encounter, Procedure } from '../../contract/encounter.js';
import type { Result } from '../../contract/result.js';
import { PROCEDURES, type ProcedureKind } from '../../contract/values.js';
import { check, type CheckOptions } from '../../engine/check.js';
import type { Knowledge } from '../../knowledge/compile.js';

const KINDS = new Set<string>(PROCEDURES);

/** The reason recorded in `unchecked` for claims read from an 837P. */
export const CLAIM_ONLY_REASON = 'the encounter comes from an 837P claim, which does not say what was performed and documented: the billed services stood in for it, so billed-but-not-documented was not checked';

/** The procedures the billed codes stand for (77085 stands for axial DXA and VFA), from the codes table. */
export function performedFromClaim(encounter: Encounter, knowledge: Knowledge): Procedure[] {
  const kinds: ProcedureKind[] = [];
  for (const line of encounter.claim?.lines ?? []) {
    const service = knowledge.codes.byCode.get(line.code.toUpperCase())?.service;
    if (!service) continue;
    for (const kind of service === 'dxa-axial+vfa' ? ['dxa-axial', 'vfa'] : [service]) {
      if (KINDS.has(kind) && !kinds.includes(kind as ProcedureKind)) kinds.push(kind as ProcedureKind);
    }
  }
  return kinds.map((procedure) => ({ procedure }));
}

/** Checks a claim read from an 837P: performed taken from the billed codes, and the result says so. */
export function checkClaimFromX12(encounter: Encounter, knowledge: Knowledge, options: CheckOptions = {}): Result {
  const given = encounter.performed !== undefined && encounter.performed.length > 0 ? encounter : { ...encounter, performed: performedFromClaim(encounter, knowledge) };
  const result = check(given, knowledge, options);
  const unchecked = [...result.unchecked, { family: 'selection', reason: CLAIM_ONLY_REASON }];
  return { ...result, verdict: result.verdict === 'clean' ? 'review' : result.verdict, unchecked };
}
