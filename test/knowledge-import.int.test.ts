/**
 * Importing official files as knowledge versions into the store (SQLite and PostgreSQL) and checking with them:
 * provenance (file names, SHA-256, row counts, effective period, importer), refusal of bad layouts, of a row count
 * far below the previous version and of a repeated import (nothing half-stored), and resolution by date of service.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { importKnowledge, KnowledgeImportError, loadStoredKnowledge } from '../src/io/knowledge-store.js';
import { ImportError } from '../src/knowledge/import/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { BACKENDS } from './store-backends.js';

const FIXTURES = new URL('./fixtures/cms/', import.meta.url).pathname;
const MUE = join(FIXTURES, 'mue', 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv');
const PTP_F1 = join(FIXTURES, 'ptp', 'ccipra-v320r0-f1.txt');
const PTP_F4 = join(FIXTURES, 'ptp', 'ccipra-v320r0-f4.txt');
const embedded = loadKnowledge();

function encounter(dateOfService: string, codes: string[]) {
  const parsed = parseEncounter({
    id: 'e1',
    dateOfService,
    patient: { sex: 'female', age: 70 },
    jurisdiction: 'J15',
    orderingProvider: { treating: true },
    history: [],
    diagnoses: ['M81.0', 'Z78.0'],
    clinical: { estrogenDeficient: true },
    performed: [{ procedure: 'dxa-axial' }, { procedure: 'dxa-peripheral', sites: ['left-forearm'] }],
    claim: { lines: codes.map((code) => ({ code, diagnoses: ['M81.0'] })) },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.encounter;
}

for (const backend of BACKENDS) {
  describe(`knowledge import (${backend.name})`, () => {
    let store: Store;
    let tearDown: () => Promise<void>;
    const dir = mkdtempSync(join(tmpdir(), 'dxacode-import-'));

    beforeAll(async () => {
      const set = await backend.setUp();
      tearDown = set.tearDown;
      store = await openStore(set.options);
    });
    afterAll(async () => {
      await store.close();
      await tearDown();
    });

    it('stores an MUE table with its provenance and uses it from its effective date', async () => {
      const outcome = await importKnowledge(store, { kind: 'mue-practitioner', files: [MUE], actor: 'test-admin' });
      const record = outcome.record;
      expect(record.kind).toBe('mue-practitioner');
      expect(record.effectiveFrom).toBe('2026-10-01');
      expect(record.files).toEqual([{ name: 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', sha256: createHash('sha256').update(readFileSync(MUE)).digest('hex'), bytes: readFileSync(MUE).length }]);
      expect(record.rowCounts).toEqual({ rows: 11 });
      expect(record.importedBy).toBe('test-admin');
      expect((await store.listKnowledgeVersions()).map((v) => v.id)).toEqual([record.id]);

      const knowledge = await loadStoredKnowledge(store, embedded);
      const after = check(encounter('2026-11-02', ['77080']), knowledge);
      expect(after.checked.find((c) => c.family === 'units')?.version).toContain(record.id);
      const before = check(encounter('2026-09-02', ['77080']), knowledge);
      expect(before.checked.find((c) => c.family === 'units')?.version).toContain('embedded');
    });

    it('refuses the same files imported twice, and stores nothing', async () => {
      await expect(importKnowledge(store, { kind: 'mue-practitioner', files: [MUE], actor: 'test-admin' })).rejects.toThrow(/already imported as mue-practitioner:/);
      expect(await store.listKnowledgeVersions()).toHaveLength(1);
    });

    it('refuses a row count far below the previous version unless allowed', async () => {
      const small = join(dir, 'MCR_MUE_PractitionerServices_Eff_01-01-2027.csv');
      const text = readFileSync(MUE, 'latin1').split('\r\n');
      writeFileSync(small, [...text.slice(0, 4), text[4], ''].join('\r\n'), 'latin1');
      await expect(importKnowledge(store, { kind: 'mue-practitioner', files: [small], actor: 'test-admin' })).rejects.toThrow(/1 rows is far below the 11 of the previous version/);
      expect(await store.listKnowledgeVersions()).toHaveLength(1);
      const allowed = await importKnowledge(store, { kind: 'mue-practitioner', files: [small], actor: 'test-admin', allowSmaller: true });
      expect(allowed.record.effectiveFrom).toBe('2027-01-01');
      expect(await store.listKnowledgeVersions()).toHaveLength(2);
    });

    it('refuses a file that does not match its layout with file, line and column, and stores nothing', async () => {
      const bad = join(dir, 'ccipra-v330r0-f1.txt');
      writeFileSync(bad, readFileSync(PTP_F1, 'latin1').replace('20220101', '2022-13-01'), 'latin1');
      const attempt = importKnowledge(store, { kind: 'ptp-practitioner', files: [bad], actor: 'test-admin' });
      await expect(attempt).rejects.toThrow(ImportError);
      await expect(importKnowledge(store, { kind: 'ptp-practitioner', files: [bad], actor: 'test-admin' })).rejects.toThrow(/^ccipra-v330r0-f1\.txt:7:\d+: expected/);
      expect(await store.listKnowledgeVersions()).toHaveLength(2);
    });

    it('refuses an unknown kind and a wrong number of files', async () => {
      await expect(importKnowledge(store, { kind: 'ncci', files: [MUE], actor: 'x' })).rejects.toThrow(KnowledgeImportError);
      await expect(importKnowledge(store, { kind: 'mue-practitioner', files: [MUE, MUE], actor: 'x' })).rejects.toThrow(/takes 1 file/);
    });

    it('checks pairs with an imported PTP table in its quarter and says which parts are missing', async () => {
      const outcome = await importKnowledge(store, { kind: 'ptp-practitioner', files: [PTP_F1, PTP_F4], actor: 'test-admin' });
      expect(outcome.record.effectiveFrom).toBe('2026-01-01');
      expect(outcome.record.effectiveTo).toBe('2026-03-31');
      expect(outcome.record.rowCounts.f1).toBeGreaterThan(0);
      const knowledge = await loadStoredKnowledge(store, embedded);
      const inQuarter = check(encounter('2026-02-10', ['77080', '77081']), knowledge);
      expect(inQuarter.checked.find((c) => c.family === 'pairs')?.version).toContain(outcome.record.id);
      expect(inQuarter.unchecked.find((u) => u.family === 'pairs')?.reason).toMatch(/only parts f1, f4 of the four files/);
      expect(inQuarter.findings.map((f) => f.rule)).toContain('pair.mutually-exclusive');
      const later = check(encounter('2026-05-10', ['77080', '77081']), knowledge);
      expect(later.checked.find((c) => c.family === 'pairs')?.version).not.toContain(outcome.record.id);
      expect(later.unchecked.find((u) => u.family === 'pairs')?.reason).toMatch(/partial embedded PTP table/);
    });
  });
}
