/**
 * code(): builds the claim dxacode would submit from what was performed and documented: codes of the date of
 * service, component modifiers, Medicare liability modifiers, diagnoses in a valid order and per-line pointers.
 */
import type { Knowledge } from '../knowledge/compile.js';
import type { PayerPack } from '../knowledge/schema.js';
import type { CheckInput, Line, Report } from '../rules/context.js';
import { classifyIcd } from '../rules/icd10.js';
import { assessMedicareLine, liabilityModifiers, sameDayXuLines, type MedicareLineAssessment } from '../rules/medicare.js';
import { billedComponent, componentModifier, pcTcOf } from '../rules/modifiers.js';
import { selectDensitometryCodes } from '../rules/selection.js';

const MAX_CLAIM_DIAGNOSES = 12;
const MAX_LINE_POINTERS = 4;

/** The recommended claim plus the codes selected from the documentation. */
export interface CodedClaim {
  lines: Line[];
  /** The Medicare assessment of each recommended line (Medicare packs only). */
  assessments: MedicareLineAssessment[] | undefined;
  diagnoses: string[];
  selectedCodes: string[];
  /** For each selected code (and recommended line), the index of the performed entry it bills. */
  selectedFrom: number[];
  technicalOnlyCodes: Set<string>;
}

/** The diagnoses the recommended claim carries: submittable codes, condition before screening, valid order. */
export function recommendDiagnoses(input: CheckInput, knowledge: Knowledge): string[] {
  const { icd10 } = knowledge;
  const conventions = icd10.conventions;
  let diagnoses = input.diagnoses.filter((dx) => {
    const kind = classifyIcd(dx, icd10, input.dateOfService).kind;
    return kind === 'billable' || kind === 'outside' || kind === 'not-listed-before-update';
  });
  const screening = conventions.screening;
  if (diagnoses.some((d) => screening.conditionPrefixes.some((p) => d.startsWith(p)))) {
    diagnoses = diagnoses.filter((d) => d !== screening.code);
  }
  for (const rule of conventions.sequencing) {
    const at = diagnoses.indexOf(rule.code);
    const after = diagnoses.map((d, i) => (d.startsWith(rule.after) ? i : -1)).filter((i) => i >= 0);
    const lastAfter = after.length ? Math.max(...after) : -1;
    if (at >= 0 && lastAfter > at) {
      diagnoses.splice(at, 1);
      diagnoses.splice(lastAfter, 0, rule.code);
    }
  }
  return diagnoses.slice(0, MAX_CLAIM_DIAGNOSES);
}

/** Ranks diagnoses for a line's pointers: those that establish coverage first, then the rest in claim order. */
function pointersFor(diagnoses: string[], knowledge: Knowledge, pack: PayerPack | undefined, date: string): string[] {
  if (pack?.program !== 'medicare') return diagnoses.slice(0, MAX_LINE_POINTERS);
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

/** Builds the recommended claim; writes selection findings into the report when one is given. */
export function code(input: CheckInput, knowledge: Knowledge, pack: PayerPack | undefined, report?: Report): CodedClaim {
  const selected = selectDensitometryCodes(input, knowledge, report);
  const diagnoses = recommendDiagnoses(input, knowledge);
  const lines: Line[] = selected.map(({ code: selectedCode, interpreted }) => {
    const modifiers: string[] = [];
    const component = billedComponent(input.component, interpreted);
    const componentMod = componentModifier(component);
    if (componentMod && pcTcOf(knowledge, selectedCode, input.dateOfService)?.split !== false) modifiers.push(componentMod);
    return { code: selectedCode, modifiers, units: 1, diagnoses: pointersFor(diagnoses, knowledge, pack, input.dateOfService) };
  });
  const assessments = pack?.program === 'medicare' ? lines.map((line) => assessMedicareLine(input, knowledge, line)) : undefined;
  // Two BMM studies on one date: Medicare's CWF takes XU on the line CMS Transmittal 10193 names (the coverage family
  // then says what the record must show).
  if (assessments) for (const i of sameDayXuLines(knowledge, lines, input.dateOfService)) lines[i]!.modifiers.push('XU');
  assessments?.forEach((assessment, i) => {
    const line = lines[i]!;
    for (const modifier of liabilityModifiers(assessment, input.abnOnFile)) {
      if (!line.modifiers.includes(modifier)) line.modifiers.push(modifier);
    }
  });
  return {
    lines,
    assessments,
    diagnoses,
    selectedCodes: selected.map((s) => s.code),
    selectedFrom: selected.map((s) => s.performed),
    technicalOnlyCodes: new Set(selected.filter((s) => !s.interpreted).map((s) => s.code)),
  };
}
