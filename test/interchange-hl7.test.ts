/**
 * HL7 v2 in (ORU^R01 results, ORM^O01 orders) and out (DFT^P03). DFT messages are re-parsed by the same library
 * the reader uses (Medplum's Hl7Message), field by field.
 */
import { readFileSync } from 'node:fs';
import { Hl7Message, type Hl7Segment } from '@medplum/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encounter } from '../src/contract/encounter.js';
import { check } from '../src/engine/check.js';
import {
  detectHl7Format,
  formatHl7Problem,
  hl7ToEncounters,
  splitSegments,
  toDftP03,
  type Hl7MessageOutcome,
  type DftOptions,
} from '../src/interchange/hl7/index.js';
import type { Knowledge } from '../src/knowledge/compile.js';
import { loadKnowledge } from '../src/io/knowledge-files.js';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

let knowledge: Knowledge;
beforeAll(() => {
  knowledge = loadKnowledge();
});

type ReadMessage = Extract<Hl7MessageOutcome, { ok: true }>;

function onlyEncounter(text: string): ReadMessage {
  const read = hl7ToEncounters(text);
  expect(read.problems).toEqual([]);
  expect(read.messages).toHaveLength(1);
  const message = read.messages[0]!;
  if (!message.ok) throw new Error(message.problems.map(formatHl7Problem).join('\n'));
  return message;
}

/** A component of one repetition of a field, as the library reads it ('' when absent). */
function component(segment: Hl7Segment, field: number, comp = 1, repetition = 0): string {
  return segment.getField(field)?.components[repetition]?.[comp - 1] ?? '';
}

const DFT: DftOptions = { controlId: 'DFT-000001', messageDateTime: '20260306120000-0500' };

describe('ORU^R01 in', () => {
  it('takes the medical record number only from the PID-3 repetition whose identifier type is MR (HL7 table 0203)', () => {
    const base = fixture('hl7-oru-r01-dxa-vfa.hl7');
    const withIds = (pid3: string) => onlyEncounter(base.replace('TST0000002^^^TESTMRN^MR', pid3));
    expect(withIds('111-22-3333^^^SSA^SS~MRN.77^^^TESTMRN^MR').encounter.patient.mrn).toBe('MRN.77');
    expect(withIds('111-22-3333^^^SSA^SS').encounter.patient.mrn).toBeUndefined();
    const odd = withIds('MRN 77^^^TESTMRN^MR');
    expect(odd.encounter.patient.mrn).toBeUndefined();
    expect(odd.problems.map((p) => p.location)).toContainEqual(expect.objectContaining({ field: 'PID-3' }));
  });

  it('reads the HL7-escaped report, PID, ordering provider and NM T-scores, and the check codes it from the report', () => {
    const message = onlyEncounter(fixture('hl7-oru-r01-dxa-vfa.hl7'));
    expect(message.problems).toEqual([]);
    const { encounter, details } = message;
    expect(encounter).toMatchObject({
      id: 'ORU-0001',
      dateOfService: '2026-03-05',
      patient: { sex: 'female', birthDate: '1944-06-11', mrn: 'TST0000002' },
      orderingProvider: { npi: '1234567893' },
      clinical: { tScoreLowest: -2.6 },
    });
    expect(encounter.diagnoses).toBeUndefined();
    // The OBX text reaches the extractor with its escapes: it undoes them and maps evidence back.
    expect(encounter.report).toContain('Lakeside Bone \\T\\ Joint Test Center\\.br\\DXA BONE DENSITY WITH VFA\\.br\\');
    expect(details).toMatchObject({
      messageType: 'ORU^R01',
      resultStatus: 'F',
      patient: { id: 'TST0000002', family: 'TESTCASE', given: 'BETA' },
      patientClass: 'O',
      procedures: [{ code: '77085', text: 'DXA BONE DENSITY AXIAL WITH VFA', system: 'C4' }],
      orderingProvider: { npi: '1234567893', family: 'TESTWELL', given: 'NORA' },
      performingProvider: { id: 'RAD0001', family: 'EXAMPLAR', given: 'OWEN' },
    });
    // The Z-score OBX is not a T-score.
    expect(details.tScores.map((t) => t.value)).toEqual([-2.6, -2.2, -1.8]);

    const result = check(encounter, knowledge);
    expect(result.recommended.lines).toEqual([{ code: '77085', modifiers: [], units: 1, diagnoses: ['M80.08XA'] }]);
    expect(result.recommended.diagnoses).toEqual(['M80.08XA']);
    const vfa = result.fromReport?.find((f) => f.value === 'vfa');
    expect(vfa).toBeDefined();
    expect(encounter.report!.slice(vfa!.evidence.start, vfa!.evidence.end)).toBe(vfa!.evidence.text);
  });

  it('reads the same message alike with CR, LF or CRLF terminators and with MLLP framing', () => {
    const cr = fixture('hl7-oru-r01-dxa-vfa.hl7');
    const expected = onlyEncounter(cr).encounter;
    const body = cr.replace(/\r$/, '');
    for (const variant of [body.replace(/\r/g, '\n'), body.replace(/\r/g, '\r\n') + '\r\n', `\u000b${body}\r\u001c\r`, `\n\n${body.replace(/\r/g, '\r\n\r\n')}\n`]) {
      expect(onlyEncounter(variant).encounter).toEqual(expected);
    }
  });

  it('reads a feed of several MLLP-framed messages: an order, a final result and a preliminary result', () => {
    const read = hl7ToEncounters(fixture('hl7-feed-mllp.hl7'));
    expect(read.problems).toEqual([]);
    expect(read.messages.map((m) => [m.message, m.ok])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    const [order, final, preliminary] = read.messages;
    expect(order!.problems).toEqual([
      expect.objectContaining({ rule: 'hl7.order-only', severity: 'info', location: expect.objectContaining({ message: 1, segment: 1, id: 'MSH', field: 'MSH-9', controlId: 'ORM-0001' }) }),
    ]);
    if (!final!.ok) throw new Error('expected the final result to be read');
    expect(final!.encounter).toMatchObject({ id: 'ORU-0002', dateOfService: '2026-04-08', diagnoses: ['M81.0'], clinical: { tScoreLowest: -2.6 } });
    // Several TX OBX segments are the report's lines.
    expect(final!.encounter.report!.split('\n')[0]).toBe('DXA BONE DENSITY');
    const result = check(final!.encounter, knowledge);
    expect(result.recommended.lines).toEqual([{ code: '77080', modifiers: [], units: 1, diagnoses: ['M81.0'] }]);

    expect(preliminary!.problems).toEqual([
      expect.objectContaining({
        rule: 'hl7.result.not-final',
        severity: 'error',
        location: expect.objectContaining({ message: 3, segment: 28, id: 'OBR', field: 'OBR-25', controlId: 'ORU-0003' }),
        expected: 'OBR-25 F (final) or C (corrected)',
      }),
    ]);
    expect(formatHl7Problem(preliminary!.problems[0]!)).toMatch(/^message 3, segment 28 \(OBR, OBR-25\) \[MSH-10 "ORU-0003"\]: the result status is "P": charge only from a final result/);
  });

  it('treats ORM^O01 as an order only: never an encounter, never a charge', () => {
    const read = hl7ToEncounters(fixture('hl7-orm-o01-dxa.hl7'));
    expect(read.messages).toHaveLength(1);
    const message = read.messages[0]!;
    expect(message.ok).toBe(false);
    expect(message).not.toHaveProperty('encounter');
    expect(message.problems.map((p) => p.rule)).toEqual(['hl7.order-only']);
    expect(message).toMatchObject({ controlId: 'ORM-0001', messageType: 'ORM^O01' });
  });

  it('honours the separators MSH-1 and MSH-2 declare, and hands the extractor standard escapes', () => {
    const text = [
      'MSH#*@!$#TESTRIS#TEST#DXACODE#TEST#202603061015##ORU*R01#ORU-0009#P#2.5.1',
      'PID#1##TST0000009####19440611#F',
      'OBR#1###77085*DXA*C4###202603050930#########1234567893*TESTWELL*NORA**********NPI#########F',
      `OBX#1#TX#DXAREPORT*DXA report text*L##${fixture('hl7-oru-r01-dxa-vfa.hl7').split('\r').find((s) => s.startsWith('OBX|1|TX'))!.split('|')[5]!.replace(/\\/g, '!')}######F`,
    ].join('\r');
    const { encounter } = onlyEncounter(text);
    expect(encounter).toMatchObject({ dateOfService: '2026-03-05', orderingProvider: { npi: '1234567893' } });
    expect(encounter.report).toContain('\\.br\\VFA: T4-L4 evaluated.');
    expect(check(encounter, knowledge).recommended.lines.map((l) => l.code)).toEqual(['77085']);
  });

  it('gives located problems for what it cannot read', () => {
    const oru = fixture('hl7-oru-r01-dxa-vfa.hl7');
    const rules = (text: string): string[] => {
      const read = hl7ToEncounters(text);
      return [...read.problems, ...read.messages.flatMap((m) => m.problems)].map((p) => p.rule);
    };
    expect(rules('')).toEqual(['hl7.empty']);
    expect(rules('\r\n\r\n')).toEqual(['hl7.empty']);
    expect(rules(`PID|1||X\r${oru}`)).toEqual(['hl7.outside-message']);
    expect(rules('MSH|^~|X')).toEqual(['hl7.msh.invalid']);
    expect(rules('MSH|^^\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1')).toEqual(['hl7.msh.invalid']);
    expect(rules(oru.replace(/\rPID\|[^\r]*/, ''))).toEqual(['hl7.segment.missing']);
    expect(rules(oru.replace(/\rOBX\|1\|TX\|[^\r]*/, ''))).toEqual(['hl7.report.missing']);
    expect(rules(oru.replace('|202603050930|', '||').replace(/\|202603050930\r/, '|\r'))).toEqual(['hl7.date.invalid']);
    expect(rules(oru.replace('ORU^R01^ORU_R01', 'ADT^A08'))).toEqual(['hl7.message.unsupported']);
    expect(rules(oru.replace('\rPV1|1|O', '\rpv1 bad segment'))).toEqual(['hl7.segment.malformed']);
    expect(rules(oru.replace('|19440611|F', '|1944|X').replace('|-2.2|', '|low|'))).toEqual(['hl7.value.invalid', 'hl7.value.invalid', 'hl7.value.invalid']);
    expect(rules(oru.replace('|F|||202603050930', '|D|||202603050930'))).toEqual(['hl7.obx.skipped', 'hl7.report.missing']);

    const read = hl7ToEncounters(oru.replace(/\|F\|\|\|\|\|\|\|RAD0001/, '|C||||||||RAD0001'));
    expect(read.messages[0]!.ok).toBe(true);
    const prelim = hl7ToEncounters(oru.replace(/\|F\|\|\|\|\|\|\|RAD0001/, '|P||||||||RAD0001'));
    expect(prelim.messages[0]!.problems[0]).toMatchObject({ rule: 'hl7.result.not-final', location: { segment: 5, field: 'OBR-25' } });
  });

  it('never throws, whatever bytes it is given', () => {
    const oru = fixture('hl7-feed-mllp.hl7');
    fc.assert(
      fc.property(fc.nat({ max: oru.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 8 }), (at, cut, insert) => {
        const mutated = oru.slice(0, at) + insert + oru.slice(Math.min(oru.length, at + cut));
        const read = hl7ToEncounters(mutated);
        // A message without an encounter always says why.
        for (const m of read.messages) expect(m.ok || m.problems.length > 0).toBe(true);
        for (const m of read.messages) if (m.ok) expect(m.encounter.report).toBeTypeOf('string');
      }),
      { numRuns: 400, seed: 4 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void hl7ToEncounters(`MSH|^~\\&|${text}`)), { numRuns: 200, seed: 4 });
  });
});

describe('DFT^P03 out', () => {
  it('writes one FT1 per recommended line that the same library parses back to the same codes', () => {
    const read = onlyEncounter(fixture('hl7-oru-r01-dxa-vfa.hl7'));
    // A reading group bills the interpretation: 77085-26.
    const encounter: Encounter = { ...read.encounter, component: 'professional' };
    const result = check(encounter, knowledge);
    expect(result.recommended.lines).toEqual([{ code: '77085', modifiers: ['26'], units: 1, diagnoses: ['M80.08XA'] }]);
    const written = toDftP03(encounter, result, {
      ...DFT,
      sendingFacility: 'LAKESIDE TEST CENTER',
      patient: read.details.patient,
      orderingProvider: read.details.orderingProvider,
      performingProvider: read.details.performingProvider,
      resultStatus: read.details.resultStatus,
    });
    if (!written.ok) throw new Error(written.problems.map(formatHl7Problem).join('\n'));
    expect(written.problems).toEqual([]);
    expect(written.message.endsWith('\r')).toBe(true);

    const parsed = Hl7Message.parse(written.message.replace(/\r$/, ''));
    expect(parsed.segments.map((s) => s.name)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'FT1']);
    const msh = parsed.header;
    expect([component(msh, 3), component(msh, 4), component(msh, 7), component(msh, 9, 1), component(msh, 9, 2), component(msh, 10), component(msh, 11), component(msh, 12)]).toEqual([
      'DXACODE', 'LAKESIDE TEST CENTER', '20260306120000-0500', 'DFT', 'P03', 'DFT-000001', 'P', '2.5.1',
    ]);
    const evn = parsed.getSegment('EVN')!;
    expect([component(evn, 1), component(evn, 2)]).toEqual(['P03', '20260306120000-0500']);
    const pid = parsed.getSegment('PID')!;
    expect([component(pid, 3), component(pid, 5, 1), component(pid, 5, 2), component(pid, 7), component(pid, 8)]).toEqual(['TST0000002', 'TESTCASE', 'BETA', '19440611', 'F']);
    expect(component(parsed.getSegment('PV1')!, 2)).toBe('O');

    const ft1 = parsed.getSegment('FT1')!;
    expect(component(ft1, 1)).toBe('1');
    expect(component(ft1, 4)).toBe('20260305');
    expect(component(ft1, 6)).toBe('CG');
    expect([component(ft1, 7, 1), component(ft1, 7, 3)]).toEqual(['77085', 'C4']);
    expect(component(ft1, 10)).toBe('1');
    expect([component(ft1, 19, 1), component(ft1, 19, 3)]).toEqual(['M80.08XA', 'I10']);
    expect([component(ft1, 20, 1), component(ft1, 20, 2), component(ft1, 20, 13)]).toEqual(['RAD0001', 'EXAMPLAR', '']);
    expect([component(ft1, 21, 1), component(ft1, 21, 2), component(ft1, 21, 13)]).toEqual(['1234567893', 'TESTWELL', 'NPI']);
    expect([component(ft1, 25, 1), component(ft1, 25, 3)]).toEqual(['77085', 'C4']);
    expect([component(ft1, 26, 1), component(ft1, 26, 3)]).toEqual(['26', 'CPTM']);
  });

  it('writes several lines with repeated diagnoses and modifiers, and HCPCS codes with their coding system', () => {
    const encounter: Encounter = {
      id: 'enc-dft-2',
      dateOfService: '2026-01-20',
      patient: { sex: 'female', birthDate: '1949-08-30' },
      orderingProvider: { npi: '1234567893', treating: true },
      diagnoses: ['M81.0', 'Z87.310'],
      performed: [{ procedure: 'dxa-axial', sites: ['lumbar-spine', 'left-hip'] }, { procedure: 'dxa-body-composition', sites: ['total-body'] }],
    };
    const result = check(encounter, knowledge);
    const written = toDftP03(encounter, result, { ...DFT, patient: { id: 'TST0000005', family: 'TEST & SON', given: 'EPSILON^X' } });
    if (!written.ok) throw new Error(written.problems.map(formatHl7Problem).join('\n'));
    const parsed = Hl7Message.parse(written.message);
    const ft1s = parsed.getAllSegments('FT1');
    expect(ft1s).toHaveLength(result.recommended.lines.length);
    ft1s.forEach((ft1, i) => {
      const line = result.recommended.lines[i]!;
      expect(component(ft1, 1)).toBe(String(i + 1));
      expect(component(ft1, 7)).toBe(line.code);
      expect(component(ft1, 25)).toBe(line.code);
      expect(component(ft1, 10)).toBe(String(line.units));
      expect((ft1.getField(19)?.components ?? []).map((rep) => rep[0])).toEqual(line.diagnoses);
      expect((ft1.getField(26)?.components ?? []).map((rep) => rep[0]).filter((m) => m !== '')).toEqual(line.modifiers);
      expect([component(ft1, 21, 1), component(ft1, 21, 13)]).toEqual(['1234567893', 'NPI']);
    });
    expect(component(ft1s[1]!, 26, 3)).toBe('HCPCS'); // GY is a HCPCS Level II modifier
    // Separators inside values are escaped, so the name survives a parse.
    expect(component(parsed.getSegment('PID')!, 5, 1)).toBe('TEST \\T\\ SON');
    expect(component(parsed.getSegment('PID')!, 5, 2)).toBe('EPSILON\\S\\X');

    const sexa: Encounter = { ...encounter, performed: [{ procedure: 'sexa-peripheral', sites: ['heel'] }] };
    const sexaDft = toDftP03(sexa, check(sexa, knowledge), { ...DFT, patient: { id: 'T', family: 'F' } });
    if (!sexaDft.ok) throw new Error('expected a DFT');
    const ft1 = Hl7Message.parse(sexaDft.message).getSegment('FT1')!;
    expect([component(ft1, 7, 1), component(ft1, 7, 3)]).toEqual(['G0130', 'HCPCS']);
  });

  it('charges only from a final, signed result; refuses rejected claims unless forced; checks its options', () => {
    const read = onlyEncounter(fixture('hl7-oru-r01-dxa-vfa.hl7'));
    const result = check(read.encounter, knowledge);
    const rule = (outcome: ReturnType<typeof toDftP03>): string[] => outcome.problems.map((p) => p.rule);

    for (const status of ['P', 'I', 'X', '']) {
      const outcome = toDftP03(read.encounter, result, { ...DFT, resultStatus: status, force: true });
      expect(outcome.ok, status).toBe(false);
      expect(rule(outcome)).toEqual(['hl7.write.not-final']);
    }
    expect(toDftP03(read.encounter, result, { ...DFT, resultStatus: 'C', patient: read.details.patient }).ok).toBe(true);

    const unsignedReport = read.encounter.report!.replace(/\\\.br\\\\\.br\\Electronically signed by [^\\]*$/, '');
    const unsigned: Encounter = { ...read.encounter, report: unsignedReport };
    const unsignedResult = check(unsigned, knowledge);
    expect(unsignedResult.findings.map((f) => f.rule)).toContain('doc.signature-missing');
    expect(rule(toDftP03(unsigned, unsignedResult, { ...DFT, force: true }))).toEqual(['hl7.write.unsigned']);

    const rejected: Encounter = { ...read.encounter, claim: { lines: [{ code: '77083' }] } };
    const rejectedResult = check(rejected, knowledge);
    expect(rejectedResult.verdict).toBe('reject');
    expect(rule(toDftP03(rejected, rejectedResult, DFT))).toEqual(['hl7.write.rejected']);
    const forced = toDftP03(rejected, rejectedResult, { ...DFT, force: true, patient: read.details.patient });
    expect(forced.ok).toBe(true);
    expect(rule(forced)).toEqual(['hl7.write.forced']);

    expect(rule(toDftP03(read.encounter, { ...result, recommended: { lines: [], diagnoses: [] } }, DFT))).toEqual(['hl7.write.no-lines']);
    expect(rule(toDftP03(read.encounter, result, { ...DFT, controlId: 'A|B' }))).toEqual(['hl7.write.option']);
    expect(rule(toDftP03(read.encounter, result, { ...DFT, controlId: 'X'.repeat(21) }))).toEqual(['hl7.write.option']);
    expect(rule(toDftP03(read.encounter, result, { ...DFT, messageDateTime: '2026-03-06T12:00' }))).toEqual(['hl7.write.option']);
    // Without patient id and name the message is written, with a warning that PID-3 and PID-5 are empty.
    const bare = toDftP03(read.encounter, result, DFT);
    expect(bare.ok).toBe(true);
    expect(rule(bare)).toEqual(['hl7.write.missing-field']);
  });

  it('round trip: ORU in, check, DFT out, read back by the HL7 reader as a non-result message', () => {
    const read = onlyEncounter(fixture('hl7-oru-r01-dxa-vfa.hl7'));
    const written = toDftP03(read.encounter, check(read.encounter, knowledge), { ...DFT, patient: read.details.patient });
    if (!written.ok) throw new Error('expected a DFT');
    const back = hl7ToEncounters(written.message);
    expect(back.messages[0]).toMatchObject({ ok: false, messageType: 'DFT^P03', controlId: 'DFT-000001' });
    expect(back.messages[0]!.problems.map((p) => p.rule)).toEqual(['hl7.message.unsupported']);
    expect(splitSegments(written.message).map((s) => s.text.slice(0, 3))).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'FT1']);
  });
});

describe('docs/fhir-hl7.md', () => {
  it('shows the DFT^P03 the writer gives for the ORU fixture', () => {
    const docs = readFileSync(new URL('../docs/fhir-hl7.md', import.meta.url), 'utf8');
    const shown = /writes messages like this one[\s\S]*?```\n([\s\S]*?)```/.exec(docs)?.[1];
    const read = onlyEncounter(fixture('hl7-oru-r01-dxa-vfa.hl7'));
    const encounter: Encounter = { ...read.encounter, component: 'professional' };
    const written = toDftP03(encounter, check(encounter, knowledge), {
      ...DFT,
      patient: read.details.patient,
      orderingProvider: read.details.orderingProvider,
      performingProvider: read.details.performingProvider,
      resultStatus: read.details.resultStatus,
    });
    if (!written.ok) throw new Error('expected a DFT');
    expect(shown).toBe(written.message.replace(/\r/g, '\n'));
  });
});

describe('format detection', () => {
  it('recognises HL7 v2 by MSH or the MLLP start block', () => {
    expect(detectHl7Format(fixture('hl7-oru-r01-dxa-vfa.hl7'))).toBe('hl7');
    expect(detectHl7Format(fixture('hl7-feed-mllp.hl7'))).toBe('hl7');
    expect(detectHl7Format('\r\n  MSH|^~\\&|')).toBe('hl7');
    expect(detectHl7Format('{"resourceType":"Bundle"}')).toBeUndefined();
    expect(detectHl7Format('ISA*00*')).toBeUndefined();
  });
});
