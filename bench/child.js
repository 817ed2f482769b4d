// Runs a benchmark script as a child process (so its peak memory is its own) and gives back its exit code and output.
import { spawn } from 'node:child_process';

/** Runs `node SCRIPT ...args` and resolves with its exit code, standard output and standard error. */
export function runChild(script, args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
