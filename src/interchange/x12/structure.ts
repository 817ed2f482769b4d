/**
 * The 837P structure: the envelopes (envelope.ts) and the loops inside a transaction set (1000A/B, 2000A/B/C, 2010xx,
 * 2300, 2310x, 2320/2330x, 2400, 2420x) from the 005010X222A1 implementation guide. Each segment gets its loop, or
 * a located problem when it is out of place.
 */
import { Envelope, type SegmentPlace, type TransactionBody, type TransactionKind } from './envelope.js';
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

interface Transaction837 {
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

type Report = (rule: X12ProblemId, message: string, segment: RawSegment, loop?: string, element?: string, fix?: string) => void;

/** The loops of one 837P transaction set, segment by segment. */
class ClaimTransaction implements TransactionBody {
  private readonly t: Transaction837;

  constructor(
    st: RawSegment,
    private readonly sink: StructureSink,
    private readonly report: Report,
  ) {
    this.t = { number: st.number, loop: 'ST', hlLevel: '', hlLevels: new Map(), nextHl: 1, claimOpen: false, inLine: false, lineHasService: false, otherSubscriber: false, lastLx: 0, lineNumber: 0 };
  }

  get loop(): string {
    return this.t.loop;
  }

  /** One segment between ST and SE: its loop, or a problem. */
  segment(segment: RawSegment): void {
    const t = this.t;
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
  private hierarchy(segment: RawSegment, t: Transaction837): string | undefined {
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
  private nameLoop(entity: string, t: Transaction837): string | undefined {
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
  private closeLine(t: Transaction837): void {
    if (t.inLine && !t.lineHasService) {
      this.sink.problem(x12Problem('x12.segment.missing', `the service line that starts at segment ${t.lineNumber} (LX) has no SV1`, { location: { segment: t.lineNumber, id: 'LX', loop: '2400' } }));
    }
    t.inLine = false;
  }

  /** SE closes the open line and claim; a set cut off before SE drops its open claim, which cannot be trusted. */
  end(complete: boolean, at: SegmentPlace): void {
    if (!complete) {
      if (this.t.claimOpen) this.sink.dropClaim('the transaction set ends without SE inside this claim', { segment: at.number, offset: at.offset });
      return;
    }
    this.closeLine(this.t);
    if (this.t.claimOpen) this.sink.closeClaim();
  }
}

/** The 837P as a transaction set an envelope reads. */
function claimKind(sink: StructureSink, report: Report): TransactionKind {
  return {
    set: '837',
    functionalId: 'HC',
    guide: '005010X222A1',
    guidePrefix: '005010X222',
    name: '837P',
    setLabel: 'an 837 claim transaction set is 837',
    segments: KNOWN,
    open: (context) => new ClaimTransaction(context.st, sink, report),
  };
}

/** Checks envelopes and 837P loop order segment by segment. */
export class Structure {
  private readonly envelope: Envelope;

  constructor(sink: StructureSink) {
    const report: Report = (...args) => this.envelope.report(...args);
    this.envelope = new Envelope({ kinds: [claimKind(sink, report)], groupLabel: 'a health care claim group is HC', versionLabel: '005010X222A1 interchanges are version 00501' }, (problem) => sink.problem(problem));
  }

  /** Number of interchanges seen so far. */
  get interchangeCount(): number {
    return this.envelope.interchangeCount;
  }

  /** Routes one segment. */
  segment(segment: RawSegment): void {
    this.envelope.segment(segment);
  }

  /** End of input: whatever is still open was cut off. */
  end(lastSegment: number, offset: number): void {
    this.envelope.end(lastSegment, offset);
  }
}
