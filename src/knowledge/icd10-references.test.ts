/**
 * Every ICD-10-CM code the knowledge tables name is a valid FY2026 code (CMS valid-code list, exact copy), and every
 * prefix they name (a category header or a family such as M85.8) has valid codes under it: a mistyped or retired code
 * in a coverage map or a convention would otherwise never match and never say so.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledge, readKnowledgeSources } from '../io/knowledge-files.js';
import type { IcdConventions, MedicareBmm } from './schema.js';

const knowledge = loadKnowledge();
const sources = readKnowledgeSources();
const validCodes = knowledge.icd10.codeSet.codes;

/** A named code: `code` must be on the list itself; `prefix` must have codes under it (or be one). */
interface Named {
  where: string;
  code: string;
  kind: 'code' | 'prefix';
}

const plain = (code: string): string => code.replace('.', '');

function isValid(named: Named): boolean {
  const code = plain(named.code);
  return named.kind === 'code' ? validCodes.has(code) : validCodes.has(code) || validCodes.under(code).length > 0;
}

function medicareCodes(medicare: MedicareBmm): Named[] {
  const named: Named[] = [];
  for (const category of medicare.categories) {
    for (const code of category.diagnoses ?? []) named.push({ where: `medicare-bmm category ${category.id}`, code, kind: 'code' });
    for (const code of category.diagnosisPrefixes ?? []) named.push({ where: `medicare-bmm category ${category.id} prefix`, code, kind: 'prefix' });
    for (const code of Object.keys(category.notQualifying ?? {})) named.push({ where: `medicare-bmm category ${category.id} notQualifying`, code, kind: 'code' });
  }
  for (const code of medicare.nationalDiagnosisList.covered) named.push({ where: 'medicare-bmm nationalDiagnosisList.covered', code, kind: 'code' });
  for (const code of medicare.nationalDiagnosisList.notCovered) named.push({ where: 'medicare-bmm nationalDiagnosisList.notCovered', code, kind: 'code' });
  for (const code of medicare.screeningOnly.codes) named.push({ where: 'medicare-bmm screeningOnly', code, kind: 'code' });
  return named;
}

function conventionCodes(conventions: IcdConventions): Named[] {
  const named: Named[] = [];
  for (const family of conventions.completeFamilies) named.push({ where: 'completeFamilies', code: family.prefix, kind: 'prefix' });
  for (const rule of conventions.seventhCharacters) named.push({ where: 'seventhCharacters', code: rule.prefix.replace(/\.$/, ''), kind: 'prefix' });
  for (const pair of conventions.excludes1) {
    named.push({ where: `excludes1 ${pair.a}/${pair.b}`, code: pair.a, kind: 'prefix' });
    named.push({ where: `excludes1 ${pair.a}/${pair.b}`, code: pair.b, kind: 'prefix' });
  }
  for (const rule of conventions.sequencing) {
    named.push({ where: 'sequencing', code: rule.code, kind: 'code' });
    named.push({ where: 'sequencing', code: rule.after, kind: 'prefix' });
  }
  named.push({ where: 'screening', code: conventions.screening.code, kind: 'code' });
  for (const code of conventions.screening.conditionPrefixes) named.push({ where: 'screening conditionPrefixes', code, kind: 'prefix' });
  return named;
}

/** Dotted ICD-10-CM codes anywhere in a payer pack under a key that names diagnoses (a trailing - marks a prefix). */
function packCodes(name: string, value: unknown, key = ''): Named[] {
  if (typeof value === 'string') {
    if (!(/diagnos/i.test(key) && /^[A-Z][0-9][0-9A-Z]/.test(value))) return [];
    return [value.endsWith('-') ? { where: `payer pack ${name}`, code: value.slice(0, -1), kind: 'prefix' } : { where: `payer pack ${name}`, code: value, kind: 'code' }];
  }
  if (Array.isArray(value)) return value.flatMap((v) => packCodes(name, v, key));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => packCodes(name, v, k));
  return [];
}

describe('ICD-10-CM codes named by the knowledge data', () => {
  const named = [
    ...medicareCodes(knowledge.medicare),
    ...conventionCodes(knowledge.icd10.conventions),
    ...sources.payers.flatMap((p) => packCodes(p.name, p.data)),
  ];

  it('finds the codes to check', () => {
    expect(named.length).toBeGreaterThan(40);
    expect(named.map((n) => n.code)).toEqual(expect.arrayContaining(['Z78.0', 'E21.0', 'Z13.820', 'M85.80', 'Z87.310', 'M48.5']));
  });

  it('names only codes of the FY2026 list, and prefixes with codes under them', () => {
    const invalid = named.filter((n) => !isValid(n)).map((n) => `${n.where}: ${n.code} (${n.kind})`);
    expect(invalid).toEqual([]);
  });

  it('would catch a mistyped code and an empty prefix', () => {
    expect(isValid({ where: 'test', code: 'Z78.5', kind: 'code' })).toBe(false);
    expect(isValid({ where: 'test', code: 'M81', kind: 'code' })).toBe(false); // a header is not a code
    expect(isValid({ where: 'test', code: 'M81', kind: 'prefix' })).toBe(true);
    expect(isValid({ where: 'test', code: 'M85.89X', kind: 'prefix' })).toBe(false);
  });
});
