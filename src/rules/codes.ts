/**
 * Code validity on the date of service: deleted codes, codes not yet valid, unknown codes, and 77083 billed as if it
 * were vertebral fracture assessment.
 */
import { isWithin } from '../contract/dates.js';
import { inForce } from '../knowledge/official.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { CodeEntry } from '../knowledge/schema.js';
import { Report, VersionTexts, billsCode, lineLabel, linePath, lineRef, type RuleContext } from './context.js';
import { codeForService } from './selection.js';

/**
 * What to bill instead of a code that is not valid on the date: its successor, or, when the successor and another
 * line form a combined code (77080 + 77086 is 77085), the combined code.
 */
function replacementFix(ctx: RuleContext, code: string, replacement: CodeEntry | undefined): string {
  if (!replacement) return 'Use the code valid on the date of service.';
  const combo = ctx.knowledge.pairs.combinations.find(
    (c) => isWithin(ctx.input.dateOfService, c.effective, c.end) && c.codes.includes(replacement.code) && c.codes.every((x) => x === replacement.code || billsCode(ctx.lines, x)),
  );
  if (combo) {
    const others = combo.codes.filter((x) => x !== replacement.code);
    return `Replace the ${[...others, code].join(' and ')} lines with one ${combo.replacement} line (${ctx.knowledge.codes.byCode.get(combo.replacement)?.label ?? combo.replacement}).`;
  }
  return `Use ${replacement.code} (${replacement.label}).`;
}

const VERSION = new VersionTexts((codes: Knowledge['codes']) => `codes ${codes.version}`);
const WITH_HCPCS = new VersionTexts((codes: Knowledge['codes'], hcpcs: Knowledge['hcpcs']) => `codes ${codes.version}; ${hcpcs.info.label}`);

/** The codes rule family. */
export function checkCodes(ctx: RuleContext, report: Report): void {
  const { knowledge, input } = ctx;
  const date = input.dateOfService;
  // 77083 is radiographic absorptiometry: billed beside a VFA it is taken for the VFA code, unless radiographic
  // absorptiometry was itself performed (then 77083 is that study's right code).
  const vfaBilledAs77083 = input.performed.some((p) => p.procedure === 'vfa') && !input.performed.some((p) => p.procedure === 'radiographic-absorptiometry');
  const hcpcsUsed = ctx.lines.some((l) => /^[A-V]/.test(l.code) && !knowledge.codes.byCode.has(l.code));
  report.ran('codes', hcpcsUsed ? WITH_HCPCS.of(knowledge.codes, knowledge.hcpcs) : VERSION.of(knowledge.codes));

  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const label = lineLabel(ctx, index);
    const at = lineRef(ctx, index);
    const path = linePath(ctx, index, 'code');
    const entry = knowledge.codes.byCode.get(line.code);
    if (!entry) {
      const hcpcs = knowledge.hcpcs;
      const isHcpcs = /^[A-V]/.test(line.code);
      if (isHcpcs && inForce(hcpcs.info, date) && !hcpcs.codes.has(line.code)) {
        report.add('code.not-in-hcpcs', {
          message: `${label}: ${line.code} is not a valid HCPCS Level II code on ${date}: it is not in the ${hcpcs.info.label.replace(/, embedded$/, '')} code list.`,
          line: at,
          fix: 'Use the HCPCS code valid on the date of service for the service performed.',
          source: hcpcs.info.source,
          path,
          params: { code: line.code, hcpcsList: hcpcs.info.label.replace(/, embedded$/, '') },
        });
        continue;
      }
      const valid = isHcpcs && inForce(hcpcs.info, date);
      report.add('code.unknown', {
        message: valid
          ? `${label}: ${line.code} is a valid HCPCS Level II code (${hcpcs.info.label.replace(/, embedded$/, '')}) but not one of the bone-density family that dxacode's edits cover.`
          : `${label}: ${line.code} is not in dxacode's code tables, so its validity on ${date} was not checked.`,
        line: at,
        fix: valid ? 'Check that this is the service performed; its pair, unit and coverage edits are not checked.' : 'Confirm the code in the CPT/HCPCS code set of the date of service.',
        source: valid ? hcpcs.info.source : { title: knowledge.codes.title, version: knowledge.codes.version, confidence: 'verified' },
        path,
        params: { code: line.code, hcpcs: valid },
      });
      report.skipped('codes', valid ? `${line.code} is outside the bone-density family: its edits are not in the knowledge` : `${line.code} is not in the code tables`);
      continue;
    }
    if (entry.code === '77083' && vfaBilledAs77083) {
      const vfaCode = codeForService(knowledge, 'vfa', date)?.code ?? null;
      report.add('code.not-vfa', {
        message: `${label}: 77083 is radiographic absorptiometry (photodensitometry, radiogrammetry), not vertebral fracture assessment.`,
        line: at,
        fix: `Report VFA with ${vfaCode ?? 'the VFA code of the date'} (or 77085 together with an axial DXA study from 2015).`,
        source: { title: 'REFERENCE §1: 77083 is radiographic absorptiometry, never VFA', confidence: 'verified' },
        path,
        params: { code: entry.code, vfaCode },
      });
    }
    if (entry.service === null) {
      report.add('code.not-densitometry', {
        message: `${label}: ${entry.code} is ${entry.label}.`,
        line: at,
        fix: 'Check that this is the service performed; it is not a bone-density code.',
        source: entry.source,
        path,
        params: { code: entry.code },
      });
    }
    if (entry.end !== null && date > entry.end) {
      const replacement = entry.service ? codeForService(knowledge, entry.service, date) : undefined;
      report.add('code.deleted', {
        message: `${label}: ${entry.code} (${entry.label}) was valid until ${entry.end} and cannot be billed for ${date}.`,
        line: at,
        fix: replacementFix(ctx, entry.code, replacement),
        source: entry.source,
        path,
        params: { code: entry.code, end: entry.end, replacement: replacement?.code ?? null },
      });
    } else if (entry.effective !== null && date < entry.effective) {
      const replacement = entry.service ? codeForService(knowledge, entry.service, date) : undefined;
      report.add('code.not-yet-valid', {
        message: `${label}: ${entry.code} (${entry.label}) is valid from ${entry.effective}, after the date of service ${date}.`,
        line: at,
        fix: replacementFix(ctx, entry.code, replacement),
        source: entry.source,
        path,
        params: { code: entry.code, effective: entry.effective, replacement: replacement?.code ?? null },
      });
    } else if (entry.effective === null && date < knowledge.codes.datesRecordedFrom) {
      report.skipped('codes', `the start date of ${entry.code} is not recorded; validity before ${knowledge.codes.datesRecordedFrom} not checked`);
    }
    if (entry.statusUnverified && isWithin(date, entry.effective, entry.end)) {
      report.add('code.status-unverified', {
        message: `${label}: whether ${entry.code} (${entry.label}) is active on ${date} is not verified (unverified in REFERENCE).`,
        line: at,
        fix: 'Confirm the code in the current CPT code set and the payer\'s fee schedule before billing.',
        source: entry.source,
        path,
        params: { code: entry.code },
      });
    }
  }
}
