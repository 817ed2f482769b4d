#!/usr/bin/env node
// Entry point of the `dxacode` command: runs the compiled CLI (a plain `check` from its bundle when current: start.ts).
import { start } from '../dist/cli/start.js';

process.exitCode = await start(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
