/**
 * Findings a program can read: over every case file and a generated sample of the benchmark mix, each finding carries
 * exactly the params its catalogue entry declares (with the declared types), and its path points to a place that
 * exists in the encounter as given (or in the fields its report filled, which fromReport names), of a shape the
 * catalogue declares, and holding one of the codes the params name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeEncounters } from '../bench/encounters.js';
import type { Finding, Result } from '../src/contract/result.js';
import { check, parseEncounter } from '../src/engine/index.js';
import { EMBEDDED_KNOWLEDGE_DIR, loadKnowledge } from '../src/io/knowledge-files.js';
import { readPackFile } from '../src/knowledge/pack-file.js';
import { RULES, type ParamDefinition, type RuleId } from '../src/rules/catalogue.js';
import { normalizeIcd } from '../src/rules/icd10.js';

const knowledge = loadKnowledge();
const CASES_DIR = new URL('../cases/', import.meta.url).pathname;
const PACKS_DIR = join(EMBEDDED_KNOWLEDGE_DIR, 'payers');

/** Every encounter of the case files (defaults applied), with where it comes from. */
function caseEncounters(): { name: string; raw: Record<string, unknown> }[] {
  const out: { name: string; raw: Record<string, unknown> }[] = [];
  for (const file of readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const data = parse(readFileSync(join(CASES_DIR, file), 'utf8')) as { defaults?: Record<string, unknown>; cases: { name: string; encounter: Record<string, unknown> }[] };
    for (const c of data.cases) out.push({ name: `${file}: ${c.name}`, raw: JSON.parse(JSON.stringify({ ...(data.defaults ?? {}), ...c.encounter })) as Record<string, unknown> });
  }
  // The payer packs carry their own cases (docs/payer-packs.md).
  for (const file of readdirSync(PACKS_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const pack = readPackFile(file, readFileSync(join(PACKS_DIR, file), 'utf8')).pack!;
    for (const c of pack.cases ?? []) out.push({ name: `payers/${file}: ${c.name}`, raw: JSON.parse(JSON.stringify({ payer: pack.id, ...(pack.caseDefaults ?? {}), ...c.encounter })) as Record<string, unknown> });
  }
  return out;
}

/** `claim.lines[1].modifiers` as its keys: ['claim', 'lines', 1, 'modifiers']. */
function segments(path: string): (string | number)[] {
  return [...path.matchAll(/([A-Za-z]+)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

const MISSING = Symbol('missing');

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of segments(path)) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return MISSING;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** A catalogue path template as a pattern: `[i]` any index, `<fact>` any field name. */
function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|\\]/g, '\\$&').replace(/\[[a-z]\]/g, '\\[\\d+\\]').replace(/<[a-z]+>/g, '[A-Za-z]+');
  return new RegExp(`^${escaped}$`);
}

function typeMatches(value: unknown, definition: ParamDefinition): boolean {
  if (value === null) return definition.nullable;
  switch (definition.type) {
    case 'string':
      return typeof value === 'string';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'number[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'number');
  }
}

/** The scalar values of a finding's params, arrays flattened. */
function paramValues(finding: Finding): unknown[] {
  return Object.values(finding.params ?? {}).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** What is wrong with one finding's params and path, if anything. */
function problemsOf(finding: Finding, raw: Record<string, unknown>, result: Result): string[] {
  const entry = RULES[finding.rule as RuleId];
  if (!entry) return [`${finding.rule} is not catalogued`];
  const problems: string[] = [];
  const declared = Object.keys(entry.params).sort();
  if (declared.length === 0 && finding.params !== undefined) problems.push('carries params, but the catalogue declares none');
  const given = Object.keys(finding.params ?? {}).sort();
  if (declared.length > 0 && given.join() !== declared.join()) problems.push(`params ${given.join(',')} but the catalogue declares ${declared.join(',')}`);
  for (const [name, value] of Object.entries(finding.params ?? {})) {
    const definition = entry.params[name];
    if (definition && !typeMatches(value, definition)) problems.push(`param ${name} = ${JSON.stringify(value)} is not ${definition.type}${definition.nullable ? ' or null' : ''}`);
  }

  const path = finding.path;
  if (path === undefined) {
    if (entry.paths.length > 0 && entry.pathOmitted === undefined) problems.push('has no path, and the catalogue does not say when it may be left out');
    return problems;
  }
  if (entry.paths.length === 0) return [...problems, `carries path ${path}, but the catalogue declares none`];
  if (!entry.paths.some((t) => templatePattern(t).test(path))) problems.push(`path ${path} fits none of ${entry.paths.join(', ')}`);
  let value = valueAt(raw, path);
  if (value === MISSING) {
    // A field the report filled (fromReport names it) is part of the encounter as checked.
    const filled = (result.fromReport ?? []).find((f) => f.field === path || path.startsWith(`${f.field}.`) || path.startsWith(`${f.field}[`) || f.field.startsWith(`${path}[`) || f.field.startsWith(`${path}.`));
    if (!filled) return [...problems, `path ${path} is not in the encounter`];
    // Filled studies and facts are described, not coded; a filled diagnosis is its code.
    value = filled.field === path && path.startsWith('diagnoses') ? filled.value : undefined;
  }
  const lineIndex = /^claim\.lines\[(\d+)\]/.exec(path)?.[1];
  if (lineIndex !== undefined && finding.line !== undefined && Number(lineIndex) !== finding.line) problems.push(`path ${path} is not on line ${finding.line}`);
  // A path to a code (modifier, diagnosis, CPT code, NPI, payer) holds one of the values the params name.
  if (typeof value === 'string' && path !== 'report' && finding.params !== undefined) {
    const spellings = new Set([value, value.toUpperCase(), normalizeIcd(value)]);
    if (!paramValues(finding).some((v) => typeof v === 'string' && spellings.has(v))) problems.push(`path ${path} holds ${value}, which no param names`);
  }
  return problems;
}

function checkAll(encounters: { name: string; raw: Record<string, unknown> }[]): { problems: string[]; rules: Set<string>; findings: number } {
  const problems: string[] = [];
  const rules = new Set<string>();
  let findings = 0;
  for (const { name, raw } of encounters) {
    const parsed = parseEncounter(JSON.parse(JSON.stringify(raw)));
    if (!parsed.ok) continue; // the case files' invalid-input cases
    const result = check(parsed.encounter, knowledge);
    for (const finding of result.findings) {
      findings++;
      rules.add(finding.rule);
      for (const problem of problemsOf(finding, raw, result)) problems.push(`${name}: ${finding.rule}${finding.line !== undefined ? `@${finding.line}` : ''}: ${problem}`);
    }
  }
  return { problems, rules, findings };
}

describe('finding params and paths', () => {
  it('match the catalogue over every case file', () => {
    const { problems, rules, findings } = checkAll(caseEncounters());
    expect(problems.slice(0, 30)).toEqual([]);
    expect(findings).toBeGreaterThan(500);
    // The case files exercise most of the catalogue (the rest is exercised by tests on other knowledge).
    expect(rules.size).toBeGreaterThan(Object.keys(RULES).length * 0.75);
  });

  it('match the catalogue over the benchmark mix', () => {
    const sample = makeEncounters(3000, 20260120).map((raw: Record<string, unknown>) => ({ name: String(raw.id), raw }));
    const { problems, findings } = checkAll(sample);
    expect(problems.slice(0, 30)).toEqual([]);
    expect(findings).toBeGreaterThan(3000);
  });

  it('every catalogue entry with paths either always has one or says when it does not', () => {
    for (const [id, entry] of Object.entries(RULES)) {
      if (entry.paths.length === 0) expect(entry.pathOmitted, `${id} says why it has no path`).toBeDefined();
      for (const template of entry.paths) expect(template, id).toMatch(/^(claim\.lines\[i\](\.(code|modifiers|units|diagnoses)(\[[md]\])?)?|performed\[k\](\.(sites|interpreted))?|diagnoses(\[d\])?|history\[h\]|clinical\.(<fact>|[a-zA-Z]+)|morphometry\[v\]|report|payer|priorAuthorization\.obtained|orderingProvider\.(npi|treating)|billingProvider\.npi)$/);
    }
  });
});
