/** Differences between two versions of one kind, by the key each table is read by, with the family filter. */
import { describe, expect, it } from 'vitest';
import { diffTables } from './diff.js';
import { TableBuilder } from './import/table.js';
import { KIND_TABLES } from './import/types.js';

function ptp(rows: [string, string, number, number | null, number][]) {
  const b = new TableBuilder(KIND_TABLES.ptp.rows);
  for (const [c1, c2, effective, deletion, modifier] of rows) b.add([c1, c2, 0, effective, deletion, modifier, 'Mutually exclusive procedures']);
  return { rows: b.build() };
}

describe('knowledge diff', () => {
  const before = ptp([
    ['77081', '77080', 20070101, null, 1],
    ['77085', '77080', 20150101, null, 0],
    ['11042', '97597', 20130101, null, 1],
  ]);
  const after = ptp([
    ['77081', '77080', 20070101, 20270101, 1],
    ['77080', '77078', 20270101, null, 1],
    ['11042', '97597', 20130101, null, 0],
  ]);
  const family = (code: string) => code.startsWith('77');

  it('lists added, deleted and changed rows that touch the family, and the codes they touch', () => {
    const d = diffTables('ptp-practitioner', before, after, family);
    expect(d.added.map((a) => [a.row.column1, a.row.column2])).toEqual([['77080', '77078']]);
    expect(d.deleted.map((a) => [a.row.column1, a.row.column2])).toEqual([['77085', '77080']]);
    expect(d.changed).toEqual([{ table: 'rows', key: { column1: '77081', column2: '77080', effective: 20070101 }, changes: { deletion: { before: null, after: 20270101 } } }]);
    expect(d.touchedCodes).toEqual(['77078', '77080', '77081', '77085']);
    expect(d.compared.rows).toEqual({ before: 3, after: 3 });
  });

  it('lists every row without the filter', () => {
    const d = diffTables('ptp-practitioner', before, after, undefined);
    expect(d.familyOnly).toBe(false);
    expect(d.changed.map((c) => c.key.column1)).toEqual(['77081', '11042']);
  });

  it('treats a first version as all added', () => {
    expect(diffTables('ptp-practitioner', {}, after, family).added).toHaveLength(2);
  });
});
