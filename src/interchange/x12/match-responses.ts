/**
 * Matching what came back to what was exported: a 999 transaction set to the claims of the 837P transaction set it
 * acknowledges (AK102 = the GS06 dxacode wrote, AK202 = ST02); a 277CA or 835 claim to the exported claim by its
 * claim id (TRN02 or CLP01 = CLM01) and the line item control numbers (REF*FJ, REF*6R = REF*6R), which name the
 * very export; each 835 or 277CA line to the billed line by its control number, else by code, modifiers and date.
 * Pure: the caller looks the candidates up. Every failure says plainly why.
 */
import type { ProcedureId } from './responses.js';

/** One billed line of an exported claim. */
export interface ExportedLine {
  /** 1-based line number (LX01). */
  line: number;
  /** REF*6R. */
  controlNumber: string;
  code: string;
  modifiers: string[];
  units: number;
  cents: number;
}

/** One claim as it was exported in an 837P. */
export interface ExportedClaim {
  /** The export record's id. */
  id: string;
  encounterId: string;
  /** CLM01. */
  claimId: string;
  /** ISA13 of the 837P. */
  interchange: string;
  /** GS06 of the 837P. */
  groupControl: string;
  /** ST02 of the 837P. */
  transactionControl: string;
  totalCents: number;
  dateOfService: string;
  exportedAt: string;
  lines: ExportedLine[];
}

/** How an item was matched to an exported claim. */
export const MATCH_METHODS = {
  /** Line item control numbers named the export. */
  controlNumber: 'line-control-number',
  /** The claim id named one export. */
  claimId: 'claim-id',
  /** The claim id named several exports, and the latest was taken (the note says so). */
  latest: 'claim-id-latest',
  /** The 999's group and transaction set control numbers named the transaction set. */
  transactionSet: 'transaction-set',
} as const;
/** One match method. */
export type MatchMethod = (typeof MATCH_METHODS)[keyof typeof MATCH_METHODS];

/** A claim-level match: the exported claim, or why there is none. */
export type ClaimMatch = { claim: ExportedClaim; method: MatchMethod; note?: string } | { claim?: undefined; reason: string };

/** What a claim in a 277CA or 835 says about itself, for matching. */
export interface ReturnedClaim {
  claimId: string;
  chargeCents?: number;
  lineControlNumbers: string[];
}

const money = (cents: number) => (cents / 100).toFixed(2);

/**
 * The export a returned claim belongs to. Line item control numbers decide when they name one export; else the
 * claim id, narrowed by the total charge; several exports left means the latest, said in a note.
 */
export function matchClaim(returned: ReturnedClaim, candidates: readonly ExportedClaim[]): ClaimMatch {
  const named = candidates.filter((c) => c.claimId === returned.claimId);
  if (returned.lineControlNumbers.length > 0) {
    const byLine = new Set(candidates.filter((c) => c.lines.some((l) => returned.lineControlNumbers.includes(l.controlNumber))));
    if (byLine.size === 1) {
      const claim = [...byLine][0]!;
      if (claim.claimId !== returned.claimId) return { reason: `its line item control numbers belong to claim ${JSON.stringify(claim.claimId)}, not ${JSON.stringify(returned.claimId)}` };
      return { claim, method: MATCH_METHODS.controlNumber };
    }
    if (byLine.size > 1) return { reason: `its line item control numbers name ${byLine.size} different exported claims` };
  }
  if (named.length === 0) {
    return { reason: `no exported claim has claim id ${JSON.stringify(returned.claimId)} in this organisation (only claims exported from the store through the API or the page are kept: dxacode claim keeps nothing it writes)` };
  }
  const sameTotal = returned.chargeCents === undefined ? named : named.filter((c) => c.totalCents === returned.chargeCents);
  if (sameTotal.length === 0) {
    return { reason: `claim ${JSON.stringify(returned.claimId)} was exported, but its charge ${money(returned.chargeCents!)} differs from every export (${named.map((c) => money(c.totalCents)).join(', ')})` };
  }
  const latest = [...sameTotal].sort((a, b) => (a.exportedAt < b.exportedAt ? 1 : a.exportedAt > b.exportedAt ? -1 : 0))[0]!;
  if (sameTotal.length === 1) return { claim: latest, method: MATCH_METHODS.claimId };
  return { claim: latest, method: MATCH_METHODS.latest, note: `claim ${JSON.stringify(returned.claimId)} was exported ${sameTotal.length} times; no line item control number tells them apart, so the latest export (interchange ${latest.interchange}) is taken` };
}

/** What a returned line says about itself, for matching. */
export interface ReturnedLine {
  controlNumber?: string;
  procedure?: ProcedureId;
  /** The procedure as billed, when the payer paid another (835 SVC06). */
  billedProcedure?: ProcedureId;
  serviceDate?: string;
  chargeCents?: number;
}

/** A line-level match: the billed line, or why there is none. */
export type LineMatch = { line: ExportedLine; method: 'control-number' | 'code-date' } | { line?: undefined; reason: string };

/**
 * The billed lines the returned lines are, in order: by line item control number where given and known, else by
 * the code as billed (with its modifiers when the payer repeats them) on the claim's date of service, a billed line
 * being matched at most once (equal charges first).
 */
export function matchLines(returned: readonly ReturnedLine[], claim: ExportedClaim): LineMatch[] {
  const taken = new Set<number>();
  const matches: (LineMatch | undefined)[] = returned.map((line) => {
    if (line.controlNumber === undefined) return undefined;
    const billed = claim.lines.find((l) => l.controlNumber === line.controlNumber);
    if (billed === undefined) return { reason: `no billed line of claim ${JSON.stringify(claim.claimId)} has line item control number ${JSON.stringify(line.controlNumber)}` };
    if (taken.has(billed.line)) return { reason: `line item control number ${JSON.stringify(line.controlNumber)} comes twice` };
    taken.add(billed.line);
    return { line: billed, method: 'control-number' as const };
  });
  return returned.map((line, i) => {
    const known = matches[i];
    if (known !== undefined) return known;
    const procedure = line.billedProcedure ?? line.procedure;
    if (procedure === undefined) return { reason: 'the line names no procedure and no line item control number' };
    if (line.serviceDate !== undefined && line.serviceDate !== claim.dateOfService) {
      return { reason: `no billed line on ${line.serviceDate}: claim ${JSON.stringify(claim.claimId)} was billed for ${claim.dateOfService}` };
    }
    const open = claim.lines.filter((l) => !taken.has(l.line) && l.code === procedure.code && (procedure.modifiers.length === 0 || sameModifiers(l.modifiers, procedure.modifiers)));
    const billed = open.find((l) => l.cents === line.chargeCents) ?? open[0];
    if (billed === undefined) {
      const what = `${procedure.code}${procedure.modifiers.length > 0 ? `-${procedure.modifiers.join('-')}` : ''}`;
      return { reason: `no billed line of claim ${JSON.stringify(claim.claimId)} is ${what} (billed: ${claim.lines.map((l) => [l.code, ...l.modifiers].join('-')).join(', ')})` };
    }
    taken.add(billed.line);
    return { line: billed, method: 'code-date' as const };
  });
}

function sameModifiers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** The claims of the 837P transaction set a 999 acknowledges, or why there are none. */
export function matchTransactionSet(groupControl: string, transactionControl: string, candidates: readonly ExportedClaim[]): { claims: ExportedClaim[] } | { reason: string } {
  const inGroup = candidates.filter((c) => c.groupControl === groupControl);
  if (inGroup.length === 0) return { reason: `no 837P exported from this organisation has group control number ${JSON.stringify(groupControl)} (GS06, which dxacode sets to the interchange number)` };
  const claims = inGroup.filter((c) => c.transactionControl === transactionControl);
  if (claims.length === 0) return { reason: `the 837P with group control number ${JSON.stringify(groupControl)} has no transaction set ${JSON.stringify(transactionControl)} (it has ${[...new Set(inGroup.map((c) => c.transactionControl))].join(', ')})` };
  return { claims };
}
