/** Units: medically unlikely edits (MUE) per line and per date of service. */
import { Report, lineLabel, lineRef, type RuleContext } from './context.js';

const REPEAT_MODIFIERS = new Set(['76', '77']);

/** The units rule family. */
export function checkUnits(ctx: RuleContext, report: Report): void {
  const { byCode } = ctx.knowledge.codes;
  report.ran('units', `MUE values from codes ${ctx.knowledge.codes.version} (adjudication indicators unverified)`);
  const totals = new Map<string, { units: number; lines: number[] }>();
  ctx.lines.forEach((line, index) => {
    const total = totals.get(line.code) ?? { units: 0, lines: [] };
    total.units += line.units;
    total.lines.push(index);
    totals.set(line.code, total);
    const mue = byCode.get(line.code)?.mue;
    if (!mue) {
      if (byCode.has(line.code)) report.skipped('units', `no MUE value is known for ${line.code}`);
      return;
    }
    if (line.units > mue.value) {
      report.add('units.over-mue', {
        message:
          mue.value === 0
            ? `${lineLabel(ctx, index)}: the MUE of ${line.code} is 0, so it is not payable.`
            : `${lineLabel(ctx, index)}: ${line.units} units exceed the MUE of ${mue.value} for ${line.code}; over the MUE all ${line.units} units on the line are denied. A study is one unit however many sites it measures.`,
        line: lineRef(ctx, index),
        fix: mue.value === 0 ? 'Do not bill this code.' : `Bill ${mue.value} unit${mue.value === 1 ? '' : 's'}.`,
        source: { title: `MUE for ${line.code} (REFERENCE §3: values ${mue.confidence}, one unit per study)`, confidence: mue.confidence },
      });
    }
  });
  for (const [code, total] of totals) {
    const mue = byCode.get(code)?.mue;
    if (!mue || total.lines.length < 2 || total.units <= mue.value) continue;
    const repeats = total.lines.filter((i) => ctx.lines[i]!.modifiers.some((m) => REPEAT_MODIFIERS.has(m)));
    if (repeats.length === 0) continue; // modifier.duplicate-line reports plain duplicates
    const at = total.lines[total.lines.length - 1]!;
    report.add('units.repeat-lines', {
      message: `${code} is billed on ${total.lines.length} lines (${total.units} units) for one date. With 76/77 they pass only when the MUE adjudication indicator is 1 (per line); under 2 or 3 (per date) the excess is denied, and the indicator for ${code} is not verified.`,
      line: lineRef(ctx, at),
      fix: 'Confirm the MAI in the CMS MUE file and that the record documents a true repeat study.',
      source: { title: 'REFERENCE §3-4: MAI 1 per line, 2 and 3 per date of service; 76/77 pass MAI 1 only', confidence: 'verified' },
    });
  }
}
