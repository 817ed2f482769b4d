/**
 * The interchange control number counter (ISA13/IEA02, also GS06/GE02): a number kept in a file under the data
 * folder (./data, or DXACODE_DATA_DIR), raised by one per interchange under an exclusive lock file (O_EXCL) and
 * written by rename, so that two runs, even at the same time, never get the same number. An edge: files only here.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The counter cannot be used (a held lock, an unreadable or damaged file). Its message is for people. */
export class ControlNumberError extends Error {
  override readonly name = 'ControlNumberError';
}

/** Where the counter lives and how long to wait for the lock. */
export interface ControlNumberOptions {
  /** Data folder; default DXACODE_DATA_DIR, else ./data under cwd. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for another run's lock before giving up (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this whose process is gone is stale and removed (default 60 s). */
  staleMs?: number;
}

/** ISA13 holds 9 digits: after 999,999,999 the counter starts again at 1. */
export const MAX_CONTROL_NUMBER = 999_999_999;
/** Counter file name inside the data folder. */
export const COUNTER_FILE = 'x12-control-number';

/** The data folder: DXACODE_DATA_DIR, or ./data under the working folder. */
export function dataDir(options: ControlNumberOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.dir !== undefined) return resolve(cwd, options.dir);
  const fromEnv = env.DXACODE_DATA_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(cwd, fromEnv) : join(cwd, 'data');
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function processIsGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the lock when its owner is gone and it is old; returns true if it did. */
function breakStaleLock(lock: string, staleMs: number, now: number): boolean {
  try {
    const age = now - statSync(lock).mtimeMs;
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (age < staleMs || !processIsGone(pid)) return false;
    unlinkSync(lock);
    return true;
  } catch {
    return false; // removed meanwhile, or unreadable: try the lock again
  }
}

async function acquire(lock: string, timeoutMs: number, staleMs: number): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new ControlNumberError(`cannot create the lock file ${lock}: ${code ?? 'error'}`);
    }
    const now = Date.now();
    if (breakStaleLock(lock, staleMs, now)) continue;
    if (now - started > timeoutMs) {
      throw new ControlNumberError(`another dxacode run holds ${lock}; if none is running, delete that file and try again`);
    }
    await sleep(Math.min(5 + attempt * 5, 50) + Math.floor(Math.random() * 5));
  }
}

function readCounter(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 0;
    throw new ControlNumberError(`cannot read the control number file ${file}: ${code ?? 'error'}`);
  }
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) {
    // Never guess: starting again could reuse a number a clearinghouse has already seen.
    throw new ControlNumberError(`the control number file ${file} holds ${JSON.stringify(trimmed.slice(0, 20))}, not a number of up to 9 digits; put the last number used in it`);
  }
  return Number(trimmed);
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  // Owner only, like the database beside it: the rename gives the counter file this mode.
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

/** Takes the next interchange control number (1 to 999,999,999) and records it, under the lock. */
export async function nextControlNumber(options: ControlNumberOptions = {}): Promise<number> {
  const dir = dataDir(options);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ControlNumberError(`cannot create the data folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const file = join(dir, COUNTER_FILE);
  const lock = `${file}.lock`;
  await acquire(lock, options.timeoutMs ?? 10_000, options.staleMs ?? 60_000);
  try {
    const current = readCounter(file);
    const next = current >= MAX_CONTROL_NUMBER ? 1 : current + 1;
    try {
      writeAtomically(file, `${next}\n`);
    } catch (error) {
      throw new ControlNumberError(`cannot write the control number file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return next;
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone: nothing to release
    }
  }
}
