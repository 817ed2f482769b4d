/**
 * Payer pack files (YAML, or JSON, which YAML reads too) read with the place of every node, so that a syntax
 * error, a schema error and a lint finding are each reported at the line and column of the node they are about.
 * Pure: the caller reads the file.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { Knowledge } from './compile.js';
import { periodsOverlap, periodText, type CompiledPack } from './packs.js';
import { PayerPack } from './schema.js';

/** One problem in a pack file, at a 1-based line and column. */
export interface PackProblem {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

/** A pack file read: the pack when it is valid, and every problem found, in file order. */
export interface PackFile {
  name: string;
  pack: PayerPack | undefined;
  problems: PackProblem[];
  /** The line and column of the node at a path (the nearest existing parent when the path is absent). */
  locate(path: readonly PropertyKey[]): { line: number; column: number };
}

type Path = readonly PropertyKey[];

function nodeAt(doc: Document, path: Path): { node: Node | undefined; keyOf?: string } {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) return { node: node as Node };
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      node = node.items[key];
    } else {
      return { node: node as Node | undefined };
    }
  }
  return { node: node as Node | undefined };
}

/** The key node of `key` in the map at `path` (for an unknown key: point at the key, not at its value). */
function keyNodeAt(doc: Document, path: Path, key: string): Node | undefined {
  const { node } = nodeAt(doc, path);
  if (!isMap(node)) return undefined;
  return node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key)?.key as Node | undefined;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  // zod says "expected string, received undefined" for a field that is not there at all.
  const message = issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? `missing (expected ${issue.expected})` : issue.message;
  return `${where}${message}`;
}

/** Reads a pack file's text: YAML syntax, then the schema; problems carry line and column. */
export function readPackFile(name: string, text: string): PackFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const locate = (path: Path) => {
    const { node } = nodeAt(doc, path);
    return position(node?.range?.[0] ?? 0);
  };
  const problems: PackProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const at = error.linePos?.[0] ?? position(error.pos[0]);
    const line = 'line' in at ? at.line : 1;
    const column = 'col' in at ? at.col : 1;
    problems.push({ line, column, severity: doc.errors.includes(error) ? 'error' : 'warning', message: error.message.split('\n')[0]! });
  }
  if (doc.errors.length > 0) return { name, pack: undefined, problems, locate };
  const parsed = PayerPack.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (parsed.success) return { name, pack: parsed.data, problems, locate };
  for (const issue of parsed.error.issues) {
    const path = issue.path as Path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const node = keyNodeAt(doc, path, key);
        problems.push({ ...position(node?.range?.[0] ?? 0), severity: 'error', message: `${path.map(String).join('.') || '(top level)'}: unknown field "${key}"` });
      }
      continue;
    }
    problems.push({ ...locate(path), severity: 'error', message: issueMessage(issue) });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { name, pack: undefined, problems, locate };
}

/**
 * The pack text with its top-level `cases` and `caseDefaults` blanked out (line numbers kept): checking claims needs
 * the rules, not the cases, which are most of a shipped pack's text and most of the time YAML takes to read it at
 * start-up. A file that does not lay them out as block mappings at column 0 (JSON, flow style) is returned as it is.
 */
export function withoutCases(text: string): string {
  const lines = text.split('\n');
  let skipping = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^(cases|caseDefaults)\s*:/.test(line)) skipping = true;
    else if (skipping && /^[^\s#]/.test(line)) skipping = false;
    if (skipping) lines[i] = '';
  }
  return lines.join('\n');
}

/** Whether an ICD-10-CM pattern (a dotted code, or a prefix ending in -) names codes of the code set. */
function icdPatternKnown(knowledge: Knowledge, pattern: string): boolean {
  const plain = pattern.replace('.', '').replace(/-$/, '');
  const codes = knowledge.icd10.codeSet.codes;
  return pattern.endsWith('-') ? codes.under(plain, 1).length > 0 : codes.has(plain);
}

/**
 * The mistakes a valid pack can still hold: CPT/HCPCS codes that are not in the code table or not valid during the
 * pack's period, ICD-10-CM codes not in the code set, versions of the same payer whose periods overlap, rules no case
 * exercises and cases naming rules that do not exist. `others` are the other versions loaded alongside (the
 * embedded packs and the other files linted): an overlap with a file linted with it is an error, with an embedded
 * or uploaded version a warning (an upload takes precedence on the dates it covers).
 */
export function lintPack(file: PackFile, knowledge: Knowledge, others: { compiled: CompiledPack; together: boolean }[]): PackProblem[] {
  const pack = file.pack;
  if (!pack) return [];
  const problems: PackProblem[] = [];
  const at = (path: Path, severity: PackProblem['severity'], message: string) => problems.push({ ...file.locate(path), severity, message });
  const end = pack.end ?? null;
  pack.rules.forEach((rule, r) => {
    const codePaths: [string, Path][] = [
      ...rule.codes.map((code, i): [string, Path] => [code, ['rules', r, 'codes', i]]),
      ...(rule.kind === 'frequency' ? (rule.sameService ?? []).map((code, i): [string, Path] => [code, ['rules', r, 'sameService', i]]) : []),
    ];
    for (const [code, path] of codePaths) {
      const entry = knowledge.codes.byCode.get(code);
      if (!entry) {
        at(path, 'error', `rules.${r} (${rule.id}): ${code} is not a CPT/HCPCS code of dxacode's code table (dxacode rules list the bone-density family)`);
        continue;
      }
      if (entry.end !== null && entry.end < pack.effective) at(path, 'error', `rules.${r} (${rule.id}): ${code} ended on ${entry.end}, before the pack takes effect (${pack.effective})`);
      else if (entry.effective !== null && end !== null && entry.effective > end) at(path, 'error', `rules.${r} (${rule.id}): ${code} takes effect on ${entry.effective}, after the pack ends (${end})`);
    }
    const conditions: [Path, { diagnoses?: string[] | undefined }][] = [];
    if (rule.when) conditions.push([['rules', r, 'when'], rule.when]);
    if (rule.kind === 'coverage') rule.criteria.forEach((c, i) => conditions.push([['rules', r, 'criteria', i], c]));
    if (rule.kind === 'frequency') (rule.exceptions ?? []).forEach((c, i) => conditions.push([['rules', r, 'exceptions', i], c]));
    for (const [path, condition] of conditions) {
      (condition.diagnoses ?? []).forEach((dx, i) => {
        if (!icdPatternKnown(knowledge, dx)) at([...path, 'diagnoses', i], 'error', `rules.${r} (${rule.id}): ${dx} is not ${dx.endsWith('-') ? 'the start of any code' : 'a valid code'} of the ICD-10-CM code set (${knowledge.icd10.codeSet.info.label})`);
      });
    }
  });
  for (const { compiled, together } of others) {
    if (compiled.pack.id !== pack.id || !periodsOverlap(compiled.pack, pack)) continue;
    at(['effective'], together ? 'error' : 'warning', `version ${pack.version} (${periodText(pack)}) overlaps version ${compiled.pack.version} of ${pack.id} (${compiled.origin}, ${periodText(compiled.pack)})${together ? '' : '; uploaded, this version takes precedence on the shared dates'}`);
  }
  const ruleIds = new Set(pack.rules.map((r) => r.id));
  const exercised = new Set<string>();
  (pack.cases ?? []).forEach((c, i) => {
    (c.rules ?? []).forEach((id, j) => {
      exercised.add(id);
      if (!ruleIds.has(id)) at(['cases', i, 'rules', j], 'error', `cases.${i} ("${c.name}") names rule ${id}, which the pack does not have (rules: ${[...ruleIds].join(', ') || 'none'})`);
    });
  });
  pack.rules.forEach((rule, r) => {
    if (!exercised.has(rule.id)) at(['rules', r, 'id'], 'error', `rule ${rule.id} has no case: add a case that lists it under rules (one where it fires and one where it does not)`);
  });
  if ((pack.cases ?? []).length === 0) at(['id'], 'warning', 'the pack has no cases');
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems;
}

/** "file:line:column: severity: message" */
export function problemText(name: string, problem: PackProblem): string {
  return `${name}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message}`;
}
