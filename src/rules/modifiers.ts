/**
 * Components and modifiers: 26/TC against the billed component and the code's PC/TC split, duplicate global and
 * component lines, modifiers that exclude or need each other, bypass modifiers without an edit, 76/77, and Medicare
 * liability modifiers on other payers.
 */
import type { Source } from '../contract/result.js';
import type { Component } from '../contract/values.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { RvuTable } from '../knowledge/official.js';
import { Report, VersionTexts, lineLabel, linePath, lineRef, modifierPath, type Line, type RuleContext } from './context.js';
import { findAppliedPairs } from './pairs.js';

// Sources cited by findings are shared objects: the serialiser writes each one's JSON once.
const PC_TC_SPLIT_SOURCE: Source = { title: 'REFERENCE §2, §4: PC/TC split; 26 professional, TC technical, none for global', confidence: 'unverified' };
const DUPLICATE_LINE_SOURCE: Source = {
  title: 'REFERENCE §4: a global line plus a 26 or TC line for the same code, patient and date is a duplicate (standard CMS policy, unverified)',
  confidence: 'unverified',
};

const COMPONENT_MODIFIER: Record<Component, string | undefined> = { global: undefined, professional: '26', technical: 'TC' };

/** The component modifier (26, TC or none) for the billed component on a code with a PC/TC split. */
export function componentModifier(component: Component): string | undefined {
  return COMPONENT_MODIFIER[component];
}

/** Whether a code has a professional/technical split, and the source that says so. */
export interface PcTcSplit {
  split: boolean;
  /** The PFS PC/TC indicator when the RVU file decided; null when the code table did. */
  indicator: string | null;
  source: Source;
}

/**
 * The PC/TC split of a code on a date: the PFS relative value row's PC/TC indicator when the file has the code
 * (1: the split applies, 26 and TC can be billed; 0 and 2-5, 7-9: it does not), else the code table's entry.
 */
export function pcTcOf(knowledge: Knowledge, code: string, date: string): PcTcSplit | null {
  const rvu = knowledge.rvuOn(date);
  // Memoised per PFS table and code: asked for every line of every check (the rules and the recommended claim).
  let byCode = PC_TC_MEMO.get(rvu);
  if (!byCode) PC_TC_MEMO.set(rvu, (byCode = new Map()));
  const known = byCode.get(code);
  if (known !== undefined) return known;
  const found = lookUpPcTc(knowledge, rvu, code);
  if (byCode.size < 10_000) byCode.set(code, found);
  return found;
}

const PC_TC_MEMO = new WeakMap<RvuTable, Map<string, PcTcSplit | null>>();

function lookUpPcTc(knowledge: Knowledge, rvu: RvuTable, code: string): PcTcSplit | null {
  const row = rvu.get(code);
  if (row && row.pctc !== '6') {
    return {
      split: row.pctc === '1',
      indicator: row.pctc,
      source: { title: `${rvu.info.source.title}: ${code} has PC/TC indicator ${row.pctc}`, version: rvu.info.source.version, confidence: rvu.info.source.confidence },
    };
  }
  const entry = knowledge.codes.byCode.get(code);
  if (!entry?.pcTc) return null;
  return { split: entry.pcTc.split, indicator: null, source: { title: `REFERENCE §2, §4: PC/TC split of ${code}; 26 professional, TC technical, none for global`, confidence: entry.pcTc.confidence } };
}

/** The component that can be billed: without a documented interpretation a global service is technical only. */
export function billedComponent(component: Component, interpreted: boolean): Component {
  return !interpreted && component === 'global' ? 'technical' : component;
}

/** The component modifiers (26, TC) a line carries, in its order. */
function componentModifiers(line: Line): string[] {
  const parts: string[] = [];
  for (const m of line.modifiers) if (m === '26' || m === 'TC') parts.push(m);
  return parts;
}

function componentOf(line: Line): 'global' | '26' | 'TC' {
  if (line.modifiers.includes('26')) return '26';
  if (line.modifiers.includes('TC')) return 'TC';
  return 'global';
}

function checkComponent(ctx: RuleContext, report: Report, line: Line, index: number): void {
  const entry = ctx.knowledge.codes.byCode.get(line.code);
  if (!entry) return;
  const has26 = line.modifiers.includes('26');
  const hasTc = line.modifiers.includes('TC');
  const component = billedComponent(ctx.input.component, !ctx.technicalOnlyCodes.has(line.code));
  const expected = componentModifier(component);
  const at = lineRef(ctx, index);
  const pcTc = pcTcOf(ctx.knowledge, line.code, ctx.input.dateOfService);
  if (pcTc === null) {
    const source = PC_TC_SPLIT_SOURCE;
    if (has26 || hasTc || expected) {
      report.add('modifier.split-unknown', {
        message: `${lineLabel(ctx, index)}: whether ${line.code} has a professional/technical split is not in dxacode's knowledge, so ${has26 || hasTc ? 'its 26/TC modifier' : `billing the ${component} component`} was not checked.`,
        line: at,
        fix: 'Check the PC/TC indicator of the code in the CMS physician fee schedule RVU file.',
        source,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, component, modifiers: componentModifiers(line) },
      });
      report.skipped('modifiers', `the PC/TC indicator of ${line.code} is not known`);
    }
    return;
  }
  const source = pcTc.source;
  if (!pcTc.split) {
    if (has26 || hasTc) {
      report.add('modifier.no-split', {
        message: `${lineLabel(ctx, index)}: ${line.code} has no professional/technical split, so 26 and TC do not apply.`,
        line: at,
        fix: 'Remove 26/TC.',
        source,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, modifiers: componentModifiers(line), pcTcIndicator: pcTc.indicator },
      });
    }
    return;
  }
  if (has26 && hasTc) return; // modifier.exclusive reports it
  const actual = has26 ? '26' : hasTc ? 'TC' : undefined;
  if (actual === expected) return;
  if (expected && !actual) {
    report.add('modifier.component-missing', {
      message: `${lineLabel(ctx, index)}: the ${component} component is billed${component !== ctx.input.component ? ' (no interpretation is documented)' : ''}, but the line has no ${expected}.`,
      line: at,
      fix: `Add ${expected}.`,
      source,
      path: linePath(ctx, index, 'modifiers'),
      params: { code: line.code, component, expected },
    });
    return;
  }
  report.add('modifier.component-mismatch', {
    message: `${lineLabel(ctx, index)}: the line carries ${actual}, but the provider bills the ${component} component${component !== ctx.input.component ? ' (no interpretation is documented)' : ''}.`,
    line: at,
    fix: expected ? `Replace ${actual} with ${expected}.` : `Remove ${actual} to bill the global service.`,
    source,
    path: linePath(ctx, index, 'modifiers'),
    params: { code: line.code, component, modifier: actual!, expected: expected ?? null },
  });
}

function checkDuplicateLines(ctx: RuleContext, report: Report): void {
  if (ctx.lines.length < 2) return;
  const seen = new Map<string, number[]>();
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    if (line.modifiers.includes('76') || line.modifiers.includes('77')) continue; // repeat studies: units and review
    const indexes = seen.get(line.code);
    if (indexes === undefined) seen.set(line.code, [index]);
    else indexes.push(index);
  }
  for (const [code, indexes] of seen) {
    if (indexes.length < 2) continue;
    const parts: string[] = [];
    for (const i of indexes) parts.push(componentOf(ctx.lines[i]!));
    const last = indexes[indexes.length - 1]!;
    const bothComponents = parts.length === 2 && parts.includes('26') && parts.includes('TC');
    report.add('modifier.duplicate-line', {
      message: bothComponents
        ? `${code} is billed as 26 and TC on separate lines; one provider furnishing both components bills one global line.`
        : `${code} is billed on ${indexes.length} lines (${parts.join(', ')}) for one session; a global line already includes both components.`,
      line: lineRef(ctx, last),
      fix: `Bill ${code} once: ${componentModifier(ctx.input.component) ? `with ${componentModifier(ctx.input.component)}` : 'as a global line without 26/TC'}.`,
      source: DUPLICATE_LINE_SOURCE,
      path: linePath(ctx, last, 'code'),
      params: { code, lines: indexes, components: parts },
    });
  }
}

const VERSION = new VersionTexts((modifiers: Knowledge['modifiers'], rvu: RvuTable) => `${modifiers.version}; PC/TC indicators ${rvu.info.label}`);

/** The mutually exclusive modifier pairs on line `index` (one with fewer than two modifiers has none). */
function checkExclusive(ctx: RuleContext, report: Report, index: number, at: number | undefined): void {
  const line = ctx.lines[index]!;
  for (const rule of ctx.knowledge.modifiers.exclusive) {
    const a = rule.modifiers[0]!;
    const b = rule.modifiers[1]!;
    if (line.modifiers.includes(a) && line.modifiers.includes(b)) {
      report.add('modifier.exclusive', {
        message: `${lineLabel(ctx, index)}: ${a} and ${b} never go on one line.`,
        line: at,
        fix: a === '26' ? 'Bill one global line without 26/TC, or only the component this provider furnished.' : `Keep only the liability modifier that applies.`,
        source: rule.source,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, modifiers: [a, b] },
      });
    }
  }
}

/** The modifiers rule family. */
export function checkModifiers(ctx: RuleContext, report: Report): void {
  const { modifiers } = ctx.knowledge;
  const isMedicare = ctx.pack?.program === 'medicare';
  report.ran('modifiers', VERSION.of(modifiers, ctx.knowledge.rvuOn(ctx.input.dateOfService)));
  // The lines some pair edit involves (one flag per line).
  const bypassable: boolean[] = [];
  for (let i = 0; i < ctx.lines.length; i++) bypassable.push(false);
  for (const { column1, column2 } of findAppliedPairs(ctx)) bypassable[column1] = bypassable[column2] = true;

  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const at = lineRef(ctx, index);
    // A line carries a handful of modifiers at most: the list itself answers which it has.
    const given = line.modifiers;
    for (let m = 0; m < given.length; m++) {
      const modifier = given[m]!;
      if (given.indexOf(modifier) < m) {
        report.add('modifier.duplicate', {
          message: `${lineLabel(ctx, index)}: ${modifier} appears twice.`,
          line: at,
          fix: `Keep one ${modifier}.`,
          source: { title: modifiers.title, confidence: 'verified' },
          path: modifierPath(ctx, index, modifier, true),
          params: { code: line.code, modifier },
        });
      }
      const entry = modifiers.byCode.get(modifier);
      if (!entry) {
        report.add('modifier.unknown', {
          message: `${lineLabel(ctx, index)}: modifier ${modifier} is not in dxacode's modifier table and was not checked.`,
          line: at,
          fix: 'Confirm the modifier applies to this service.',
          source: { title: modifiers.title, version: modifiers.version, confidence: 'verified' },
          path: modifierPath(ctx, index, modifier),
          params: { code: line.code, modifier },
        });
        report.skipped('modifiers', `modifier ${modifier} is not in the modifier table`);
        continue;
      }
      if (entry.effective !== undefined && ctx.input.dateOfService < entry.effective) {
        report.add('modifier.not-yet-valid', {
          message: `${lineLabel(ctx, index)}: ${modifier} (${entry.label}) exists from ${entry.effective}; it cannot be reported for ${ctx.input.dateOfService}.`,
          line: at,
          fix: entry.kind === 'distinct-service' ? `Use 59 (distinct procedural service) for a distinct service before ${entry.effective}.` : `Remove ${modifier}.`,
          source: entry.effectiveSource ?? entry.source,
          path: modifierPath(ctx, index, modifier),
          params: { code: line.code, modifier, effective: entry.effective },
        });
      }
      if (entry.kind === 'distinct-service' && !bypassable[index]) {
        report.add('modifier.bypass-without-edit', {
          message: `${lineLabel(ctx, index)}: ${modifier} (${entry.label}) is on a line that no known pair edit involves; distinct-service modifiers draw review when they bypass nothing.`,
          line: at,
          fix: `Remove ${modifier} unless another same-day service needs it (only the partial PTP table is embedded).`,
          source: entry.source,
          path: modifierPath(ctx, index, modifier),
          params: { code: line.code, modifier },
        });
      }
      if (entry.kind === 'repeat') {
        report.add('modifier.repeat-review', {
          message: `${lineLabel(ctx, index)}: ${modifier} (${entry.label}) on a bone-density code is rare and a review flag.`,
          line: at,
          fix: 'Make sure the record documents a true repeat study on the same day.',
          source: entry.source,
          path: modifierPath(ctx, index, modifier),
          params: { code: line.code, modifier },
        });
      }
      if (entry.medicareOnly && !isMedicare && ctx.pack) {
        report.add('modifier.medicare-only', {
          message:
            ctx.pack.program === 'medicare-advantage'
              ? `${lineLabel(ctx, index)}: ${modifier} is an Original Medicare liability modifier; ${ctx.pack.name} is a Medicare Advantage plan, whose claims do not take GA/GZ/GY/GX (the plan's own notice rules apply).`
              : `${lineLabel(ctx, index)}: ${modifier} is a Medicare liability modifier; the payer is ${ctx.pack.name}.`,
          line: at,
          fix: `Remove ${modifier} unless this payer's policy asks for it.`,
          source: entry.source,
          path: modifierPath(ctx, index, modifier),
          params: { code: line.code, modifier, payer: ctx.pack.id, program: ctx.pack.program },
        });
      }
    }
    // Each pair is of two different modifiers (the schema says so): a line with fewer has none of them.
    if (given.length > 1) checkExclusive(ctx, report, index, at);
    for (const rule of modifiers.requires) {
      if (given.includes(rule.modifier) && !given.includes(rule.requires)) {
        // A requirement that no primary source confirms is a warning to review, never a rejection (audit 2026-12 §1.7).
        const settled = rule.source.confidence === 'verified';
        report.add('modifier.requires', {
          message: `${lineLabel(ctx, index)}: ${rule.modifier} is used only together with ${rule.requires}${settled ? '' : ` (seen in ${rule.source.confidence} sources only; no primary source forbids ${rule.modifier} alone: review)`}.`,
          line: at,
          fix: `Add ${rule.requires} or remove ${rule.modifier}.`,
          source: rule.source,
          path: linePath(ctx, index, 'modifiers'),
          params: { code: line.code, modifier: rule.modifier, requires: rule.requires },
          ...(settled ? {} : { severity: 'warning' as const }),
        });
      }
    }
    if (line.modifiers.length > modifiers.maxPerLine) {
      report.add('modifier.too-many', {
        message: `${lineLabel(ctx, index)}: ${line.modifiers.length} modifiers, but a line carries at most ${modifiers.maxPerLine}.`,
        line: at,
        fix: 'Keep the modifiers that change payment first (26/TC, then liability, then others).',
        source: modifiers.maxPerLineSource,
        path: linePath(ctx, index, 'modifiers'),
        params: { code: line.code, count: line.modifiers.length, max: modifiers.maxPerLine },
      });
    }
    checkComponent(ctx, report, line, index);
  }
  checkDuplicateLines(ctx, report);
}
