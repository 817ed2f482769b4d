/**
 * `dxacode knowledge import KIND FILE...`, `knowledge list` and `knowledge diff [FROM] TO`: official files become
 * knowledge versions in the store at DATABASE_URL or ./data; list shows them with the embedded defaults; diff shows
 * the rows that changed between two versions of one kind (the bone-density family unless --all).
 */
import { storeOptionsFromEnv } from '../store/index.js';
import type { KnowledgeVersionRecord } from '../knowledge/versions.js';
import type { PayerPackRefused } from '../io/knowledge-store.js';
import { EXIT } from './exit.js';
import { knowledgeOrReport, report, type CliIo } from './shared.js';
import { withStore, type CommandOutput } from './store-commands.js';

const fmt = (n: number) => n.toLocaleString('en-US');

function describe(record: KnowledgeVersionRecord): string {
  const rows = Object.entries(record.rowCounts)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  return `${record.id}\n  ${record.kind} ${record.edition}, in force ${record.effectiveFrom} to ${record.effectiveTo ?? '(open)'}; ${rows}\n  imported by ${record.importedBy} at ${record.importedAt}\n${record.files.map((f) => `  ${f.name} (${fmt(f.bytes)} bytes, sha256 ${f.sha256})`).join('\n')}\n`;
}

/** The message of a refused import: layout problems and refusals are the user's to fix (exit 2), never a stack. */
function refused(command: string, error: unknown): CommandOutput | undefined {
  const name = (error as Error | undefined)?.name;
  if (name === 'KnowledgeImportError' && 'failures' in (error as object)) {
    const refusal = error as PayerPackRefused;
    const lines = [...refusal.problems, ...refusal.failures.flatMap((f) => [`case failed: ${f.name}`, ...f.differences.map((d) => `  ${d}`)])];
    return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: ${command}: refused: ${lines.length > 0 ? '' : refusal.message}\n${lines.map((l) => `  ${l}\n`).join('')}` };
  }
  if (name === 'ImportError' || name === 'KnowledgeImportError') return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: ${command}: ${(error as Error).message}\n` };
  return undefined;
}

/** Runs `dxacode knowledge import KIND FILE...`. */
export async function importFiles(
  io: CliIo,
  kind: string,
  files: string[],
  options: { effectiveFrom?: string; effectiveTo?: string; allowSmaller?: boolean; format?: 'json' | 'text' },
): Promise<number> {
  const { importKnowledge, loadStoredKnowledge } = await import('../io/knowledge-store.js');
  const env = io.env ?? {};
  return report(
    io,
    await withStore(storeOptionsFromEnv(env), 'knowledge import', async (store) => {
      try {
        // A payer pack runs its cases with the knowledge checks would use: the embedded data and the stored versions.
        const knowledge = kind === 'payer-pack' ? await loadStoredKnowledge(store, (await import('../io/knowledge-files.js')).loadKnowledge()) : undefined;
        const outcome = await importKnowledge(store, {
          kind,
          knowledge,
          files,
          effectiveFrom: options.effectiveFrom,
          effectiveTo: options.effectiveTo,
          allowSmaller: options.allowSmaller,
          actor: env.DXACODE_ACTOR ?? env.USER ?? 'cli',
        });
        const t = outcome.milliseconds;
        if (options.format === 'json') return { exitCode: EXIT.ok, stdout: `${JSON.stringify({ ...outcome.record, milliseconds: t }, null, 2)}\n`, stderr: '' };
        const warnings = outcome.warnings.slice(0, 20).map((w) => `dxacode: knowledge import: warning: ${w}\n`).join('');
        const more = outcome.warnings.length > 20 ? `dxacode: knowledge import: ${outcome.warnings.length - 20} more warnings are kept with the version\n` : '';
        return {
          exitCode: EXIT.ok,
          stdout: `imported ${describe(outcome.record)}  read ${(t.read / 1000).toFixed(1)} s, parsed ${(t.parse / 1000).toFixed(1)} s, encoded ${(t.encode / 1000).toFixed(1)} s, stored ${(t.store / 1000).toFixed(1)} s\n`,
          stderr: warnings + more,
        };
      } catch (error) {
        const out = refused('knowledge import', error);
        if (out) return out;
        throw error;
      }
    }),
  );
}

/** Runs `dxacode knowledge list`: the imported versions, oldest first, then the embedded defaults. */
export async function list(io: CliIo, options: { format?: 'json' | 'text' }): Promise<number> {
  const knowledge = await knowledgeOrReport(undefined, io, { stored: false, office: false });
  if (!knowledge) return EXIT.unusable;
  const embedded = [
    knowledge.icd10.codeSet.info,
    knowledge.hcpcs.info,
    knowledge.mue.professional.info,
    knowledge.mue.institutional.info,
    knowledge.rvuOn('9999-12-31').info,
    ...new Set([...knowledge.articles.byJurisdiction.values()].map((a) => a.info)),
    { id: `embedded:${knowledge.pairs.version}`, label: `${knowledge.pairs.title} (partial)`, effective: { from: '', to: null }, source: { title: knowledge.pairs.partialNote, confidence: 'verified' as const } },
  ];
  return report(
    io,
    await withStore(storeOptionsFromEnv(io.env ?? {}), 'knowledge list', async (store) => {
      const versions = await store.listKnowledgeVersions();
      if (options.format === 'json') return { exitCode: EXIT.ok, stdout: `${JSON.stringify({ imported: versions, embedded }, null, 2)}\n`, stderr: '' };
      const lines = versions.length === 0 ? 'no imported versions (dxacode knowledge import KIND FILE...)\n' : versions.map(describe).join('');
      return { exitCode: EXIT.ok, stdout: `${lines}embedded defaults (used where no imported version is in force):\n${embedded.map((e) => `  ${e.label}\n`).join('')}`, stderr: '' };
    }),
  );
}

function cell(value: string | number | null): string {
  return value === null ? '-' : String(value);
}

/** Runs `dxacode knowledge diff [FROM] TO`: without FROM, TO is compared with the previous version of its kind. */
export async function diff(io: CliIo, first: string, second: string | undefined, options: { all?: boolean; format?: 'json' | 'text' }): Promise<number> {
  const knowledge = await knowledgeOrReport(undefined, io, { stored: false, office: false });
  if (!knowledge) return EXIT.unusable;
  const { diffStoredVersions } = await import('../io/knowledge-store.js');
  const [fromId, toId] = second === undefined ? [undefined, first] : [first, second];
  return report(
    io,
    await withStore(storeOptionsFromEnv(io.env ?? {}), 'knowledge diff', async (store) => {
      try {
        const { from, to, diff: d } = await diffStoredVersions(store, knowledge, toId, fromId, { all: options.all === true });
        if (options.format === 'json') return { exitCode: EXIT.ok, stdout: `${JSON.stringify({ from: from?.id ?? null, to: to.id, ...d }, null, 2)}\n`, stderr: '' };
        const head = `${to.kind}: ${from ? from.id : '(no earlier version: every row is new)'} -> ${to.id}${d.familyOnly ? ' (rows touching the bone-density family; --all for every row)' : ''}\n`;
        const counts = `${fmt(d.added.length)} added, ${fmt(d.deleted.length)} deleted, ${fmt(d.changed.length)} changed\n`;
        const rows = [
          ...d.added.slice(0, 500).map((a) => `+ ${a.table}: ${Object.values(a.row).map(cell).join('\t')}\n`),
          ...d.deleted.slice(0, 500).map((a) => `- ${a.table}: ${Object.values(a.row).map(cell).join('\t')}\n`),
          ...d.changed.slice(0, 500).map((c) => `~ ${c.table}: ${Object.values(c.key).map(cell).join('\t')}: ${Object.entries(c.changes).map(([k, v]) => `${k} ${cell(v.before)} -> ${cell(v.after)}`).join(', ')}\n`),
        ];
        return { exitCode: EXIT.ok, stdout: head + counts + rows.join(''), stderr: '' };
      } catch (error) {
        const out = refused('knowledge diff', error);
        if (out) return out;
        throw error;
      }
    }),
  );
}
