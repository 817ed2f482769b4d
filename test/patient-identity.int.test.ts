/**
 * Patient identity in the store (issue 11 §1), on SQLite and PostgreSQL: a patient's stored studies are matched only
 * by the member id with the payer or by the medical record number within the organisation, never by birth date and
 * sex, so two patients who share a birth date and sex are never merged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/io/knowledge-files.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import { openStore, type Store } from '../src/store/index.js';
import { BACKENDS } from './store-backends.js';
import { axialEncounter } from './encounters.js';

const rules = (result: { findings: { rule: string }[] }) => result.findings.map((f) => f.rule);

for (const backend of BACKENDS) {
  describe(`patient identity on ${backend.name}`, () => {
    let knowledge: Knowledge;
    let store: Store;
    let tearDown: () => Promise<void>;

    beforeAll(async () => {
      knowledge = loadKnowledge();
      const set = await backend.setUp();
      tearDown = set.tearDown;
      store = await openStore(set.options);
    });
    afterAll(async () => {
      await store?.close();
      await tearDown?.();
    });

    it('never merges two patients who share a birth date and sex but have no member id or MRN', async () => {
      const shared = { sex: 'female' as const, birthDate: '1950-03-04' };
      const first = await store.forOrganization('org-merge').encounters.storeAndCheck('tok', axialEncounter({ id: 'm-1', dateOfService: '2025-01-20', patient: { ...shared, name: { family: 'Alpha' } } }), knowledge);
      expect(rules(first.result)).not.toContain('frequency.too-soon');
      const second = await store.forOrganization('org-merge').encounters.storeAndCheck('tok', axialEncounter({ id: 'm-2', dateOfService: '2026-01-20', patient: { ...shared, name: { family: 'Beta' } } }), knowledge);
      // Another patient's study must not make this one too soon; with nothing to match by, history is not checked.
      expect(rules(second.result)).not.toContain('frequency.too-soon');
      expect(second.result.unchecked.map((u) => u.family)).toContain('frequency');
      expect(second.result.verdict).not.toBe('clean');
    });

    it('matches a patient by MRN within the organisation, and by member id with the payer', async () => {
      const byMrn = { sex: 'female' as const, birthDate: '1950-03-04', mrn: 'MRN-1001' };
      await store.forOrganization('org-key').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-1', dateOfService: '2025-01-20', patient: byMrn }), knowledge);
      const again = await store.forOrganization('org-key').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-2', dateOfService: '2026-01-20', patient: byMrn }), knowledge);
      expect(rules(again.result)).toContain('frequency.too-soon');
      // The same MRN in another organisation is another patient.
      const elsewhere = await store.forOrganization('org-key-2').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-2', dateOfService: '2026-01-20', patient: byMrn }), knowledge);
      expect(rules(elsewhere.result)).not.toContain('frequency.too-soon');
      // Another MRN with the same birth date and sex is another patient.
      const other = await store.forOrganization('org-key').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-3', dateOfService: '2026-01-20', patient: { ...byMrn, mrn: 'MRN-1002' } }), knowledge);
      expect(rules(other.result)).not.toContain('frequency.too-soon');

      const byMember = { sex: 'male' as const, memberId: '1EG4TE5MK72' };
      await store.forOrganization('org-key').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-4', dateOfService: '2025-02-03', patient: byMember }), knowledge);
      // Printed with dashes and in lower case it is the same member id.
      const member = await store.forOrganization('org-key').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-5', dateOfService: '2026-02-03', patient: { sex: 'male', memberId: '1eg4-te5-mk72' } }), knowledge);
      expect(rules(member.result)).toContain('frequency.too-soon');
      // The same member id with another payer is another member.
      const otherPayer = await store.forOrganization('org-key').encounters.storeAndCheck('tok', axialEncounter({ id: 'k-6', dateOfService: '2026-02-03', payer: 'aetna', patient: byMember }), knowledge);
      expect(rules(otherPayer.result)).not.toContain('frequency.too-soon');
    });

    it('matches an encounter that gives both identifiers with one that gives either', async () => {
      const both = { sex: 'female' as const, mrn: 'B-77', memberId: 'W123456789' };
      await store.forOrganization('org-both').encounters.storeAndCheck('tok', axialEncounter({ id: 'b-1', dateOfService: '2025-03-10', patient: both }), knowledge);
      const byMember = await store.forOrganization('org-both').encounters.storeAndCheck('tok', axialEncounter({ id: 'b-2', dateOfService: '2026-03-02', patient: { sex: 'female', memberId: 'W123456789' } }), knowledge);
      expect(rules(byMember.result)).toContain('frequency.too-soon');
      const byMrn = await store.forOrganization('org-both').encounters.storeAndCheck('tok', axialEncounter({ id: 'b-3', dateOfService: '2026-03-02', patient: { sex: 'female', mrn: 'B-77' } }), knowledge);
      expect(rules(byMrn.result)).toContain('frequency.too-soon');
      // The earlier study is reported once, although it is stored under both identifiers.
      const message = byMrn.result.findings.find((f) => f.rule === 'frequency.too-soon')!.message;
      expect(message).toContain('2025-03-10');
    });
  });
}
