/**
 * `dxacode claim [FILE|-] --format x12|fhir|hl7`: reads encounters with the same loop and messages as `dxacode
 * check`, then checks them and writes the claims (interchange.ts). Nothing is written when an encounter is unusable.
 */
import type { Encounter } from '../contract/encounter.js';
import { forEachBatch } from './batch.js';
import { EXIT } from './exit.js';
import { readEncounters } from '../io/input.js';
import { writeClaims } from './interchange.js';
import { knowledgeOrReport, openInput, unreadable, type CliIo } from './shared.js';

/** Options of `dxacode claim`. */
export interface ClaimCommandOptions {
  format: 'x12' | 'fhir' | 'hl7';
  config?: string;
  force?: boolean;
  payerPack?: string[];
}

/** Runs `dxacode claim`. */
export async function run(io: CliIo, file: string | undefined, options: ClaimCommandOptions): Promise<number> {
  const stderr = (text: string) => io.stderr.write(text);
  const knowledge = await knowledgeOrReport(options.payerPack, io, { config: options.config });
  if (!knowledge) return EXIT.unusable;
  const source = openInput(file, io, 'give a FILE of encounters, or pipe them on standard input');
  if (!source) return EXIT.unusable;
  const name = source.name;
  const encounters: Encounter[] = [];
  let unusable: number;
  try {
    const input = await readEncounters(source.open());
    unusable = await forEachBatch(input, name, stderr, (batch) => {
      for (const encounter of batch.encounters) encounters.push(encounter);
    });
  } catch (error) {
    const message = unreadable(error, name);
    if (message === undefined) throw error;
    stderr(message);
    return EXIT.unusable;
  }
  if (unusable > 0) {
    // Never a half-written batch: fix the input first.
    stderr(`dxacode: ${unusable} unusable encounter${unusable === 1 ? '' : 's'}; no claim written\n`);
    return EXIT.unusable;
  }
  let text = '';
  const code = await writeClaims(encounters, { format: options.format, ...(options.config ? { config: options.config } : {}), force: options.force ?? false, ...(io.env ? { env: io.env } : {}) }, knowledge, { stdout: (t) => (text += t), stderr });
  if (text) io.stdout.write(text);
  return code;
}
