/**
 * Runs the real `dxacode serve` (the built bin/dxacode.js) as a child process on a free port, for the tests that need
 * several processes or kill one: the URL is read from the line the server prints on standard error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/dxacode.js', import.meta.url));

/** A running server process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for a failing test's message. */
  output(): string;
  /** SIGTERM, and the exit code once it has exited. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
}

/**
 * Starts `dxacode serve` with PORT=0 and the given environment (on top of PATH and HOME only). With `terminal`, its
 * output is a terminal, as for someone who starts it by hand: util-linux `script` gives it a pseudo-terminal, and
 * everything it writes arrives on the child's stdout.
 */
export async function startServer(env: Record<string, string>, options: { terminal?: boolean } = {}): Promise<ServerProcess> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const [command, args] = options.terminal ? ['script', ['-qfec', `exec ${quote(process.execPath)} ${quote(BIN)} serve`, '/dev/null']] : [process.execPath, [BIN, 'serve']];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Under `script` the server is script's child: signals go to it, so that it can shut down as it would at a terminal.
  const server = (): number => {
    if (!options.terminal) return child.pid!;
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return Number(children[0] ?? child.pid);
  };
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const look = () => {
      const m = /dxacode: serving .*? on (http:\/\/\S+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stderr!.off('data', look);
        child.stdout!.off('data', look);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stderr!.on('data', look);
    child.stdout!.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited before it listened:\n${output}`));
    });
  });
  return {
    url,
    child,
    // A terminal ends lines with CR LF.
    output: () => (options.terminal ? output.replaceAll('\r\n', '\n') : output),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      process.kill(server(), 'SIGTERM');
      const [code] = await exited;
      return code;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(server(), 'SIGKILL');
      await exited;
    },
  };
}

/** A JSON request to a server process. */
export async function request(url: string, token: string, init: { method?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.contentType ? { 'content-type': init.contentType } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
