/**
 * Same-day pair edits: combined codes (77080 + 77086 is 77085), procedure-to-procedure rows in the NCCI shape with
 * their modifier indicators, and the relationships REFERENCE marks unverified.
 */
import { isWithin } from '../contract/dates.js';
import type { PtpRow } from '../knowledge/schema.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { PtpLookup } from '../knowledge/versions.js';
import { Report, VersionTexts, lineLabel, linePath, lineRef, type CheckInput, type Line, type RuleContext } from './context.js';

/** A PTP row that applies to two lines of the claim under check. */
export interface AppliedPair {
  row: PtpRow;
  column1: number;
  column2: number;
}

/** A performed service the recommended claim leaves off: billed beside `keptCode` on one date, a pair edit denies it. */
export interface LeftOffLine {
  code: string;
  keptCode: string;
  /** The performed entry it would have billed. */
  performed: number;
  row: PtpRow;
}

/** True when the line carries a modifier that NCCI associates with PTP bypass. */
export function hasBypassModifier(ctx: RuleContext, line: Line): boolean {
  return lineHasBypassModifier(ctx.knowledge, line);
}

/** True when the line carries a modifier that NCCI associates with PTP bypass (for callers without a context). */
export function lineHasBypassModifier(knowledge: Knowledge, line: Line): boolean {
  for (const m of line.modifiers) if (knowledge.modifiers.byCode.get(m)?.ptpAssociated === true) return true;
  return false;
}

/** What decides which PTP rows apply: the date of service and the claim type (practitioner or hospital table). */
export type PairScope = Pick<CheckInput, 'dateOfService' | 'claimType'>;

/** True when a PTP row is in force on the date for the claim type (deleted rows stay in the table). */
export function rowApplies(row: PtpRow, scope: PairScope): boolean {
  const date = scope.dateOfService;
  return (
    row.modifierIndicator !== '9' &&
    row.claimTypes.includes(scope.claimType) &&
    (row.effective === null || date >= row.effective) &&
    (row.deletion === null || date < row.deletion)
  );
}

/**
 * The PTP rows between two codes: the imported CMS table of the claim type when one is in force (plus the embedded
 * rows that follow from the code definitions, where the table has no row for the pair), else the embedded rows.
 */
export function rowsBetween(knowledge: Knowledge, scope: PairScope, column1: string, column2: string): readonly PtpRow[] {
  const imported = knowledge.ptp[scope.claimType];
  const embedded = knowledge.pairs.byColumns.get(column1)?.get(column2) ?? NO_ROWS;
  if (!imported) return embedded;
  const rows = imported.rowsFor(column1, column2);
  if (rows.length > 0) return rows;
  return embedded.filter((row) => row.kind === 'contained' && row.source.confidence === 'verified');
}

const NO_ROWS: readonly PtpRow[] = Object.freeze([]);

/** Every PTP row that applies between two of the given lines on the date, for the claim type. */
export function appliedPairs(knowledge: Knowledge, scope: PairScope, lines: readonly Line[]): AppliedPair[] {
  const applied: AppliedPair[] = [];
  for (let i = 0; i < lines.length; i++) {
    for (let j = 0; j < lines.length; j++) {
      if (i === j) continue;
      const rows = rowsBetween(knowledge, scope, lines[i]!.code, lines[j]!.code);
      for (let r = 0; r < rows.length; r++) if (rowApplies(rows[r]!, scope)) applied.push({ row: rows[r]!, column1: i, column2: j });
    }
  }
  return applied;
}

/** Every PTP row that applies between two lines of the claim under check (worked out once per check: two families ask). */
export function findAppliedPairs(ctx: RuleContext): readonly AppliedPair[] {
  return (ctx.appliedPairs ??= appliedPairs(ctx.knowledge, ctx.input, ctx.lines));
}

/** The line by which every one of `codes` is billed (the latest of their first lines), or -1 when one is not. */
function lineOfAll(lines: readonly Line[], codes: readonly string[]): number {
  let last = -1;
  for (const code of codes) {
    let at = 0;
    while (at < lines.length && lines[at]!.code !== code) at++;
    if (at === lines.length) return -1;
    if (at > last) last = at;
  }
  return last;
}

function checkCombinations(ctx: RuleContext, report: Report): void {
  for (const combo of ctx.knowledge.pairs.combinations) {
    if (!isWithin(ctx.input.dateOfService, combo.effective, combo.end)) continue;
    const last = lineOfAll(ctx.lines, combo.codes);
    if (last < 0) continue;
    report.add('pair.combined-code', {
      message: `${combo.codes.join(' and ')} on one date: ${combo.rationale}.`,
      line: lineRef(ctx, last),
      fix: `Replace the ${combo.codes.join(' and ')} lines with one ${combo.replacement} line.`,
      source: combo.source,
      path: linePath(ctx, last, 'code'),
      params: { codes: combo.codes, replacement: combo.replacement },
    });
  }
}

/**
 * Two axial or two peripheral bone-density codes on one date. The NCCI Policy Manual (ch. IX) says PTP edits stop
 * this, so without a bypass modifier one of the lines is denied whatever the column order: an error. Which line, and
 * whether a modifier can bypass it (indicator 0 or 1), is not known, so with a bypass modifier it is a warning.
 */
function reportSameCategory(ctx: RuleContext, report: Report, { row, column1, column2 }: AppliedPair, bypass: boolean): void {
  const pairText = `${lineLabel(ctx, column2)} with ${lineLabel(ctx, column1)}`;
  const category = ctx.knowledge.medicare.sameDay.categories.peripheral.includes(row.column1) ? 'peripheral' : 'axial';
  const details = { line: lineRef(ctx, column2), source: row.source, path: linePath(ctx, column2), params: { ...pairParams(row), category, bypass } };
  const basis = 'same-category bone-density edit per NCCI Policy Manual ch. IX; NCCI row and indicator not confirmed; import the CMS PTP table';
  if (bypass) {
    report.add('pair.same-category', {
      message: `${pairText}: ${basis}. A bypass modifier is on the pair, but whether this edit can be bypassed at all (indicator 1) or not (indicator 0) is not known.`,
      severity: 'warning',
      fix: 'Confirm the row and indicator in the CMS PTP table; the manual allows one axial and one peripheral study per date, not two of one kind.',
      ...details,
    });
    return;
  }
  // A pair the manual does not name (77085 with 77078) rests on dxacode's reading: a warning, not a rejection.
  const named = row.source.confidence !== 'unverified';
  report.add('pair.same-category', {
    message: `${pairText}: ${basis}. The manual says PTP edits stop more than one ${category} bone-density code on one date, so one of these lines is expected to deny (which one depends on the unconfirmed column order)${named ? '' : `; the manual as quoted does not name ${row.column1}, so this edit is dxacode's reading and unverified: review`}.`,
    fix: 'Bill one of the two studies.',
    ...details,
    ...(named ? {} : { severity: 'warning' as const }),
  });
}

/** The params every pair finding carries: the row's two codes and its modifier indicator. */
function pairParams(row: PtpRow): { column1: string; column2: string; modifierIndicator: string | null } {
  return { column1: row.column1, column2: row.column2, modifierIndicator: row.modifierIndicator };
}

/** The distinct-service modifier on a pair's lines (the recommended claim puts one on the column-2 line). */
function bypassOn(ctx: RuleContext, line2: Line, line1: Line): string {
  const isBypass = (m: string): boolean => ctx.knowledge.modifiers.byCode.get(m)?.ptpAssociated === true;
  return line2.modifiers.find(isBypass) ?? line1.modifiers.find(isBypass) ?? 'a distinct-service modifier';
}

/** The performed services the recommended claim leaves off because a pair edit denies them beside another line. */
function reportLeftOff(ctx: RuleContext, report: Report): void {
  for (const { code, keptCode, performed, row } of ctx.leftOff) {
    const sameCategory = row.kind === 'same-category' && row.modifierIndicator === null;
    const why = sameCategory
      ? `billed with ${keptCode} on one date it is expected to deny (${row.rationale}; the NCCI Policy Manual ch. IX says PTP edits stop two ${ctx.knowledge.medicare.sameDay.categories.peripheral.includes(code) ? 'peripheral' : 'axial'} bone-density codes on one date). dxacode keeps ${keptCode}${ctx.knowledge.codes.byCode.get(keptCode)?.service?.startsWith('dxa-') ? ', the DXA study, which Medicare requires for monitoring and confirmatory baselines' : ''}`
      : `billed with ${keptCode} on one date it is denied (${row.rationale}; PTP modifier indicator 0, no modifier bypasses it)`;
    report.add('pair.left-off', {
      message: `${code} was performed but is left off the recommended claim: ${why}.`,
      fix: sameCategory ? `Bill ${code} instead of ${keptCode} only if the record shows it was the study needed; never both on one date without a confirmed NCCI row that allows it.` : `Do not bill ${code} with ${keptCode}.`,
      source: row.source,
      path: `performed[${performed}]`,
      params: { code, keptCode, modifierIndicator: row.modifierIndicator },
    });
  }
}

const WITH_IMPORTED = new VersionTexts((imported: PtpLookup, pairs: Knowledge['pairs']) => `${imported.info.label}; combined codes ${pairs.version}`);

/** The pairs rule family. */
export function checkPairs(ctx: RuleContext, report: Report): void {
  const { pairs } = ctx.knowledge;
  const imported = ctx.knowledge.ptp[ctx.input.claimType];
  report.ran('pairs', imported ? WITH_IMPORTED.of(imported, pairs) : pairs.version);
  checkCombinations(ctx, report);
  if (!ctx.linesAreSubmitted) reportLeftOff(ctx, report);
  // Only lines of two codes or more can meet a PTP row, so only they are told what the table leaves unchecked.
  const firstCode = ctx.lines[0]?.code;
  if (ctx.lines.some((l) => l.code !== firstCode)) {
    if (imported) {
      if (imported.parts.length < 4) {
        report.skipped('pairs', `only part${imported.parts.length === 1 ? '' : 's'} ${imported.parts.join(', ') || '(unnamed)'} of the four files of ${imported.info.label} ${imported.parts.length === 1 ? 'is' : 'are'} loaded; column-1 codes of the other parts are not checked`);
      }
    } else if (ctx.input.claimType === 'institutional') {
      report.skipped('pairs', 'the hospital outpatient (837I) PTP table is not loaded; only relationships that follow from the code definitions were checked (dxacode knowledge import ptp-hospital)');
    } else if (pairs.partial) {
      report.skipped('pairs', `only the partial embedded PTP table is loaded (${pairs.version}); import the CMS table for a complete check (dxacode knowledge import ptp-practitioner)`);
    }
  }

  for (const { row, column1, column2 } of findAppliedPairs(ctx)) {
    const line1 = ctx.lines[column1]!;
    const line2 = ctx.lines[column2]!;
    const pairText = `${lineLabel(ctx, column2)} with ${lineLabel(ctx, column1)}`;
    const bypass = hasBypassModifier(ctx, line2) || hasBypassModifier(ctx, line1);
    const path = linePath(ctx, column2);
    const params = pairParams(row);
    if (row.kind === 'same-category' && row.modifierIndicator === null) {
      reportSameCategory(ctx, report, { row, column1, column2 }, bypass);
      continue;
    }
    if (row.kind === 'cross-category' && row.modifierIndicator === null) {
      report.add('pair.cross-category', {
        message: `${pairText}: ${row.rationale}. Not rejected; bill both only when the record shows each study was needed, and import the CMS PTP table to confirm.`,
        line: lineRef(ctx, column2),
        source: row.source,
        path,
        params,
      });
      continue;
    }
    if (row.source.confidence === 'unverified' || row.modifierIndicator === null) {
      report.add('pair.unverified', {
        message: `${pairText}: ${row.rationale}. This relationship is unverified in REFERENCE; the NCCI row and modifier indicator are not confirmed.`,
        line: lineRef(ctx, column2),
        fix: 'Confirm against the current CMS PTP table; bill both only when the record documents separate services.',
        source: row.source,
        path,
        params,
      });
      continue;
    }
    const indicatorNote = row.indicatorConfidence === 'verified' ? '' : ` (modifier indicator ${row.modifierIndicator} is ${row.indicatorConfidence})`;
    if (row.modifierIndicator === '0') {
      if (bypass) {
        report.add('pair.bypass-not-allowed', {
          message: `${pairText}: ${row.rationale}; a bypass modifier cannot separate this pair (indicator 0)${indicatorNote}.`,
          line: lineRef(ctx, column2),
          fix: `Remove the ${line2.code} line.`,
          source: row.source,
          path,
          params,
        });
      } else {
        report.add(row.kind === 'contained' ? 'pair.contained' : 'pair.mutually-exclusive', {
          message: `${pairText}: ${row.rationale}; ${line2.code} is denied when billed with ${line1.code}${indicatorNote}.`,
          line: lineRef(ctx, column2),
          fix: `Remove the ${line2.code} line.`,
          source: row.source,
          path,
          params,
        });
      }
      continue;
    }
    if (bypass) {
      report.add('pair.bypassed', {
        message: `${pairText}: ${ctx.linesAreSubmitted ? 'a bypass modifier' : `dxacode's recommended claim puts ${bypassOn(ctx, line2, line1)} on ${line2.code}, which`} lets both codes pay (${row.rationale}); bill it only if the record shows a distinct service: a separate session or encounter, another site, or a study whose purpose does not overlap the other's, documented for each${indicatorNote}.`,
        line: lineRef(ctx, column2),
        source: row.source,
        path,
        params,
      });
    } else {
      report.add('pair.mutually-exclusive', {
        message: `${pairText}: ${row.rationale}; ${line2.code} is denied unless a distinct service is documented and marked with 59 or XE/XS/XP/XU${indicatorNote}.`,
        line: lineRef(ctx, column2),
        fix: `Remove the ${line2.code} line, or add XU/59 only if the record documents a distinct service.`,
        source: row.source,
        path,
        params,
      });
    }
  }
}
