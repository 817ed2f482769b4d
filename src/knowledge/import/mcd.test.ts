import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mcdArticle } from './mcd.js';
import type { Table } from './table.js';
import type { ImportFile } from './types.js';

const DIR = new URL('../../../test/fixtures/cms/mcd/', import.meta.url);
const FIXTURE: ImportFile[] = readdirSync(DIR)
  .filter((name) => name.endsWith('.csv'))
  .sort()
  .map((name) => ({ name, bytes: readFileSync(new URL(name, DIR)) }));
/** The fixture with some tables replaced (by name; undefined drops the table). */
const withTables = (changes: Record<string, string | undefined>): ImportFile[] =>
  FIXTURE.flatMap((f) => (f.name in changes ? (changes[f.name] === undefined ? [] : [{ name: f.name, bytes: Buffer.from(changes[f.name]!) }]) : [f]));
const header = (name: string): string => readFileSync(new URL(name, DIR), 'utf8').split('\r\n')[0]!;

/** The two shared MCD articles (the embedded copies, else the shared originals). */
interface SharedArticle {
  id: string;
  version: string;
  displayId: string;
  states: string[];
  contractors: string[];
  codes: Record<string, string[]>;
  covered: Record<string, string[]>;
}
function shared(name: string): SharedArticle {
  const embedded = new URL(`../data/cms/${name}`, import.meta.url);
  const original = new URL(`../../../../shared/data/cms/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(existsSync(embedded) ? embedded : original, 'utf8')) as SharedArticle[])[0]!;
}
const rowsOf = (t: Table) => Array.from({ length: t.rows }, (_, i) => t.row(i));

describe('MCD article importer (current_article CSV tables)', () => {
  const data = mcdArticle.read(FIXTURE);

  it('reproduces the code lists of A57132 v19 and A59040 v12 exactly, group by group', () => {
    const expected = { A57132: [428, 412], A59040: [420, 418] } as const;
    for (const article of [shared('mcd-article-A57132-v19.json'), shared('mcd-article-A59040-v12.json')]) {
      const covered = rowsOf(data.tables.covered!).filter((r) => r.article === article.displayId && r.version === Number(article.version));
      for (const group of Object.keys(article.covered)) {
        const got = covered.filter((r) => r.group === Number(group)).map((r) => r.icd10 as string).sort();
        expect(got).toEqual([...article.covered[group]!].sort());
      }
      const counts = Object.keys(article.covered).map((g) => covered.filter((r) => r.group === Number(g)).length);
      expect(counts).toEqual(expected[article.displayId as keyof typeof expected]);
      expect(covered.length).toBe(counts[0]! + counts[1]!);
      const codes = rowsOf(data.tables.codes!).filter((r) => r.article === article.displayId).map((r) => r.code as string).sort();
      expect(codes).toEqual([...new Set(Object.values(article.codes).flat())].sort());
      const states = rowsOf(data.tables.jurisdictions!).filter((r) => r.article === article.displayId).map((r) => r.state as string).sort();
      expect(states).toEqual([...article.states].sort());
      const row = rowsOf(data.tables.articles!).find((r) => r.article === article.displayId);
      expect(row?.contractor).toBe(article.contractors.join('; '));
    }
    expect(rowsOf(data.tables.covered!).some((r) => r.icd10 === 'M81.0')).toBe(true);
  });

  it('keeps only bone-density articles, with dates, groups and jurisdictions from the tables', () => {
    expect(rowsOf(data.tables.articles!)).toEqual([
      { article: 'A57132', version: 19, title: 'Billing and Coding: Bone Mass Measurement', contractor: 'CGS Administrators, LLC', effective: 20251001, ended: null },
      { article: 'A59040', version: 12, title: 'Billing and Coding: Bone Mass Measurement', contractor: 'Palmetto GBA', effective: 20251001, ended: null },
    ]);
    expect(rowsOf(data.tables.jurisdictions!).map((r) => `${String(r.article)} ${String(r.jurisdiction)} ${String(r.state)}`)).toEqual([
      'A57132 J15 KY', 'A57132 J15 OH',
      'A59040 JJ AL', 'A59040 JJ GA', 'A59040 JJ TN', 'A59040 JM SC', 'A59040 JM VA', 'A59040 JM WV', 'A59040 JM NC',
    ]);
    const groups = rowsOf(data.tables.groups!);
    expect(groups.map((g) => `${String(g.article)}/${String(g.group)}`)).toEqual(['A57132/1', 'A57132/2', 'A59040/1', 'A59040/2']);
    expect(groups[3]!.paragraph).toMatch(/^<p>The following ICD-10 codes are applicable with CPT code s 77078/);
    expect(data.rowCounts).toEqual({ articles: 2, codes: 26, covered: 1678, groups: 4, jurisdictions: 9 });
    expect(data.edition).toBe('MCD export 2026-09-28');
    expect(data.effective).toEqual({ from: '2026-09-28', to: null });
    expect(data.warnings).toEqual([]);
  });

  it('reads the tables in any column order, without update_period.csv, and ignores other tables', () => {
    const state = 'state_abbrev,description,state_id\r\nKY,Kentucky,18\r\nOH,Ohio,36\r\nAL,Alabama,1\r\nGA,Georgia,11\r\nTN,Tennessee,43\r\nSC,South Carolina,41\r\nVA,Virginia,47\r\nWV,West Virginia,50\r\nNC,North Carolina,34\r\n';
    const other = { name: 'article_x_revenue_code.csv', bytes: Buffer.from('article_id\r\n') };
    const d = mcdArticle.read([...withTables({ 'state_lookup.csv': state, 'update_period.csv': undefined }), other]);
    expect(d.rowCounts.jurisdictions).toBe(9);
    expect(d.effective).toBeUndefined();
    expect(d.edition).toBe('MCD export');
    expect(d.warnings).toEqual([expect.stringMatching(/^article_x_revenue_code\.csv: not one of the MCD article tables read here/)]);
  });

  it('requires the user to name each contractor\'s MAC jurisdiction (the export names none)', () => {
    expect(() => mcdArticle.read(withTables({ 'mac-jurisdictions.csv': undefined }))).toThrow(
      'article.csv: expected the file mac-jurisdictions.csv, your own file naming each contractor\'s MAC jurisdiction (header "contractor_number,jurisdiction", e.g. "15102,J15"): the MCD export does not name it among the files of this import',
    );
    expect(() => mcdArticle.read(withTables({ 'mac-jurisdictions.csv': 'contractor_number,jurisdiction\r\n15102,J15\r\n15202,J15\r\n' }))).toThrow(
      'mac-jurisdictions.csv: expected a row naming the MAC jurisdiction of contract number 10112 (Palmetto GBA, contractor of A59040; contractor.csv:4)',
    );
    expect(() => mcdArticle.read(withTables({ 'mac-jurisdictions.csv': 'contractor_number,jurisdiction\r\n15102,J99\r\n' }))).toThrow(
      'mac-jurisdictions.csv:2:7: expected an A/B MAC jurisdiction (J5, J6, J8, J15, JE, JF, JH, JJ, JK, JL, JM, JN), got "J99"',
    );
    expect(() => mcdArticle.read(withTables({ 'mac-jurisdictions.csv': 'contractor_number,jurisdiction\r\nCGS,J15\r\n' }))).toThrow(
      'mac-jurisdictions.csv:2:1: expected a MAC contract number (5 digits, as contractor.csv spells it), got "CGS"',
    );
  });

  it('names file, line and column of every field that does not match the layout', () => {
    const hcpc = header('article_x_hcpc_code.csv');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': `${hcpc}\r\nA57132,19,77080,1,1,,x,,\r\n` }))).toThrow('article_x_hcpc_code.csv:2:1: expected an article_id (digits), got "A57132"');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': `${hcpc}\r\n57132,v19,77080,1,1,,x,,\r\n` }))).toThrow('article_x_hcpc_code.csv:2:7: expected an article_version (digits), got "v19"');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': `${hcpc}\r\n57132,19,77080,1,1,,x,,\r\n57132,19,7708,1,1,,x,,\r\n` }))).toThrow('article_x_hcpc_code.csv:3:10: expected a CPT or HCPCS code (5 characters), got "7708"');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': `${hcpc}\r\n57132,19,77080,1,one,,x,,\r\n` }))).toThrow('article_x_hcpc_code.csv:2:18: expected a code group number (digits), got "one"');
    const cov = header('article_x_icd10_covered.csv');
    expect(() => mcdArticle.read(withTables({ 'article_x_icd10_covered.csv': `${cov}\r\n57132,19,M810,1,1,,x,1,,\r\n` }))).toThrow('article_x_icd10_covered.csv:2:10: expected an ICD-10-CM code with its dot (e.g. M81.0), got "M810"');
    expect(() => mcdArticle.read(withTables({ 'article_x_icd10_covered.csv': `${cov}\r\n57132,19,M81.0,1,,,x,1,,\r\n` }))).toThrow('article_x_icd10_covered.csv:2:18: expected a covered group number (digits), got ""');
    const art = 'article_id,article_version,title,article_eff_date,article_end_date,date_retired,display_id\r\n';
    expect(() => mcdArticle.read(withTables({ 'article.csv': `${art}57132,19,T,2025-13-01,,,\r\n59040,12,T,2025-10-01,,,\r\n` }))).toThrow('article.csv:2:12: expected a date (YYYY-MM-DD, or empty), got "2025-13-01"');
    expect(() => mcdArticle.read(withTables({ 'article.csv': `${art}57132,19,,2025-10-01,,,\r\n` }))).toThrow('article.csv:2:10: expected the article title, got ""');
    expect(() => mcdArticle.read(withTables({ 'article.csv': `${art}57132,19,T,,,,\r\n57132,19,T,,,,\r\n` }))).toThrow('article.csv:3:1: expected one row per article version (A57132 version 19 is already on line 2), got "57132"');
    expect(() => mcdArticle.read(withTables({ 'article.csv': `${art}59040,12,T,2025-10-01,,,\r\n` }))).toThrow(
      'article_x_hcpc_code.csv:2:1: expected an article that article.csv lists (article 57132 version 19 is not in article.csv), got "57132"',
    );
    const cj = header('contractor_jurisdiction.csv');
    expect(() => mcdArticle.read(withTables({ 'contractor_jurisdiction.csv': `${cj}\r\n401,1,1,99,x,2020-01-01,\r\n` }))).toThrow('contractor_jurisdiction.csv:2:9: expected a state_id that state_lookup.csv lists, got "99"');
    expect(() => mcdArticle.read(withTables({ 'state_lookup.csv': 'state_id,state_abbrev,description\r\n18,Kentucky,Kentucky\r\n' }))).toThrow('state_lookup.csv:2:4: expected a state abbreviation (2 capital letters), got "Kentucky"');
    const axc = header('article_x_contractor.csv');
    expect(() => mcdArticle.read(withTables({ 'article_x_contractor.csv': `${axc}\r\n57132,19,6,999,1,1,x\r\n` }))).toThrow(
      'article_x_contractor.csv:2:12: expected a contractor that contractor.csv lists (contractor_id, contractor_type_id, contractor_version 999, 1, 1), got "999"',
    );
    expect(() => mcdArticle.read(withTables({ 'update_period.csv': 'period_id,begin_date,end_date\r\n1,2026-09-21 00:00:00,28/09/2026\r\n' }))).toThrow('update_period.csv:2:23: expected a date (YYYY-MM-DD, or empty), got "28/09/2026"');
  });

  it('refuses a missing table or column, a repeated table, a short row and an open quote', () => {
    expect(() => mcdArticle.read(withTables({ 'contractor.csv': undefined }))).toThrow('article.csv: expected the file contractor.csv from the MCD export current_article_csv.zip among the files of this import');
    expect(() => mcdArticle.read([...FIXTURE, FIXTURE[0]!])).toThrow('article.csv: expected one article.csv per import (article.csv is one already)');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': 'article_id,article_version,hcpc_code_id\r\n' }))).toThrow(
      'article_x_hcpc_code.csv:1:1: expected a header row of article_x_hcpc_code.csv with the column "hcpc_code_group", got "article_id,article_version,hcpc_code_id"',
    );
    expect(() => mcdArticle.read(withTables({ 'update_period.csv': 'period_id,begin_date\r\n' }))).toThrow('update_period.csv:1:1: expected a header row of update_period.csv with the column "end_date" or "dis_end_date"');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': '' }))).toThrow('article_x_hcpc_code.csv: expected the header row of article_x_hcpc_code.csv');
    expect(() => mcdArticle.read(withTables({ 'article_x_hcpc_code.csv': `${header('article_x_hcpc_code.csv')}\r\n57132,19,77080\r\n` }))).toThrow('article_x_hcpc_code.csv:2:10: expected a code group number (digits), got ""');
    const grp = header('article_x_icd10_covered_group.csv');
    expect(() => mcdArticle.read(withTables({ 'article_x_icd10_covered_group.csv': `${grp}\r\n57132,19,1,"<p>never closed\r\n` }))).toThrow('article_x_icd10_covered_group.csv:2:12: expected a closing quote for the field that opens here');
  });
});
