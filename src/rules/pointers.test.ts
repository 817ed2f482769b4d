/**
 * The pointers family's findings word for word: message, fix, source, path and params of each, the `checked` entry
 * and the `unchecked` reason (cases/claim-pointers.yaml compares ids, severities and params; these compare the whole
 * finding, which a case cannot). REFERENCE.md §9: SV1 carries diagnosis pointers 1-4 into HI; §5: the diagnoses must
 * be documented. Also when a line with no pointers is reported: a submitted line always, a recommended line only when
 * diagnoses were documented but none can be billed (a recommended line points to every billable one it can).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Result } from '../contract/result.js';
import { runCase } from '../engine/cases.js';
import { loadKnowledge } from '../io/knowledge-files.js';

const knowledge = loadKnowledge();

/** The defaults of cases/claim-pointers.yaml (a Medicare axial DXA study); checkWith changes some of its fields (undefined: left out). */
const POINTERS_BASE = (parse(readFileSync(new URL('../../cases/claim-pointers.yaml', import.meta.url), 'utf8')) as { defaults: Record<string, unknown> }).defaults;
/** check() through the case harness (src/engine/cases.ts), which parses the encounter as a case file's. */
function checkWith(changes: Record<string, unknown>): Result {
  const { result, differences } = runCase('pointers', { ...POINTERS_BASE, ...changes }, {}, knowledge);
  if (!result) throw new Error(differences.join('; '));
  return result;
}

const pointerFindings = (result: Result) => result.findings.filter((f) => f.rule.startsWith('pointer.'));
const POINTER_SOURCE = { title: 'REFERENCE §9: SV1 diagnosis pointers 1-4 into HI', confidence: 'verified' };
const DOCUMENTED_SOURCE = { title: 'Diagnoses must be documented by the ordering or reading clinician (REFERENCE §5 documentation on review)', confidence: 'verified' };

describe('pointers on submitted lines', () => {
  it('names the family and its version in checked', () => {
    const result = checkWith({ claim: { lines: [{ code: '77080', diagnoses: ['M85.851'] }] } });
    expect(result.checked.filter((c) => c.family === 'pointers')).toEqual([{ family: 'pointers', version: '837P 005010X222A1 pointer limits' }]);
    expect(pointerFindings(result)).toEqual([]);
  });

  it('words undocumented pointers (several: "are", each listed) and a line with none', () => {
    const result = checkWith({ claim: { lines: [{ code: '77080', diagnoses: ['M85.851', 'Z79.83', 'R29.890'] }, { code: '77080', modifiers: ['76'] }] } });
    expect(pointerFindings(result)).toEqual([
      {
        rule: 'pointer.not-documented',
        severity: 'warning',
        message: 'line 1 (77080) points to Z79.83, R29.890, which are not among the documented diagnoses (M85.851, Z78.0).',
        line: 0,
        fix: 'Point only to documented diagnoses, or have the clinician document the condition.',
        source: DOCUMENTED_SOURCE,
        path: 'claim.lines[0].diagnoses[1]',
        params: { code: '77080', diagnoses: ['Z79.83', 'R29.890'], documented: ['M85.851', 'Z78.0'] },
      },
      {
        rule: 'pointer.missing',
        severity: 'error',
        message: 'line 2 (77080) points to no diagnosis.',
        line: 1,
        fix: 'Point the line to the diagnoses that support it.',
        source: POINTER_SOURCE,
        path: 'claim.lines[1]',
        params: { code: '77080' },
      },
    ]);
  });

  it('words one undocumented pointer with "is"', () => {
    const [finding] = pointerFindings(checkWith({ diagnoses: ['Z78.0'], claim: { lines: [{ code: '77080', diagnoses: ['Z78.0', 'M85.851'] }] } }));
    expect(finding!.message).toBe('line 1 (77080) points to M85.851, which is not among the documented diagnoses (Z78.0).');
  });

  it('words five pointers, one over the four a line carries', () => {
    const five = ['M85.851', 'Z78.0', 'Z79.83', 'Z87.310', 'R29.890'];
    expect(pointerFindings(checkWith({ diagnoses: five, claim: { lines: [{ code: '77080', diagnoses: five }] } }))).toEqual([
      {
        rule: 'pointer.too-many',
        severity: 'error',
        message: 'line 1 (77080) points to 5 diagnoses; a line carries at most 4 pointers.',
        line: 0,
        fix: 'Keep the 4 diagnoses that best support the service.',
        source: POINTER_SOURCE,
        path: 'claim.lines[0].diagnoses',
        params: { code: '77080', count: 5, max: 4 },
      },
    ]);
  });

  it('reports a submitted line with no pointers even when the encounter documents no diagnoses, and says the comparison was not made', () => {
    const result = checkWith({ diagnoses: undefined, claim: { lines: [{ code: '77080' }] } });
    expect(pointerFindings(result).map((f) => `${f.rule}@${f.line}:${f.severity}`)).toEqual(['pointer.missing@0:error']);
    expect(result.unchecked.filter((u) => u.family === 'pointers')).toEqual([
      { family: 'pointers', reason: 'the encounter lists no documented diagnoses, so line diagnoses could not be compared with the documentation' },
    ]);
  });
});

describe('pointers on the recommended claim', () => {
  it('reports a recommended line with no pointers when the documented diagnoses cannot be billed (M81 is a category, not a code)', () => {
    expect(pointerFindings(checkWith({ diagnoses: ['M81'] }))).toEqual([
      { rule: 'pointer.missing', severity: 'error', message: '77080 points to no diagnosis.', fix: 'Point the line to the diagnoses that support it.', source: POINTER_SOURCE, path: 'diagnoses', params: { code: '77080' } },
    ]);
  });

  it('leaves a recommended line without pointers to the diagnoses family when nothing is documented', () => {
    const result = checkWith({ diagnoses: [] });
    expect(pointerFindings(result)).toEqual([]);
    expect(result.findings.map((f) => f.rule)).toContain('dx.none');
    expect(result.unchecked.filter((u) => u.family === 'pointers')).toEqual([]);
  });
});
