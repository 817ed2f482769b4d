/**
 * code(): builds the claim dxacode would submit from what was performed and documented: codes of the date of
 * service, component modifiers, Medicare liability modifiers, diagnoses in a valid order and per-line pointers.
 */
import type { Knowledge } from '../knowledge/compile.js';
import type { PayerPack } from '../knowledge/schema.js';
import { NO_CODES, type CheckInput, type Line, type Report } from '../rules/context.js';
import { classifyIcd } from '../rules/icd10.js';
import { excludes1Dropped } from '../rules/diagnoses.js';
import { assessMedicareClaim, assessMedicareLiability, liabilityModifiersFor, liabilityOf, sameDayXuLines, type MedicareLiability, type MedicareLineAssessment } from '../rules/medicare.js';
import { appliedPairs, lineHasBypassModifier, type LeftOffLine } from '../rules/pairs.js';
import { billedComponent, componentModifier, pcTcOf } from '../rules/modifiers.js';
import { selectDensitometryCodes } from '../rules/selection.js';

const MAX_CLAIM_DIAGNOSES = 12;
const MAX_LINE_POINTERS = 4;

/** The recommended claim plus the codes selected from the documentation. */
export interface CodedClaim {
  lines: Line[];
  /** The Medicare assessment of each recommended line (Medicare packs only, and only when asked to keep them). */
  assessments: MedicareLineAssessment[] | undefined;
  diagnoses: string[];
  selectedCodes: string[];
  /** For each selected code (and recommended line), the index of the performed entry it bills. */
  selectedFrom: number[];
  /** For each recommended line, the index of the performed entry it bills. */
  linesFrom: number[];
  /** Performed services left off the recommended claim because a pair edit denies them beside another line. */
  leftOff: LeftOffLine[];
  technicalOnlyCodes: ReadonlySet<string>;
}

/** The diagnoses the recommended claim carries: submittable codes, condition before screening, valid order. */
export function recommendDiagnoses(input: CheckInput, knowledge: Knowledge): string[] {
  const { icd10 } = knowledge;
  const conventions = icd10.conventions;
  let diagnoses: string[] = [];
  for (const dx of input.diagnoses) {
    const kind = classifyIcd(dx, icd10, input.dateOfService).kind;
    if (kind === 'billable' || kind === 'outside' || kind === 'not-listed-before-update') diagnoses.push(dx);
  }
  const excluded = excludes1Dropped(diagnoses, icd10);
  if (excluded.size > 0) {
    const kept: string[] = [];
    for (const d of diagnoses) if (!excluded.has(d)) kept.push(d);
    diagnoses = kept;
  }
  const screening = conventions.screening;
  if (diagnoses.includes(screening.code) && diagnoses.some((d) => screening.conditionPrefixes.some((p) => d.startsWith(p)))) {
    diagnoses = diagnoses.filter((d) => d !== screening.code);
  }
  for (const rule of conventions.sequencing) {
    const at = diagnoses.indexOf(rule.code);
    if (at < 0) continue;
    let lastAfter = diagnoses.length - 1;
    while (lastAfter >= 0 && !diagnoses[lastAfter]!.startsWith(rule.after)) lastAfter--;
    if (lastAfter > at) {
      diagnoses.splice(at, 1);
      diagnoses.splice(lastAfter, 0, rule.code);
    }
  }
  // `diagnoses` is this function's own array (made here), so it is cut only when too long.
  return diagnoses.length > MAX_CLAIM_DIAGNOSES ? diagnoses.slice(0, MAX_CLAIM_DIAGNOSES) : diagnoses;
}

/** Ranks diagnoses for a line's pointers: those that establish coverage first, then the rest in claim order. */
function pointersFor(diagnoses: string[], knowledge: Knowledge, pack: PayerPack | undefined, date: string): string[] {
  // With no more diagnoses than pointers, every one is kept in claim order whatever its rank.
  if (pack?.program !== 'medicare' || diagnoses.length <= MAX_LINE_POINTERS) return diagnoses.slice(0, MAX_LINE_POINTERS);
  const index = knowledge.medicareIndex;
  const rank = (dx: string): number => {
    if (index.covered.has(dx)) return 0;
    if (index.categoriesOfDiagnosis(dx).length > 0) return 1;
    if (classifyIcd(dx, knowledge.icd10, date).kind === 'billable') return 2;
    return 3;
  };
  return diagnoses
    .map((dx, i) => ({ dx, i, r: rank(dx) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .slice(0, MAX_LINE_POINTERS)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.dx);
}

/**
 * The distinct-service modifier the recommended claim puts on the column-2 line of an indicator-1 pair: XU (unusual
 * non-overlapping service) from the date it exists (2015-01-01, CR 8863), 59 before.
 */
function bypassModifierOn(knowledge: Knowledge, date: string): string {
  const xu = knowledge.modifiers.byCode.get('XU');
  return xu && (xu.effective === undefined || date >= xu.effective) ? 'XU' : '59';
}

/** True when the code is a DXA study (axial or peripheral), the method the recommended claim keeps over others. */
function isDxa(knowledge: Knowledge, code: string): boolean {
  return knowledge.codes.byCode.get(code)?.service?.startsWith('dxa-') === true;
}

/**
 * Makes the recommended lines pass the pair edits that a coder can settle (issue: the recommended claim is the best
 * claim that can be submitted). An indicator-1 row takes a distinct-service modifier on its column-2 line (the pairs
 * family then warns what the record must show); an indicator-0 row leaves the column-2 line off; two axial or two
 * peripheral bone-density studies (NCCI Policy Manual ch. IX, row not confirmed) keep the DXA study, the method
 * Medicare requires for monitoring and confirmatory baselines (42 CFR 410.31, BPM ch. 15 §80.5), or else the first
 * line, and leave the other off. Unverified rows and cross-category pairs stay as they are: they are a review.
 */
function settlePairEdits(input: CheckInput, knowledge: Knowledge, lines: Line[], from: number[]): LeftOffLine[] {
  const leftOff: LeftOffLine[] = [];
  for (let guard = 0; guard <= lines.length; guard++) {
    let dropped = false;
    for (const { row, column1, column2 } of appliedPairs(knowledge, input, lines)) {
      const [first, second] = [lines[column1]!, lines[column2]!];
      let drop: number;
      if (row.kind === 'same-category' && row.modifierIndicator === null && row.source.confidence !== 'unverified') {
        const keepSecond = isDxa(knowledge, second.code) && !isDxa(knowledge, first.code);
        const keepFirst = isDxa(knowledge, first.code) && !isDxa(knowledge, second.code);
        drop = keepSecond ? column1 : keepFirst ? column2 : Math.max(column1, column2);
      } else if (row.modifierIndicator === '0' && row.kind !== 'same-category') {
        drop = column2;
      } else {
        if (row.modifierIndicator === '1' && row.source.confidence !== 'unverified' && !lineHasBypassModifier(knowledge, first) && !lineHasBypassModifier(knowledge, second)) {
          second.modifiers.push(bypassModifierOn(knowledge, input.dateOfService));
        }
        continue;
      }
      const [leftLine, kept] = drop === column1 ? [first, second] : [second, first];
      leftOff.push({ code: leftLine.code, keptCode: kept.code, performed: from[drop]!, row });
      lines.splice(drop, 1);
      from.splice(drop, 1);
      dropped = true;
      break;
    }
    if (!dropped) break;
  }
  return leftOff;
}

/**
 * Builds the recommended claim; writes selection findings into the report when one is given. `keepAssessments`
 * false: the caller reads no Medicare assessment of the recommended lines (they are not the lines under check, or
 * no family that reads them runs), so only what their liability modifiers need is worked out.
 */
export function code(input: CheckInput, knowledge: Knowledge, pack: PayerPack | undefined, report?: Report, keepAssessments = true): CodedClaim {
  const selected = selectDensitometryCodes(input, knowledge, report);
  const diagnoses = recommendDiagnoses(input, knowledge);
  // Every line points to the same diagnoses; each gets its own copy, since the lines are the caller's to change.
  const pointers = selected.length > 0 ? pointersFor(diagnoses, knowledge, pack, input.dateOfService) : [];
  // Filled by push, not made by map: see collect() in rules/context.ts.
  const lines: Line[] = [];
  const linesFrom: number[] = [];
  const selectedCodes: string[] = [];
  for (const { code: selectedCode, interpreted, performed } of selected) {
    const modifiers: string[] = [];
    const componentMod = componentModifier(billedComponent(input.component, interpreted));
    if (componentMod && pcTcOf(knowledge, selectedCode, input.dateOfService)?.split !== false) modifiers.push(componentMod);
    lines.push({ code: selectedCode, modifiers, units: 1, diagnoses: pointers.slice() });
    linesFrom.push(performed);
    selectedCodes.push(selectedCode);
  }
  // settlePairEdits cuts linesFrom with the lines it leaves off; selectedFrom keeps every selected code's entry.
  const selectedFrom = linesFrom.slice();
  const leftOff = lines.length > 1 ? settlePairEdits(input, knowledge, lines, linesFrom) : [];
  let assessments: MedicareLineAssessment[] | undefined;
  if (pack?.program === 'medicare') {
    // Two BMM studies on one date: Medicare's CWF takes XU on the line CMS Transmittal 10193 names (the coverage
    // family then says what the record must show).
    for (const i of sameDayXuLines(knowledge, lines, input.dateOfService)) if (!lines[i]!.modifiers.includes('XU')) lines[i]!.modifiers.push('XU');
    let liability: MedicareLiability[];
    if (keepAssessments) liability = (assessments = assessMedicareClaim(input, knowledge, lines)).map(liabilityOf);
    else liability = assessMedicareLiability(input, knowledge, lines);
    for (let i = 0; i < liability.length; i++) {
      const kind = liability[i]!;
      const line = lines[i]!;
      for (const modifier of liabilityModifiersFor(kind, input.abnOnFile)) {
        if (!line.modifiers.includes(modifier)) line.modifiers.push(modifier);
      }
    }
  }
  return {
    lines,
    assessments,
    diagnoses,
    selectedCodes,
    selectedFrom,
    linesFrom,
    leftOff,
    technicalOnlyCodes: selected.every((s) => s.interpreted) ? NO_CODES : new Set(selected.filter((s) => !s.interpreted).map((s) => s.code)),
  };
}
