/** `dxacode extract [FILE|-]`: reads a DXA/VFA report and prints the documented facts with the evidence of each. */
import { extract, MAX_REPORT_CHARS } from '../extract/extract.js';
import { EXIT } from './exit.js';
import { outputFormat, readInputText, useColor, type CliIo } from './shared.js';
import { COLOR, PLAIN, renderFacts } from './text.js';

/** Runs `dxacode extract`. */
export async function run(io: CliIo, file: string | undefined, options: { format?: 'json' | 'text' }): Promise<number> {
  const input = await readInputText(io, file, 'give a report FILE, or pipe the report text on standard input', MAX_REPORT_CHARS * 4, `the report is longer than ${MAX_REPORT_CHARS} characters`);
  if (!input) return EXIT.unusable;
  const { name, text } = input;
  if (text.length > MAX_REPORT_CHARS) {
    io.stderr.write(`dxacode: ${name}: the report is longer than ${MAX_REPORT_CHARS} characters\n`);
    return EXIT.unusable;
  }
  if (text.trim() === '') {
    io.stderr.write(`dxacode: ${name}: the report is empty\n`);
    return EXIT.unusable;
  }
  const facts = extract(text);
  const format = outputFormat(io, options.format);
  io.stdout.write(format === 'json' ? `${JSON.stringify(facts, null, 2)}\n` : renderFacts(text, facts, useColor(io) ? COLOR : PLAIN));
  return EXIT.ok;
}
