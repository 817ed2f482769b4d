/** Fixtures for the 999, 277CA and 835 tests: an 837P written for two claims and the responses written for it. */
import { parse837PText, write277CA, write835, write837P, write999, type Written837P } from '../src/interchange/x12/index.js';
import { testConfig, twoClaims } from './x12-helpers.js';

/** The 837P the responses answer: interchange 7, CLAIM00001 (77080-26) and CLAIM00002 (77081, 76977-GA-XU x2). */
export function exported837P(interchange = 7): Written837P {
  return write837P(twoClaims(), testConfig(), { interchange, date: '2026-11-27', time: '0930' });
}

/** The envelope of a response sent back by the receiver. */
export const RESPONSE_ENVELOPE = { sender: 'TESTRCV01', receiver: 'TESTSUB01', date: '2026-11-28', time: '1015' };

/** A 999 accepting the 837P's transaction set, with an IK3/IK4 note on claim 2. */
export function ack999For(written: Written837P, status = 'E'): string {
  return write999(
    {
      groupControl: written.text.split('\n')[1]!.split('*')[6]!,
      transactionSets: [{ control: '0001', status, segmentErrors: status === 'A' ? [] : [{ segmentId: 'NM1', position: 27, loop: '2010BA', code: '8', claimId: 'CLAIM00002', elements: [{ position: '9', reference: '67', code: '6', badValue: 'MBR2' }] }] }],
    },
    { ...RESPONSE_ENVELOPE, interchange: 101 },
  );
}

/** A 277CA accepting claim 1 (A2) and rejecting claim 2 (A7, invalid information), each line with its REF*FJ. */
export function status277For(written: Written837P): string {
  return write277CA(
    {
      payer: { name: 'TEST MEDICARE CONTRACTOR', id: 'TESTMCR01' },
      receiver: { name: 'TEST SUBMITTER', id: 'TESTSUB01' },
      billingProviderNpi: '1234567893',
      date: '2026-11-29',
      claims: written.claims.map((c, i) => ({
        claimId: c.claimId,
        statuses: i === 0 ? [{ category: 'A2', code: '20', entity: 'PR' }] : [{ category: 'A7', code: '21', entity: 'IL' }, { category: 'A7', code: '164', entity: 'IL' }],
        action: i === 0 ? 'WQ' : 'U',
        chargeCents: c.totalCents,
        payerClaimNumber: `PCN${c.ordinal}`,
        serviceDate: c.dateOfService,
        lines: c.lineItems.map((l) => ({ procedure: { qualifier: 'HC', code: l.code, modifiers: l.modifiers }, chargeCents: l.cents, units: l.units, controlNumber: l.controlNumber, statuses: [{ category: i === 0 ? 'A2' : 'A7', code: i === 0 ? '20' : '21' }] })),
      })),
    },
    { ...RESPONSE_ENVELOPE, interchange: 102 },
  );
}

/**
 * An 835 paying claim 1 (CO-45 and PR-2 on its line) and denying claim 2: 77081 for frequency (CO-151, M86) and
 * 76977 as not medically necessary (CO-50, N115); the 76977 line carries no REF*6R, so it is matched by code and
 * date. A provider-level adjustment (PLB) reduces the payment.
 */
export function remit835For(written: Written837P, options: { withoutControlNumbers?: boolean } = {}): string {
  const [first, second] = written.claims;
  const line1 = first!.lineItems[0]!;
  const [l21, l22] = second!.lineItems;
  const control = (n: string) => (options.withoutControlNumbers ? {} : { controlNumber: n });
  return write835(
    {
      payer: { name: 'TEST MEDICARE CONTRACTOR', id: 'TESTMCR01' },
      payee: { name: 'TEST BONE DENSITY CLINIC', npi: '1234567893' },
      trace: 'EFT000123',
      paymentDate: '2026-12-10',
      claims: [
        {
          claimId: first!.claimId,
          status: '1',
          chargeCents: first!.totalCents,
          paidCents: line1.cents - 3050 - 1900,
          patientResponsibilityCents: 1900,
          payerClaimNumber: 'PCN1',
          lines: [{ procedure: { qualifier: 'HC', code: line1.code, modifiers: line1.modifiers }, chargeCents: line1.cents, paidCents: line1.cents - 3050 - 1900, units: 1, serviceDate: first!.dateOfService, allowedCents: line1.cents - 3050, ...control(line1.controlNumber), adjustments: [{ group: 'CO', reason: '45', cents: 3050 }, { group: 'PR', reason: '2', cents: 1900 }] }],
        },
        {
          claimId: second!.claimId,
          status: '4',
          chargeCents: second!.totalCents,
          paidCents: 0,
          patientResponsibilityCents: 0,
          payerClaimNumber: 'PCN2',
          remarks: ['N130'],
          lines: [
            { procedure: { qualifier: 'HC', code: l21!.code, modifiers: l21!.modifiers }, chargeCents: l21!.cents, paidCents: 0, units: 1, serviceDate: second!.dateOfService, ...control(l21!.controlNumber), adjustments: [{ group: 'CO', reason: '151', cents: l21!.cents }], remarks: ['M86'] },
            { procedure: { qualifier: 'HC', code: l22!.code, modifiers: l22!.modifiers }, chargeCents: l22!.cents, paidCents: 0, units: 2, serviceDate: second!.dateOfService, adjustments: [{ group: 'CO', reason: '50', cents: l22!.cents }], remarks: ['N115'] },
          ],
        },
      ],
      providerAdjustments: [{ providerId: '1234567893', fiscalPeriodDate: '2026-12-31', reason: 'WO', reference: 'OVERPAY1', cents: 500 }],
    },
    { ...RESPONSE_ENVELOPE, interchange: 103 },
  );
}

/** The claims of an exported 837P as the response writers take them (read back with the 837P reader). */
export function claimsOf(text: string): { claimId: string; totalCents: number; dateOfService: string; lines: { code: string; modifiers: string[]; units: number; cents: number; controlNumber: string }[] }[] {
  return parse837PText(text).claims.map((c) => ({
    claimId: c.claimId,
    totalCents: c.totalCents!,
    dateOfService: c.encounter.dateOfService,
    lines: c.encounter.claim!.lines.map((l, i) => ({ code: l.code, modifiers: l.modifiers ?? [], units: l.units ?? 1, cents: c.lineCents[i]!, controlNumber: c.lineControlNumbers[i]! })),
  }));
}

/**
 * The three responses for an exported 837P: a 999 accepting its one transaction set, a 277CA accepting every
 * claim, and an 835 paying the first claim (CO-45, and PR-2 coinsurance as patient responsibility, with the allowed amount) and denying the others for frequency (CO-151 with M86), plus a
 * claim the office never exported. `paid` chooses the claims paid by their index instead.
 */
export function responsesFor(text: string, interchange: number, options: { paid?: (claimIndex: number) => boolean } = {}): { ack: string; status: string; remit: string } {
  const isPaid = options.paid ?? ((i: number) => i === 0);
  const claims = claimsOf(text);
  const envelope = { ...RESPONSE_ENVELOPE, interchange };
  const groupControl = text.split('~')[1]!.split('*')[6]!;
  const ack = write999({ groupControl, transactionSets: [{ control: '0001', status: 'A' }] }, envelope);
  const status = write277CA(
    {
      payer: { name: 'SAMPLE PAYER', id: 'SAMPLEPAYER' },
      receiver: { name: 'SAMPLE SUBMITTER', id: 'SAMPLESUBMITTER' },
      billingProviderNpi: '1234567893',
      date: '2026-04-01',
      claims: claims.map((c) => ({ claimId: c.claimId, statuses: [{ category: 'A2', code: '20', entity: 'PR' }], action: 'WQ' as const, chargeCents: c.totalCents, serviceDate: c.dateOfService, lines: c.lines.map((l) => ({ procedure: { qualifier: 'HC', code: l.code, modifiers: l.modifiers }, chargeCents: l.cents, units: l.units, controlNumber: l.controlNumber, statuses: [{ category: 'A2', code: '20' }] })) })),
    },
    { ...envelope, interchange: interchange + 1 },
  );
  const remit = write835(
    {
      payer: { name: 'SAMPLE PAYER', id: 'SAMPLEPAYER' },
      payee: { name: 'SAMPLE BILLING PROVIDER', npi: '1234567893' },
      trace: `EFT${interchange}`,
      paymentDate: '2026-04-15',
      claims: [
        ...claims.map((c, i) => ({
          claimId: c.claimId,
          status: isPaid(i) ? '1' : '4',
          chargeCents: c.totalCents,
          paidCents: isPaid(i) ? c.totalCents - 3000 : 0,
          ...(isPaid(i) ? { patientResponsibilityCents: 2000 } : {}),
          payerClaimNumber: `PCN-${c.claimId}`,
          lines: c.lines.map((l, j) => ({
            procedure: { qualifier: 'HC', code: l.code, modifiers: l.modifiers },
            chargeCents: l.cents,
            paidCents: isPaid(i) ? l.cents - (j === 0 ? 3000 : 0) : 0,
            ...(isPaid(i) ? { allowedCents: l.cents - (j === 0 ? 1000 : 0) } : {}),
            units: l.units,
            serviceDate: c.dateOfService,
            controlNumber: l.controlNumber,
            adjustments: isPaid(i) ? (j === 0 ? [{ group: 'CO', reason: '45', cents: 1000 }, { group: 'PR', reason: '2', cents: 2000 }] : []) : [{ group: 'CO', reason: '151', cents: l.cents }],
            remarks: isPaid(i) ? [] : ['M86'],
          })),
        })),
        { claimId: 'NEVER-EXPORTED-1', status: '4', chargeCents: 5000, paidCents: 0, payerClaimNumber: 'PCN-X', lines: [{ procedure: { qualifier: 'HC', code: '77080', modifiers: [] }, chargeCents: 5000, paidCents: 0, units: 1, serviceDate: '2026-03-10', adjustments: [{ group: 'CO', reason: '50', cents: 5000 }], remarks: ['N115'] }] },
      ],
    },
    { ...envelope, interchange: interchange + 2 },
  );
  return { ack, status, remit };
}
