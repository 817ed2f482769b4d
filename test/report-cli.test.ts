/** `dxacode report` (issue 13 §3): a draft from the example facts, exit 1 with what is missing, exit 2 on bad facts. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

describe('dxacode report', () => {
  it('drafts the example report with nothing missing (exit 0)', async () => {
    const run = await runCli(['report', 'examples/report-facts.json', '--format', 'text']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('DXA of the lumbar spine, left femoral neck and left total hip was performed on a Hologic Horizon A (software 13.6).');
    expect(run.stdout).toMatch(/Electronically signed by Robert Chen, MD on 03\/02\/2026\n$/);
  });

  it('names what is still missing on stderr and exits 1; the JSON output carries the same list', async () => {
    const facts = { ...(JSON.parse(readFileSync('examples/report-facts.json', 'utf8')) as Record<string, unknown>), signature: undefined, indication: undefined };
    const text = await runCli(['report', '-', '--format', 'text'], JSON.stringify(facts));
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('dxacode: still missing: indication (doc.indication-missing): State the indication (the medical necessity) for the study.\ndxacode: still missing: signature (doc.signature-missing): The reading physician signs the report (name, credentials, date).\n');
    const json = await runCli(['report', '-', '--format', 'json'], JSON.stringify(facts));
    expect((JSON.parse(json.stdout) as { missing: { element: string }[] }).missing.map((m) => m.element)).toEqual(['indication', 'signature']);
  });

  it('exports the draft as a printable HTML document with the spine picture and its table', async () => {
    const run = await runCli(['report', 'examples/report-facts.json', '--format', 'html']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(run.stdout).toContain('<pre class="report">DXA BONE DENSITY STUDY AND VERTEBRAL FRACTURE ASSESSMENT');
    expect(run.stdout).toContain('<title>T12: grade 2 moderate wedge fracture</title>');
    expect(run.stdout).toContain('<tr><th scope="row">T4</th><td>-</td><td>not evaluable: obscured by the scapulae</td></tr>');
    // Levels the report evaluated and did not name as fractured are drawn and listed as normal.
    expect(run.stdout).toContain('<tr><th scope="row">T5</th><td>0</td><td>normal</td></tr>');
    expect(run.stdout).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('refuses facts that do not fit, naming the field (exit 2)', async () => {
    const run = await runCli(['report', '-'], JSON.stringify({ dateOfService: '2026-03-02', patient: { sex: 'female', age: 70 }, results: [{ site: 'spine', tScore: -2 }] }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^dxacode: <stdin>: results\[0\]\.site: expected one of lumbar-spine/);
  });
});
