/**
 * Diagnosis validity and conventions: billable codes of the FY2026 subset, category headers, 7th characters,
 * Excludes1 pairs, sequencing, screening codes next to a documented condition, and the 12-code claim limit.
 */
import { isWithin } from '../contract/dates.js';
import { Report, type RuleContext } from './context.js';
import { classifyIcd } from './icd10.js';

/** All diagnoses the claim under check carries or documents, first occurrence kept. */
export function claimDiagnoses(ctx: RuleContext): string[] {
  const all = new Set(ctx.input.diagnoses);
  for (const line of ctx.lines) for (const dx of line.diagnoses) all.add(dx);
  return [...all];
}

const MAX_CLAIM_DIAGNOSES = 12;

/** The diagnoses rule family. */
export function checkDiagnoses(ctx: RuleContext, report: Report): void {
  const { icd10 } = ctx.knowledge;
  const conventions = icd10.conventions;
  report.ran('diagnoses', `ICD-10-CM ${icd10.version} subset; conventions ${conventions.version}`);
  const codeSet = conventions.codeSet;
  if (!isWithin(ctx.input.dateOfService, codeSet.effective, codeSet.end)) {
    report.skipped('diagnoses', `codes were checked against the ${icd10.version} code set (${codeSet.effective} to ${codeSet.end}); the date of service ${ctx.input.dateOfService} falls outside it, so codes added or deleted in other years are not caught`);
  }
  const diagnoses = claimDiagnoses(ctx);
  if (diagnoses.length === 0) {
    if (ctx.lines.length > 0) {
      report.add('dx.none', {
        message: 'No diagnosis is documented or on the claim; every claim line must point to at least one diagnosis.',
        fix: 'Add the diagnoses that support the service, as documented by the ordering or reading clinician.',
        source: { title: 'REFERENCE §9: 837P HI carries the principal and other diagnoses; SV1 points into HI', confidence: 'verified' },
      });
    }
    return;
  }
  for (const dx of ctx.input.duplicateDiagnoses) {
    report.add('dx.duplicate', { message: `${dx} is listed more than once.`, fix: `List ${dx} once.`, source: { title: 'REFERENCE §9: HI has no duplicates', confidence: 'verified' } });
  }
  const outside: string[] = [];
  for (const dx of diagnoses) {
    const status = classifyIcd(dx, icd10);
    switch (status.kind) {
      case 'billable':
        break;
      case 'header':
        report.add('dx.not-billable', {
          message: `${dx} is a category header, not a billable code.`,
          fix: `Code to the highest specificity documented (e.g. ${[...icd10.billable.keys()].find((c) => c.startsWith(dx)) ?? 'a billable subcode'}).`,
          source: icd10.source,
        });
        break;
      case 'seventh-character':
        report.add('dx.seventh-character', {
          message: status.missing ? `${dx} needs a 7th character (${[...status.allowed].join(', ')}).` : `${dx}: the 7th character ${dx.slice(-1)} is not allowed here; expected one of ${[...status.allowed].join(', ')}.`,
          fix: 'Add the 7th character for the episode of care: A initial, D routine healing, G delayed healing, K nonunion, P malunion, S sequela (as allowed for the category).',
          source: conventions.seventhCharacters.find((r) => dx.startsWith(r.prefix))?.source ?? icd10.source,
        });
        break;
      case 'invalid':
        report.add('dx.invalid', {
          message: `${dx} is not a valid ICD-10-CM code: the ${status.family} family in the FY2026 code set has no such code.`,
          fix: 'Choose a valid code from the family.',
          source: conventions.completeFamilies.find((f) => f.prefix === status.family)?.source ?? icd10.source,
        });
        break;
      case 'outside':
        outside.push(dx);
        break;
    }
  }
  if (outside.length > 0) {
    report.skipped('diagnoses', `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside the embedded ICD-10-CM subset; validity not checked`);
  }
  for (const rule of conventions.excludes1) {
    const a = diagnoses.find((d) => d.startsWith(rule.a));
    const b = diagnoses.find((d) => d.startsWith(rule.b));
    if (a && b) {
      report.add('dx.excludes1', {
        message: `${a} and ${b}: ${rule.message}.`,
        fix: `Keep the code that describes the documented condition and remove the other.`,
        source: rule.source,
      });
    }
  }
  for (const rule of conventions.sequencing) {
    const at = ctx.input.diagnoses.indexOf(rule.code);
    const before = ctx.input.diagnoses.findIndex((d) => d.startsWith(rule.after));
    if (at >= 0 && before > at) {
      report.add('dx.sequencing', { message: `${rule.message}; it is listed before ${ctx.input.diagnoses[before]}.`, fix: `List ${ctx.input.diagnoses[before]} first.`, source: rule.source });
    }
  }
  const screening = conventions.screening;
  if (diagnoses.includes(screening.code)) {
    const condition = diagnoses.find((d) => screening.conditionPrefixes.some((p) => d.startsWith(p)));
    if (condition) {
      report.add('dx.screening-with-condition', { message: `${screening.message} (${condition} is documented).`, fix: `Remove ${screening.code} and code ${condition}.`, source: screening.source });
    }
  }
  if (ctx.linesAreSubmitted && diagnoses.length > MAX_CLAIM_DIAGNOSES) {
    report.add('dx.too-many', {
      message: `The claim carries ${diagnoses.length} diagnoses; an 837P claim holds at most ${MAX_CLAIM_DIAGNOSES}.`,
      fix: 'Keep the diagnoses the lines point to, most important first.',
      source: { title: 'REFERENCE §9: HI up to 12 diagnoses', confidence: 'verified' },
    });
  }
}
