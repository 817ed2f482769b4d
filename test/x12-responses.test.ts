/**
 * The 999, 277CA and 835 readers (issue 12 §1): round trips from an 837P written by write837P, through responses
 * written for it, back through readResponses and the matcher to the billed claims and lines; the same files
 * through node-x12 (an independent parser used only here); strict and lenient located defects; chunked reading.
 */
import fc from 'fast-check';
import { X12Parser } from 'node-x12';
import { describe, expect, it } from 'vitest';
import {
  ACK_999_PROBLEMS,
  matchClaim,
  matchLines,
  matchTransactionSet,
  readResponses,
  readResponsesText,
  REMIT_835_PROBLEMS,
  STATUS_277_PROBLEMS,
  X12_PROBLEMS,
  type ExportedClaim,
  type ResponseItem,
  type Written837P,
} from '../src/interchange/x12/index.js';
import { ack999For, exported837P, remit835For, status277For } from './x12-responses-helpers.js';

const written = exported837P();

/** The exported claims as the store keeps them. */
function exportedClaims(w: Written837P, exportedAt = '2026-11-27T09:30:00.000Z'): ExportedClaim[] {
  const interchange = w.text.split('\n')[0]!.split('*')[13]!;
  return w.claims.map((c) => ({
    id: `x-${interchange}-${c.ordinal}`,
    encounterId: `enc-${c.ordinal}`,
    claimId: c.claimId,
    interchange,
    groupControl: String(Number(interchange)),
    transactionControl: c.transaction,
    totalCents: c.totalCents,
    dateOfService: c.dateOfService,
    exportedAt,
    lines: c.lineItems.map((l, i) => ({ line: i + 1, controlNumber: l.controlNumber, code: l.code, modifiers: l.modifiers, units: l.units, cents: l.cents })),
  }));
}

const of = <K extends ResponseItem['kind']>(items: ResponseItem[], kind: K) => items.filter((i): i is Extract<ResponseItem, { kind: K }> => i.kind === kind);

/** node-x12's segments of a file, as tag and element values. */
function nodeX12Segments(text: string): { tag: string; values: string[] }[] {
  const parser = new X12Parser(true);
  const interchange = parser.parse(text) as unknown as { functionalGroups: { transactions: { segments: { tag: string; elements: { value: string }[] }[] }[] }[] };
  expect(parser.diagnostics.filter((d: { severity: number }) => d.severity === 0)).toEqual([]);
  return interchange.functionalGroups.flatMap((g) => g.transactions.flatMap((t) => t.segments.map((s) => ({ tag: s.tag, values: s.elements.map((e) => e.value) }))));
}

describe('999 implementation acknowledgment (005010X231A1)', () => {
  const text = ack999For(written);
  const items = readResponsesText(text);

  it('reads each acknowledged transaction set with its status, segment and element errors, and the group', () => {
    expect(of(items, 'problem')).toEqual([]);
    const [set] = of(items, '999-transaction');
    expect(set!.ack).toMatchObject({ functionalId: 'HC', groupControl: '7', transactionSet: '837', transactionControl: '0001', status: 'E', envelope: { interchangeControl: '000000101' } });
    expect(set!.ack.segmentErrors).toEqual([{ segmentId: 'NM1', position: 27, loop: '2010BA', code: '8', claimId: 'CLAIM00002', elements: [{ position: '9', reference: '67', code: '6', badValue: 'MBR2' }] }]);
    expect(of(items, '999-group')[0]!.group).toMatchObject({ status: 'E', included: 1, received: 1, accepted: 1, transactionSets: 1, groupControl: '7' });
  });

  it('matches the acknowledged transaction set to the claims it carried', () => {
    const set = of(items, '999-transaction')[0]!.ack;
    const match = matchTransactionSet(set.groupControl, set.transactionControl, exportedClaims(written));
    expect('claims' in match && match.claims.map((c) => c.claimId)).toEqual(['CLAIM00001', 'CLAIM00002']);
    expect(matchTransactionSet('8', '0001', exportedClaims(written))).toEqual({ reason: expect.stringMatching(/no 837P exported from this organisation has group control number "8"/) });
    expect(matchTransactionSet('7', '0002', exportedClaims(written))).toEqual({ reason: expect.stringMatching(/has no transaction set "0002" \(it has 0001\)/) });
  });

  it('agrees with node-x12 on every AK2, IK3, IK4 and IK5', () => {
    const segments = nodeX12Segments(text);
    expect(segments.filter((s) => s.tag === 'AK2').map((s) => s.values[1])).toEqual(['0001']);
    expect(segments.find((s) => s.tag === 'IK5')!.values[0]).toBe('E');
    expect(segments.find((s) => s.tag === 'IK4')!.values).toEqual(['9', '67', '6', 'MBR2']);
    expect(segments.find((s) => s.tag === 'AK1')!.values[1]).toBe('7');
  });

  it('reports an AK2 without IK5 and an IK4 before IK3, located, and goes on in lenient mode', () => {
    const broken = text.replace('IK5*E~\n', '').replace('IK3*NM1*27*2010BA*8~\n', '').replace(/SE\*\d+\*0001/, 'SE*7*0001');
    const strict = readResponsesText(broken, { mode: 'strict' });
    expect(of(strict, 'problem').map((p) => `${p.problem.rule}@${p.problem.location?.segment}`)).toEqual(['x12.999.segment.order@6']);
    const lenient = readResponsesText(broken, { mode: 'lenient' });
    expect(of(lenient, 'problem').map((p) => `${p.problem.rule}@${p.problem.location?.segment}:${p.problem.location?.id}`)).toEqual(['x12.999.segment.order@6:CTX', 'x12.999.segment.order@7:IK4', 'x12.999.segment.missing@8:AK9', 'x12.999.count@8:AK9']);
    expect(of(lenient, '999-group')).toHaveLength(1);
  });
});

describe('277CA claim acknowledgment (005010X214)', () => {
  const text = status277For(written);
  const items = readResponsesText(text);

  it('reads each claim with its statuses, charge, payer claim number and lines with their REF*FJ', () => {
    expect(of(items, 'problem')).toEqual([]);
    const claims = of(items, '277ca-claim').map((i) => i.status);
    expect(claims.map((c) => [c.claimId, c.statuses.map((s) => `${s.category}:${s.code}`).join(' '), c.action, c.chargeCents, c.payerClaimNumber])).toEqual([
      ['CLAIM00001', 'A2:20', 'WQ', 12550, 'PCN1'],
      ['CLAIM00002', 'A7:21 A7:164', 'U', 14000, 'PCN2'],
    ]);
    expect(claims[1]!.lines.map((l) => [l.controlNumber, l.procedure?.code, l.chargeCents, l.units])).toEqual([
      ['000000007-2-1', '77081', 6000, 1],
      ['000000007-2-2', '76977', 8000, 2],
    ]);
    expect(of(items, '277ca-batch').map((b) => [b.status.level, b.status.acceptedQuantity, b.status.rejectedQuantity, b.status.acceptedCents, b.status.rejectedCents])).toEqual([
      ['receiver', 1, 1, 12550, 14000],
      ['provider', 1, 1, 12550, 14000],
    ]);
  });

  it('matches each claim and line to the export that carried it', () => {
    const exported = exportedClaims(written);
    for (const { status } of of(items, '277ca-claim')) {
      const match = matchClaim({ claimId: status.claimId, chargeCents: status.chargeCents, lineControlNumbers: status.lines.flatMap((l) => (l.controlNumber ? [l.controlNumber] : [])) }, exported);
      expect(match).toMatchObject({ claim: { claimId: status.claimId }, method: 'line-control-number' });
      expect(matchLines(status.lines, match.claim!).map((m) => m.line?.line)).toEqual(status.lines.map((_l, i) => i + 1));
    }
  });

  it('agrees with node-x12 on every claim trace and status', () => {
    const segments = nodeX12Segments(text);
    const traces = segments.filter((s, i) => s.tag === 'TRN' && segments[i - 2]?.tag === 'HL' && segments[i - 2]!.values[2] === 'PT').map((s) => s.values[1]);
    expect(traces).toEqual(['CLAIM00001', 'CLAIM00002']);
    expect(segments.filter((s) => s.tag === 'REF' && s.values[0] === 'FJ').map((s) => s.values[1])).toEqual(['000000007-1-1', '000000007-2-1', '000000007-2-2']);
  });

  it('reports a claim without STC and a bad HL level, located with the claim', () => {
    const broken = text.replace('STC*A2:20:PR*20261129*WQ*125.5~\n', '').replace('HL*5*3*PT~', 'HL*5*3*XX~').replace(/SE\*(\d+)\*0001/, (_m, n: string) => `SE*${Number(n) - 1}*0001`);
    const lenient = readResponsesText(broken, { mode: 'lenient' });
    expect(of(lenient, 'problem').map((p) => [p.problem.rule, p.problem.location?.segment, p.problem.location?.id, p.problem.location?.claimId])).toEqual([
      ['x12.277ca.segment.missing', 28, 'TRN', 'CLAIM00001'],
      ['x12.277ca.element.invalid', 35, 'HL', undefined],
    ]);
    expect(of(lenient, '277ca-claim')).toEqual([]);
  });
});

describe('835 remittance advice (005010X221A1)', () => {
  const text = remit835For(written);
  const items = readResponsesText(text);

  it('reads the payment, each claim with status, amounts, CAS, remarks and lines, and the PLB', () => {
    expect(of(items, 'problem')).toEqual([]);
    expect(of(items, '835-remittance')[0]!.remittance).toMatchObject({ handling: 'I', paymentCents: 12550 - 3050 - 1900 - 500, method: 'ACH', trace: 'EFT000123', paymentDate: '2026-12-10', payerName: 'TEST MEDICARE CONTRACTOR', payerId: 'TESTMCR01', payeeIdQualifier: 'XX', payeeId: '1234567893' });
    const [paid, denied] = of(items, '835-claim').map((i) => i.payment);
    expect(paid).toMatchObject({ claimId: 'CLAIM00001', status: '1', chargeCents: 12550, paidCents: 7600, patientResponsibilityCents: 1900, payerClaimNumber: 'PCN1', paymentTrace: 'EFT000123' });
    expect(paid!.lines[0]).toMatchObject({ controlNumber: '000000007-1-1', allowedCents: 9500, paidCents: 7600, adjustments: [{ group: 'CO', reason: '45', cents: 3050 }, { group: 'PR', reason: '2', cents: 1900 }] });
    expect(denied).toMatchObject({ claimId: 'CLAIM00002', status: '4', paidCents: 0, remarks: [{ code: 'N130', source: 'MOA' }] });
    expect(denied!.lines.map((l) => [l.procedure?.code, l.procedure?.modifiers.join(':'), l.controlNumber, l.adjustments.map((a) => `${a.group}-${a.reason} ${a.cents}`).join(), l.remarks.map((r) => r.code).join()])).toEqual([
      ['77081', '', '000000007-2-1', 'CO-151 6000', 'M86'],
      ['76977', 'GA:XU', undefined, 'CO-50 8000', 'N115'],
    ]);
    expect(of(items, '835-provider-adjustment')[0]!.adjustment).toMatchObject({ providerId: '1234567893', fiscalPeriodDate: '2026-12-31', adjustments: [{ reason: 'WO', reference: 'OVERPAY1', cents: 500 }] });
  });

  it('matches service lines to billed lines by REF*6R, else by code, modifiers and date', () => {
    const exported = exportedClaims(written);
    const denied = of(items, '835-claim')[1]!.payment;
    const match = matchClaim({ claimId: denied.claimId, chargeCents: denied.chargeCents, lineControlNumbers: ['000000007-2-1'] }, exported);
    expect(match).toMatchObject({ claim: { claimId: 'CLAIM00002' }, method: 'line-control-number' });
    expect(matchLines(denied.lines, match.claim!)).toEqual([
      { line: expect.objectContaining({ line: 1, code: '77081' }), method: 'control-number' },
      { line: expect.objectContaining({ line: 2, code: '76977' }), method: 'code-date' },
    ]);
  });

  it('without any REF*6R, matches by claim id and total, then lines by code and date; says why a line does not match', () => {
    const bare = readResponsesText(remit835For(written, { withoutControlNumbers: true }));
    const denied = of(bare, '835-claim')[1]!.payment;
    const exported = exportedClaims(written);
    const match = matchClaim({ claimId: denied.claimId, chargeCents: denied.chargeCents, lineControlNumbers: [] }, exported);
    expect(match).toMatchObject({ claim: { claimId: 'CLAIM00002' }, method: 'claim-id' });
    expect(matchLines(denied.lines, match.claim!).map((m) => m.line?.line)).toEqual([1, 2]);
    expect(matchLines([{ procedure: { qualifier: 'HC', code: '77080', modifiers: [] } }], match.claim!)).toEqual([{ reason: 'no billed line of claim "CLAIM00002" is 77080 (billed: 77081, 76977-GA-XU)' }]);
    expect(matchLines([{ procedure: { qualifier: 'HC', code: '77081', modifiers: [] }, serviceDate: '2026-03-01' }], match.claim!)).toEqual([{ reason: 'no billed line on 2026-03-01: claim "CLAIM00002" was billed for 2026-02-03' }]);
  });

  it('says plainly why a claim cannot be matched, and which export it takes when the claim was exported twice', () => {
    const exported = exportedClaims(written);
    expect(matchClaim({ claimId: 'CLAIM09999', lineControlNumbers: [] }, exported)).toEqual({ reason: 'no exported claim has claim id "CLAIM09999" in this organisation (only claims exported from the store through the API or the page are kept: dxacode claim keeps nothing it writes)' });
    expect(matchClaim({ claimId: 'CLAIM00001', chargeCents: 99, lineControlNumbers: [] }, exported)).toEqual({ reason: 'claim "CLAIM00001" was exported, but its charge 0.99 differs from every export (125.50)' });
    const again = exportedClaims(exported837P(8), '2026-11-30T10:00:00.000Z');
    const twice = matchClaim({ claimId: 'CLAIM00001', chargeCents: 12550, lineControlNumbers: [] }, [...exported, ...again]);
    expect(twice).toMatchObject({ claim: { interchange: '000000008' }, method: 'claim-id-latest', note: expect.stringMatching(/exported 2 times; .* the latest export \(interchange 000000008\)/) });
    // The line item control numbers name the earlier export exactly.
    expect(matchClaim({ claimId: 'CLAIM00001', chargeCents: 12550, lineControlNumbers: ['000000007-1-1'] }, [...exported, ...again])).toMatchObject({ claim: { interchange: '000000007' }, method: 'line-control-number' });
  });

  it('agrees with node-x12 on every CLP, SVC, CAS and REF*6R', () => {
    const segments = nodeX12Segments(text);
    expect(segments.filter((s) => s.tag === 'CLP').map((s) => s.values.slice(0, 5))).toEqual([
      ['CLAIM00001', '1', '125.5', '76', '19'],
      ['CLAIM00002', '4', '140', '0', '0'],
    ]);
    expect(segments.filter((s) => s.tag === 'CAS').map((s) => s.values.slice(0, 3).join('-'))).toEqual(['CO-45-30.5', 'PR-2-19', 'CO-151-60', 'CO-50-80']);
    expect(segments.filter((s) => s.tag === 'REF' && s.values[0] === '6R').map((s) => s.values[1])).toEqual(['000000007-1-1', '000000007-2-1']);
    const bpr = segments.find((s) => s.tag === 'BPR')!;
    expect(bpr.values[1]).toBe('71');
  });

  it('warns when a line, a claim or the payment does not balance, and names the amounts', () => {
    const off = text.replace('SVC*HC:77080:26*125.5*76', 'SVC*HC:77080:26*125.5*77').replace('BPR*I*71*', 'BPR*I*70*');
    const problems = of(readResponsesText(off, { mode: 'strict' }), 'problem').map((p) => p.problem);
    expect(problems.map((p) => [p.rule, p.severity, p.location?.element])).toEqual([
      ['x12.835.balance.line', 'warning', 'SVC03'],
      ['x12.835.balance.payment', 'warning', 'BPR02'],
    ]);
    expect(problems[0]!.message).toBe('SVC03 paid 77, but SVC02 125.5 minus its adjustments 49.5 is 76');
  });

  it('reports an unknown group code, a CAS before CLP and a bad CLP02, located with the claim, and stops at the first in strict mode', () => {
    const broken = text.replace('CAS*CO*151*60', 'CAS*XX*151*60').replace('CLP*CLAIM00002*4*', 'CLP*CLAIM00002*9*');
    const strict = of(readResponsesText(broken, { mode: 'strict' }), 'problem').map((p) => p.problem);
    expect(strict).toHaveLength(1);
    expect(strict[0]).toMatchObject({ rule: 'x12.835.element.invalid', location: { id: 'CLP', element: 'CLP02', loop: '2100', claimId: 'CLAIM00002' } });
    const lenient = of(readResponsesText(broken, { mode: 'lenient' }), 'problem').map((p) => `${p.problem.rule} ${p.problem.location?.element}`);
    expect(lenient).toEqual(['x12.835.element.invalid CLP02', 'x12.835.element.invalid CAS01']);
  });

  it('reads the same items from chunks of any size as from the whole text', async () => {
    for (const size of [1, 13, 4096]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      const streamed: ResponseItem[] = [];
      for await (const item of readResponses(chunks)) streamed.push(item);
      expect(streamed).toEqual(items);
    }
  });

  it('reads a 999, a 277CA and an 835 in one file, each group by its own GS01', () => {
    const all = readResponsesText(`${ack999For(written)}${status277For(written)}${text}`, { mode: 'lenient' });
    expect(of(all, 'problem').map((p) => p.problem.rule)).toEqual(['x12.tolerated.several-interchanges']);
    expect(all.filter((i) => i.kind !== 'problem').map((i) => i.kind)).toEqual(['999-transaction', '999-group', '277ca-batch', '277ca-batch', '277ca-claim', '277ca-claim', '835-remittance', '835-claim', '835-claim', '835-provider-adjustment']);
  });

  it('refuses an 837P given as a response, and a 4010 835, in one line', () => {
    const as837 = of(readResponsesText(written.text, { mode: 'strict' }), 'problem').map((p) => p.problem);
    expect(as837[0]).toMatchObject({ rule: 'x12.element.invalid', location: { element: 'GS01' } });
    expect(as837[0]!.message).toMatch(/dxacode reads 999 \(GS01 FA\), 277CA \(HN\) and 835 \(HP\) groups here/);
    const old = of(readResponsesText(text.replace('*00501*', '*00401*'), { mode: 'lenient' }), 'problem').map((p) => p.problem.rule);
    expect(old).toEqual(['x12.version.4010']);
  });
});

describe('never a crash, never a hang: mutated 999, 277CA and 835 files', () => {
  const FILES = [ack999For(written), status277For(written), remit835For(written)];
  const KNOWN = new Set<string>([...Object.keys(X12_PROBLEMS), ...Object.keys(ACK_999_PROBLEMS), ...Object.keys(STATUS_277_PROBLEMS), ...Object.keys(REMIT_835_PROBLEMS)]);
  const edit = fc.record({ file: fc.integer({ min: 0, max: 2 }), cuts: fc.array(fc.record({ at: fc.integer({ min: 0, max: 3000 }), drop: fc.integer({ min: 0, max: 40 }), insert: fc.string({ unit: 'binary', maxLength: 12 }) }), { minLength: 1, maxLength: 4 }) });

  it('reads any mutation to items and catalogued, located problems, alike whole and in chunks', async () => {
    await fc.assert(
      fc.asyncProperty(edit, fc.constantFrom('strict' as const, 'lenient' as const), fc.integer({ min: 1, max: 97 }), async ({ file, cuts }, mode, size) => {
        let text = FILES[file]!;
        for (const c of cuts) text = text.slice(0, c.at) + c.insert + text.slice(c.at + c.drop);
        const whole = readResponsesText(text, { mode });
        for (const item of whole) if (item.kind === 'problem') expect(KNOWN.has(item.problem.rule), item.problem.rule).toBe(true);
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
        const streamed: ResponseItem[] = [];
        for await (const item of readResponses(chunks, { mode })) streamed.push(item);
        expect(streamed).toEqual(whole);
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });
});
