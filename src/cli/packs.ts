/** `dxacode packs`: every version of every payer policy pack (embedded, and any --payer-pack files), one per line. */
import { EXIT } from './exit.js';
import { knowledgeOrReport, type CliIo } from './shared.js';

/** Runs `dxacode packs`: id, program, version, effective period and name, tab-separated. */
export async function run(io: CliIo, options: { payerPack?: string[] }): Promise<number> {
  const knowledge = await knowledgeOrReport(options.payerPack, io, { office: false });
  if (!knowledge) return EXIT.unusable;
  for (const id of knowledge.packs.ids()) {
    for (const { pack } of knowledge.packs.versions(id)) io.stdout.write(`${pack.id}\t${pack.program}\t${pack.version}\t${pack.effective} to ${pack.end ?? 'open'}\t${pack.name}\n`);
  }
  return EXIT.ok;
}
