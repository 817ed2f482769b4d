/** The `dxacode check` command: input shapes, formats, exit codes and the messages bad input gets. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli-helpers.js';
import { Result } from '../src/contract/result.js';

const example = readFileSync(new URL('../examples/encounter-axial-vfa.json', import.meta.url), 'utf8');
const base = {
  dateOfService: '2026-01-20',
  patient: { sex: 'female', age: 72 },
  orderingProvider: { treating: true },
  performed: [{ procedure: 'dxa-axial' }],
  diagnoses: ['M85.851'],
  history: [],
};
const line = (value: unknown) => JSON.stringify(value);

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(text).not.toMatch(/TypeError|ReferenceError|SyntaxError: /);
}

describe('dxacode check: shapes and formats', () => {
  it('checks one encounter object and prints one result object (exit 1 on reject)', async () => {
    const run = await runCli(['check', '-'], example);
    expect(run.code).toBe(1);
    const result = Result.parse(JSON.parse(run.stdout));
    expect(result.id).toBe('example-1');
    expect(result.verdict).toBe('reject');
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
    expect(run.stderr).toBe('');
  });

  it('prints NDJSON results for a JSON array, in input order, and a summary line on stderr', async () => {
    const input = JSON.stringify([{ ...base, id: 'a' }, { ...base, id: 'b', claim: { lines: [{ code: '77082', diagnoses: ['M85.851'] }] } }]);
    const run = await runCli(['check'], input);
    const results = run.stdout.trim().split('\n').map((l) => Result.parse(JSON.parse(l)));
    expect(results.map((r) => r.id)).toEqual(['a', 'b']);
    expect(results[1]!.verdict).toBe('reject');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 encounters: \d+ clean, \d+ review, 1 reject, 0 unusable/);
  });

  it('reads NDJSON and exits 0 when nothing is rejected', async () => {
    const input = [line({ ...base, id: 'a' }), '', line({ ...base, id: 'b' })].join('\n');
    const run = await runCli(['check', '-'], input);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('accepts CRLF line ends', async () => {
    const input = [line({ ...base, id: 'a' }), line({ ...base, id: 'b' })].join('\r\n');
    const run = await runCli(['check'], input);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('writes a readable text summary with --format text', async () => {
    const run = await runCli(['check', '--format', 'text'], example);
    expect(run.stdout).toContain('example-1');
    expect(run.stdout).toContain('REJECT');
    expect(run.stdout).toContain('pair.combined-code');
    expect(run.stdout).toContain('fix:');
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('colours the text view on a terminal and draws no progress bar for one encounter', async () => {
    const run = await runCli(['check', '-'], example, { tty: true });
    expect(run.stdout).toContain('\u001b[');
    expect(run.stderr).toBe('');
  });

  it('never draws a progress bar into a pipe', async () => {
    const input = Array.from({ length: 300 }, (_, i) => line({ ...base, id: `e${i}` })).join('\n');
    const run = await runCli(['check'], input);
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).not.toContain('[#');
  });

  it('draws a progress bar on a terminal for a batch, then clears it before the summary', async () => {
    const array = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ ...base, id: `e${i}` })));
    const bar = await runCli(['check', '-', '--format', 'json'], array, { tty: true });
    expect(bar.stderr).toMatch(/\[#*-*\] \d+\/50/);
    expect(bar.stderr).toContain("\r\u001b[2Kdxacode: 50 encounters");
    const ndjson = Array.from({ length: 5 }, (_, i) => line({ ...base, id: `n${i}` })).join('\n');
    expect((await runCli(['check', '-', '--format', 'json'], ndjson, { tty: true })).stderr).toMatch(/checking… \d+ encounters/);
    expect((await runCli(['check', '-', '--format', 'json', '--no-progress'], array, { tty: true })).stderr).not.toContain('[#');
  });

  it('runs only the rule families given to --only and reports the others as unchecked, never clean', async () => {
    const input = `${line({ ...base, id: 'a', claim: { lines: [{ code: '77080', units: 2, diagnoses: ['M85.851'] }, { code: '77086', diagnoses: ['M85.851'] }] } })}\n`;
    const run = await runCli(['check', '-', '--only', 'units,pairs'], input);
    const result = Result.parse(JSON.parse(run.stdout));
    expect(result.findings.map((f) => f.rule).sort()).toEqual(['pair.combined-code', 'units.over-mue']);
    expect(result.checked.map((c) => c.family)).toEqual(['pairs', 'units']);
    expect(result.unchecked).toContainEqual({ family: 'coverage', reason: 'not run: only pairs, units were asked for' });
    expect(result.unchecked.filter((u) => u.reason.startsWith('not run:'))).toHaveLength(11);
    const clean = await runCli(['check', '-', '--only', 'pairs'], `${line({ ...base, id: 'b' })}\n`);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout).verdict).toBe('review');
    const bad = await runCli(['check', '-', '--only', 'pair,units'], `${line(base)}\n`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('dxacode: --only: unknown rule family "pair"; the families are selection, codes, modifiers, pairs, units, diagnoses, pointers, coverage, frequency, indications, payer, providers, documentation\n');
  });

  it("prints the coders' reference of a date: the codes, and one code with its sources", async () => {
    const index = await runCli(['reference', '--date', '2014-06-01']);
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/^77082\tCPT\tvalid\t/m);
    expect(index.stdout).toMatch(/^77085\tCPT\tnot-yet-valid\t/m);
    const one = await runCli(['reference', '77083', '--date', '2026-02-10']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Common mistakes\n  Billed for a vertebral fracture assessment (VFA).');
    expect(one.stdout).toMatch(/source: REFERENCE §1: a widely shared guide calls 77083 the VFA code.*\[verified\]/);
    const json = JSON.parse((await runCli(['reference', '77082', '--date', '2016-01-01', '--format', 'json'])).stdout) as { history: { end: string; replacedBy: string[] } };
    expect(json.history).toMatchObject({ end: '2014-12-31', replacedBy: ['77085', '77086'] });
    expect(await runCli(['reference', '99213'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the knowledge holds no code "99213"') });
    expect((await runCli(['reference', '--date', '2026-02-30'])).code).toBe(2);
  });

  it('lists rules and payer packs', async () => {
    const rules = await runCli(['rules']);
    expect(rules.stdout).toContain('pair.combined-code\tpairs\terror');
    const packs = await runCli(['packs']);
    expect(packs.stdout).toMatch(/^medicare\tmedicare/m);
    expect(packs.stdout).toContain('aetna-cpb-0134');
  });
});

describe('dxacode check: bad input is exit 2 with a clear message and no stack trace', () => {
  const cases: { name: string; input: string; expect: RegExp }[] = [
    { name: 'malformed JSON gives line and column', input: '{\n  "dateOfService": "2026-01-20",\n  "patient": { "sex": "female" }\n  "performed": []\n}', expect: /line 4, column 3: invalid JSON/ },
    { name: 'a wrong type names the field', input: line({ ...base, patient: { sex: 'female', age: 'old' } }), expect: /patient\.age: expected number, got "old"/ },
    { name: 'an unknown procedure names the field and the choices', input: line({ ...base, performed: [{ procedure: 'dexa' }] }), expect: /performed\[0\]\.procedure: expected one of dxa-axial, dxa-peripheral, vfa/ },
    { name: 'an unknown site', input: line({ ...base, performed: [{ procedure: 'dxa-axial', sites: ['spine'] }] }), expect: /performed\[0\]\.sites\[0\]: expected one of lumbar-spine/ },
    { name: 'an impossible date', input: line({ ...base, dateOfService: '2026-02-30' }), expect: /dateOfService: expected a real calendar date .*got "2026-02-30"/ },
    { name: 'a procedure code in the wrong shape', input: line({ ...base, claim: { lines: [{ code: '7708' }] } }), expect: /claim\.lines\[0\]\.code: expected a CPT code/ },
    { name: 'a diagnosis in the wrong shape', input: line({ ...base, diagnoses: ['81.0'] }), expect: /diagnoses\[0\]: expected an ICD-10-CM code/ },
    { name: 'more than four modifiers', input: line({ ...base, claim: { lines: [{ code: '77080', modifiers: ['26', 'GA', 'XU', '59', '76'] }] } }), expect: /claim\.lines\[0\]\.modifiers: expected at most 4 modifiers/ },
    { name: 'zero units', input: line({ ...base, claim: { lines: [{ code: '77080', units: 0 }] } }), expect: /claim\.lines\[0\]\.units: expected at least 1 unit/ },
    { name: 'negative units', input: line({ ...base, claim: { lines: [{ code: '77080', units: -2 }] } }), expect: /claim\.lines\[0\]\.units: expected at least 1 unit/ },
    { name: 'fractional units', input: line({ ...base, claim: { lines: [{ code: '77080', units: 1.5 }] } }), expect: /claim\.lines\[0\]\.units: expected a whole number of units/ },
    { name: 'a __proto__ key', input: '{"dateOfService":"2026-01-20","patient":{"sex":"female"},"performed":[],"__proto__":{"admin":true}}', expect: /unknown field "__proto__"/ },
    { name: 'a nested __proto__ key', input: '{"dateOfService":"2026-01-20","patient":{"sex":"female","__proto__":{"x":1}},"performed":[]}', expect: /patient: unknown field "__proto__"/ },
    { name: 'a 10 MB string', input: line({ ...base, report: 'x'.repeat(10 * 1024 * 1024) }), expect: /report: expected a report of at most 1000000 characters/ },
    { name: 'a missing required field', input: line({ patient: { sex: 'female' }, performed: [] }), expect: /dateOfService: missing; expected string/ },
    { name: 'neither performed nor report', input: line({ dateOfService: '2026-01-20', patient: { sex: 'female' } }), expect: /performed: expected `performed`/ },
    { name: 'a birth date after the date of service', input: line({ ...base, patient: { sex: 'female', birthDate: '2027-01-01' } }), expect: /patient\.birthDate: expected a birth date on or before/ },
    { name: 'not JSON at all', input: 'hello, world', expect: /line 1, column 1: expected a JSON object, a JSON array or NDJSON/ },
    { name: 'an HL7 message that is neither a result nor an order', input: 'MSH|^~\\&|RIS', expect: /no ORU\^R01 result message could be read/ },
    { name: 'a JSON scalar', input: '42', expect: /expected a JSON object/ },
    { name: 'empty input', input: '   \n', expect: /no encounters: the input is empty/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = await runCli(['check', '-'], c.input);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(c.expect);
      expect(run.stderr).toMatch(/^dxacode: /);
      expectNoStack(run.stderr);
    });
  }

  it('names the encounter by id and input line in a batch, and still checks the others', async () => {
    const input = [line({ ...base, id: 'good-1' }), line({ ...base, id: 'bad-1', dateOfService: '2026-02-30' }), '{"id": "broken", ', line({ ...base, id: 'good-2' })].join('\n');
    const run = await runCli(['check', '-'], input);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('<stdin>:2: encounter "bad-1": dateOfService: expected a real calendar date');
    expect(run.stderr).toMatch(/encounter #3: line 3, column \d+: invalid JSON/);
    const ids = run.stdout.trim().split('\n').map((l) => JSON.parse(l).id);
    expect(ids).toEqual(['good-1', 'good-2']);
    expect(run.stderr).toMatch(/4 encounters: .* 2 unusable/);
  });

  it('names a missing file', async () => {
    const run = await runCli(['check', '/nonexistent/encounters.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent/encounters.json: cannot read the file (no such file)');
  });

  it('rejects an unknown option and an unknown format as usage errors', async () => {
    expect((await runCli(['check', '--fromat', 'json'], example)).code).toBe(2);
    const bad = await runCli(['check', '--format', 'xml'], example);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('xml');
  });

  it('rejects a payer pack file that fails validation, naming the file and field', async () => {
    const run = await runCli(['check', '--payer-pack', new URL('../package.json', import.meta.url).pathname], example);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/payer pack .*package\.json:\d+:\d+: error: /);
  });

  it('applies the office section of --config (or DXACODE_CONFIG) and names the file and field of a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-cli-office-'));
    const config = join(dir, 'dxacode.config.json');
    const encounter = JSON.stringify({ ...base, dateOfService: '2026-06-15', diagnoses: ['M81.0', 'Z78.0'], clinical: { estrogenDeficient: true }, orderingProvider: { npi: '1234567893', treating: true } });
    const without = Result.parse(JSON.parse((await runCli(['check', '-'], encounter)).stdout));
    expect(without.unchecked.map((u) => u.family)).toContain('coverage');
    writeFileSync(config, JSON.stringify({ office: { jurisdiction: 'J15', require: ['leie'] } }));
    for (const run of [await runCli(['check', '-', '--config', config], encounter), await runCli(['check', '-'], encounter, { env: { DXACODE_CONFIG: config } })]) {
      const result = Result.parse(JSON.parse(run.stdout));
      expect(result.unchecked.map((u) => u.family)).toEqual(['providers']);
      expect(result.verdict).toBe('review');
    }
    writeFileSync(config, JSON.stringify({ office: { billingNpi: '1234567890' } }));
    const bad = await runCli(['check', '-', '--config', config], encounter);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`dxacode: ${config}: office.billingNpi: expected a 10-digit NPI with a valid check digit\n`);
  });

  it('checks a 100,000-line NDJSON batch with some bad lines', async () => {
    const good = line({ ...base, id: 'g' });
    const bad = line({ ...base, id: 'x', claim: { lines: [{ code: '77080', units: 0 }] } });
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 25_000 === 7 ? bad : good));
    const run = await runCli(['check'], lines.join('\n'));
    expect(run.code).toBe(2);
    expect(run.stdout.trim().split('\n')).toHaveLength(99_996);
    expect(run.stderr.match(/units: expected at least 1 unit/g)).toHaveLength(4);
    expect(run.stderr).toContain('100000 encounters:');
  }, 120_000);
});

describe('dxacode extract', () => {
  const report = readFileSync(new URL('../corpus/reports/hologic-axial-iva-osteoporosis-grade2-fracture.txt', import.meta.url), 'utf8');

  it('prints the facts with their evidence spans as JSON', async () => {
    const run = await runCli(['extract', '-', '--format', 'json'], report);
    expect(run.code).toBe(0);
    const facts = JSON.parse(run.stdout) as { studies: { procedure: string; evidence: { start: number; end: number; text: string } }[] };
    expect(facts.studies.map((s) => s.procedure)).toEqual(['dxa-axial', 'vfa']);
    for (const s of facts.studies) expect(report.slice(s.evidence.start, s.evidence.end)).toBe(s.evidence.text);
  });

  it('shows the report with the evidence marked in the text view', async () => {
    const plain = await runCli(['extract', '-', '--format', 'text'], report);
    expect(plain.stdout).toMatch(/\[\[[^\]]*T-?score[^\]]*\]\]|\[\[L1-L4[^\]]*\]\]/);
    expect(plain.stdout).toContain('Facts found:');
    const tty = await runCli(['extract', '-'], report, { tty: true });
    expect(tty.stdout).toContain('\u001b[7m');
  });

  it('says when a text documents no performed study', async () => {
    const run = await runCli(['extract', '-', '--format', 'text'], 'Plan: DXA ordered; repeat DXA in 2 years.');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no performed study');
  });

  it('refuses empty and oversized reports with exit 2', async () => {
    expect((await runCli(['extract', '-'], '  \n')).stderr).toContain('the report is empty');
    const big = await runCli(['extract', '-'], 'x'.repeat(1_000_001));
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('longer than 1000000 characters');
  });

  it('checks an encounter that carries only a report and says which facts came from it', async () => {
    const encounter = { id: 'r', dateOfService: '2026-02-10', patient: { sex: 'female', age: 74 }, orderingProvider: { treating: true }, history: [], report };
    const run = await runCli(['check', '-'], JSON.stringify(encounter));
    const result = Result.parse(JSON.parse(run.stdout));
    expect(result.recommended.lines.map((l) => l.code)).toEqual(['77085']);
    expect(result.fromReport?.map((f) => f.field)).toEqual(expect.arrayContaining(['performed[0]', 'performed[1]', 'clinical.tScoreLowest']));
  });
});

describe('dxacode: one module per command, imported when the command runs', () => {
  /** Every module `entry` loads through static imports (type-only imports and import() are left out). */
  function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
    const files = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    };
    visit(fileURLToPath(new URL(`../src/cli/${entry}`, import.meta.url)));
    return { files, packages };
  }
  const src = (file: string) => relative(fileURLToPath(new URL('../src/', import.meta.url)), file);

  it('main.ts loads commander and nothing else of weight', () => {
    const graph = staticGraph('main.ts');
    expect([...graph.packages]).toEqual(['commander']);
    expect([...graph.files].map(src).sort()).toEqual(['cli/exit.ts', 'cli/main.ts', 'cli/package-info.ts']);
  });

  it('start.ts, which bin/dxacode.js runs first, loads neither commander nor a command', () => {
    const graph = staticGraph('start.ts');
    expect([...graph.packages]).toEqual([]);
    expect([...graph.files].map(src).sort()).toEqual(['cli/exit.ts', 'cli/start.ts']);
  });

  it('check loads neither the server, the store nor the interchange formats', () => {
    const graph = staticGraph('check.ts');
    expect([...graph.files].map(src)).toEqual(expect.arrayContaining(['cli/batch.ts', 'engine/check.ts', 'engine/encounter-shape.ts', 'io/encounter-validator.ts']));
    expect([...graph.files].map(src).filter((f) => /^(server|store|interchange)\//.test(f))).toEqual([]);
    for (const heavy of ['fastify', 'kysely', 'pg', 'better-sqlite3', '@medplum/core', 'pino']) expect(graph.packages).not.toContain(heavy);
    // Valid input is told by the validator compiled at build time; zod (engine/validate.ts) is imported only to
    // explain an item it rejects.
    expect([...graph.files].map(src)).not.toContain('engine/validate.ts');
    expect(graph.packages).not.toContain('zod');
  });

  it("check's knowledge loader reads the build's snapshot without YAML or zod; they load only when it cannot serve", () => {
    const graph = staticGraph('../io/knowledge-snapshot.ts');
    expect([...graph.files].map(src)).toEqual(expect.arrayContaining(['knowledge/indexes.ts', 'knowledge/official.ts']));
    expect([...graph.files].map(src)).not.toContain('knowledge/schema.ts');
    expect([...graph.packages]).toEqual([]);
    expect([...staticGraph('../io/knowledge-files.ts').packages]).toEqual(expect.arrayContaining(['yaml', 'zod']));
  });
});
