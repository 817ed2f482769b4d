/** Drives the CLI in process with in-memory streams, for fast exit-code and message tests. */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../src/cli/main.js';

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs `dxacode ARGS` with the given standard input (pipes: not a terminal). */
export async function runCli(args: string[], stdin = '', options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const input = Readable.from([Buffer.from(stdin)]) as Readable & { isTTY?: boolean };
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.tty) {
    stdout.isTTY = true;
    stderr.isTTY = true;
  }
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await main(args, { stdin: input, stdout, stderr, env: { NO_COLOR: options.tty ? undefined : '1', ...options.env } });
  return { code, stdout: out(), stderr: err() };
}
