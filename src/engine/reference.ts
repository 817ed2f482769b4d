/**
 * The coders' reference: for each code of the bone-density family the knowledge holds, what the knowledge in force on
 * a date of service says of it (its history, pair edits, units, modifiers, coverage per payer and jurisdiction, and
 * the common mistakes), every fact with the source and confidence of the knowledge object it comes from. Nothing here
 * is a fact of its own: it only reads the Knowledge. Pure: knowledge and date in, reference out.
 */
import { isWithin } from '../contract/dates.js';
import type { Source } from '../contract/result.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { CodeEntry } from '../knowledge/schema.js';
import { pcTcOf } from '../rules/modifiers.js';
import { rowApplies, rowsBetween } from '../rules/pairs.js';
import type { CodeHistory, CodeReference, CodeStatus, MedicareCoverage, PayerCoverage, ReferenceCodeSummary, ReferenceModifier, ReferencePair, ReferenceUnits } from './reference-types.js';

export * from './reference-types.js';

/** Where a code stands on a date. */
export function codeStatus(entry: Pick<CodeEntry, 'effective' | 'end'>, date: string): CodeStatus {
  if (entry.effective === null && entry.end === null) return 'dates-not-recorded';
  if (entry.effective !== null && date < entry.effective) return 'not-yet-valid';
  if (entry.end !== null && date > entry.end) return 'ended';
  return 'valid';
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The index: every code of the family the knowledge holds, with its status on the date. */
export function referenceIndex(knowledge: Knowledge, date: string): ReferenceCodeSummary[] {
  const k = knowledge.forDate(date);
  return [...k.codes.byCode.values()].map((entry) => summary(entry, date));
}

function summary(entry: CodeEntry, date: string): ReferenceCodeSummary {
  return { code: entry.code, system: entry.system, label: entry.label, service: entry.service, status: codeStatus(entry, date), mistakeCount: entry.mistakes?.length ?? 0 };
}

/** The reference of one code on a date; undefined when the knowledge holds no such code. */
export function codeReference(knowledge: Knowledge, code: string, date: string): CodeReference | undefined {
  const k = knowledge.forDate(date);
  const entry = k.codes.byCode.get(code);
  if (!entry) return undefined;
  const pairs = pairsOf(k, code, date);
  const units = unitsOf(k, code);
  const pcTc = pcTcOf(k, code, date);
  return {
    ...summary(entry, date),
    date,
    history: historyOf(k, entry, date),
    pairs,
    pairsNote: pairsNoteOf(k),
    units,
    modifiers: modifiersOf(k, code, pcTc, pairs, units),
    pcTc,
    coverage: { medicare: medicareOf(k, code), payers: payersOf(k, code, date) },
    mistakes: entry.mistakes ?? [],
  };
}

function historyOf(k: Knowledge, entry: CodeEntry, date: string): CodeHistory {
  const replaces = [...k.codes.byCode.values()].filter((other) => asList(other.replacedBy).includes(entry.code)).map((other) => other.code);
  return {
    effective: entry.effective,
    end: entry.end,
    status: codeStatus(entry, date),
    statusUnverified: entry.statusUnverified === true,
    replacedBy: asList(entry.replacedBy),
    replaces,
    combinations: k.pairs.combinations
      .filter((c) => c.codes.includes(entry.code) || c.replacement === entry.code)
      .map((c) => ({ codes: c.codes, replacement: c.replacement, effective: c.effective, end: c.end, rationale: c.rationale, source: c.source })),
    source: entry.source,
  };
}

const CLAIM_TYPES = ['professional', 'institutional'] as const;

/** Pair edits between the code and every other code of the family, per claim type, as the checks would read them. */
function pairsOf(k: Knowledge, code: string, date: string): ReferencePair[] {
  const found: ReferencePair[] = [];
  for (const claimType of CLAIM_TYPES) {
    const scope = { dateOfService: date, claimType };
    for (const other of k.codes.byCode.keys()) {
      if (other === code) continue;
      for (const [column1, column2] of [
        [code, other],
        [other, code],
      ] as const) {
        for (const row of rowsBetween(k, scope, column1, column2)) {
          if (!row.claimTypes.includes(claimType)) continue;
          found.push({
            column1,
            column2,
            other,
            claimType,
            effective: row.effective,
            deletion: row.deletion,
            inForce: rowApplies(row, scope),
            modifierIndicator: row.modifierIndicator,
            indicatorConfidence: row.indicatorConfidence,
            kind: row.kind,
            rationale: row.rationale,
            source: row.source,
          });
        }
      }
    }
  }
  return found;
}

function pairsNoteOf(k: Knowledge): CodeReference['pairsNote'] {
  const imported = k.ptp.professional ?? k.ptp.institutional;
  if (imported) return { complete: imported.parts.length === 4, text: `${imported.info.label} (parts ${imported.parts.join(', ')})`, source: imported.info.source };
  return { complete: !k.pairs.partial, text: k.pairs.partialNote, source: { title: `${k.pairs.title} ${k.pairs.version}`, confidence: 'verified' } };
}

function unitsOf(k: Knowledge, code: string): ReferenceUnits[] {
  return CLAIM_TYPES.flatMap((claimType) => {
    const table = k.mue[claimType];
    const mue = table.get(code);
    return mue ? [{ claimType, value: mue.value, mai: mue.mai, rationale: mue.rationale, source: table.info.source }] : [];
  });
}

/** The modifiers the knowledge ties to the code: components by its PC/TC split, bypass by its pair edits, repeat by its MAI, XU by the CWF edit. */
function modifiersOf(k: Knowledge, code: string, pcTc: CodeReference['pcTc'], pairs: ReferencePair[], units: ReferenceUnits[]): ReferenceModifier[] {
  const out: ReferenceModifier[] = [];
  const add = (modifier: string, because: string, source: Source) => {
    const entry = k.modifiers.byCode.get(modifier);
    // One row per modifier and reason: XU on 77081 is both a bypass of a pair edit and Medicare's CWF instruction.
    if (entry && !out.some((m) => m.modifier === modifier && m.source === source)) out.push({ modifier, label: entry.label, because, source });
  };
  if (pcTc?.split) for (const m of ['26', 'TC']) add(m, `${code} has a professional/technical split`, pcTc.source);
  const bypassable = pairs.find((p) => p.inForce && p.modifierIndicator === '1');
  if (bypassable) {
    for (const entry of k.modifiers.byCode.values()) {
      if (entry.kind === 'distinct-service') add(entry.modifier, `pair ${bypassable.column1}/${bypassable.column2} has modifier indicator 1`, bypassable.source);
    }
  }
  const perLine = units.find((u) => u.mai === 1);
  if (perLine) {
    for (const entry of k.modifiers.byCode.values()) if (entry.kind === 'repeat') add(entry.modifier, `its MUE is adjudicated per line (MAI 1, ${perLine.claimType})`, perLine.source);
  }
  const cwf = k.medicare.sameDay.cwfEdit;
  for (const pair of cwf.pairs) {
    if (pair.xuOn === code) add('XU', `Medicare: on ${code} when ${pair.codes.join(' and ')} are on one claim (from ${cwf.xuAcceptedFrom}; ${cwf.dateNote})`, cwf.source);
  }
  const excluded = k.medicareIndex.excludedByCode.get(code);
  if (excluded) add(excluded.modifier, `Medicare: ${excluded.reason}${excluded.modifierNote ? ` (${excluded.modifierNote})` : ''}`, excluded.source);
  return out;
}

function medicareOf(k: Knowledge, code: string): MedicareCoverage {
  const m = k.medicare;
  const notes: MedicareCoverage['notes'] = [];
  const benefit = k.medicareIndex.benefitByCode.get(code);
  if (benefit) {
    notes.push({ text: `In the bone mass measurement benefit${benefit.effective ? ` from ${benefit.effective}` : ''}.`, source: benefit.source });
    notes.push({ text: `Frequency: ${m.frequency.months} months since the last covered study (${m.frequency.reading}); exceptions: ${m.frequency.exceptions.map((e) => e.label).join('; ')}.`, source: m.frequency.source });
  }
  if (m.axialDxaCodes.includes(code)) notes.push({ text: `An axial DXA code: the one kind of study that counts for monitoring and confirmatory baselines.`, source: m.axialDxaSource });
  const excluded = k.medicareIndex.excludedByCode.get(code);
  if (excluded) notes.push({ text: `Not covered: ${excluded.reason}.`, source: excluded.source });
  for (const n of m.notReasonableAndNecessary.filter((x) => x.code === code)) notes.push({ text: `Not covered${n.effective ? ` from ${n.effective}` : ''}: ${n.reason}.`, source: n.source });
  const notOnList = k.medicareIndex.notOnListByCode.get(code);
  if (notOnList) notes.push({ text: notOnList.note, source: notOnList.source });
  const articles = [...k.articles.byJurisdiction.values()]
    .filter((a, i, all) => all.indexOf(a) === i)
    .map((a) => ({
      jurisdictions: [...a.jurisdictions],
      article: a.article,
      title: a.title,
      contractor: a.contractor,
      listsCode: a.codes.has(code),
      coveredDiagnoses: a.coveredFor(code)?.size ?? null,
      url: a.url ?? null,
      source: a.info.source,
    }));
  const sameDay = m.sameDay;
  const category = sameDay.categories.axial.includes(code) ? 'axial' : sameDay.categories.peripheral.includes(code) ? 'peripheral' : undefined;
  const contractors = category
    ? sameDay.contractors.map((c) => ({ contractor: c.contractor, policy: c.policy, jurisdictions: [...c.jurisdictions], text: `${c.axialWithPeripheral}${c.exception ? `, unless ${c.exception}` : ''}`, source: c.source }))
    : [];
  return { notes, articles, contractors };
}

function payersOf(k: Knowledge, code: string, date: string): PayerCoverage[] {
  const out: PayerCoverage[] = [];
  for (const id of k.packs.ids()) {
    const compiled = k.packs.versions(id).find((c) => isWithin(date, c.pack.effective, c.pack.end ?? null));
    if (!compiled) continue;
    const pack = compiled.pack;
    const rules = pack.rules.filter((r) => r.codes.includes(code)).map((r) => ({ id: r.id, kind: r.kind, severity: r.severity, message: r.message, source: r.source }));
    out.push({ id: pack.id, name: pack.name, program: pack.program, version: pack.version, effective: pack.effective, end: pack.end ?? null, rules, source: pack.source });
  }
  return out;
}
