/**
 * The Encounter validator compiled at build time (src/io/encounter-validator.ts): it is the standalone code of the
 * very schema the contract gives today, it decides every encounter as the schema compiled at run time does, a file
 * generated from other contract code is never used, and `dxacode check` prints the same whether it validates with
 * it (the built CLI) or with zod alone (the CLI run from src/, where there is no generated file).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeEncounters } from '../bench/encounters.js';
import { contractJsonSchemas } from '../src/contract/json-schema.js';
import { ENCOUNTER_AJV_OPTIONS, isValidEncounter, uniformEncounter } from '../src/engine/encounter-shape.js';
import { parseEncounterStrictly } from '../src/engine/validate.js';
import type * as ValidatorModule from '../src/io/encounter-validator.js';
import { runCli } from './cli-helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const built = (await import(new URL('../dist/io/encounter-validator.js', import.meta.url).href)) as typeof ValidatorModule;
const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;

/** Every encounter the repository has: the examples, the cases, the benchmark's mix, and each with a defect. */
function encounters(): unknown[] {
  const all: unknown[] = [];
  for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => /^encounter.*\.json$/.test(f))) all.push(JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8')));
  for (const file of readdirSync(join(ROOT, 'cases')).filter((f) => f.endsWith('.yaml'))) {
    const data = parse(readFileSync(join(ROOT, 'cases', file), 'utf8')) as { defaults?: object; cases: { encounter: object }[] };
    for (const c of data.cases) all.push({ ...(data.defaults ?? {}), ...c.encounter });
  }
  all.push(...makeEncounters(500, 7));
  const defects = all.slice(0, 300).flatMap((e) => {
    const enc = e as Record<string, unknown>;
    return [
      { ...enc, dateOfService: '2026-02-30' },
      { ...enc, extra: true },
      { ...enc, patient: { ...(enc.patient as object), birthDate: '2999-01-01' } },
      { ...enc, diagnoses: ['not a code'] },
      { ...enc, performed: undefined, report: undefined },
    ];
  });
  return [...all, ...defects, null, [], 'text', 42];
}

describe('the Encounter validator compiled at build time', () => {
  const validator = built.loadEncounterValidator();

  it('is current after the build, so the CLI uses it', () => {
    expect(validator).toBeDefined();
  });

  it("is the standalone code of the contract's schema as it is today", () => {
    const ajv = new Ajv2020({ ...ENCOUNTER_AJV_OPTIONS, code: { source: true } });
    const code = standaloneCode(ajv, ajv.compile(contractJsonSchemas()['encounter.schema.json'] as object));
    const file = readFileSync(built.ENCOUNTER_VALIDATOR_FILE, 'utf8');
    expect(file.slice(file.indexOf('\n') + 1)).toBe(`${built.inlineAjvRuntime(code)}\n`);
    // ajv's runtime helpers are inlined: the validator loads no module when it runs.
    expect(code).toContain('require("ajv/dist/runtime/');
    expect(file).not.toMatch(/(^|[^'"\w.])require\(/m);
  });

  it('decides every encounter as the schema compiled at run time does, and as zod does', () => {
    const runtime = new Ajv2020(ENCOUNTER_AJV_OPTIONS).compile(contractJsonSchemas()['encounter.schema.json'] as object);
    const all = encounters();
    let valid = 0;
    for (const raw of all) {
      expect(validator!(raw)).toBe(runtime(raw));
      const strict = parseEncounterStrictly(raw);
      const fast = isValidEncounter(raw, validator!);
      // The CLI validates the encounter copied into one shape: the copy never changes the decision.
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) expect(isValidEncounter(uniformEncounter(raw), validator!)).toBe(fast);
      // An encounter with vertebral heights is always left to zod; any other, zod and the fast path agree on.
      const heights = raw !== null && typeof raw === 'object' && ('morphometry' in raw || 'priorMorphometry' in raw);
      if (fast || !heights) expect(fast, JSON.stringify(raw).slice(0, 200)).toBe(strict.ok);
      if (strict.ok) {
        expect(strict.encounter).toEqual(raw);
        valid++;
      }
    }
    expect(valid).toBeGreaterThan(400);
    expect(all.length - valid).toBeGreaterThan(1000);
  });

  it('is not used when it is missing or was generated from other contract code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-validator-'));
    expect(built.loadEncounterValidator(join(dir, 'missing.cjs'))).toBeUndefined();
    const stale = join(dir, 'stale.cjs');
    writeFileSync(stale, readFileSync(built.ENCOUNTER_VALIDATOR_FILE, 'utf8').replace(/digest [0-9a-f]{8}/, (digest) => `digest ${digest.slice(-8) === '00000000' ? '11111111' : '00000000'}`));
    expect(built.loadEncounterValidator(stale)).toBeUndefined();
  });

  it('dxacode check prints the same with it (built) as with zod alone (from src/)', async () => {
    const lines = encounters()
      .slice(-400)
      .map((e) => JSON.stringify(e))
      .join('\n');
    const input = `${lines}\nnot json\n`;
    const spawned = spawnSync(process.execPath, [join(ROOT, 'bin', 'dxacode.js'), 'check', '-', '--format', 'json'], { input, encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 28 });
    const inProcess = await runCli(['check', '-', '--format', 'json'], input);
    expect(spawned.stderr).toContain('unusable');
    expect(spawned.stdout).toBe(inProcess.stdout);
    expect(spawned.stderr).toBe(inProcess.stderr);
    expect(spawned.status).toBe(inProcess.code);
  });
});

// The generated file is plain CommonJS that node loads on its own.
it('loads in a plain node process', () => {
  expect(execFileSync(process.execPath, ['-e', `console.log(typeof require(${JSON.stringify(built.ENCOUNTER_VALIDATOR_FILE)}))`], { encoding: 'utf8' }).trim()).toBe('function');
});
