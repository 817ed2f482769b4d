/**
 * Rule cases as data: an encounter and what its result must show (CaseExpect), compared field by field. The case
 * files in cases/ and the cases a payer pack carries are both run with this, by the test suite, by `dxacode policy
 * test` and by the pack upload route. Pure: the caller reads the files.
 */
import type { Result } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import { compilePack, type CompiledPack } from '../knowledge/packs.js';
import type { CaseExpect, PayerPack } from '../knowledge/schema.js';
import { RULES } from '../rules/catalogue.js';
import { check, type CheckOptions } from './check.js';
import { parseEncounter } from './validate.js';

function lineText(line: { code: string; modifiers: string[] }): string {
  return [line.code, ...line.modifiers].join('-');
}

/** Whether a finding matches `rule`, `rule@line` or `rule:severity` (or `rule@line:severity`). */
function matches(finding: { rule: string; line?: number | undefined; severity: string }, spec: string): boolean {
  const [ruleAndLine, severity] = spec.split(':');
  const [rule, line] = (ruleAndLine ?? '').split('@');
  return finding.rule === rule && (line === undefined || finding.line === Number(line)) && (severity === undefined || finding.severity === severity);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What the result shows, in one line, for a difference's context. */
export function resultSummary(result: Result): string {
  return JSON.stringify({
    verdict: result.verdict,
    findings: result.findings.map((f) => `${f.rule}@${f.line ?? '-'}:${f.severity}`),
    recommended: result.recommended.lines.map(lineText),
    unchecked: result.unchecked.map((u) => u.family),
  });
}

/** Every way the result differs from what the case expects (empty: the case passes). */
export function resultDifferences(result: Result, want: CaseExpect, report: string | undefined): string[] {
  const out: string[] = [];
  if (want.verdict && result.verdict !== want.verdict) out.push(`verdict: expected ${want.verdict}, got ${result.verdict}`);
  const findings = result.findings.map((f) => `${f.rule}${f.line !== undefined ? `@${f.line}` : ''}:${f.severity}`).join(', ') || 'none';
  for (const spec of want.findings ?? []) if (!result.findings.some((f) => matches(f, spec))) out.push(`findings: expected ${spec}, got ${findings}`);
  for (const spec of want.notFindings ?? []) if (result.findings.some((f) => matches(f, spec))) out.push(`findings: did not expect ${spec}, got ${findings}`);
  for (const f of result.findings) if (!(f.rule in RULES)) out.push(`findings: ${f.rule} is not in the rule catalogue`);
  if (want.recommended && !same(result.recommended.lines.map(lineText), want.recommended)) out.push(`recommended: expected ${want.recommended.join(', ')}, got ${result.recommended.lines.map(lineText).join(', ') || 'none'}`);
  if (want.recommendedPointers && !same(result.recommended.lines.map((l) => l.diagnoses), want.recommendedPointers)) out.push(`recommendedPointers: expected ${JSON.stringify(want.recommendedPointers)}, got ${JSON.stringify(result.recommended.lines.map((l) => l.diagnoses))}`);
  if (want.recommendedDiagnoses && !same(result.recommended.diagnoses, want.recommendedDiagnoses)) out.push(`recommendedDiagnoses: expected ${want.recommendedDiagnoses.join(', ')}, got ${result.recommended.diagnoses.join(', ')}`);
  const unchecked = result.unchecked.map((u) => u.family);
  for (const family of want.unchecked ?? []) if (!unchecked.includes(family)) out.push(`unchecked: expected ${family}, got ${unchecked.join(', ') || 'none'}`);
  for (const family of want.notUnchecked ?? []) if (unchecked.includes(family)) out.push(`unchecked: did not expect ${family} (${result.unchecked.filter((u) => u.family === family).map((u) => u.reason).join('; ')})`);
  for (const [family, text] of Object.entries(want.uncheckedReasons ?? {})) {
    const reasons = result.unchecked.filter((u) => u.family === family).map((u) => u.reason);
    if (!reasons.some((r) => r.includes(text))) out.push(`unchecked ${family}: expected a reason containing "${text}", got ${reasons.map((r) => JSON.stringify(r)).join('; ') || 'none'}`);
  }
  for (const [rule, text] of Object.entries(want.messages ?? {})) {
    const message = result.findings.find((f) => f.rule === rule)?.message;
    if (!message?.includes(text)) out.push(`message of ${rule}: expected it to contain "${text}", got ${message === undefined ? 'no such finding' : JSON.stringify(message)}`);
  }
  for (const [rule, text] of Object.entries(want.fixes ?? {})) {
    const fix = result.findings.find((f) => f.rule === rule)?.fix;
    if (!fix?.includes(text)) out.push(`fix of ${rule}: expected it to contain "${text}", got ${fix === undefined ? 'none' : JSON.stringify(fix)}`);
  }
  for (const [spec, params] of Object.entries(want.params ?? {})) {
    const found = result.findings.filter((f) => matches(f, spec));
    const carried = found.map((f) => f.params ?? {});
    if (found.length === 0) out.push(`params of ${spec}: expected the finding, got ${findings}`);
    else if (!carried.some((p) => Object.entries(params).every(([k, v]) => same(p[k], v)))) out.push(`params of ${spec}: expected ${JSON.stringify(params)}, got ${carried.map((p) => JSON.stringify(p)).join('; ')}`);
  }
  for (const [spec, path] of Object.entries(want.paths ?? {})) {
    const carried = result.findings.filter((f) => matches(f, spec)).map((f) => f.path);
    if (!carried.includes(path)) out.push(`path of ${spec}: expected ${path}, got ${carried.map(String).join(', ') || 'no such finding'}`);
  }
  for (const [spec, count] of Object.entries(want.counts ?? {})) {
    const found = result.findings.filter((f) => matches(f, spec)).length;
    if (found !== count) out.push(`count of ${spec}: expected ${count}, got ${found} in ${findings}`);
  }
  const filled = (result.fromReport ?? []).map((f) => f.field);
  for (const field of want.fromReport ?? []) if (!filled.includes(field)) out.push(`fromReport: expected ${field}, got ${filled.join(', ') || 'none'}`);
  for (const field of want.notFromReport ?? []) if (filled.includes(field)) out.push(`fromReport: did not expect ${field}`);
  for (const f of result.fromReport ?? []) {
    if (report?.slice(f.evidence.start, f.evidence.end) !== f.evidence.text) out.push(`fromReport ${f.field}: the evidence span does not match the report text`);
  }
  return out;
}

/** The outcome of one case. */
export interface CaseOutcome {
  name: string;
  ok: boolean;
  differences: string[];
  /** The result, when the encounter was valid. */
  result?: Result | undefined;
}

/** Runs one case: the encounter (defaults merged under it) checked with the knowledge (and check()'s options), compared with `expect`. */
export function runCase(name: string, raw: Record<string, unknown>, want: CaseExpect, knowledge: Knowledge, options: CheckOptions = {}): CaseOutcome {
  const parsed = parseEncounter(JSON.parse(JSON.stringify(raw)));
  if (want.invalid) {
    if (parsed.ok) return { name, ok: false, differences: ['invalid: expected the encounter to be refused, and it was accepted'] };
    const fields = parsed.problems.map((p) => p.field);
    const differences = want.invalid.filter((f) => !fields.includes(f)).map((f) => `invalid: expected field ${f} to be named, got ${fields.join(', ')}`);
    return { name, ok: differences.length === 0, differences };
  }
  if (!parsed.ok) return { name, ok: false, differences: parsed.problems.map((p) => `encounter: ${p.field}: ${p.message}`) };
  const result = check(parsed.encounter, knowledge, options);
  const differences = resultDifferences(result, want, typeof raw.report === 'string' ? raw.report : undefined);
  return { name, ok: differences.length === 0, differences, result };
}

/**
 * The knowledge with one pack version in place of the versions of its payer it overlaps, so that a pack's cases test
 * that version and not the embedded one.
 */
export function knowledgeWithPack(knowledge: Knowledge, compiled: CompiledPack): Knowledge {
  const withPack = (k: Knowledge): Knowledge => ({ ...k, packs: k.packs.replacing(compiled), payers: new Map(k.payers).set(compiled.pack.id, compiled.pack) });
  const resolved = withPack(knowledge);
  const byDate = new Map<string, Knowledge>();
  resolved.forDate = (date) => {
    let k = byDate.get(date);
    if (!k) byDate.set(date, (k = withPack(knowledge.forDate(date))));
    return k;
  };
  return resolved;
}

/** Runs a pack's own cases against the knowledge with that pack version in force (`payer` defaults to its id). */
export function runPackCases(pack: PayerPack, origin: string, knowledge: Knowledge): CaseOutcome[] {
  const compiled = compilePack(pack, origin, (code) => knowledge.codes.byCode.has(code));
  const withPack = knowledgeWithPack(knowledge, compiled);
  return (pack.cases ?? []).map((c) => runCase(c.name, { payer: pack.id, ...(pack.caseDefaults ?? {}), ...c.encounter }, c.expect, withPack));
}
