/** Diagnosis pointers: every line carries the diagnoses that support it, at most four, all of them documented. */
import { Report, lineDiagnosisPath, lineDiagnosesPath, lineLabel, lineRef, type RuleContext } from './context.js';

const MAX_POINTERS = 4;
const POINTER_SOURCE = { title: 'REFERENCE §9: SV1 diagnosis pointers 1-4 into HI', confidence: 'verified' } as const;

/** The pointers rule family. */
export function checkPointers(ctx: RuleContext, report: Report): void {
  report.ran('pointers', '837P 005010X222A1 pointer limits');
  if (!ctx.input.diagnosesGiven && ctx.linesAreSubmitted) {
    report.skipped('pointers', 'the encounter lists no documented diagnoses, so line diagnoses could not be compared with the documentation');
  }
  const documented = new Set(ctx.input.diagnoses);
  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    const label = lineLabel(ctx, index);
    const at = lineRef(ctx, index);
    if (line.diagnoses.length === 0) {
      if (documented.size > 0 || ctx.linesAreSubmitted) {
        report.add('pointer.missing', {
          message: `${label} points to no diagnosis.`,
          line: at,
          fix: 'Point the line to the diagnoses that support it.',
          source: POINTER_SOURCE,
          path: lineDiagnosesPath(ctx, index),
          params: { code: line.code },
        });
      }
      continue;
    }
    if (line.diagnoses.length > MAX_POINTERS) {
      report.add('pointer.too-many', {
        message: `${label} points to ${line.diagnoses.length} diagnoses; a line carries at most ${MAX_POINTERS} pointers.`,
        line: at,
        fix: `Keep the ${MAX_POINTERS} diagnoses that best support the service.`,
        source: POINTER_SOURCE,
        path: lineDiagnosesPath(ctx, index),
        params: { code: line.code, count: line.diagnoses.length, max: MAX_POINTERS },
      });
    }
    if (!ctx.input.diagnosesGiven) continue;
    const undocumented = line.diagnoses.filter((dx) => !documented.has(dx));
    if (undocumented.length > 0) {
      report.add('pointer.not-documented', {
        message: `${label} points to ${undocumented.join(', ')}, which ${undocumented.length === 1 ? 'is' : 'are'} not among the documented diagnoses (${[...documented].join(', ')}).`,
        line: at,
        fix: 'Point only to documented diagnoses, or have the clinician document the condition.',
        source: { title: 'Diagnoses must be documented by the ordering or reading clinician (REFERENCE §5 documentation on review)', confidence: 'verified' },
        path: lineDiagnosisPath(ctx, index, undocumented[0]!),
        params: { code: line.code, diagnoses: undocumented, documented: [...documented] },
      });
    }
  }
}
