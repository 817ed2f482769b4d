/** `dxacode packs`: the payer policy packs (embedded, and any --payer-pack files), one per line. */
import { EXIT } from './exit.js';
import { knowledgeOrReport, type CliIo } from './shared.js';

/** Runs `dxacode packs`. */
export async function run(io: CliIo, options: { payerPack?: string[] }): Promise<number> {
  const knowledge = await knowledgeOrReport(options.payerPack, io, { office: false });
  if (!knowledge) return EXIT.unusable;
  for (const pack of knowledge.payers.values()) io.stdout.write(`${pack.id}\t${pack.program}\t${pack.version}\t${pack.name}\n`);
  return EXIT.ok;
}
