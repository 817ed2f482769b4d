/**
 * Payer pack files: the reader reports YAML syntax and schema errors at the node's line and column, the linter
 * finds unknown or out-of-period codes, overlapping versions and rules without cases, `dxacode policy test` runs each
 * shipped pack's cases (and fails on a wrong one), and the shipped packs satisfy the published JSON Schema.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_KNOWLEDGE_DIR, loadKnowledge } from '../src/io/knowledge-files.js';
import { lintPack, readPackFile, withoutCases } from '../src/knowledge/pack-file.js';
import { compilePack } from '../src/knowledge/packs.js';
import { runCli } from './cli-helpers.js';

const knowledge = loadKnowledge();
const PACKS = join(EMBEDDED_KNOWLEDGE_DIR, 'payers');
const shipped = readdirSync(PACKS).filter((f) => f.endsWith('.yaml')).sort();
const dir = mkdtempSync(join(tmpdir(), 'dxacode-policy-'));

/** A small valid pack; `extra` is appended (more rules or cases at the end of the file). */
const PACK = `id: test-plan
name: Test plan
program: commercial
version: "1"
effective: "2026-01-01"
description: A pack for tests.
source: { title: test, confidence: unverified }
rules:
  - id: vfa-alone
    kind: not-covered
    codes: ["77086"]
    severity: error
    message: VFA alone is not covered
    source: { title: test, confidence: unverified }
cases:
  - name: VFA alone is not covered
    rules: [vfa-alone]
    encounter: { dateOfService: "2026-03-02", patient: { sex: female, age: 70 }, diagnoses: [M81.0], performed: [{ procedure: vfa }] }
    expect: { findings: [payer.not-covered] }
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const lint = (text: string, others: Parameters<typeof lintPack>[2] = []) => {
  const file = readPackFile('pack.yaml', text);
  return [...file.problems, ...lintPack(file, knowledge, others)];
};

describe('reading a pack file', () => {
  it('reads a valid pack with no problems', () => {
    const file = readPackFile('pack.yaml', PACK);
    expect(file.problems).toEqual([]);
    expect(file.pack?.rules[0]?.id).toBe('vfa-alone');
  });

  it('reports a YAML syntax error at its line and column', () => {
    const file = readPackFile('pack.yaml', PACK.replace('codes: ["77086"]', 'codes: ["77086"'));
    expect(file.pack).toBeUndefined();
    expect(file.problems[0]).toMatchObject({ line: 12, severity: 'error' });
  });

  it('reports a duplicate key where it is', () => {
    const file = readPackFile('pack.yaml', PACK.replace('    severity: error\n', '    severity: error\n    severity: warning\n'));
    expect(file.problems[0]).toMatchObject({ line: 13, column: 5, severity: 'error' });
  });

  it('maps a schema error back to the node: a wrong value at its value', () => {
    const file = readPackFile('pack.yaml', PACK.replace('kind: not-covered', 'kind: forbidden'));
    expect(file.problems).toEqual([expect.objectContaining({ line: 10, column: 11, message: expect.stringMatching(/^rules\.0\.kind: Invalid discriminator value/) })]);
    const date = readPackFile('pack.yaml', PACK.replace('effective: "2026-01-01"', 'effective: "2026-02-30"'));
    expect(date.problems).toEqual([expect.objectContaining({ line: 5, column: 12, message: expect.stringContaining('effective: expected a real calendar date') })]);
  });

  it('points an unknown field at its key, and a missing field at the object that lacks it', () => {
    const unknown = readPackFile('pack.yaml', PACK.replace('    severity: error\n', '    severity: error\n    seververity: error\n'));
    expect(unknown.problems).toEqual([expect.objectContaining({ line: 13, column: 5, message: 'rules.0: unknown field "seververity"' })]);
    const missing = readPackFile('pack.yaml', PACK.replace('    message: VFA alone is not covered\n', ''));
    expect(missing.problems).toEqual([expect.objectContaining({ line: 9, column: 5, message: 'rules.0.message: missing (expected string)' })]);
  });

  it('reads the rules without the cases for checking claims, keeping line numbers', () => {
    const text = PACK.replace('cases:\n', 'caseDefaults: { payer: test-plan }\ncases:\n# a comment at column 0 inside the cases\n') + 'modelled: true\n';
    const stripped = withoutCases(text);
    expect(stripped.split('\n')).toHaveLength(text.split('\n').length);
    const file = readPackFile('pack.yaml', stripped);
    expect(file.problems).toEqual([]);
    expect(file.pack).toMatchObject({ modelled: true, rules: [{ id: 'vfa-alone' }] });
    expect(file.pack?.cases).toBeUndefined();
    expect(readPackFile('pack.yaml', withoutCases(PACK.replace('kind: not-covered', 'kind: forbidden'))).problems[0]).toMatchObject({ line: 10 });
  });

  it('reports an end before the start at end', () => {
    const file = readPackFile('pack.yaml', PACK.replace('effective: "2026-01-01"', 'effective: "2026-01-01"\nend: "2025-12-31"'));
    expect(file.problems).toEqual([expect.objectContaining({ line: 6, column: 6, message: 'end: expected end on or after effective' })]);
  });
});

describe('linting a pack', () => {
  it('finds nothing wrong in a good pack', () => {
    expect(lint(PACK)).toEqual([]);
  });

  it('names a CPT/HCPCS code that is not in the code table', () => {
    expect(lint(PACK.replace('codes: ["77086"]', 'codes: ["77086", "99213"]'))).toEqual([expect.objectContaining({ line: 11, column: 22, severity: 'error', message: expect.stringContaining('99213 is not a CPT/HCPCS code') })]);
  });

  it('names a code that ended before the pack takes effect, and one that starts after it ends', () => {
    expect(lint(PACK.replace('codes: ["77086"]', 'codes: ["77086", "77082"]'))).toEqual([expect.objectContaining({ line: 11, column: 22, message: expect.stringContaining('77082 ended on 2014-12-31, before the pack takes effect (2026-01-01)') })]);
    const old = PACK.replace('effective: "2026-01-01"', 'effective: "2010-01-01"\nend: "2012-12-31"').replace('dateOfService: "2026-03-02"', 'dateOfService: "2011-03-02"');
    expect(lint(old)).toEqual([expect.objectContaining({ line: 12, column: 13, message: expect.stringContaining('77086 takes effect on 2015-01-01, after the pack ends (2012-12-31)') })]);
  });

  it('names an ICD-10-CM code or prefix that is not in the code set', () => {
    const text = PACK.replace('    severity: error\n', '    when: { diagnoses: [M81.0, M81.9, Q96-, U99-] }\n    severity: error\n');
    expect(lint(text)).toEqual([
      expect.objectContaining({ line: 12, column: 32, message: expect.stringContaining('M81.9 is not a valid code') }),
      expect.objectContaining({ line: 12, column: 45, message: expect.stringContaining('U99- is not the start of any code') }),
    ]);
  });

  it('names a rule with no case, and a case naming a rule that does not exist', () => {
    const text = PACK.replace('rules: [vfa-alone]', 'rules: [vfa-alon]');
    expect(lint(text)).toEqual([
      expect.objectContaining({ line: 9, column: 9, severity: 'error', message: expect.stringContaining('rule vfa-alone has no case') }),
      expect.objectContaining({ line: 17, column: 13, severity: 'error', message: expect.stringContaining('names rule vfa-alon, which the pack does not have') }),
    ]);
  });

  it('names overlapping versions of one payer: an error among the files linted together, a warning against an embedded one', () => {
    const other = compilePack(readPackFile('other.yaml', PACK.replace('version: "1"', 'version: "0"').replace('effective: "2026-01-01"', 'effective: "2025-01-01"\nend: "2026-06-30"')).pack!, 'other.yaml', () => true);
    expect(lint(PACK, [{ compiled: other, together: true }])).toEqual([expect.objectContaining({ line: 5, column: 12, severity: 'error', message: expect.stringContaining('overlaps version 0 of test-plan (other.yaml, 2025-01-01 to 2026-06-30)') })]);
    expect(lint(PACK, [{ compiled: other, together: false }])).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('takes precedence on the shared dates') })]);
    const before = compilePack(readPackFile('other.yaml', PACK.replace('effective: "2026-01-01"', 'effective: "2025-01-01"\nend: "2025-12-31"')).pack!, 'other.yaml', () => true);
    expect(lint(PACK, [{ compiled: before, together: true }])).toEqual([]);
  });
});

describe('dxacode policy', () => {
  for (const file of shipped) {
    it(`policy test passes every case of the shipped ${file}`, async () => {
      const run = await runCli(['policy', 'test', join(PACKS, file)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^\d+ passed, 0 failed$/m);
      expect(run.stdout).not.toContain('FAIL');
    });
  }

  it('policy test exits 1 and prints the difference when a case fails', async () => {
    const text = readFileSync(join(PACKS, 'qualchoice-bi216.yaml'), 'utf8').replace('messages: { payer.frequency: "due from 2026-03-03" }', 'messages: { payer.frequency: "due from 2026-03-04" }');
    const run = await runCli(['policy', 'test', write('qualchoice-edited.yaml', text)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}the preventive interval's last day \(one day short of 2 years\) is too frequent \(line \d+\)/);
    expect(run.stdout).toContain('message of payer.frequency: expected it to contain "due from 2026-03-04"');
    expect(run.stdout).toMatch(/^\d+ passed, 1 failed$/m);
  });

  it('policy test exits 2 for a file that is not a pack or cannot be read', async () => {
    const bad = await runCli(['policy', 'test', write('bad.yaml', PACK.replace('program: commercial', 'program: private'))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:3:10: error: program: /);
    const missing = await runCli(['policy', 'test', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: cannot read the file (no such file)');
  });

  it('policy lint prints file:line:column for each problem and exits 1 on errors, 0 on a clean file', async () => {
    const bad = await runCli(['policy', 'lint', write('lint-bad.yaml', PACK.replace('codes: ["77086"]', 'codes: ["77086", "99213"]'))]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/lint-bad\.yaml:11:22: error: rules\.0 \(vfa-alone\): 99213 is not a CPT\/HCPCS code/);
    const good = await runCli(['policy', 'lint', write('lint-good.yaml', PACK)]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('test-plan 1: no problems');
    const shippedRun = await runCli(['policy', 'lint', ...shipped.map((f) => join(PACKS, f))]);
    expect(shippedRun.stdout).toMatch(/^0 errors, 0 warnings$/m);
    expect(shippedRun.code).toBe(0);
  });

  it('policy lint finds two files of one payer with overlapping periods', async () => {
    const a = write('plan-a.yaml', PACK);
    const b = write('plan-b.yaml', PACK.replace('version: "1"', 'version: "2"').replace('effective: "2026-01-01"', 'effective: "2026-06-01"'));
    const run = await runCli(['policy', 'lint', a, b]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/plan-b\.yaml:5:12: error: version 2 \(2026-06-01 to open\) overlaps version 1 of test-plan/);
  });

  it("lints clean and passes every case of the guide's worked example (docs/payer-packs.md)", async () => {
    const guide = readFileSync(new URL('../docs/payer-packs.md', import.meta.url), 'utf8');
    const example = /## A worked example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(example).toBeDefined();
    const path = write('example-plan.yaml', example!);
    const linted = await runCli(['policy', 'lint', path]);
    expect(linted.stdout).toContain('example-plan 2027.01: no problems');
    const tested = await runCli(['policy', 'test', path]);
    expect(tested.stdout).toMatch(/^8 passed, 0 failed$/m);
    expect(tested.code).toBe(0);
  });

  it('a documentation rule names the report elements missing, and is not checked without the report text', async () => {
    const report = readFileSync(new URL('../corpus/reports/hologic-axial-osteopenia-frax.txt', import.meta.url), 'utf8');
    const text = `${PACK.replace('rules:\n', `rules:
  - id: report-elements
    kind: documentation
    codes: ["77080"]
    elements: [frax, indication, comparison, signature]
    severity: warning
    message: the plan asks for these report elements
    source: { title: test, confidence: unverified }
`)}  - name: a report without the indication and a comparison date
    rules: [report-elements]
    encounter: { dateOfService: "2026-03-02", patient: { sex: female, age: 70 }, diagnoses: [M85.851], report: ${JSON.stringify(report)} }
    expect:
      findings: ["payer.documentation-missing:warning"]
      messages: { payer.documentation-missing: "the report does not show: indication, comparison." }
  - name: without the report text the elements are not checked
    rules: [report-elements]
    encounter: { dateOfService: "2026-03-02", patient: { sex: female, age: 70 }, diagnoses: [M85.851], performed: [{ procedure: dxa-axial }] }
    expect: { unchecked: [payer], uncheckedReasons: { payer: "the report text is not given" }, notFindings: [payer.documentation-missing] }
`;
    const run = await runCli(['policy', 'test', write('documentation.yaml', text)]);
    expect(run.stdout).toMatch(/^3 passed, 0 failed$/m);
    expect(run.code).toBe(0);
  });

  it('check --payer-pack loads a YAML pack and a JSON one', async () => {
    const encounter = JSON.stringify({ dateOfService: '2026-03-02', patient: { sex: 'female', age: 70 }, payer: 'test-plan', diagnoses: ['M81.0'], performed: [{ procedure: 'vfa' }] });
    for (const file of [write('plan.yaml', PACK), write('plan.json', JSON.stringify(parse(PACK)))]) {
      const run = await runCli(['check', '--payer-pack', file, '-f', 'json'], encounter);
      expect(run.code).toBe(1);
      expect((JSON.parse(run.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toContain('payer.not-covered');
    }
  });
});

describe('the published JSON Schema of pack files', () => {
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(new URL('../schema/payer-pack.schema.json', import.meta.url), 'utf8')) as object);
  for (const file of shipped) {
    it(`accepts the shipped ${file}`, () => {
      expect(validate(parse(readFileSync(join(PACKS, file), 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    });
  }
  it('refuses a pack with an unknown rule kind', () => {
    expect(validate(parse(PACK.replace('kind: not-covered', 'kind: forbidden')))).toBe(false);
  });
});
