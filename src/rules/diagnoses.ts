/**
 * Diagnosis validity and conventions: billable codes of the FY2026 subset, category headers, 7th characters,
 * Excludes1 pairs, sequencing, screening codes next to a documented condition, and the 12-code claim limit.
 */
import type { Source } from '../contract/result.js';
import { NO_CODES, Report, VersionTexts, diagnosisPath, type RuleContext } from './context.js';
import { classifyIcd } from './icd10.js';
import { inForce } from '../knowledge/official.js';
import type { IcdKnowledge } from '../knowledge/compile.js';

/** Shared, so that the serialiser writes its JSON once. */
const HI_SOURCE: Source = { title: 'REFERENCE §9: 837P HI carries the principal and other diagnoses; SV1 points into HI', confidence: 'verified' };

/** All diagnoses the claim under check carries or documents, first occurrence kept. */
export function claimDiagnoses(ctx: RuleContext): string[] {
  const all = new Set(ctx.input.diagnoses);
  for (const line of ctx.lines) for (const dx of line.diagnoses) all.add(dx);
  return [...all];
}

const MAX_CLAIM_DIAGNOSES = 12;

/**
 * The codes the recommended claim leaves out because an Excludes1 note on them names another documented code. An
 * Excludes1 note means "not coded here": when the excluded condition is documented (M80, osteoporosis with a current
 * pathological fracture), the code carrying the note (M81, without one) does not describe the patient, so the
 * recommended claim keeps the excluded code and drops the other; the diagnoses family says so as a warning.
 */
export function excludes1Dropped(diagnoses: readonly string[], icd10: IcdKnowledge): ReadonlySet<string> {
  if (diagnoses.length < 2) return NO_CODES;
  let dropped: Set<string> | undefined;
  for (const rule of icd10.conventions.excludes1) {
    const a = diagnoses.find((d) => d.startsWith(rule.a));
    if (a && diagnoses.some((d) => d !== a && d.startsWith(rule.b))) (dropped ??= new Set()).add(a);
  }
  const tabular = icd10.tabularExcludes1;
  if (tabular) {
    for (const a of diagnoses) {
      for (const rule of tabular.get(a.slice(0, 3)) ?? []) {
        if (a.startsWith(rule.a) && diagnoses.some((d) => d !== a && d.startsWith(rule.b) && !dropped?.has(d))) (dropped ??= new Set()).add(a);
      }
    }
  }
  return dropped ?? NO_CODES;
}

/** What the recommended claim did about an Excludes1 pair, when the findings are about it (no claim given). */
function recommendedNote(ctx: RuleContext, a: string, b: string): string {
  if (ctx.linesAreSubmitted) return '';
  return ` The recommended claim reports ${b} and leaves out ${a}, which the note excludes; confirm that the record documents ${b}'s condition, or correct the documentation.`;
}

const VERSION = new VersionTexts((icd10: IcdKnowledge) => `${icd10.codeSet.info.label}; descriptions and conventions ${icd10.conventions.version}`);

/** The diagnoses rule family. */
export function checkDiagnoses(ctx: RuleContext, report: Report): void {
  const { icd10 } = ctx.knowledge;
  const conventions = icd10.conventions;
  const set = icd10.codeSet;
  report.ran('diagnoses', VERSION.of(icd10));
  const date = ctx.input.dateOfService;
  const inPeriod = inForce(set.info, date);
  if (!inPeriod) {
    report.skipped('diagnoses', `the date of service ${date} falls outside the loaded ICD-10-CM code set (${set.info.label}: ${set.info.effective.from} to ${set.info.effective.to ?? 'open'}); codes added or deleted for that date are not caught (import the release in force then: dxacode knowledge import icd10cm)`);
  }
  const diagnoses = claimDiagnoses(ctx);
  if (diagnoses.length === 0) {
    if (ctx.lines.length > 0) {
      report.add('dx.none', {
        message: 'No diagnosis is documented or on the claim; every claim line must point to at least one diagnosis.',
        fix: 'Add the diagnoses that support the service, as documented by the ordering or reading clinician.',
        source: HI_SOURCE,
      });
    }
    return;
  }
  for (const dx of ctx.input.duplicateDiagnoses) {
    report.add('dx.duplicate', {
      message: `${dx} is listed more than once.`,
      fix: `List ${dx} once.`,
      source: { title: 'REFERENCE §9: HI has no duplicates', confidence: 'verified' },
      path: diagnosisPath(ctx, dx, 1),
      params: { code: dx },
    });
  }
  const outside: string[] = [];
  const unconfirmed: string[] = [];
  let unconfirmedFrom = '';
  for (const dx of diagnoses) {
    const status = classifyIcd(dx, icd10, date);
    switch (status.kind) {
      case 'billable':
        if (status.unconfirmedBefore !== undefined) {
          unconfirmed.push(dx);
          unconfirmedFrom = status.unconfirmedBefore;
        }
        break;
      case 'header':
        report.add('dx.not-billable', {
          message: `${dx} is a category header, not a billable code.`,
          fix: `Code to the highest specificity documented (e.g. ${status.example}).`,
          source: set.info.source,
          path: diagnosisPath(ctx, dx),
          params: { code: dx, example: status.example },
        });
        break;
      case 'seventh-character':
        report.add('dx.seventh-character', {
          message: status.missing ? `${dx} needs a 7th character (${[...status.allowed].join(', ')}).` : `${dx}: the 7th character ${dx.slice(-1)} is not allowed here; expected one of ${[...status.allowed].join(', ')}.`,
          fix: 'Add the 7th character for the episode of care: A initial, D routine healing, G delayed healing, K nonunion, P malunion, S sequela (as allowed for the category).',
          source: set.info.source,
          path: diagnosisPath(ctx, dx),
          params: { code: dx, allowed: [...status.allowed], missing: status.missing },
        });
        break;
      case 'invalid':
        report.add('dx.invalid', {
          message: `${dx} is not a valid ICD-10-CM code on ${date}: it is not on the ${set.info.label.replace(/, embedded$/, '')} valid-code list.`,
          fix: 'Choose the valid code that the documentation supports (codes are valid only at their full length).',
          source: set.info.source,
          path: diagnosisPath(ctx, dx),
          params: { code: dx },
        });
        break;
      case 'outside':
        outside.push(dx);
        break;
      case 'not-listed-before-update':
        report.skipped('diagnoses', `${dx} is not on the ICD-10-CM update list in force from ${status.updateFrom}; whether it was valid on ${date}, before that update, is not known (import the release in force then)`);
        break;
    }
  }
  if (outside.length > 0) {
    report.skipped('diagnoses', `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not on the loaded ICD-10-CM list, whose period does not include ${date}; validity not checked`);
  }
  if (unconfirmed.length > 0) {
    report.skipped('diagnoses', `${unconfirmed.join(', ')} ${unconfirmed.length === 1 ? 'is' : 'are'} valid in the update in force from ${unconfirmedFrom}; whether ${unconfirmed.length === 1 ? 'it was' : 'they were'} valid on ${date}, before that update, is not known (import the release in force then)`);
  }
  const reported = new Set<string>();
  for (const rule of conventions.excludes1) {
    const a = diagnoses.find((d) => d.startsWith(rule.a));
    const b = diagnoses.find((d) => d.startsWith(rule.b));
    if (a && b) {
      reported.add(`${a}|${b}`);
      report.add('dx.excludes1', {
        message: `${a} and ${b}: ${rule.message}.${recommendedNote(ctx, a, b)}`,
        fix: `Keep the code that describes the documented condition and remove the other.`,
        ...(ctx.linesAreSubmitted ? {} : { severity: 'warning' as const }),
        source: rule.source,
        path: diagnosisPath(ctx, b),
        params: { code: a, excluded: b },
      });
    }
  }
  // The imported tabular list's Excludes1 notes, looked up by the first three characters of each diagnosis.
  const tabular = icd10.tabularExcludes1;
  if (tabular && diagnoses.length > 1) {
    for (const a of diagnoses) {
      for (const rule of tabular.get(a.slice(0, 3)) ?? []) {
        if (!a.startsWith(rule.a)) continue;
        const b = diagnoses.find((d) => d !== a && d.startsWith(rule.b));
        if (!b || reported.has(`${a}|${b}`) || reported.has(`${b}|${a}`)) continue;
        reported.add(`${a}|${b}`);
        report.add('dx.excludes1', {
          message: `${a} and ${b}: ${rule.a} has an Excludes1 note "${rule.note}", so they are not reported together.${recommendedNote(ctx, a, b)}`,
          fix: 'Keep the code that describes the documented condition and remove the other.',
          ...(ctx.linesAreSubmitted ? {} : { severity: 'warning' as const }),
          source: rule.source,
          path: diagnosisPath(ctx, b),
          params: { code: a, excluded: b },
        });
      }
    }
  }
  for (const rule of conventions.sequencing) {
    const at = ctx.input.diagnoses.indexOf(rule.code);
    const before = ctx.input.diagnoses.findIndex((d) => d.startsWith(rule.after));
    if (at >= 0 && before > at) {
      const first = ctx.input.diagnoses[before]!;
      report.add('dx.sequencing', {
        message: `${rule.message}; it is listed before ${first}.`,
        fix: `List ${first} first.`,
        source: rule.source,
        path: diagnosisPath(ctx, rule.code),
        params: { code: rule.code, after: first },
      });
    }
  }
  const screening = conventions.screening;
  if (diagnoses.includes(screening.code)) {
    const condition = diagnoses.find((d) => screening.conditionPrefixes.some((p) => d.startsWith(p)));
    if (condition) {
      report.add('dx.screening-with-condition', {
        message: `${screening.message} (${condition} is documented).`,
        fix: `Remove ${screening.code} and code ${condition}.`,
        source: screening.source,
        path: diagnosisPath(ctx, screening.code),
        params: { code: screening.code, condition },
      });
    }
  }
  if (ctx.linesAreSubmitted && diagnoses.length > MAX_CLAIM_DIAGNOSES) {
    report.add('dx.too-many', {
      message: `The claim carries ${diagnoses.length} diagnoses; an 837P claim holds at most ${MAX_CLAIM_DIAGNOSES}.`,
      fix: 'Keep the diagnoses the lines point to, most important first.',
      source: { title: 'REFERENCE §9: HI up to 12 diagnoses', confidence: 'verified' },
      // The first diagnosis that does not fit.
      path: diagnosisPath(ctx, diagnoses[MAX_CLAIM_DIAGNOSES]!),
      params: { count: diagnoses.length, max: MAX_CLAIM_DIAGNOSES, firstOver: diagnoses[MAX_CLAIM_DIAGNOSES]! },
    });
  }
}
