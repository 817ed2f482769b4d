/**
 * The dashboard's amount at risk without a configured fee schedule: the national Medicare amounts of the PFS
 * relative value rows (non-facility total RVUs times the conversion factor), naming the edition used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncounter } from '../src/engine/index.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import { openStore, type Store } from '../src/store/index.js';
import { dashboardStats, nationalAmountOf } from '../src/store/stats.js';
import { sqliteBackend } from './store-backends.js';

const knowledge = loadKnowledge();

describe('amount at risk at national Medicare amounts', () => {
  let store: Store;
  let tearDown: () => Promise<void>;
  beforeAll(async () => {
    const set = await sqliteBackend.setUp();
    tearDown = set.tearDown;
    store = await openStore(set.options);
  });
  afterAll(async () => {
    await store.close();
    await tearDown();
  });

  it('prices the recommended lines of rejected claims with the PFS rows of their date of service', async () => {
    // Rejected: Z13.820 is the only diagnosis (Medicare denies screening alone), so the line carries GZ.
    const parsed = parseEncounter({ id: 'r1', dateOfService: '2026-03-02', patient: { sex: 'female', age: 70 }, jurisdiction: 'J15', orderingProvider: { treating: true }, history: [], diagnoses: ['Z13.820'], performed: [{ procedure: 'dxa-axial' }] });
    if (!parsed.ok) throw new Error('bad encounter');
    const { result } = await store.forOrganization('org-n').encounters.storeAndCheck('coder', parsed.encounter, knowledge);
    expect(result.verdict).toBe('reject');
    const stats = await dashboardStats(store.forOrganization('org-n'), {}, undefined, nationalAmountOf(knowledge));
    // CY2024 RVU24C row of 77080 (global): non-facility total 1.17 RVUs x 33.2875 = 38.95.
    expect(stats.denialRisk.amount).toBeCloseTo(38.95, 2);
    expect(stats.denialRisk.reason).toContain('national Medicare amounts');
    expect(stats.denialRisk.reason).toContain('CY2024 RVU24C_JUL');
    // With the practice's charges configured, they are used instead.
    expect((await dashboardStats(store.forOrganization('org-n'), {}, { '77080': 125 }, nationalAmountOf(knowledge))).denialRisk.amount).toBe(125);
  });
});
