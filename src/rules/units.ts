/**
 * Units: medically unlikely edits (MUE) from the NCCI table of the claim type (practitioner or outpatient
 * hospital), with their adjudication indicator: MAI 1 is a claim-line edit (separate lines with 76/77 can pass),
 * MAI 2 and 3 are date-of-service edits (all units of the code that day count; no modifier bypasses them).
 */
import type { Source } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { MueEntry, MueTable } from '../knowledge/official.js';
import { Report, lineLabel, linePath, lineRef, type Line, type RuleContext } from './context.js';

const REPEAT_MODIFIERS = new Set(['76', '77']);

/** True when one of the lines at `indexes` carries a repeat-procedure modifier (76/77). */
function anyRepeat(lines: readonly Line[], indexes: readonly number[]): boolean {
  for (const i of indexes) for (const m of lines[i]!.modifiers) if (REPEAT_MODIFIERS.has(m)) return true;
  return false;
}

const MAI_TEXT: Record<1 | 2 | 3, string> = {
  1: 'MAI 1, a claim-line edit',
  2: 'MAI 2, a date-of-service edit set by policy',
  3: 'MAI 3, a date-of-service edit set by clinical benchmark',
};

/** The MUE of a code for the claim type: the NCCI table when it has the code, else the code table (REFERENCE §3). */
export function mueOf(knowledge: Knowledge, table: MueTable, code: string): { entry: MueEntry; source: Source } | undefined {
  // Memoised per table and code: every line of every check asks, and the answer (with its source text) never changes.
  let byCode = MUE_MEMO.get(table);
  if (!byCode) MUE_MEMO.set(table, (byCode = new Map()));
  if (byCode.has(code)) return byCode.get(code);
  const found = lookUpMue(knowledge, table, code);
  if (byCode.size < 10_000) byCode.set(code, found);
  return found;
}

const MUE_MEMO = new WeakMap<MueTable, Map<string, { entry: MueEntry; source: Source } | undefined>>();

function lookUpMue(knowledge: Knowledge, table: MueTable, code: string): { entry: MueEntry; source: Source } | undefined {
  const entry = table.get(code);
  if (entry) return { entry, source: { title: `${table.info.source.title}: ${code}, ${entry.rationale}`, version: table.info.source.version, confidence: table.info.source.confidence } };
  const fallback = knowledge.codes.byCode.get(code)?.mue;
  if (!fallback) return undefined;
  return {
    entry: { value: fallback.value, mai: fallback.mai === null ? null : (Number(fallback.mai) as 1 | 2 | 3), rationale: '' },
    source: { title: `MUE for ${code} (REFERENCE §3: values ${fallback.confidence}, one unit per study)`, confidence: fallback.confidence },
  };
}

/** The units rule family. */
export function checkUnits(ctx: RuleContext, report: Report): void {
  const { byCode } = ctx.knowledge.codes;
  const table = ctx.knowledge.mue[ctx.input.claimType];
  report.ran('units', table.info.label);
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const mue = mueOf(ctx.knowledge, table, line.code);
    if (!mue) {
      if (byCode.has(line.code)) report.skipped('units', `no MUE value is known for ${line.code} (not in ${table.info.label})`);
      continue;
    }
    const { value } = mue.entry;
    if (line.units > value) {
      report.add('units.over-mue', {
        message:
          value === 0
            ? `${lineLabel(ctx, index)}: the MUE of ${line.code} is 0, so it is not payable.`
            : `${lineLabel(ctx, index)}: ${line.units} units exceed the MUE of ${value} for ${line.code}; over the MUE all ${line.units} units on the line are denied. A study is one unit however many sites it measures.`,
        line: lineRef(ctx, index),
        fix: value === 0 ? 'Do not bill this code.' : `Bill ${value} unit${value === 1 ? '' : 's'}.`,
        source: mue.source,
        path: linePath(ctx, index, 'units'),
        params: { code: line.code, units: line.units, mue: value, mai: mue.entry.mai },
      });
    }
  }
  checkRepeatLines(ctx, report, table);
}

/** A code billed on several lines of one date: its units together against the MUE (76/77 lines; MAI decides). */
function checkRepeatLines(ctx: RuleContext, report: Report, table: MueTable): void {
  if (ctx.lines.length < 2) return;
  const totals = new Map<string, { units: number; lines: number[] }>();
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const total = totals.get(line.code) ?? { units: 0, lines: [] };
    total.units += line.units;
    total.lines.push(index);
    totals.set(line.code, total);
  }
  for (const [code, total] of totals) {
    const mue = mueOf(ctx.knowledge, table, code);
    if (!mue || total.lines.length < 2 || total.units <= mue.entry.value) continue;
    if (!anyRepeat(ctx.lines, total.lines)) continue; // modifier.duplicate-line reports plain duplicates
    const at = total.lines[total.lines.length - 1]!;
    const { value, mai } = mue.entry;
    const where = { line: lineRef(ctx, at), path: linePath(ctx, at, 'units'), params: { code, units: total.units, lines: total.lines, mue: value, mai } };
    const head = `${code} is billed on ${total.lines.length} lines (${total.units} units) for one date; its MUE is ${value}`;
    if (mai === 2 || mai === 3) {
      report.add('units.over-mue-date', {
        message: `${head} and ${MAI_TEXT[mai]}: every unit of ${code} that day counts, 76/77 do not bypass it, and the units over the MUE are denied.`,
        ...where,
        fix: `Bill ${code} once (${value} unit${value === 1 ? '' : 's'}) for the date; a true repeat study is appealed with its documentation.`,
        source: mue.source,
      });
    } else if (mai === 1) {
      report.add('units.repeat-lines', {
        message: `${head} and ${MAI_TEXT[1]}: the separate lines with 76/77 can pass, but a repeat bone-density study on one day draws review.`,
        ...where,
        fix: 'Keep the repeat line only if the record documents a true repeat study.',
        source: mue.source,
      });
    } else {
      report.add('units.repeat-lines', {
        message: `${head}. With 76/77 they pass only when the MUE adjudication indicator is 1 (per line); under 2 or 3 (per date) the excess is denied, and the indicator for ${code} is not known.`,
        ...where,
        fix: 'Confirm the MAI in the CMS MUE file and that the record documents a true repeat study.',
        source: { title: 'REFERENCE §3-4: MAI 1 per line, 2 and 3 per date of service; 76/77 pass MAI 1 only', confidence: 'verified' },
      });
    }
  }
}
