/**
 * The interchange problem catalogues share one definition (src/interchange/problem-table.ts): each id sits in one
 * catalogue under its prefix, each generated document (docs/problems/*.md) matches its catalogue, and the renderings
 * the catalogues give are the ones the formats used before they shared it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueMarkdown, PROBLEM_CATALOGUES } from '../src/interchange/catalogues.js';
import { defineProblemCatalogue, problemTable } from '../src/interchange/problem-table.js';
import { fhirProblem, formatFhirProblem } from '../src/interchange/fhir/problems.js';
import { formatHl7Problem, hl7Problem } from '../src/interchange/hl7/problems.js';
import { formatX12Problem, x12Problem, X12_CATALOGUE } from '../src/interchange/x12/problems.js';

describe('problem catalogues', () => {
  it('no id is declared by two catalogues, and each id starts with its catalogue prefix', () => {
    const seen = new Map<string, string>();
    for (const catalogue of PROBLEM_CATALOGUES) {
      for (const id of Object.keys(catalogue.table)) {
        expect(seen.get(id), `${id} in ${catalogue.document} and ${seen.get(id)}`).toBeUndefined();
        seen.set(id, catalogue.document);
        expect(id.startsWith(`${catalogue.prefix}.`)).toBe(true);
      }
    }
  });

  it('refuses an id outside the prefix when a catalogue is declared', () => {
    expect(() => defineProblemCatalogue({ prefix: 'x12.835', title: 't', document: 'd.md', module: 'm', about: 'a', placeExample: 'p', table: problemTable({ 'x12.999.bad': { severity: 'error', summary: 's' } }), place: () => '' })).toThrow(/outside the catalogue prefix x12\.835/);
  });

  for (const catalogue of PROBLEM_CATALOGUES) {
    it(`docs/problems/${catalogue.document} matches its catalogue`, () => {
      expect(readFileSync(new URL(`../docs/problems/${catalogue.document}`, import.meta.url), 'utf8')).toBe(catalogueMarkdown(catalogue));
    });
  }

  it('renders problems as each format did: place, message, expectation, fix', () => {
    expect(formatX12Problem(x12Problem('x12.count.se', 'SE01 is "24"', { location: { segment: 31, id: 'SE', loop: 'SE', element: 'SE01' }, fix: 'set SE01 to 23' }))).toBe('segment 31 (SE, loop SE, SE01): SE01 is "24" (set SE01 to 23)');
    expect(formatX12Problem(x12Problem('x12.write.missing-field', 'missing x', { encounter: 'encounter "e1"', field: 'patient.memberId' }))).toBe('encounter "e1": patient.memberId: missing x');
    expect(x12Problem('x12.claim.duplicate-id', 'twice').severity).toBe('warning');
    expect(formatFhirProblem(fhirProblem('fhir.report.not-final', 'status is preliminary', { location: { path: 'Bundle.entry[2].resource.status', resourceType: 'DiagnosticReport', entry: 2 }, expected: 'final or amended' }))).toBe('Bundle.entry[2].resource.status (DiagnosticReport): status is preliminary; expected final or amended');
    expect(formatHl7Problem(hl7Problem('hl7.result.not-final', 'OBR-25 is P', { location: { message: 2, segment: 14, id: 'OBR', field: 'OBR-25', controlId: 'M1' } }))).toBe('message 2, segment 14 (OBR, OBR-25) [MSH-10 "M1"]: OBR-25 is P');
    expect(X12_CATALOGUE.finding(x12Problem('x12.truncated', 'cut', { location: { segment: 3 } }), { title: 't', confidence: 'verified' })).toEqual({ rule: 'x12.truncated', severity: 'error', message: 'segment 3: cut', source: { title: 't', confidence: 'verified' } });
  });
});
