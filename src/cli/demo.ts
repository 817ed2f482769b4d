/**
 * `dxacode demo`: loads demonstration data into the store on request (never on its own): the example encounters and
 * the annotated report corpus as encounters of the organisation `demo`, each id starting `demo-`, then prints a new
 * coder token for that organisation. Patients are invented: sex from the report's wording, ages spread over the
 * age groups by a fixed rule, payers rotated over the embedded packs. Running it again adds new result versions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Encounter } from '../contract/encounter.js';
import { parseEncounter } from '../engine/index.js';
import type { Knowledge } from '../knowledge/compile.js';
import { storeOptionsFromEnv } from '../store/index.js';
import { EXIT } from './exit.js';
import { PACKAGE_ROOT } from './package-info.js';
import { knowledgeOrReport, report, type CliIo } from './shared.js';
import { withStore, type CommandOutput, type StoreArgs } from './store-commands.js';

/** The organisation demo data belongs to. */
export const DEMO_ORGANIZATION = 'demo';
const DEMO_PAYERS = ['medicare', 'medicare', 'aetna-cpb-0134', 'blue-plan-6-01-44', 'qualchoice-bi216'] as const;

/** Reads the demonstration encounters from a checkout (examples/ and corpus/reports/). */
export function demoEncounters(root: string): Encounter[] {
  const raw: unknown[] = [];
  raw.push(JSON.parse(readFileSync(join(root, 'examples', 'encounter-axial-vfa.json'), 'utf8')));
  for (const line of readFileSync(join(root, 'examples', 'batch.ndjson'), 'utf8').split('\n')) if (line.trim() !== '') raw.push(JSON.parse(line));
  const corpus = join(root, 'corpus', 'reports');
  const reports = readdirSync(corpus).filter((f) => f.endsWith('.txt')).sort();
  reports.forEach((file, i) => {
    const report = readFileSync(join(corpus, file), 'utf8');
    const annotation = parseYaml(readFileSync(join(corpus, file.replace(/\.txt$/, '.yaml')), 'utf8')) as { dateOfService?: string };
    const male = /\b(man|male|gentleman|his|he)\b/i.test(report);
    raw.push({
      id: `corpus-${file.replace(/\.txt$/, '')}`.slice(0, 128),
      dateOfService: annotation.dateOfService,
      patient: { sex: male ? 'male' : 'female', age: 48 + ((i * 7) % 44) },
      payer: DEMO_PAYERS[i % DEMO_PAYERS.length],
      report,
    });
  });
  return raw.map((value, i) => {
    const parsed = parseEncounter(value);
    if (!parsed.ok) throw new Error(`demo encounter #${i + 1} is invalid: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    const encounter = parsed.encounter;
    return { ...encounter, id: `demo-${encounter.id ?? i + 1}`.slice(0, 128) };
  });
}

/** Stores and checks the demonstration encounters and prints a coder token for the demo organisation. */
export async function runDemo(args: StoreArgs & { root: string; knowledge: Knowledge; admin?: string | undefined }): Promise<CommandOutput> {
  let encounters: Encounter[];
  try {
    encounters = demoEncounters(args.root);
  } catch (error) {
    return { exitCode: EXIT.unusable, stdout: '', stderr: `dxacode: demo: ${(error as Error).message}\n` };
  }
  return withStore(args, 'demo', async (store) => {
    // Granted first: a token that cannot administer it is refused before anything is loaded.
    if (args.admin !== undefined) await store.grantOrganization(args.admin, DEMO_ORGANIZATION, 'demo-loader');
    const demo = store.forOrganization(DEMO_ORGANIZATION);
    for (const encounter of encounters) await demo.encounters.storeAndCheck('demo-loader', encounter, args.knowledge);
    const { token, id } = await demo.tokens.create('coder', 'demo-loader');
    const granted = args.admin !== undefined ? `admin token ${args.admin} administers ${DEMO_ORGANIZATION} too: switch to it on the page\n` : '';
    return {
      exitCode: EXIT.ok,
      stdout: `loaded ${encounters.length} demonstration encounters into organisation ${DEMO_ORGANIZATION} (invented patients; ids start demo-)\n${granted}coder token id ${id}; sign in on the page with:\n${token}\n`,
      stderr: '',
    };
  });
}

/** Runs `dxacode demo` on the store at DATABASE_URL or ./data, with the examples and corpus of the package. */
export async function run(io: CliIo, options: { admin?: string } = {}): Promise<number> {
  const knowledge = await knowledgeOrReport(undefined, io);
  if (!knowledge) return EXIT.unusable;
  return report(io, await runDemo({ ...storeOptionsFromEnv(io.env ?? {}), root: PACKAGE_ROOT, knowledge, admin: options.admin }));
}
