/**
 * What the command modules share: the streams the CLI runs with, buffered output, opening FILE or standard input,
 * the message for an unreadable input, colour, and loading the knowledge. Kept light: main.ts needs only its types,
 * and the knowledge loader is imported when a command asks for it.
 */
import { once } from 'node:events';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Knowledge } from '../knowledge/compile.js';
import type { CommandOutput } from './store-commands.js';
import { InputError } from '../io/input.js';

/** The streams and environment the CLI runs with (injected so tests can drive it in process). */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

const FLUSH_BYTES = 64 * 1024;

/** Buffered output that respects the stream's backpressure. */
export class Output {
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
  /**
   * Writes bytes already encoded as UTF-8, after the text buffered so far. `written` runs once the stream is done
   * with the bytes, so that their memory can be used again: only for a stream that writes to a file descriptor (as
   * process.stdout does), whose write callback means the bytes are in the kernel; another stream may hold them.
   */
  async writeBytes(bytes: Uint8Array, written?: () => void): Promise<void> {
    await this.flush();
    const reuse = written !== undefined && typeof (this.stream as { fd?: unknown }).fd === 'number';
    if (bytes.byteLength > 0 && !this.stream.write(bytes, reuse ? (error) => error || written() : undefined)) await once(this.stream, 'drain');
  }
}

/** Colour on a terminal, unless NO_COLOR is set; FORCE_COLOR turns it on anywhere. */
export function useColor(io: CliIo): boolean {
  const env = io.env ?? {};
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

/** The output format of check and extract: `--format`, else text on a terminal and json otherwise. */
export function outputFormat(io: CliIo, format: 'json' | 'text' | undefined): 'json' | 'text' {
  return format ?? (io.stdout.isTTY ? 'text' : 'json');
}

/**
 * True when a store is configured for this run: DATABASE_URL, or the SQLite file under DXACODE_DATA_DIR (./data)
 * exists. The CLI never creates a database just to look for imported knowledge.
 */
export function storeConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') return true;
  return existsSync(join(env.DXACODE_DATA_DIR ?? './data', 'dxacode.db'));
}

/**
 * Loads the knowledge, or reports why it cannot be loaded (a bad pack file, a store that cannot be read, a bad
 * office section in the configuration file) and returns undefined. With a store configured (storeConfigured), the
 * knowledge versions imported into it are used by date of service; `stored: false` loads the embedded knowledge
 * alone. The office's settings (src/io/office-config.ts: `config`, else DXACODE_CONFIG, else dxacode.config.json)
 * are attached unless `office: false` (commands that only list knowledge).
 */
export async function knowledgeOrReport(
  packFiles: string[] | undefined,
  io: CliIo,
  options: { stored?: boolean; config?: string | undefined; office?: boolean } = {},
): Promise<Knowledge | undefined> {
  // The snapshot's loader, not knowledge-files.js: it loads YAML and the schemas only when the snapshot cannot serve.
  const [{ loadEmbeddedKnowledge }, { KnowledgeError }] = await Promise.all([import('../io/knowledge-snapshot.js'), import('../knowledge/errors.js')]);
  const env = io.env ?? {};
  let knowledge: Knowledge;
  try {
    knowledge = await loadEmbeddedKnowledge(packFiles ?? []);
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    io.stderr.write(`dxacode: ${error.message}\n`);
    return undefined;
  }
  if (options.office !== false) {
    const [{ configPath, readOfficeConfig }, { withOfficeSettings }] = await Promise.all([import('../io/office-config.js'), import('../knowledge/office.js')]);
    const office = await readOfficeConfig(configPath(options.config, env));
    if (!office.ok) {
      for (const message of office.messages) io.stderr.write(`dxacode: ${message}\n`);
      return undefined;
    }
    knowledge = withOfficeSettings(knowledge, office.office);
  }
  if (options.stored === false || !storeConfigured(env)) return knowledge;
  const [{ openStore, storeOptionsFromEnv, StoreError }, { loadStoredKnowledge }] = await Promise.all([import('../store/index.js'), import('../io/knowledge-store.js')]);
  let store;
  try {
    store = await openStore(storeOptionsFromEnv(env));
    // The imported versions are laid over the knowledge with the office's settings: each date's knowledge keeps them.
    return await loadStoredKnowledge(store, knowledge);
  } catch (error) {
    const message = error instanceof StoreError ? `${error.kind}: ${error.message}` : (error as Error).message;
    io.stderr.write(`dxacode: the imported knowledge versions could not be loaded from the store: ${message}\n`);
    return undefined;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** The message for an input that cannot be read (bad syntax, a missing file), or undefined for other errors. */
export function unreadable(error: unknown, name: string): string | undefined {
  if (error instanceof InputError) return `dxacode: ${name}: ${error.message}\n`;
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' };
  return code !== undefined && why[code] ? `dxacode: ${name}: cannot read the file (${why[code]})\n` : undefined;
}

/** The input of a command: its name for messages (the file, or <stdin>) and the stream, opened on demand. */
export interface CommandInput {
  name: string;
  open: () => AsyncIterable<Buffer>;
}

/**
 * The input of a command: FILE, or standard input for `-` or no FILE. Refuses a terminal on standard input (the user
 * forgot the file) with `hint`. The stream is opened lazily, so read errors surface where it is read.
 */
export function openInput(file: string | undefined, io: CliIo, hint: string): CommandInput | undefined {
  const fromStdin = file === undefined || file === '-';
  if (fromStdin && io.stdin.isTTY) {
    io.stderr.write(`dxacode: no input: ${hint}\n`);
    return undefined;
  }
  return { name: fromStdin ? '<stdin>' : file, open: () => (fromStdin ? io.stdin : createReadStream(file)) as AsyncIterable<Buffer> };
}

/** The whole stream as text, or undefined when it is longer than `limit` bytes. */
export async function readAll(stream: AsyncIterable<Buffer | string>, limit: number): Promise<string | undefined> {
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

/**
 * Reads a command's whole input (FILE or standard input) as text, at most `maxBytes`. On a missing input, a read
 * error or a longer input it writes why to stderr (`tooLong` says what the limit is) and returns undefined.
 */
export async function readInputText(io: CliIo, file: string | undefined, hint: string, maxBytes: number, tooLong: string): Promise<{ name: string; text: string } | undefined> {
  const source = openInput(file, io, hint);
  if (!source) return undefined;
  let text: string | undefined;
  try {
    text = await readAll(source.open(), maxBytes);
  } catch (error) {
    const message = unreadable(error, source.name);
    if (message === undefined) throw error;
    io.stderr.write(message);
    return undefined;
  }
  if (text === undefined) {
    io.stderr.write(`dxacode: ${source.name}: ${tooLong}\n`);
    return undefined;
  }
  return { name: source.name, text };
}

/** Prints what a store command produced and returns its exit code. */
export function report(io: CliIo, output: CommandOutput): number {
  io.stdout.write(output.stdout);
  io.stderr.write(output.stderr);
  return output.exitCode;
}
