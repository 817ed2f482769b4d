/**
 * `dxacode morphometry` and morphometry in `dxacode check` (issue 13 §1): heights in from a file or standard input,
 * grades out; bad heights are refused with file, line and column and exit code 2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

const EXAMPLE = 'examples/morphometry.csv';

describe('dxacode morphometry', () => {
  it('grades the example heights: a grade 2 wedge at T12, a grade 2 biconcave L2, T4 and T5 not evaluable', async () => {
    const run = await runCli(['morphometry', EXAMPLE, '--format', 'json']);
    expect(run.code).toBe(0);
    const levels = (JSON.parse(run.stdout) as { morphometry: { level: string; grade?: number; type?: string; evaluable: boolean; reason?: string }[] }).morphometry;
    expect(levels).toHaveLength(13);
    expect(levels.filter((l) => (l.grade ?? 0) > 0).map((l) => [l.level, l.grade, l.type])).toEqual([['T12', 2, 'wedge'], ['L2', 2, 'biconcave']]);
    expect(levels.filter((l) => !l.evaluable).map((l) => [l.level, l.reason])).toEqual([['T4', 'obscured by the scapulae'], ['T5', 'obscured by the scapulae']]);
  });

  it('prints a table for people, with the source of the grades', async () => {
    const run = await runCli(['morphometry', '-', '--format', 'text'], readFileSync(EXAMPLE, 'utf8'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^T12\s+2 moderate\s+wedge\s+30\.3/m);
    expect(run.stdout).toContain('Genant 1993');
  });

  it('draws the spine as SVG, marking a fracture new since the prior study given with --prior', async () => {
    const prior = 'level,anterior_mm,middle_mm,posterior_mm,evaluable\nT12,22.9,22.0,23.4,yes\n';
    const run = await runCli(['morphometry', EXAMPLE, '--prior', '-', '--format', 'svg'], prior);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<svg [^>]*role="img"/);
    expect(run.stdout).toContain('<title>T12: grade 2 moderate wedge fracture, new since the prior study</title>');
  });

  it('refuses bad heights with the place and what was expected, exit 2', async () => {
    const run = await runCli(['morphometry', '-'], 'level,anterior_mm,middle_mm,posterior_mm,evaluable\nT12,21,x,25,yes\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('dxacode: <stdin>:2:8: expected middle_mm as a number of mm, got "x"\n');
  });
});

describe('morphometry in dxacode check', () => {
  it('returns the graded levels in the result and compares them with the report', async () => {
    const heights = readFileSync(EXAMPLE, 'utf8').trim().split('\n').slice(1).map((line) => {
      const [level, a, m, p, evaluable, reason] = line.split(',');
      return evaluable === 'yes' ? { level, evaluable: true, anteriorMm: Number(a), middleMm: Number(m), posteriorMm: Number(p) } : { level, evaluable: false, reason };
    });
    const encounter = {
      dateOfService: '2026-03-02',
      patient: { sex: 'female', age: 74 },
      payer: 'medicare',
      report: 'VERTEBRAL FRACTURE ASSESSMENT\nTECHNIQUE: VFA was performed, T6-L4 evaluated.\nFINDINGS: Mild (grade 1) wedge fracture of T12.\nIMPRESSION: T12 fracture.\nElectronically signed by Robert Chen, MD on 03/02/2026\n',
      morphometry: heights,
    };
    const run = await runCli(['check', '-', '--format', 'json'], JSON.stringify(encounter));
    const result = JSON.parse(run.stdout) as { morphometry: unknown[]; findings: { rule: string; params?: Record<string, unknown> }[] };
    expect(result.morphometry).toHaveLength(13);
    const differs = result.findings.filter((f) => f.rule === 'doc.vfa-grade-differs').map((f) => f.params);
    expect(differs).toEqual([
      { level: 'T12', statedGrade: 1, computedGrade: 2, type: 'wedge', reductionPercent: expect.closeTo(30.34, 1) as unknown },
      { level: 'L2', statedGrade: 0, computedGrade: 2, type: 'biconcave', reductionPercent: expect.closeTo(25.19, 1) as unknown },
    ]);
  });
});
