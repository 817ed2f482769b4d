/**
 * `dxacode registry query|followup|export` (issue 12 §4, docs/registry.md): cohort counts with small cells suppressed,
 * a patient's follow-up, and the de-identified export (CSV to a file or standard output; FHIR Bulk Data as a folder
 * with manifest.json and one NDJSON file per resource type), audited as registry-exported with its query. The store
 * is DATABASE_URL or ./data; the registry section of the configuration and DXACODE_REGISTRY_SECRET give the
 * settings. Exit 0 done, 2 usage, unusable configuration or a store failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configPath } from '../io/config-file.js';
import { readRegistryConfig } from '../io/registry-config.js';
import { storeOptionsFromEnv } from '../store/index.js';
import type { DateMode } from '../store/deidentify.js';
import { cohortSummary, exportRegistry, followUp, parseCohortQuery, type Breakdown, type CohortQuery, type CohortSummary, type ExportFormat, type FollowUp, type RegistrySettings } from '../store/registry.js';
import { EXIT } from './exit.js';
import { outputFormat, report, type CliIo } from './shared.js';
import { withStore, type CommandOutput } from './store-commands.js';

/** The cohort filters as the command line spells them (docs/registry.md). */
export interface FilterOptions {
  ageBand?: string;
  sex?: string;
  tScoreCategory?: string;
  genantGrade?: string;
  therapy?: string;
  payer?: string;
  from?: string;
  to?: string;
  minimumCellSize?: string;
  organization?: string;
  config?: string;
}

/** The option name of each filter, for messages. */
const FLAG: Record<string, string> = { ageBand: '--age-band', sex: '--sex', tScoreCategory: '--t-score-category', genantGrade: '--genant-grade', therapy: '--therapy', payer: '--payer', from: '--from', to: '--to' };

type Prepared = { ok: true; query: CohortQuery; settings: RegistrySettings; minimum: number | undefined } | { ok: false; output: CommandOutput };

const usage = (command: string, message: string): { ok: false; output: CommandOutput } => ({ ok: false, output: { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: registry ${command}: ${message}\n` } });

/** Reads the filters, the smallest cell size and the registry settings; a problem names the option or the file. */
function prepare(io: CliIo, command: string, options: FilterOptions): Prepared {
  const { minimumCellSize, config } = options;
  const filters = Object.fromEntries(Object.keys(FLAG).map((key) => [key, options[key as keyof FilterOptions]]));
  const parsed = parseCohortQuery(filters);
  if (!parsed.ok) return usage(command, `${FLAG[parsed.field] ?? parsed.field}: ${parsed.message}`);
  let minimum: number | undefined;
  if (minimumCellSize !== undefined) {
    minimum = Number(minimumCellSize);
    if (!Number.isInteger(minimum) || minimum < 2) return usage(command, '--minimum-cell-size: expected a whole number of at least 2');
  }
  const env = io.env ?? {};
  const read = readRegistryConfig(configPath(config, env), env);
  if (!read.ok) return { ok: false, output: { exitCode: EXIT.unusable, stdout: '', stderr: read.messages.map((m) => `dxacode: ${m}\n`).join('') } };
  return { ok: true, query: parsed.query, settings: read.settings, minimum };
}

const cellText = (c: number | string) => String(c);
const breakdownText = (title: string, rows: readonly Breakdown[]) => `${title}: ${rows.map((r) => `${r.value} ${cellText(r.studies)}`).join(', ')}\n`;

/** The cohort counts as a person reads them. */
function summaryText(s: CohortSummary): string {
  return (
    `studies ${cellText(s.studies)}, patients ${cellText(s.patients)} (counts of fewer than ${s.minimumCellSize} patients are suppressed)\n` +
    breakdownText('sex', s.bySex) +
    breakdownText('age band', s.byAgeBand) +
    breakdownText('T-score category', s.byTScoreCategory) +
    breakdownText('highest Genant grade', s.byGenantGrade) +
    breakdownText('therapy', s.byTherapy) +
    breakdownText('payer', s.byPayer)
  );
}

/** Runs `dxacode registry query`: the cohort's counts. */
export async function query(io: CliIo, options: FilterOptions & { format?: 'json' | 'text' }): Promise<number> {
  const prepared = prepare(io, 'query', options);
  if (!prepared.ok) return report(io, prepared.output);
  const format = outputFormat(io, options.format);
  return report(
    io,
    await withStore(storeOptionsFromEnv(io.env ?? {}), 'registry query', async (store) => {
      const summary = await cohortSummary(store.forOrganization(options.organization ?? 'default'), prepared.query, prepared.settings, prepared.minimum);
      return { exitCode: EXIT.ok, stdout: format === 'json' ? `${JSON.stringify(summary)}\n` : summaryText(summary), stderr: '' };
    }),
  );
}

/** The follow-up as a person reads it. */
function followUpText(f: FollowUp): string {
  const lines = f.note !== undefined ? [`${f.note}`] : [];
  for (const s of f.studies) {
    lines.push(`${s.dateOfService} ${s.encounterId}: lowest T-score ${s.lowestTScore ?? 'not given'} (${s.tScoreCategory}), highest Genant grade ${s.highestGenantGrade ?? 'not read'}`);
    const since = s.sincePrevious;
    if (since === undefined) continue;
    for (const c of since.bmdChanges) lines.push(`  ${c.site} BMD ${c.fromGPerCm2} -> ${c.toGPerCm2} g/cm2 (${c.changeGPerCm2 >= 0 ? '+' : ''}${c.changeGPerCm2}, ${c.percent}%): ${c.judgement === 'not-judged' ? c.note : `${c.judgement} (LSC ${c.leastSignificantChange} g/cm2)`}`);
    if (since.sitesNotCompared.length > 0) lines.push(`  not compared (measured at one study only): ${since.sitesNotCompared.join(', ')}`);
    lines.push(since.newFractures === null ? `  new fractures: ${since.newFracturesNote}` : `  new fractures: ${since.newFractures.length === 0 ? 'none' : since.newFractures.map((n) => `${n.level} grade ${n.grade ?? 'not given'} (was ${n.previousGrade})`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `dxacode registry followup ENCOUNTER`: the studies of the encounter's patient and what changed. */
export async function followup(io: CliIo, encounterId: string, options: FilterOptions & { format?: 'json' | 'text' }): Promise<number> {
  const prepared = prepare(io, 'followup', { ...(options.config !== undefined ? { config: options.config } : {}) });
  if (!prepared.ok) return report(io, prepared.output);
  const format = outputFormat(io, options.format);
  return report(
    io,
    await withStore(storeOptionsFromEnv(io.env ?? {}), 'registry followup', async (store) => {
      const result = await followUp(store.forOrganization(options.organization ?? 'default'), encounterId, prepared.settings);
      return { exitCode: EXIT.ok, stdout: format === 'json' ? `${JSON.stringify(result)}\n` : followUpText(result), stderr: '' };
    }),
  );
}

/** Options of `dxacode registry export`. */
export interface ExportOptions extends FilterOptions {
  format: ExportFormat;
  dates?: DateMode;
  out?: string;
}

/** Writes a file readable by its owner only. */
function writePrivately(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}

/** Runs `dxacode registry export --format csv|fhir`: the cohort de-identified, audited with its query. */
export async function exportCohort(io: CliIo, options: ExportOptions): Promise<number> {
  const prepared = prepare(io, 'export', options);
  if (!prepared.ok) return report(io, prepared.output);
  if (options.format === 'fhir' && (options.out === undefined || options.out === '-')) return report(io, usage('export', '--out: expected a folder for the FHIR Bulk Data files (manifest.json and one NDJSON file per resource type)').output);
  return report(
    io,
    await withStore(storeOptionsFromEnv(io.env ?? {}), 'registry export', async (store) => {
      const { export: exported, summary } = await exportRegistry(
        store.forOrganization(options.organization ?? 'default'),
        'cli',
        { query: prepared.query, format: options.format, dateMode: options.dates ?? 'year', ...(prepared.minimum !== undefined ? { minimumCellSize: prepared.minimum } : {}) },
        prepared.settings,
      );
      const said = `dxacode: registry export: ${summary.studies} studies of ${summary.subjects} subjects, dates as ${summary.dateMode === 'year' ? 'the year' : 'shifted per patient'}, ${summary.suppressedStudies} studies with their sex, age and payer suppressed (classes of fewer than ${summary.minimumCellSize} patients); audit record ${summary.auditSeq}\n`;
      if (exported.format === 'csv') {
        if (options.out === undefined || options.out === '-') return { exitCode: EXIT.ok, stdout: exported.csv, stderr: said };
        writePrivately(options.out, exported.csv);
        return { exitCode: EXIT.ok, stdout: '', stderr: said };
      }
      const folder = options.out!;
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      for (const [name, text] of Object.entries(exported.files)) writePrivately(join(folder, name), text);
      writePrivately(join(folder, 'manifest.json'), `${JSON.stringify(exported.manifest, null, 2)}\n`);
      return { exitCode: EXIT.ok, stdout: '', stderr: said };
    }),
  );
}
