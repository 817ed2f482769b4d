#!/usr/bin/env node
// Entry point of the `dxacode` command: runs the compiled CLI (a plain `check` from its bundle when current: start.ts).
import { start } from '../dist/cli/start.js';

process.exitCode = await start(process.argv.slice(2), {
  // Node makes process.stdin (a stream, and for a pipe a socket with the modules behind it) when it is first read:
  // only a command that reads standard input does.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  // Likewise process.stderr: a check that has nothing to say there never makes it.
  get stderr() {
    return process.stderr;
  },
  env: process.env,
});
