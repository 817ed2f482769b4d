/**
 * Payer packs compiled for the per-encounter path: each version's rules indexed by the code they apply to, its
 * conditions' diagnosis lists split into exact codes and prefixes, and the versions of every payer ordered so that
 * the version in force on a date of service is one scan of a short list. Runs once at load; pure.
 */
import { isWithin } from '../contract/dates.js';
import { KnowledgeError } from './errors.js';
import type { NumberTest, PackCondition, PackCriterion, PackRule, PayerPack } from './schema.js';

/** A condition with its diagnosis list split for look-up and its clinical tests listed once. */
export interface CompiledCondition {
  condition: PackCondition;
  exactDiagnoses: ReadonlySet<string> | undefined;
  diagnosisPrefixes: readonly string[] | undefined;
  /** The clinical facts tested: a number test, or the yes/no value wanted. */
  clinicalTests: readonly [fact: string, test: NumberTest | boolean][];
}

/** A criterion or exception, compiled. */
export interface CompiledCriterion extends CompiledCondition {
  criterion: PackCriterion;
}

/** One rule, compiled. */
export interface CompiledRule {
  rule: PackRule;
  when: CompiledCondition | undefined;
  /** Coverage criteria, or a frequency rule's exceptions. */
  criteria: CompiledCriterion[];
  /** Frequency: the history codes that count as the same service. */
  sameService: ReadonlySet<string>;
}

/** One version of one payer's pack, compiled. */
export interface CompiledPack {
  pack: PayerPack;
  /** Where it came from: a file name, or the knowledge version id of an upload. */
  origin: string;
  /** The rules that apply to a code, in pack order. */
  rulesByCode: ReadonlyMap<string, readonly CompiledRule[]>;
  /** What `PackIndex.on` answers for this version, built once so that the per-check look-up allocates nothing. */
  readonly found: { found: 'pack'; pack: CompiledPack };
}

/** What the date of service finds for a payer id. */
export type PackLookup =
  | { found: 'pack'; pack: CompiledPack }
  /** The payer has packs, none in force on the date: their periods, for the message. */
  | { found: 'out-of-period'; periods: { version: string; effective: string; end: string | null }[] }
  | { found: 'unknown' };

/**
 * The condition with every test present (undefined when not set), in the schema's order. Every rule's conditions,
 * of every pack, are read by one function (evaluateCondition); as parsed they had a shape per combination of tests.
 */
function uniformCondition(c: PackCondition): PackCondition {
  return {
    screening: c.screening,
    withScreeningCode: c.withScreeningCode,
    withoutBoneDensityStudy: c.withoutBoneDensityStudy,
    ageUnder: c.ageUnder,
    ageAtLeast: c.ageAtLeast,
    ageAtMost: c.ageAtMost,
    sex: c.sex,
    diagnoses: c.diagnoses,
    clinical: c.clinical,
    notAnInput: c.notAnInput,
  };
}

/** Splits a condition's diagnosis patterns into exact codes and prefixes (a trailing `-`). */
export function compileCondition(condition: PackCondition): CompiledCondition {
  const patterns = condition.diagnoses;
  return {
    condition: uniformCondition(condition),
    exactDiagnoses: patterns ? new Set(patterns.filter((p) => !p.endsWith('-'))) : undefined,
    diagnosisPrefixes: patterns ? patterns.filter((p) => p.endsWith('-')).map((p) => p.slice(0, -1)) : undefined,
    clinicalTests: Object.entries(condition.clinical ?? {}).filter((e): e is [string, NumberTest | boolean] => e[1] !== undefined),
  };
}

/**
 * Compiles one pack version. `isKnownCode` says whether a CPT/HCPCS code is in the code table: a rule naming another
 * code is refused (KnowledgeError), because it could never match a line dxacode codes or checks.
 */
export function compilePack(pack: PayerPack, origin: string, isKnownCode: (code: string) => boolean): CompiledPack {
  const rulesByCode = new Map<string, CompiledRule[]>();
  const ids = new Set<string>();
  for (const rule of pack.rules) {
    if (ids.has(rule.id)) throw new KnowledgeError(`payer pack ${pack.id} (${origin}): rule id ${rule.id} is used twice`);
    ids.add(rule.id);
    const sameService = rule.kind === 'frequency' ? (rule.sameService ?? rule.codes) : [];
    for (const code of [...rule.codes, ...sameService]) {
      if (!isKnownCode(code)) throw new KnowledgeError(`payer pack ${pack.id} (${origin}): rule ${rule.id}: code ${code} is not in the codes table`);
    }
    const criteria = rule.kind === 'coverage' ? rule.criteria : rule.kind === 'frequency' ? (rule.exceptions ?? []) : [];
    const compiled: CompiledRule = {
      rule,
      when: rule.when ? compileCondition(rule.when) : undefined,
      criteria: criteria.map((criterion) => ({ ...compileCondition(criterion), criterion })),
      sameService: new Set(sameService),
    };
    for (const code of new Set(rule.codes)) {
      const list = rulesByCode.get(code) ?? [];
      list.push(compiled);
      rulesByCode.set(code, list);
    }
  }
  const found: { found: 'pack'; pack: CompiledPack } = { found: 'pack', pack: undefined as unknown as CompiledPack };
  const compiled: CompiledPack = { pack, origin, rulesByCode, found };
  found.pack = compiled;
  return compiled;
}

/** Whether two periods (end inclusive, null open) share a day. */
export function periodsOverlap(a: { effective: string; end?: string | null | undefined }, b: { effective: string; end?: string | null | undefined }): boolean {
  return (a.end == null || b.effective <= a.end) && (b.end == null || a.effective <= b.end);
}

/** Every payer's pack versions: uploaded versions first (newest first), then the files'. */
export class PackIndex {
  private constructor(private readonly byId: ReadonlyMap<string, readonly CompiledPack[]>) {}

  /**
   * The index of the packs read from files. Two versions of one payer whose periods overlap are refused: which one
   * applies on a shared date would be a guess.
   */
  static fromFiles(packs: readonly CompiledPack[]): PackIndex {
    const byId = new Map<string, CompiledPack[]>();
    for (const compiled of packs) {
      const list = byId.get(compiled.pack.id) ?? [];
      const clash = list.find((other) => periodsOverlap(other.pack, compiled.pack));
      if (clash) {
        throw new KnowledgeError(
          `payer pack ${compiled.pack.id}: version ${compiled.pack.version} (${compiled.origin}, ${periodText(compiled.pack)}) overlaps version ${clash.pack.version} (${clash.origin}, ${periodText(clash.pack)}); give each version its own effective period`,
        );
      }
      list.push(compiled);
      byId.set(compiled.pack.id, list);
    }
    for (const list of byId.values()) list.sort((a, b) => b.pack.effective.localeCompare(a.pack.effective));
    return new PackIndex(byId);
  }

  /** This index with uploaded versions in front (newest first): on a date they cover, they win over the files. */
  withUploads(uploads: readonly CompiledPack[]): PackIndex {
    if (uploads.length === 0) return this;
    const byId = new Map(this.byId);
    for (const compiled of [...uploads].reverse()) byId.set(compiled.pack.id, [compiled, ...(byId.get(compiled.pack.id) ?? [])]);
    return new PackIndex(byId);
  }

  /** This index with one version in place of every version of its payer whose period it overlaps (a pack under test). */
  replacing(compiled: CompiledPack): PackIndex {
    const byId = new Map(this.byId);
    const others = (byId.get(compiled.pack.id) ?? []).filter((other) => !periodsOverlap(other.pack, compiled.pack));
    byId.set(compiled.pack.id, [compiled, ...others]);
    return new PackIndex(byId);
  }

  /** The version of a payer's pack in force on a date of service. */
  on(id: string, date: string): PackLookup {
    const list = this.byId.get(id);
    if (!list) return { found: 'unknown' };
    for (const compiled of list) if (isWithin(date, compiled.pack.effective, compiled.pack.end ?? null)) return compiled.found;
    return { found: 'out-of-period', periods: list.map((c) => ({ version: c.pack.version, effective: c.pack.effective, end: c.pack.end ?? null })) };
  }

  /** Every version of one payer, in the order `on` tries them. */
  versions(id: string): readonly CompiledPack[] {
    return this.byId.get(id) ?? [];
  }

  /** The payer ids. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Per payer, the version listed first (the newest upload, else the file version with the latest start). */
  current(): Map<string, PayerPack> {
    return new Map([...this.byId].map(([id, list]) => [id, list[0]!.pack]));
  }
}

/** "2019-11-01 to open" for messages. */
export function periodText(pack: { effective: string; end?: string | null | undefined }): string {
  return `${pack.effective} to ${pack.end ?? 'open'}`;
}
