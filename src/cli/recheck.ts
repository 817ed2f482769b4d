/**
 * `dxacode recheck --since VERSION`: checks again the stored encounters that the knowledge versions imported since
 * VERSION touch, keeps each new result as a new version with its reason, and lists those whose verdict changed.
 */
import { storeOptionsFromEnv } from '../store/index.js';
import { EXIT } from './exit.js';
import { knowledgeOrReport, report, type CliIo } from './shared.js';
import { withStore } from './store-commands.js';

/** Runs `dxacode recheck --since VERSION [--organization ID]`. */
export async function run(io: CliIo, options: { since: string; organization?: string; format?: 'json' | 'text' }): Promise<number> {
  const base = await knowledgeOrReport(undefined, io, { stored: false });
  if (!base) return EXIT.unusable;
  const { KnowledgeImportError, loadStoredKnowledge, recheckSince } = await import('../io/knowledge-store.js');
  const env = io.env ?? {};
  return report(
    io,
    await withStore(storeOptionsFromEnv(env), 'recheck', async (store) => {
      try {
        const knowledge = await loadStoredKnowledge(store, base);
        const lines = await recheckSince(store, knowledge, options.since, env.DXACODE_ACTOR ?? env.USER ?? 'cli', options.organization);
        const changed = lines.filter((l) => l.before !== l.after);
        if (options.format === 'json') return { exitCode: EXIT.ok, stdout: `${JSON.stringify({ rechecked: lines.length, changed: changed.length, encounters: lines }, null, 2)}\n`, stderr: '' };
        const text = changed.map((l) => `${l.organization}\t${l.encounterId}\t${l.externalId ?? '-'}\t${l.dateOfService}\t${l.before} -> ${l.after}\tv${l.version}\n`).join('');
        return { exitCode: EXIT.ok, stdout: text, stderr: `dxacode: recheck: ${lines.length} encounter${lines.length === 1 ? '' : 's'} checked again, ${changed.length} changed verdict\n` };
      } catch (error) {
        if (error instanceof KnowledgeImportError) return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: recheck: ${error.message}\n` };
        throw error;
      }
    }),
  );
}
