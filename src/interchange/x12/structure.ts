/**
 * The 837P structure: envelopes (ISA/GS/ST ... SE/GE/IEA with matching counts and control numbers, REFERENCE §9)
 * and the loops inside a transaction set (1000A/B, 2000A/B/C, 2010xx, 2300, 2310x, 2320/2330x, 2400, 2420x) from
 * the 005010X222A1 implementation guide. Each segment gets its loop, or a located problem when it is out of place.
 */
import { x12Problem, type X12Location, type X12Problem, type X12ProblemId } from './problems.js';
import type { RawSegment } from './tokenize.js';

/** Segment ids the 837P uses (envelopes, header, loops). Any other id is `x12.segment.unknown`. */
const KNOWN = new Set([
  'ISA', 'IEA', 'GS', 'GE', 'ST', 'SE', 'BHT', 'NM1', 'N2', 'N3', 'N4', 'PER', 'REF', 'HL', 'PRV', 'CUR', 'SBR', 'PAT',
  'DMG', 'CLM', 'DTP', 'PWK', 'CN1', 'AMT', 'K3', 'NTE', 'CR1', 'CR2', 'CRC', 'HI', 'HCP', 'CAS', 'OI', 'MOA', 'MIA',
  'LX', 'SV1', 'SV5', 'QTY', 'MEA', 'PS1', 'LIN', 'CTP', 'SVD', 'LQ', 'FRM', 'TS2', 'TS3',
]);
/** Segments that stay in whatever loop is open. */
const ANY_LOOP = new Set(['N2', 'N3', 'N4', 'PER', 'REF', 'PRV', 'CUR']);
/** 2300 segments (besides CLM, HI, DTP). */
const CLAIM_SEGMENTS = new Set(['PWK', 'CN1', 'AMT', 'K3', 'NTE', 'CR1', 'CR2', 'CRC', 'HCP']);
/** 2320 (other subscriber) segments. */
const OTHER_SUBSCRIBER_SEGMENTS = new Set(['CAS', 'OI', 'MOA', 'MIA']);
/** 2400 segments (besides LX, SV1, DTP). */
const LINE_SEGMENTS = new Set(['SV5', 'QTY', 'MEA', 'PS1', 'LIN', 'CTP', 'SVD', 'LQ', 'FRM', 'CN1', 'AMT', 'K3', 'NTE', 'PWK', 'CR1', 'CR2', 'CRC', 'HCP', 'CAS']);
const NM1_2310: Record<string, string> = { DN: '2310A', P3: '2310A', '82': '2310B', '77': '2310C', DQ: '2310D', PW: '2310E', '45': '2310F' };
const NM1_2330: Record<string, string> = { IL: '2330A', PR: '2330B', DN: '2330C', P3: '2330C', '82': '2330D', '77': '2330E', DQ: '2330F', '85': '2330G' };
const NM1_2420: Record<string, string> = { '82': '2420A', QB: '2420B', '77': '2420C', DQ: '2420D', DK: '2420E', DN: '2420F', P3: '2420F', PW: '2420G', '45': '2420H' };

/** Receives what the structure decides. */
export interface StructureSink {
  /** A segment inside a transaction set, with its loop. */
  segment(segment: RawSegment, loop: string): void;
  /** The claim being read is complete (next CLM, HL, SE, or the end). */
  closeClaim(): void;
  /** The claim being read cannot be completed (the transaction ends without SE); drop it. */
  dropClaim(reason: string, location: X12Location): void;
  problem(problem: X12Problem): void;
}

interface Transaction {
  control: string;
  number: number;
  loop: string;
  hlLevel: string;
  hlLevels: Map<string, string>;
  nextHl: number;
  claimOpen: boolean;
  inLine: boolean;
  lineHasService: boolean;
  otherSubscriber: boolean;
  lastLx: number;
  lineNumber: number;
}

/** Checks envelopes and loop order segment by segment. */
export class Structure {
  private interchange: { control: string; groups: number; number: number } | undefined;
  private group: { control: string; transactions: number; number: number } | undefined;
  private transaction: Transaction | undefined;
  private interchanges = 0;

  constructor(private readonly sink: StructureSink) {}

  private report(rule: X12ProblemId, message: string, segment: RawSegment, loop?: string, element?: string, fix?: string): void {
    const location: X12Location = { segment: segment.number, id: segment.id, offset: segment.offset };
    if (loop !== undefined) location.loop = loop;
    if (element !== undefined) location.element = element;
    this.sink.problem(x12Problem(rule, message, fix !== undefined ? { location, fix } : { location }));
  }

  /** Number of interchanges seen so far. */
  get interchangeCount(): number {
    return this.interchanges;
  }

  /** Routes one segment. */
  segment(segment: RawSegment): void {
    const el = segment.elements;
    switch (segment.id) {
      case 'ISA':
        if (this.interchange) {
          this.report('x12.segment.missing', 'a new ISA starts before the interchange was closed by IEA', segment, 'ISA');
          this.closeInterchange(segment);
        }
        this.interchange = { control: el[13] ?? '', groups: 0, number: segment.number };
        this.interchanges++;
        this.checkIsaValues(segment);
        return;
      case 'GS':
        if (!this.interchange) return this.report('x12.segment.order', 'GS outside an interchange (no ISA before it, or after IEA)', segment, 'GS');
        if (this.group) {
          this.report('x12.segment.missing', 'a new GS starts before the group was closed by GE', segment, 'GS');
          this.closeGroup(segment);
        }
        this.group = { control: el[6] ?? '', transactions: 0, number: segment.number };
        this.interchange.groups++;
        if (el[1] !== 'HC') this.report('x12.element.invalid', `GS01 is ${JSON.stringify(el[1] ?? '')}; a health care claim group is HC`, segment, 'GS', 'GS01');
        if (el[8]?.startsWith('004010')) return this.report('x12.version.4010', `GS08 is ${JSON.stringify(el[8])}: this is a HIPAA 4010 group, and dxacode reads the 837P in version 5010 (005010X222A1) only`, segment, 'GS', 'GS08', 'ask the sender for the file in version 5010');
        if (el[8] !== undefined && !el[8].startsWith('005010X222')) this.report('x12.element.invalid', `GS08 is ${JSON.stringify(el[8])}; the 837P version read here is 005010X222A1`, segment, 'GS', 'GS08');
        return;
      case 'ST':
        if (!this.group) return this.report('x12.segment.order', 'ST outside a functional group (no GS before it)', segment, 'ST');
        if (this.transaction) {
          this.report('x12.segment.missing', 'a new ST starts before the transaction set was closed by SE', segment, 'ST');
          this.closeTransaction(segment);
        }
        this.group.transactions++;
        this.transaction = { control: el[2] ?? '', number: segment.number, loop: 'ST', hlLevel: '', hlLevels: new Map(), nextHl: 1, claimOpen: false, inLine: false, lineHasService: false, otherSubscriber: false, lastLx: 0, lineNumber: 0 };
        if (el[1] !== '837') this.report('x12.element.invalid', `ST01 is ${JSON.stringify(el[1] ?? '')}; an 837 claim transaction set is 837`, segment, 'ST', 'ST01');
        return;
      case 'SE':
        return this.endTransaction(segment);
      case 'GE':
        return this.endGroup(segment);
      case 'IEA':
        return this.endInterchange(segment);
      default:
        if (!KNOWN.has(segment.id)) {
          const where = this.transaction?.loop;
          return this.report('x12.segment.unknown', `${segment.id} is not a segment of the 837P (005010X222A1)`, segment, where);
        }
        if (!this.transaction) {
          return this.report('x12.segment.order', `${segment.id} outside a transaction set (it belongs between ST and SE)`, segment);
        }
        return this.inTransaction(segment, this.transaction);
    }
  }

  private checkIsaValues(segment: RawSegment): void {
    const el = segment.elements;
    if (el[12] !== '00501') this.report('x12.isa.element', `ISA12 is ${JSON.stringify(el[12] ?? '')}; 005010X222A1 interchanges are version 00501`, segment, 'ISA', 'ISA12');
    if (!/^\d{9}$/.test(el[13] ?? '')) this.report('x12.isa.element', `ISA13 is ${JSON.stringify(el[13] ?? '')}; the control number is 9 digits`, segment, 'ISA', 'ISA13');
    if (el[15] !== 'P' && el[15] !== 'T') this.report('x12.isa.element', `ISA15 is ${JSON.stringify(el[15] ?? '')}; the usage indicator is P or T`, segment, 'ISA', 'ISA15');
  }

  private inTransaction(segment: RawSegment, t: Transaction): void {
    const id = segment.id;
    const el = segment.elements;
    const misplaced = (why: string) => this.report('x12.segment.order', `${id} ${why}`, segment, t.loop);
    let loop: string | undefined;
    if (segment.number === t.number + 1 && id !== 'BHT') {
      this.report('x12.segment.missing', `the transaction set has no BHT: ${id} follows ST`, segment, 'header', undefined, 'put BHT right after ST');
    }
    if (id === 'BHT') {
      if (segment.number !== t.number + 1) return misplaced('must follow ST directly');
      loop = 'header';
    } else if (id === 'HL') {
      loop = this.hierarchy(segment, t);
      if (loop === undefined) return;
    } else if (id === 'NM1') {
      loop = this.nameLoop(el[1] ?? '', t);
      if (loop === undefined) return misplaced(`with entity code ${JSON.stringify(el[1] ?? '')} does not belong in loop ${t.loop}`);
    } else if (id === 'CLM') {
      if (t.hlLevel !== '22' && t.hlLevel !== '23') return misplaced('before a subscriber or patient HL (2000B/2000C)');
      this.closeLine(t);
      if (t.claimOpen) this.sink.closeClaim();
      t.claimOpen = true;
      t.inLine = false;
      t.otherSubscriber = false;
      t.lastLx = 0;
      loop = '2300';
    } else if (id === 'HI') {
      if (!t.claimOpen || t.inLine || t.otherSubscriber) return misplaced(t.inLine ? 'inside a service line (2400); HI belongs to the claim (2300) before the first LX' : 'outside a claim (it belongs in 2300 after CLM)');
      loop = '2300';
    } else if (id === 'LX') {
      if (!t.claimOpen) return misplaced('outside a claim (it follows CLM)');
      this.closeLine(t);
      const n = Number(el[1]);
      if (n !== t.lastLx + 1) this.report('x12.element.invalid', `LX01 is ${JSON.stringify(el[1] ?? '')}; lines are numbered from 1 in order (expected ${t.lastLx + 1})`, segment, '2400', 'LX01');
      t.lastLx = Number.isInteger(n) && n > 0 ? n : t.lastLx + 1;
      t.inLine = true;
      t.lineHasService = false;
      t.lineNumber = segment.number;
      loop = '2400';
    } else if (id === 'SV1') {
      if (!t.inLine || t.loop !== '2400' || t.lineHasService) return misplaced('must follow LX directly (one SV1 per service line)');
      t.lineHasService = true;
      loop = '2400';
    } else if (id === 'DTP') {
      if (t.inLine && !t.lineHasService) return misplaced('comes before SV1 in the service line');
      if (!t.claimOpen && t.hlLevel === '') return misplaced('outside a claim');
      loop = t.inLine ? '2400' : t.claimOpen ? (t.otherSubscriber ? t.loop : '2300') : t.loop;
    } else if (id === 'SBR') {
      if (t.claimOpen && !t.inLine) {
        t.otherSubscriber = true;
        loop = '2320';
      } else if (!t.claimOpen && t.loop === '2000B') {
        loop = '2000B';
      } else return misplaced(t.inLine ? 'inside a service line' : 'must follow the subscriber HL (2000B)');
    } else if (id === 'PAT') {
      if (t.claimOpen || (t.loop !== '2000B' && t.loop !== '2000C')) return misplaced('must follow a subscriber or patient HL');
      loop = t.loop;
    } else if (id === 'DMG') {
      if (!['2010BA', '2010CA', '2330A'].includes(t.loop)) return misplaced('belongs to the subscriber (2010BA) or patient (2010CA) name loop');
      loop = t.loop;
    } else if (ANY_LOOP.has(id)) {
      if (t.loop === 'ST' || t.loop === 'header') return misplaced('comes before the submitter name (1000A)');
      loop = t.loop;
    } else if (OTHER_SUBSCRIBER_SEGMENTS.has(id) && t.otherSubscriber && !t.inLine) {
      loop = t.loop;
    } else if (LINE_SEGMENTS.has(id) && t.inLine) {
      if (!t.lineHasService) return misplaced('comes before SV1 in the service line');
      loop = t.loop;
    } else if (CLAIM_SEGMENTS.has(id) && t.claimOpen && !t.inLine) {
      loop = t.otherSubscriber ? t.loop : '2300';
    } else {
      return misplaced(`is not expected in loop ${t.loop}`);
    }
    t.loop = loop;
    this.sink.segment(segment, loop);
  }

  /** HL: numbering, parent and level; returns the loop it opens. */
  private hierarchy(segment: RawSegment, t: Transaction): string | undefined {
    const [, id = '', parent = '', level = ''] = segment.elements;
    this.closeLine(t);
    if (t.claimOpen) this.sink.closeClaim();
    t.claimOpen = false;
    t.inLine = false;
    t.otherSubscriber = false;
    if (id !== String(t.nextHl)) this.report('x12.element.invalid', `HL01 is ${JSON.stringify(id)}; HL ids count from 1 in order (expected ${t.nextHl})`, segment, 'HL', 'HL01');
    t.nextHl = (Number.isInteger(Number(id)) && Number(id) > 0 ? Number(id) : t.nextHl) + 1;
    const parentLevel = t.hlLevels.get(parent);
    const expectedParent: Record<string, string | undefined> = { '20': undefined, '22': '20', '23': '22' };
    if (!(level in expectedParent)) {
      this.report('x12.element.invalid', `HL03 is ${JSON.stringify(level)}; the 837P uses 20 (billing provider), 22 (subscriber) or 23 (patient)`, segment, 'HL', 'HL03');
      t.hlLevel = '';
      t.loop = 'HL';
      return undefined;
    }
    const want = expectedParent[level];
    if (want === undefined ? parent !== '' : parentLevel !== want) {
      const what = want === undefined ? 'no parent' : `a parent HL of level ${want}`;
      this.report('x12.segment.order', `HL ${id} (level ${level}) needs ${what}, but HL02 is ${JSON.stringify(parent)}`, segment, 'HL', 'HL02');
    }
    t.hlLevels.set(id, level);
    t.hlLevel = level;
    return level === '20' ? '2000A' : level === '22' ? '2000B' : '2000C';
  }

  /** The loop an NM1 opens, from its entity code and where we are. */
  private nameLoop(entity: string, t: Transaction): string | undefined {
    if (t.hlLevel === '') {
      if (entity === '41' && (t.loop === 'header' || t.loop === 'ST')) return '1000A';
      if (entity === '40' && (t.loop === '1000A' || t.loop === '1000B')) return '1000B';
      return undefined;
    }
    if (t.inLine) return NM1_2420[entity];
    if (t.claimOpen) return t.otherSubscriber ? NM1_2330[entity] : NM1_2310[entity];
    if (t.hlLevel === '20') return ({ '85': '2010AA', '87': '2010AB', PE: '2010AC' } as Record<string, string>)[entity];
    if (t.hlLevel === '22') return ({ IL: '2010BA', PR: '2010BB' } as Record<string, string>)[entity];
    return entity === 'QC' ? '2010CA' : undefined;
  }

  /** A service line must have its SV1 before the next LX, CLM, HL or SE. */
  private closeLine(t: Transaction): void {
    if (t.inLine && !t.lineHasService) {
      this.sink.problem(x12Problem('x12.segment.missing', `the service line that starts at segment ${t.lineNumber} (LX) has no SV1`, { location: { segment: t.lineNumber, id: 'LX', loop: '2400' } }));
    }
    t.inLine = false;
  }

  private endTransaction(segment: RawSegment): void {
    const t = this.transaction;
    if (!t) return this.report('x12.segment.order', 'SE without a transaction set (no ST before it)', segment, 'SE');
    this.closeLine(t);
    if (t.claimOpen) this.sink.closeClaim();
    const [, count = '', control = ''] = segment.elements;
    const counted = segment.number - t.number + 1;
    if (count !== String(counted)) this.report('x12.count.se', `SE01 is ${JSON.stringify(count)}, but the transaction set has ${counted} segments from ST to SE`, segment, 'SE', 'SE01', `set SE01 to ${counted}`);
    if (control !== t.control) this.report('x12.control.mismatch', `SE02 is ${JSON.stringify(control)}, but ST02 (segment ${t.number}) is ${JSON.stringify(t.control)}`, segment, 'SE', 'SE02');
    this.transaction = undefined;
  }

  private endGroup(segment: RawSegment): void {
    const g = this.group;
    if (!g) return this.report('x12.segment.order', 'GE without a functional group (no GS before it)', segment, 'GE');
    if (this.transaction) {
      this.report('x12.segment.missing', `GE comes before the transaction set ${JSON.stringify(this.transaction.control)} was closed by SE`, segment, 'GE');
      this.closeTransaction(segment);
    }
    const [, count = '', control = ''] = segment.elements;
    if (count !== String(g.transactions)) this.report('x12.count.ge', `GE01 is ${JSON.stringify(count)}, but the group has ${g.transactions} transaction set(s)`, segment, 'GE', 'GE01', `set GE01 to ${g.transactions}`);
    if (control !== g.control) this.report('x12.control.mismatch', `GE02 is ${JSON.stringify(control)}, but GS06 (segment ${g.number}) is ${JSON.stringify(g.control)}`, segment, 'GE', 'GE02');
    this.group = undefined;
  }

  private endInterchange(segment: RawSegment): void {
    const i = this.interchange;
    if (!i) return this.report('x12.segment.order', 'IEA without an interchange (no ISA before it)', segment, 'IEA');
    if (this.group) {
      this.report('x12.segment.missing', `IEA comes before the group ${JSON.stringify(this.group.control)} was closed by GE`, segment, 'IEA');
      this.closeGroup(segment);
    }
    const [, count = '', control = ''] = segment.elements;
    if (count !== String(i.groups)) this.report('x12.count.iea', `IEA01 is ${JSON.stringify(count)}, but the interchange has ${i.groups} functional group(s)`, segment, 'IEA', 'IEA01', `set IEA01 to ${i.groups}`);
    if (control !== i.control) this.report('x12.control.mismatch', `IEA02 is ${JSON.stringify(control)}, but ISA13 (segment ${i.number}) is ${JSON.stringify(i.control)}`, segment, 'IEA', 'IEA02');
    this.interchange = undefined;
  }

  /** A transaction set that never got its SE: its open claim cannot be trusted. */
  private closeTransaction(at: { number: number; offset: number }): void {
    const t = this.transaction;
    if (!t) return;
    if (t.claimOpen) this.sink.dropClaim('the transaction set ends without SE inside this claim', { segment: at.number, offset: at.offset });
    this.transaction = undefined;
  }

  private closeGroup(at: { number: number; offset: number }): void {
    this.closeTransaction(at);
    this.group = undefined;
  }

  private closeInterchange(at: { number: number; offset: number }): void {
    this.closeGroup(at);
    this.interchange = undefined;
  }

  /** End of input: whatever is still open was cut off. */
  end(lastSegment: number, offset: number): void {
    const open = this.transaction ? `SE (transaction set ${JSON.stringify(this.transaction.control)})` : this.group ? `GE (group ${JSON.stringify(this.group.control)})` : this.interchange ? 'IEA' : undefined;
    if (open !== undefined) {
      this.sink.problem(x12Problem('x12.truncated', `the file ends after segment ${lastSegment} without ${open}`, { location: { segment: lastSegment, offset } }));
      this.closeInterchange({ number: lastSegment, offset });
    } else if (this.interchanges === 0 && lastSegment > 0) {
      this.sink.problem(x12Problem('x12.truncated', 'no interchange was read', { location: { segment: lastSegment, offset } }));
    }
  }
}
