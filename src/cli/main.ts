/**
 * The `dxacode` command line: `check` encounters (JSON, array or NDJSON; json or text output), print the JSON
 * Schema of the contract, and list rules and payer packs. Exit codes follow CONTRACT.md: 0 no reject, 1 at least
 * one reject, 2 unusable input or usage.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { checkBatch, type BatchSetup } from './batch.js';
import { EXIT } from './exit.js';
import { buildServer } from '../server/server.js';
import { storeTokenVerifier } from '../server/tokens.js';
import { runDemo } from './demo.js';
import { readX12ConfigFile } from '../io/x12-config-file.js';
import { BatchWorker, DEFAULT_LEASE_MS, DEFAULT_POLL_MS } from '../server/worker.js';
import { openStore, storeOptionsFromEnv, StoreError } from '../store/index.js';
import { runAuditVerify, runTokenCreate, runTokenList, runTokenRevoke } from './store-commands.js';
import { KnowledgeError, type Knowledge } from '../knowledge/compile.js';
import { loadKnowledge } from '../io/knowledge-files.js';
import { RULES } from '../rules/catalogue.js';
import { contractJsonSchemas } from '../contract/json-schema.js';
import { detectFormat, InputError, parseItem, parseJsonText, peekStream, READ_LIMITS, readEncounters } from './input.js';
import { checkFhir, checkHl7, checkX12, writeClaims } from './interchange.js';
import { detectFhirFormat } from '../interchange/fhir/index.js';
import { parseEncounter } from '../engine/index.js';
import type { Encounter } from '../contract/encounter.js';
import { Progress } from './progress.js';
import { COLOR, PLAIN, renderFacts, type Style } from './text.js';
import { extract, MAX_REPORT_CHARS } from '../extract/extract.js';

/** The streams and environment the CLI runs with (injected so tests can drive it in process). */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export { EXIT } from './exit.js';

const FLUSH_BYTES = 64 * 1024;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** The organisation of the admin token made on a first start (and of `dxacode token create` by default). */
const FIRST_ORGANIZATION = 'default';
/** The checkout or package root (src/cli and dist/cli are both two levels below it). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Buffered output that respects the stream's backpressure. */
class Output {
  private buffer = '';
  constructor(private readonly stream: NodeJS.WritableStream) {}
  append(text: string): void {
    this.buffer += text;
  }
  async write(text: string): Promise<void> {
    this.append(text);
    await this.flushIfFull();
  }
  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= FLUSH_BYTES) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

function useColor(io: CliIo): boolean {
  const env = io.env ?? {};
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

interface CheckOptions {
  format?: 'json' | 'text';
  payerPack?: string[];
  progress?: boolean;
  mode?: 'strict' | 'lenient';
  config?: string;
}

/** Loads the knowledge, or reports why it cannot be loaded (a bad pack file) and returns undefined. */
function knowledgeOrReport(packFiles: string[] | undefined, io: CliIo): Knowledge | undefined {
  try {
    return loadKnowledge(packFiles ?? []);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    io.stderr.write(`dxacode: ${error.message}\n`);
    return undefined;
  }
}

/** The message for an input that cannot be read (bad syntax, a missing file), or undefined for other errors. */
function unreadable(error: unknown, name: string): string | undefined {
  if (error instanceof InputError) return `dxacode: ${name}: ${error.message}\n`;
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' };
  return code !== undefined && why[code] ? `dxacode: ${name}: cannot read the file (${why[code]})\n` : undefined;
}

/**
 * The input of a command: FILE, or standard input for `-` or no FILE. Refuses a terminal on standard input (the user
 * forgot the file) with `hint`. The stream is opened lazily, so read errors surface where it is read.
 */
function openInput(file: string | undefined, io: CliIo, hint: string): { name: string; open: () => AsyncIterable<Buffer> } | undefined {
  const fromStdin = file === undefined || file === '-';
  if (fromStdin && io.stdin.isTTY) {
    io.stderr.write(`dxacode: no input: ${hint}\n`);
    return undefined;
  }
  return { name: fromStdin ? '<stdin>' : file, open: () => (fromStdin ? io.stdin : createReadStream(file)) as AsyncIterable<Buffer> };
}

async function runCheck(file: string | undefined, options: CheckOptions, io: CliIo): Promise<number> {
  const stderr = (text: string) => io.stderr.write(text);
  const knowledge = knowledgeOrReport(options.payerPack, io);
  if (!knowledge) return EXIT.unusable;
  const source = openInput(file, io, 'give a FILE, or pipe encounters on standard input (dxacode check - < encounters.ndjson)');
  if (!source) return EXIT.unusable;
  const name = source.name;
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'json');
  const style: Style = format === 'text' && useColor(io) ? COLOR : PLAIN;
  const out = new Output(io.stdout);
  const counts = { clean: 0, review: 0, reject: 0, unusable: 0 };
  let input;
  try {
    // 837P, HL7 v2 and FHIR Bundles are told apart from encounters by their first characters.
    const peeked = await peekStream(source.open(), 4096);
    const kind = detectFormat(peeked.head);
    const print = { format, color: style === COLOR };
    const sink = { stdout: (text: string) => out.append(text), stderr };
    if (kind === 'x12') {
      const code = await checkX12(peeked.stream, name, { ...(options.mode ? { mode: options.mode } : {}), ...(options.config ? { config: options.config } : {}) }, knowledge, print, sink);
      await out.flush();
      return code;
    }
    if (kind === 'hl7' || detectFhirFormat(peeked.head)) {
      const text = await readAll(peeked.stream, READ_LIMITS.documentBytes);
      if (text === undefined) throw new InputError(`the input is larger than ${READ_LIMITS.documentBytes / (1024 * 1024)} MiB`);
      let code: number;
      if (kind === 'hl7') code = checkHl7(text, name, knowledge, print, sink);
      else {
        const parsed = parseJsonText(text);
        if (!parsed.ok) throw new InputError(parsed.message);
        code = checkFhir(parsed.value, name, knowledge, print, sink);
      }
      await out.flush();
      return code;
    }
    input = await readEncounters(peeked.stream);
  } catch (error) {
    const message = unreadable(error, name);
    if (message === undefined) throw error;
    stderr(message);
    return EXIT.unusable;
  }
  if (input.shape === 'empty') {
    stderr(`dxacode: ${name}: no encounters: the input is empty\n`);
    return EXIT.unusable;
  }
  const batch = input.shape === 'array' || input.shape === 'ndjson';
  const progress = batch && options.progress !== false && io.stderr.isTTY === true ? new Progress(io.stderr, input.total) : undefined;
  const setup: BatchSetup = { name, shape: input.shape, format, color: style === COLOR };
  try {
    for await (const items of input.batches) {
      progress?.add(items.length);
      const output = checkBatch(items, setup, knowledge);
      counts.clean += output.clean;
      counts.review += output.review;
      counts.reject += output.reject;
      counts.unusable += output.unusable;
      if (output.stderr) stderr(output.stderr);
      out.append(output.stdout);
      await out.flushIfFull();
    }
  } finally {
    progress?.done();
  }
  await out.flush();
  if (batch) {
    const total = counts.clean + counts.review + counts.reject + counts.unusable;
    stderr(`dxacode: ${total} encounter${total === 1 ? '' : 's'}: ${counts.clean} clean, ${counts.review} review, ${counts.reject} reject, ${counts.unusable} unusable\n`);
  }
  if (counts.unusable > 0) return EXIT.unusable;
  return counts.reject > 0 ? EXIT.reject : EXIT.ok;
}

async function readAll(stream: AsyncIterable<Buffer | string>, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > limit) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function runClaimCommand(file: string | undefined, options: { format: 'x12' | 'fhir' | 'hl7'; config?: string; force?: boolean; payerPack?: string[] }, io: CliIo): Promise<number> {
  const stderr = (text: string) => io.stderr.write(text);
  const knowledge = knowledgeOrReport(options.payerPack, io);
  if (!knowledge) return EXIT.unusable;
  const source = openInput(file, io, 'give a FILE of encounters, or pipe them on standard input');
  if (!source) return EXIT.unusable;
  const name = source.name;
  const encounters: Encounter[] = [];
  let unusable = 0;
  try {
    const input = await readEncounters(source.open());
    for await (const items of input.batches) {
      for (const raw of items) {
        const item = parseItem(raw);
        if (item.kind === 'syntax-error') {
          unusable++;
          stderr(`dxacode: ${name}: encounter #${item.index + 1}: ${item.message}\n`);
          continue;
        }
        const parsed = parseEncounter(item.value);
        if (!parsed.ok) {
          unusable++;
          for (const problem of parsed.problems) stderr(`dxacode: ${name}${item.line !== undefined ? `:${item.line}` : ''}: encounter #${item.index + 1}: ${problem.field}: ${problem.message}\n`);
          continue;
        }
        encounters.push(parsed.encounter);
      }
    }
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

async function runServe(options: { payerPack?: string[] }, io: CliIo): Promise<number> {
  const knowledge = knowledgeOrReport(options.payerPack, io);
  if (!knowledge) return EXIT.unusable;
  const env = io.env ?? {};
  // PORT=0 takes a free port (the URL printed below names it): tests start several servers at once this way.
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`dxacode: PORT: expected a port number from 1 to 65535 (0: any free port), got ${JSON.stringify(env.PORT)}\n`);
    return EXIT.unusable;
  }
  const milliseconds = (name: string, fallback: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value > 0) return value;
    io.stderr.write(`dxacode: ${name}: expected a whole number of milliseconds above 0, got ${JSON.stringify(raw)}\n`);
    return undefined;
  };
  const leaseMs = milliseconds('DXACODE_WORKER_LEASE_MS', DEFAULT_LEASE_MS);
  const pollMs = milliseconds('DXACODE_WORKER_POLL_MS', DEFAULT_POLL_MS);
  if (leaseMs === undefined || pollMs === undefined) return EXIT.unusable;
  // Claim export and the dashboard's amount at risk use the X12 configuration (DXACODE_CONFIG, else
  // dxacode.config.json in the working folder); without one, exports are test interchanges with SAMPLE ids.
  const x12 = readX12ConfigFile(env.DXACODE_CONFIG === undefined || env.DXACODE_CONFIG === '' ? undefined : env.DXACODE_CONFIG);
  if (!x12.ok) {
    for (const message of x12.messages) io.stderr.write(`dxacode: ${message}\n`);
    return EXIT.unusable;
  }
  let store;
  try {
    store = await openStore(storeOptionsFromEnv(env));
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`dxacode: the store could not be opened: ${error.message}\n`);
    return EXIT.unusable;
  }
  // A new store has no token, so nobody could sign in: the first start makes an admin token and shows it once.
  let first: { token: string; id: string } | undefined;
  try {
    first = await store.createFirstToken(FIRST_ORGANIZATION, 'first-start');
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`dxacode: the store could not be used: ${error.message}\n`);
    await store.close();
    return EXIT.unusable;
  }
  if (first !== undefined) {
    io.stderr.write(`dxacode: first start: created an admin token for organisation "${FIRST_ORGANIZATION}" (token id ${first.id}). Sign in with it; it is shown this once and only its hash is stored:\n${first.token}\n`);
  }
  const worker = new BatchWorker({ store, knowledge, leaseMs, pollMs });
  const app = await buildServer({
    knowledge,
    store,
    worker,
    tokens: storeTokenVerifier(store),
    ...(x12.config !== undefined ? { x12: x12.config } : {}),
    version: VERSION,
    logger: true,
  });
  await app.listen({ port, host: env.HOST ?? '127.0.0.1' });
  worker.start(app.log);
  const address = app.server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : port;
  io.stderr.write(`dxacode: serving the workbench and the API on http://${env.HOST ?? 'localhost'}:${listening} (API docs at /docs)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // The worker finishes the item in hand (its transaction commits or never began) before the store closes.
  await worker.stop();
  await app.close();
  await store.close();
  return EXIT.ok;
}

async function runExtract(file: string | undefined, options: { format?: 'json' | 'text' }, io: CliIo): Promise<number> {
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
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'json');
  io.stdout.write(format === 'json' ? `${JSON.stringify(facts, null, 2)}\n` : renderFacts(text, facts, useColor(io) ? COLOR : PLAIN));
  return EXIT.ok;
}

/** The rule catalogue as the Markdown page docs/rules.md. */
export function rulesMarkdown(): string {
  const rows = Object.entries(RULES).map(([id, r]) => `| \`${id}\` | ${r.family} | ${r.severity} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return [
    '# Rule catalogue',
    '',
    'Every finding dxacode reports carries one of these stable ids. Ids never change meaning; new ones are added. Generated by `dxacode rules --markdown` (a test keeps this page in step with src/rules/catalogue.ts).',
    '',
    '| rule | family | default severity | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
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
    .action(async (file: string | undefined, options: CheckOptions) => {
      setExit(await runCheck(file, options, io));
    });

  program
    .command('claim')
    .description('check encounters and write the claims: X12 837P, FHIR R4 Claim Bundle, or HL7 v2 DFT^P03 messages')
    .argument('[file]', 'encounters (JSON object, array or NDJSON), or - for standard input (default)')
    .addOption(new Option('-f, --format <format>', 'claim format').choices(['x12', 'fhir', 'hl7']).makeOptionMandatory())
    .option('--config <file>', 'provider, submitter, payer ids and charges (docs/x12.md); without it a test-mode 837P with SAMPLE ids')
    .option('--force', 'also write claims whose verdict is reject (each is reported)')
    .option('--payer-pack <file...>', 'load extra payer policy pack files')
    .action(async (file: string | undefined, options: { format: 'x12' | 'fhir' | 'hl7'; config?: string; force?: boolean; payerPack?: string[] }) => {
      setExit(await runClaimCommand(file, options, io));
    });

  const report = (out: { exitCode: number; stdout: string; stderr: string }) => {
    io.stdout.write(out.stdout);
    io.stderr.write(out.stderr);
    setExit(out.exitCode);
  };
  const token = program.command('token').description('API bearer tokens');
  token
    .command('create')
    .description('create a bearer token; prints the new token alone on its last line (only its hash is stored)')
    .addOption(new Option('--role <role>', 'what the token may do').choices(['viewer', 'coder', 'admin']).makeOptionMandatory())
    .option('--organization <id>', 'the organisation the token belongs to', 'default')
    .action(async (options: { role: string; organization: string }) => {
      report(await runTokenCreate({ role: options.role, organization: options.organization, ...storeOptionsFromEnv(io.env ?? {}) }));
    });
  token
    .command('list')
    .description('list the tokens: id, organisation, role, created, active or revoked (never the tokens themselves)')
    .option('--organization <id>', 'only this organisation')
    .action(async (options: { organization?: string }) => {
      report(await runTokenList({ ...storeOptionsFromEnv(io.env ?? {}), ...(options.organization ? { organization: options.organization } : {}) }));
    });
  token
    .command('revoke')
    .description('revoke a token by its id (from token create or token list); it stops working at once')
    .argument('<id>', 'the token id')
    .action(async (id: string) => {
      report(await runTokenRevoke({ ...storeOptionsFromEnv(io.env ?? {}), id }));
    });

  program
    .command('demo')
    .description('load demonstration data (examples and the report corpus, organisation "demo") and print a coder token')
    .action(async () => {
      const knowledge = knowledgeOrReport(undefined, io);
      if (!knowledge) return setExit(EXIT.unusable);
      report(await runDemo({ ...storeOptionsFromEnv(io.env ?? {}), root: PACKAGE_ROOT, knowledge }));
    });

  program
    .command('audit')
    .description('audit log')
    .command('verify')
    .description('verify the audit chain: detects any altered or deleted record')
    .action(async () => {
      report(await runAuditVerify(storeOptionsFromEnv(io.env ?? {})));
    });

  program
    .command('serve')
    .description('serve the HTTP API (and /docs) on PORT (default 8080) with the store at DATABASE_URL or ./data')
    .option('--payer-pack <file...>', 'load extra payer policy pack files')
    .action(async (options: { payerPack?: string[] }) => {
      setExit(await runServe(options, io));
    });

  program
    .command('extract')
    .description('read a DXA/VFA report and print the documented facts with the evidence span of each')
    .argument('[file]', 'report text file, or - for standard input (default)')
    .addOption(new Option('-f, --format <format>', 'output format (default: text on a terminal, json otherwise)').choices(['json', 'text']))
    .action(async (file: string | undefined, options: { format?: 'json' | 'text' }) => {
      setExit(await runExtract(file, options, io));
    });

  program
    .command('schema')
    .description('print the JSON Schema of the Encounter and Result contract, or write them to a folder')
    .option('--write <dir>', 'write encounter.schema.json and result.schema.json into this folder')
    .action((options: { write?: string }) => {
      const schemas = contractJsonSchemas();
      if (options.write) {
        mkdirSync(options.write, { recursive: true });
        for (const [file, schema] of Object.entries(schemas)) writeFileSync(join(options.write, file), `${JSON.stringify(schema, null, 2)}\n`);
      } else {
        io.stdout.write(`${JSON.stringify(schemas, null, 2)}\n`);
      }
      setExit(EXIT.ok);
    });

  program
    .command('rules')
    .description('list every rule id with its family, default severity and meaning')
    .option('--markdown', 'print the catalogue as a Markdown table (docs/rules.md)')
    .action((options: { markdown?: boolean }) => {
      io.stdout.write(options.markdown ? rulesMarkdown() : Object.entries(RULES).map(([id, r]) => `${id}\t${r.family}\t${r.severity}\t${r.summary}\n`).join(''));
      setExit(EXIT.ok);
    });

  program
    .command('packs')
    .description('list the payer policy packs')
    .option('--payer-pack <file...>', 'also load these pack files')
    .action((options: { payerPack?: string[] }) => {
      const knowledge = knowledgeOrReport(options.payerPack, io);
      if (!knowledge) return setExit(EXIT.unusable);
      for (const pack of knowledge.payers.values()) io.stdout.write(`${pack.id}\t${pack.program}\t${pack.version}\t${pack.name}\n`);
      setExit(EXIT.ok);
    });
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
