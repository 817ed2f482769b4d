/**
 * The `dxacode` command line: declares every command, its arguments, options and help (a public contract:
 * CONTRACT.md), and runs it from its own module, imported only when that command runs, so that `dxacode check`
 * never loads the server or the store. Exit codes follow CONTRACT.md: 0 no reject, 1 at least one reject, 2
 * unusable input or usage.
 *
 * Adding a command is one declaration here whose action is `lazy(async () => (await import('./name.js')).run)` and
 * one module src/cli/name.ts exporting `run(io, ...arguments, options)` that returns the exit code (a command group
 * such as `token` exports one function per subcommand: token.ts). Shared helpers are in shared.ts, the input loop of
 * check and claim in batch.ts. Keep this file's imports to commander and the light modules below: test/cli.test.ts
 * checks that it loads nothing else.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit.js';
import { VERSION } from './package-info.js';
import type { CliIo } from './shared.js';

export type { CliIo } from './shared.js';
export { EXIT } from './exit.js';

/** A command's entry point in its module: the CLI's streams, then commander's arguments and options; returns the exit code. */
export type CommandRun<A extends unknown[]> = (io: CliIo, ...args: A) => number | Promise<number>;

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  /** The action that imports a command's module when the command runs, and runs it. */
  const lazy =
    <A extends unknown[]>(load: () => Promise<CommandRun<A>>) =>
    async (...args: unknown[]): Promise<void> => {
      const run = await load();
      // Commander passes the declared arguments, the options, then the Command itself (not passed on).
      setExit(await run(io, ...(args.slice(0, -1) as A)));
    };

  const program = new Command();
  program
    .name('dxacode')
    .description('Code and check bone densitometry (DXA) and vertebral fracture assessment (VFA) claims.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run dxacode --help for usage)');

  program
    .command('check')
    .description('check encounters: one JSON object, a JSON array, or NDJSON (one encounter per line)')
    .argument('[file]', 'input file, or - for standard input (default)')
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .option('--payer-pack <file...>', 'load extra payer policy pack files (see docs/payer-packs.md)')
    .option('--no-progress', 'never show the progress bar')
    .addOption(new Option('--mode <mode>', '837P input: stop at the first defect (strict) or list all and check what can be read (lenient)').choices(['strict', 'lenient']))
    .option('--config <file>', '837P input: configuration whose payers map payer ids to payer packs (docs/x12.md)')
    .option('--only <families>', 'run only these rule families, separated by commas (e.g. pairs,units,modifiers,frequency); each other family is reported as unchecked, so no result is clean')
    .option('--jobs <n>', 'threads checking a large input (2,000 encounters or more) in parallel, the main thread and n - 1 workers; 1 checks in one thread (default: one per CPU core)')
    .action(lazy(async () => (await import('./check.js')).run));

  program
    .command('claim')
    .description('check encounters and write the claims: X12 837P, FHIR R4 Claim Bundle, or HL7 v2 DFT^P03 messages')
    .argument('[file]', 'encounters (JSON object, array or NDJSON), or - for standard input (default)')
    .addOption(new Option('-f, --format <format>', 'claim format').choices(['x12', 'fhir', 'hl7']).makeOptionMandatory())
    .option('--config <file>', 'provider, submitter, payer ids and charges (docs/x12.md); without it a test-mode 837P with SAMPLE ids')
    .option('--force', 'also write claims whose verdict is reject (each is reported)')
    .option('--payer-pack <file...>', 'load extra payer policy pack files')
    .action(lazy(async () => (await import('./claim.js')).run));

  program
    .command('import')
    .description('read a 999, 277CA or 835 file as it came back, match each item to the claims exported from the store (DATABASE_URL or ./data) and keep it; says plainly what could not be matched and why')
    .argument('<file>', 'the file as it came back, or - for standard input')
    .addOption(new Option('--mode <mode>', 'stop at the first defect and store nothing (strict, default) or store what can be read (lenient)').choices(['strict', 'lenient']))
    .option('--organization <id>', 'the organisation whose exported claims the file answers', 'default')
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, NDJSON otherwise)').choices(['json', 'text']))
    .action(lazy(async () => (await import('./import.js')).run));

  program
    .command('denials')
    .description('the denial worklist of the store (denied lines with their reasons in words, what dxacode had said, a resubmission path), prediction quality per rule and payer with the misses, and the money; --encounter ID prints one encounter\'s life')
    .option('--organization <id>', 'the organisation', 'default')
    .option('--payer <id>', 'only this payer pack id')
    .option('--from <date>', 'dates of service from (YYYY-MM-DD)')
    .option('--to <date>', 'dates of service to (YYYY-MM-DD)')
    .option('--limit <n>', 'denied lines listed (1 to 5000, default 500)')
    .option('--encounter <id>', 'print this stored encounter\'s life instead: checked, accepted, exported, acknowledged, paid or denied')
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .action(lazy(async () => (await import('./denials.js')).run));

  program
    .command('plot')
    .description('draw a figure of the store as an SVG or PNG file: denials-by-reason, prediction-by-rule, t-score-by-age or fracture-by-t-score (docs/figures.md)')
    .argument('<figure>', 'the figure')
    .addOption(new Option('-f, --format <format>', 'file format (default: from the --output extension, else svg)').choices(['svg', 'png']))
    .option('-o, --output <file>', 'write to this file (default: standard output)')
    .option('--from <date>', 'dates of service from (YYYY-MM-DD)')
    .option('--to <date>', 'dates of service to (YYYY-MM-DD)')
    .option('--organization <id>', 'the organisation', 'default')
    .option('--config <file>', 'configuration file (registry smallest cell size; default dxacode.config.json)')
    .action(lazy(async () => (await import('./plot.js')).run));

  const token = program.command('token').description('API bearer tokens');
  token
    .command('create')
    .description('create a bearer token; prints the new token alone on its last line (only its hash is stored)')
    .addOption(new Option('--role <role>', 'what the token may do').choices(['viewer', 'coder', 'admin']).makeOptionMandatory())
    .option('--organization <id>', 'the organisation the token belongs to', 'default')
    .action(lazy(async () => (await import('./token.js')).create));
  token
    .command('list')
    .description('list the tokens: id, organisation, role, created, active or revoked (never the tokens themselves)')
    .option('--organization <id>', 'only this organisation')
    .action(lazy(async () => (await import('./token.js')).list));
  token
    .command('revoke')
    .description('revoke a token by its id (from token create or token list); it stops working at once')
    .argument('<id>', 'the token id')
    .action(lazy(async () => (await import('./token.js')).revoke));
  token
    .command('grant')
    .description('let an admin token administer another organisation too: its admin can then switch to it on the page (X-Organization in the API)')
    .argument('<id>', 'the admin token id')
    .requiredOption('--organization <id>', 'the organisation it administers besides its own')
    .action(lazy(async () => (await import('./token.js')).grant));

  program
    .command('demo')
    .description('load demonstration data (examples and the report corpus, organisation "demo") and print a coder token')
    .option('--admin <token-id>', 'an admin token that administers the demo organisation too (switch to it on the page)')
    .action(lazy(async () => (await import('./demo.js')).run));

  const audit = program.command('audit').description('audit log');
  audit
    .command('verify')
    .description('verify the audit chain and its signed checkpoints: detects any altered, forged or deleted record (never creates a store)')
    .option('--anchor <file>', 'checkpoints exported earlier (audit checkpoint), one JSON per line: also detects records cut off the end')
    .action(lazy(async () => (await import('./audit.js')).verify));
  audit
    .command('checkpoint')
    .description("sign a checkpoint of the audit chain's head and print it as one JSON line, to keep outside the database")
    .action(lazy(async () => (await import('./audit.js')).checkpoint));
  audit
    .command('checkpoints')
    .description('print every stored checkpoint, one JSON line each')
    .action(lazy(async () => (await import('./audit.js')).checkpoints));

  const registry = program.command('registry').description('the research registry of the store (DATABASE_URL or ./data): cohort counts, follow-up, de-identified export (docs/registry.md)');
  const cohortOptions = (command: Command) =>
    command
      .addOption(new Option('--age-band <band>', 'age band at the date of service').choices(['under 50', '50-64', '65-74', '75-84', '85 and over', 'age unknown']))
      .addOption(new Option('--sex <sex>', 'patient sex').choices(['female', 'male', 'unknown']))
      .addOption(new Option('--t-score-category <category>', 'WHO category of the lowest T-score').choices(['normal', 'osteopenia', 'osteoporosis', 'not-measured']))
      .option('--genant-grade <grade>', 'highest Genant grade read at VFA, 0 to 3')
      .option('--therapy <drug>', 'an osteoporosis drug as the report names it, "any" or "none"')
      .option('--payer <id>', 'payer pack id')
      .option('--from <date>', 'first date of service (YYYY-MM-DD)')
      .option('--to <date>', 'last date of service (YYYY-MM-DD)')
      .option('--minimum-cell-size <n>', 'suppress counts of fewer patients than this (never below the configured one, default 11)')
      .option('--organization <id>', 'the organisation', 'default')
      .option('--config <file>', 'configuration with a registry section (docs/registry.md)');
  cohortOptions(registry.command('query').description('count a cohort by sex, age band, T-score category, Genant grade, therapy and payer; small counts are suppressed'))
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .action(lazy(async () => (await import('./registry.js')).query));
  registry
    .command('followup')
    .description("a patient's studies from one of their encounters: BMD change against the facility's least significant change, new fractures")
    .argument('<encounter>', 'a stored encounter id')
    .option('--organization <id>', 'the organisation', 'default')
    .option('--config <file>', 'configuration with registry.leastSignificantChange (docs/registry.md)')
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .action(lazy(async () => (await import('./registry.js')).followup));
  cohortOptions(registry.command('export').description('export a cohort de-identified by the HIPAA Safe Harbor method, as CSV or FHIR Bulk Data NDJSON; audited with its query'))
    .addOption(new Option('--format <format>', 'csv (to --out or standard output) or fhir (a folder: manifest.json and one NDJSON file per resource type)').choices(['csv', 'fhir']).makeOptionMandatory())
    .addOption(new Option('--dates <mode>', 'dates as the year (default), or shifted per patient by a secret offset (needs DXACODE_REGISTRY_SECRET)').choices(['year', 'shift']))
    .option('--out <path>', 'the CSV file, or the folder of the FHIR files')
    .action(lazy(async () => (await import('./registry.js')).exportCohort));

  program
    .command('serve')
    .description('serve the HTTP API (and /docs) on PORT (default 8080) with the store at DATABASE_URL or ./data')
    .option('--payer-pack <file...>', 'load extra payer policy pack files')
    .action(lazy(async () => (await import('./serve.js')).run));

  const knowledge = program.command('knowledge').description('official CMS files as knowledge versions in the store (DATABASE_URL or ./data)');
  knowledge
    .command('import')
    .description('import official files of one kind as a new knowledge version (refused whole on any layout error)')
    .argument('<kind>', 'ptp-practitioner, ptp-hospital, mue-practitioner, mue-hospital, mue-dme, pfs-rvu, icd10cm, hcpcs, mcd-article, order-referring, leie, payer-pack (a payer pack file, stored only after its cases pass)')
    .argument('<files...>', 'the files as CMS publishes them (unzipped)')
    .option('--effective-from <date>', 'first day in force (YYYY-MM-DD), when the file names do not say it or it differs')
    .option('--effective-to <date>', 'last day in force (YYYY-MM-DD); default open-ended or as the files say')
    .option('--allow-smaller', 'accept a row count under half of the previous version of the kind')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text']))
    .action(lazy(async () => (await import('./knowledge.js')).importFiles));
  knowledge
    .command('list')
    .description('list the imported knowledge versions with their sources, and the embedded defaults')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text']))
    .action(lazy(async () => (await import('./knowledge.js')).list));
  knowledge
    .command('diff')
    .description('rows added, deleted and changed between two versions of one kind (TO alone: against the previous version)')
    .argument('<from-or-to>', 'a version id (knowledge list)')
    .argument('[to]', 'the later version id')
    .option('--all', 'every row, not only those touching the bone-density family')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text']))
    .action(lazy(async () => (await import('./knowledge.js')).diff));

  program
    .command('recheck')
    .description('check again the stored encounters that knowledge versions imported since VERSION touch; list verdicts that changed')
    .requiredOption('--since <version>', 'a knowledge version id (knowledge list): it and every later import are applied')
    .option('--organization <id>', 'only this organisation')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text']))
    .action(lazy(async () => (await import('./recheck.js')).run));

  program
    .command('extract')
    .description('read a DXA/VFA report and print the documented facts with the evidence span of each')
    .argument('[file]', 'report text file, or - for standard input (default)')
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .action(lazy(async () => (await import('./extract.js')).run));

  program
    .command('morphometry')
    .description('grade VFA vertebral heights T4-L4 (CSV or JSON, docs/morphometry.md): ratios, height loss, Genant grade and type per level')
    .argument('[file]', 'heights file, or - for standard input (default)')
    .option('--prior <file>', "the prior study's heights: levels graded now that were normal then are marked new")
    .addOption(new Option('-f, --format <format>', 'output format: json, text, or svg for the spine picture (default: text on a terminal, json otherwise)').choices(['json', 'text', 'svg']))
    .action(lazy(async () => (await import('./morphometry.js')).run));

  program
    .command('report')
    .description("draft a structured DXA/VFA report from the study's facts (JSON, docs/report-drafting.md); exit 1 while elements are missing")
    .argument('[file]', 'study facts file, or - for standard input (default)')
    .addOption(new Option('-f, --format <format>', 'output format: text (the draft), html (the draft with the spine picture, to print or archive) or json (the draft, what is missing, the density category); default text on a terminal, json otherwise').choices(['json', 'text', 'html']))
    .action(lazy(async () => (await import('./report.js')).run));

  program
    .command('schema')
    .description('print the JSON Schema of the Encounter and Result contract and of payer pack files, or write them to a folder')
    .option('--write <dir>', 'write encounter.schema.json, result.schema.json and payer-pack.schema.json into this folder')
    .action(lazy(async () => (await import('./schema.js')).run));

  program
    .command('reference')
    .description("the coders' reference of the knowledge in force on a date: the codes, or one code's history, pairs, units, modifiers, coverage and common mistakes, with sources")
    .argument('[code]', 'a CPT or HCPCS code of the bone-density family')
    .option('--date <date>', 'the date of service (default today)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(lazy(async () => (await import('./reference.js')).run));

  program
    .command('rules')
    .description('list every rule id with its family, default severity and meaning')
    .option('--markdown', 'print the catalogue as a Markdown table (docs/rules.md)')
    .action(lazy(async () => (await import('./rules.js')).run));

  const policy = program.command('policy').description('payer policy pack files (docs/payer-packs.md): run their cases, explain their mistakes');
  policy
    .command('test')
    .description("run the cases each pack file carries; prints pass or FAIL per case with what differed (exit 1 when a case fails)")
    .argument('<files...>', 'payer pack files (YAML or JSON)')
    .action(lazy(async () => (await import('./policy.js')).test));
  policy
    .command('lint')
    .description('explain mistakes by line and column: YAML syntax, the schema, unknown or out-of-period codes, overlapping versions, rules without cases')
    .argument('<files...>', 'payer pack files (YAML or JSON)')
    .action(lazy(async () => (await import('./policy.js')).lint));

  program
    .command('packs')
    .description('list the payer policy packs')
    .option('--payer-pack <file...>', 'also load these pack files')
    .action(lazy(async () => (await import('./packs.js')).run));
  return program;
}

/** Runs the CLI with the given arguments (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.unusable;
    }
    io.stderr.write(`dxacode: internal error: ${(error as Error).message}\n`);
    return EXIT.unusable;
  }
  return exitCode;
}
