/**
 * `dxacode policy test FILE...` runs the cases a payer pack file carries and prints each case's outcome with what
 * differed; `dxacode policy lint FILE...` explains a pack file's mistakes by line and column (YAML syntax, the
 * schema, codes, periods, rules without cases). Both check against the embedded knowledge, so that a pack passes or
 * fails the same way on every machine.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Knowledge } from '../knowledge/compile.js';
import type { PackFile } from '../knowledge/pack-file.js';
import { EXIT } from './exit.js';
import { knowledgeOrReport, unreadable, type CliIo } from './shared.js';

/** Reads one pack file; a file that cannot be read is reported and undefined. */
async function readFile(io: CliIo, path: string): Promise<PackFile | undefined> {
  const { readPackFile } = await import('../knowledge/pack-file.js');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    io.stderr.write(unreadable(error, path) ?? `dxacode: ${path}: cannot read the file\n`);
    return undefined;
  }
  return readPackFile(path, text);
}

async function embeddedKnowledge(io: CliIo): Promise<Knowledge | undefined> {
  return knowledgeOrReport(undefined, io, { stored: false, office: false });
}

/** Runs `dxacode policy test FILE...`: exit 0 when every case passes, 1 when one fails, 2 for an unusable file. */
export async function test(io: CliIo, files: string[]): Promise<number> {
  const knowledge = await embeddedKnowledge(io);
  if (!knowledge) return EXIT.unusable;
  const [{ runPackCases }, { problemText }, { KnowledgeError }] = await Promise.all([import('../engine/cases.js'), import('../knowledge/pack-file.js'), import('../knowledge/errors.js')]);
  let passed = 0;
  let failed = 0;
  let unusable = false;
  for (const path of files) {
    const file = await readFile(io, path);
    if (!file) {
      unusable = true;
      continue;
    }
    const errors = file.problems.filter((p) => p.severity === 'error');
    if (!file.pack || errors.length > 0) {
      for (const problem of errors) io.stderr.write(`${problemText(path, problem)}\n`);
      io.stderr.write(`dxacode: ${path}: not a valid payer pack; run dxacode policy lint ${path}\n`);
      unusable = true;
      continue;
    }
    const pack = file.pack;
    let outcomes;
    try {
      outcomes = runPackCases(pack, path, knowledge);
    } catch (error) {
      if (!(error instanceof KnowledgeError)) throw error;
      io.stderr.write(`dxacode: ${error.message}\n`);
      unusable = true;
      continue;
    }
    io.stdout.write(`${path}: ${pack.id} ${pack.version} (${pack.effective} to ${pack.end ?? 'open'}), ${outcomes.length} case${outcomes.length === 1 ? '' : 's'}\n`);
    if (outcomes.length === 0) io.stdout.write('  no cases: add cases to the pack (docs/payer-packs.md)\n');
    outcomes.forEach((outcome, i) => {
      const at = file.locate(['cases', i]);
      io.stdout.write(`  ${outcome.ok ? 'pass' : 'FAIL'}  ${outcome.name} (line ${at.line})\n`);
      for (const difference of outcome.differences) io.stdout.write(`        ${difference}\n`);
      if (outcome.ok) passed++;
      else failed++;
    });
  }
  io.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (unusable) return EXIT.unusable;
  return failed > 0 ? EXIT.reject : EXIT.ok;
}

/** Runs `dxacode policy lint FILE...`: exit 0 without errors (warnings allowed), 1 with errors, 2 for an unreadable file. */
export async function lint(io: CliIo, files: string[]): Promise<number> {
  const knowledge = await embeddedKnowledge(io);
  if (!knowledge) return EXIT.unusable;
  const [{ lintPack, problemText }, { compilePack }, { KnowledgeError }] = await Promise.all([import('../knowledge/pack-file.js'), import('../knowledge/packs.js'), import('../knowledge/errors.js')]);
  const read: { path: string; file: PackFile }[] = [];
  let unusable = false;
  for (const path of files) {
    const file = await readFile(io, path);
    if (file) read.push({ path, file });
    else unusable = true;
  }
  const given = new Set(read.map((r) => resolve(r.path)));
  const embedded = knowledge.packs
    .ids()
    .flatMap((id) => knowledge.packs.versions(id))
    .filter((compiled) => !given.has(resolve(compiled.origin)))
    .map((compiled) => ({ compiled, together: false }));
  const linted = read.flatMap(({ path, file }) => {
    if (!file.pack) return [];
    try {
      return [{ path, compiled: compilePack(file.pack, path, () => true) }];
    } catch (error) {
      if (error instanceof KnowledgeError) return [];
      throw error;
    }
  });
  let errors = 0;
  let warnings = 0;
  for (const { path, file } of read) {
    const others = [...embedded, ...linted.filter((l) => l.path !== path).map((l) => ({ compiled: l.compiled, together: true }))];
    const problems = [...file.problems, ...lintPack(file, knowledge, others)].sort((a, b) => a.line - b.line || a.column - b.column);
    for (const problem of problems) {
      io.stdout.write(`${problemText(path, problem)}\n`);
      if (problem.severity === 'error') errors++;
      else warnings++;
    }
    if (file.pack && problems.length === 0) io.stdout.write(`${path}: ${file.pack.id} ${file.pack.version}: no problems\n`);
  }
  io.stdout.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  if (unusable) return EXIT.unusable;
  return errors > 0 ? EXIT.reject : EXIT.ok;
}
