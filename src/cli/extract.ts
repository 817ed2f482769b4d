/** `dxacode extract [FILE|-]`: reads a DXA/VFA report and prints the documented facts with the evidence of each. */
import { extract, MAX_REPORT_CHARS } from '../extract/extract.js';
import { EXIT } from './exit.js';
import { openInput, outputFormat, readAll, unreadable, useColor, type CliIo } from './shared.js';
import { COLOR, PLAIN, renderFacts } from './text.js';

/** Runs `dxacode extract`. */
export async function run(io: CliIo, file: string | undefined, options: { format?: 'json' | 'text' }): Promise<number> {
  const source = openInput(file, io, 'give a report FILE, or pipe the report text on standard input');
  if (!source) return EXIT.unusable;
  const name = source.name;
  let text: string | undefined;
  try {
    text = await readAll(source.open(), MAX_REPORT_CHARS * 4);
  } catch (error) {
    const message = unreadable(error, name);
    if (message === undefined) throw error;
    io.stderr.write(message);
    return EXIT.unusable;
  }
  if (text === undefined || text.length > MAX_REPORT_CHARS) {
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
