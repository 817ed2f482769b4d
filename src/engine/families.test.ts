/** Reading a list of rule families (the CLI's `--only`, the API's `?only=`) and the reason each family left out gets. */
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../rules/catalogue.js';
import { FamilySelection, isFamily, parseFamilyList } from './families.js';

describe('parseFamilyList', () => {
  it('reads names separated by commas, in the order the engine runs them', () => {
    const read = parseFamilyList(' units, pairs ,frequency,');
    expect(read.ok && read.selection.families).toEqual(['pairs', 'units', 'frequency']);
    expect(read.ok && read.selection.reason).toBe('not run: only pairs, units, frequency were asked for');
    const one = parseFamilyList('coverage');
    expect(one.ok && one.selection.reason).toBe('not run: only coverage was asked for');
    expect(one.ok && [one.selection.has('coverage'), one.selection.has('pairs')]).toEqual([true, false]);
  });

  it('names unknown families, the first 40 characters of each, and lists the known ones', () => {
    const known = FAMILIES.join(', ');
    expect(parseFamilyList('pair,units')).toEqual({ ok: false, message: `unknown rule family "pair"; the families are ${known}` });
    expect(parseFamilyList('pair,unit,pairs')).toEqual({ ok: false, message: `unknown rule families "pair", "unit"; the families are ${known}` });
    expect(parseFamilyList('x'.repeat(45))).toEqual({ ok: false, message: `unknown rule family "${'x'.repeat(40)}"; the families are ${known}` });
  });

  it('needs at least one name', () => {
    const message = `expected one or more rule families separated by commas, from: ${FAMILIES.join(', ')}`;
    for (const text of ['', ' , ', ',']) expect(parseFamilyList(text)).toEqual({ ok: false, message });
  });
});

describe('a family selection', () => {
  it('keeps the catalogue order and each family once, whatever order it is given in', () => {
    const selection = new FamilySelection(['documentation', 'selection', 'documentation']);
    expect(selection.families).toEqual(['selection', 'documentation']);
    expect(selection.reason).toBe('not run: only selection, documentation were asked for');
  });

  it('knows every family of the catalogue by name, and nothing else', () => {
    for (const family of FAMILIES) expect(isFamily(family)).toBe(true);
    for (const name of ['', 'pair', 'Pairs', 'toString']) expect(isFamily(name)).toBe(false);
  });
});
