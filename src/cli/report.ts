/**
 * `dxacode report [FILE|-]`: drafts a structured DXA/VFA report from the study's facts (JSON, docs/report-drafting.md).
 * Prints the draft (text) or the draft with what it still lacks (JSON). Exit 0 when the draft lacks nothing, 1 when
 * elements are missing (each is named on stderr with the rule that would hold the claim), 2 when the input is unusable.
 */
import { formatPath } from '../engine/validate.js';
import { draftReport } from '../report/draft.js';
import { reportHtml } from '../report/html.js';
import { ReportDraftInput } from '../report/input.js';
import { EXIT } from './exit.js';
import { outputFormat, readInputText, type CliIo } from './shared.js';

const MAX_INPUT_BYTES = 256 * 1024;

/** Runs `dxacode report`. */
export async function run(io: CliIo, file: string | undefined, options: { format?: 'json' | 'text' | 'html' }): Promise<number> {
  const input = await readInputText(io, file, "give the study's facts as a JSON FILE, or pipe them on standard input", MAX_INPUT_BYTES, `expected at most ${MAX_INPUT_BYTES} bytes of study facts`);
  if (!input) return EXIT.unusable;
  const { name, text } = input;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    io.stderr.write(`dxacode: ${name}: expected JSON: ${(error as Error).message}\n`);
    return EXIT.unusable;
  }
  const parsed = ReportDraftInput.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) io.stderr.write(`dxacode: ${name}: ${formatPath(issue.path)}: ${issue.message}\n`);
    return EXIT.unusable;
  }
  const draft = draftReport(parsed.data);
  const format = options.format === 'html' ? 'html' : outputFormat(io, options.format);
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify({ text: draft.text, missing: draft.missing, classification: draft.classification }, null, 2)}\n`);
  } else {
    io.stdout.write(format === 'html' ? reportHtml(parsed.data, draft) : draft.text);
    for (const m of draft.missing) io.stderr.write(`dxacode: still missing: ${m.element}${m.rule ? ` (${m.rule})` : ''}: ${m.message}\n`);
  }
  return draft.missing.length === 0 ? EXIT.ok : EXIT.reject;
}
