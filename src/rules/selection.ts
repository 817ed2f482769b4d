/**
 * Code selection: which CPT/HCPCS codes the performed, documented procedures call for on the date of service,
 * and (when a claim was submitted) which performed services it leaves out or which lines nothing documents.
 */
import type { Source } from '../contract/result.js';
import { isWithin } from '../contract/dates.js';
import type { Procedure } from '../contract/encounter.js';
import type { Knowledge } from '../knowledge/compile.js';
import type { CodeEntry } from '../knowledge/schema.js';
import { Report, VersionTexts, billsCode, lineLabel, linePath, lineRef, type CheckInput, type Line, type RuleContext } from './context.js';

// Shared sources: the serialiser writes each one's JSON once.
const SPINE_RADIOGRAPH_SOURCE: Source = { title: 'REFERENCE §2: conventional spine radiographs 72020-72120', confidence: 'secondary' };
const INTERPRETATION_SOURCE: Source = {
  title: 'REFERENCE §5-6: the service includes the physician interpretation (42 CFR 410.31); 77086 needs a documented interpretation',
  confidence: 'secondary',
};

/** One code the performed procedures call for. */
export interface SelectedCode {
  code: string;
  /** False when no interpretation is documented: only the technical component can be billed. */
  interpreted: boolean;
  /** The index of the performed entry that calls for it (the axial study's, for a combined code). */
  performed: number;
}

/** The code that stands for `service` on `date`, if the code set of that date has one. */
export function codeForService(knowledge: Knowledge, service: string, date: string): CodeEntry | undefined {
  const candidates = knowledge.codes.byService.get(service);
  if (!candidates) return undefined;
  return candidates.find((entry) => isWithin(date, entry.effective, entry.end));
}

const SELECTION_SOURCE_TITLE = 'CPT code definitions and history (REFERENCE §1-2)';

function checkSites(procedure: Procedure, index: number, knowledge: Knowledge, report: Report | undefined): void {
  if (!report || !procedure.sites) return;
  const allowed = knowledge.codes.procedureSites[procedure.procedure];
  if (!allowed) return;
  const wrong = procedure.sites.filter((site) => !allowed.includes(site));
  if (wrong.length > 0) {
    report.add('selection.site-mismatch', {
      message: `${procedure.procedure} was reported with site(s) ${wrong.join(', ')}, which do not belong to it (expected ${allowed.join(', ')}).`,
      fix: 'Report each study under its own procedure (forearm and heel are peripheral, spine and hips axial).',
      source: knowledge.codes.procedureSitesSource,
      path: `performed[${index}].sites`,
      params: { procedure: procedure.procedure, sites: wrong, allowed: [...allowed] },
    });
  }
}

/**
 * Selects the codes the performed procedures call for on the date of service, in claim order. Writes selection
 * findings (no code on that date, sites that do not fit, missing interpretation, duplicates) when a report is given.
 */
export function selectDensitometryCodes(input: CheckInput, knowledge: Knowledge, report?: Report): SelectedCode[] {
  const date = input.dateOfService;
  // Each kind of procedure once, in the order first listed, with the index of its performed entry (where findings
  // about it point). An encounter lists a handful of procedures: an array beats a map here.
  const kinds: { kind: string; procedure: Procedure; index: number }[] = [];
  const ofKind = (kind: string) => kinds.find((k) => k.kind === kind);
  for (let index = 0; index < input.performed.length; index++) {
    const procedure = input.performed[index]!;
    checkSites(procedure, index, knowledge, report);
    const earlier = ofKind(procedure.procedure);
    if (earlier) {
      report?.add('selection.duplicate-procedure', {
        message: `${procedure.procedure} is listed more than once; one study is one unit whatever the number of sites.`,
        source: { title: 'REFERENCE §3: "one or more sites" means one unit per study, not per site', confidence: 'secondary' },
        path: `performed[${index}]`,
        params: { procedure: procedure.procedure },
      });
      if (procedure.interpreted !== false) {
        earlier.procedure = procedure;
        earlier.index = index;
      }
      continue;
    }
    kinds.push({ kind: procedure.procedure, procedure, index });
  }

  const services: { service: string; interpreted: boolean; label: string; performed: number; uninterpreted: number }[] = [];
  const axial = ofKind('dxa-axial');
  const vfa = ofKind('vfa');
  const combined = axial && vfa ? codeForService(knowledge, 'dxa-axial+vfa', date) : undefined;
  for (const { kind, procedure, index } of kinds) {
    const interpreted = procedure.interpreted !== false;
    if (combined && (kind === 'dxa-axial' || kind === 'vfa')) {
      if (kind === 'dxa-axial') {
        // 77085's professional component is the interpretation of both studies: each must be interpreted.
        const vfaInterpreted = vfa!.procedure.interpreted !== false;
        const label = interpreted === vfaInterpreted ? 'axial DXA with VFA' : `the ${interpreted ? 'VFA' : 'axial study'} of axial DXA with VFA`;
        services.push({ service: 'dxa-axial+vfa', interpreted: interpreted && vfaInterpreted, label, performed: index, uninterpreted: interpreted ? vfa!.index : index });
      }
      continue;
    }
    services.push({ service: kind, interpreted, label: kind, performed: index, uninterpreted: index });
  }

  const selected: SelectedCode[] = [];
  for (const { service, interpreted, label, performed, uninterpreted } of services) {
    if (service === 'spine-radiograph') {
      report?.add('selection.views-needed', {
        message: 'A spine radiograph was performed; its code (72020-72120) depends on the region and number of views, which the encounter does not give.',
        fix: 'Choose the spine radiograph code from the documented region and views and add it to the claim.',
        source: SPINE_RADIOGRAPH_SOURCE,
        path: `performed[${performed}]`,
        params: { procedure: service },
      });
      continue;
    }
    const entry = codeForService(knowledge, service, date);
    if (!entry) {
      report?.add('selection.no-code-on-date', {
        message: `No code for ${label} exists in the code set of ${date} in the reference data.`,
        fix: 'Check the CPT book of that year; the reference data records codes from 2005 on.',
        source: { title: SELECTION_SOURCE_TITLE, confidence: 'verified' },
        path: `performed[${performed}]`,
        params: { service, date },
      });
      continue;
    }
    if (!interpreted && input.component !== 'technical') {
      // A claim that bills only the technical component of the code is right; so is the recommended claim of a
      // provider who bills globally, which takes TC (a warning says so). Billing the interpretation is the error.
      const billed = input.submitted?.filter((line) => line.code === entry.code);
      const recommendsTc = billed === undefined && input.component === 'global';
      if (recommendsTc || billed === undefined || billed.some((line) => !line.modifiers.includes('TC'))) {
        report?.add('selection.not-interpreted', {
          message: recommendsTc
            ? `No interpretation is documented for ${label}: the recommended claim bills its technical component (TC) only, since the global service includes the physician's interpretation.`
            : `No interpretation is documented for ${label}, but the ${billed === undefined ? input.component : 'global or professional'} component is billed; the code includes the physician's interpretation.`,
          fix: input.component === 'global' ? 'Bill the technical component (TC) only, or document the interpretation.' : 'Do not bill the professional component until the interpretation is documented.',
          source: INTERPRETATION_SOURCE,
          path: `performed[${uninterpreted}].interpreted`,
          params: { service, component: input.component },
          ...(recommendsTc ? { severity: 'warning' as const } : {}),
        });
      }
      if (input.component === 'professional') continue;
    }
    selected.push({ code: entry.code, interpreted, performed });
  }
  return selected;
}

const COMBINED_SERVICES = ['dxa-axial', 'vfa', 'dxa-axial+vfa'];
const NO_SERVICES: string[] = [];

/** Services a code stands for: 77085 stands for both the axial study and the VFA. */
function servicesOf(entry: CodeEntry | undefined): string[] {
  if (!entry?.service) return NO_SERVICES;
  return entry.service === 'dxa-axial+vfa' ? COMBINED_SERVICES : [entry.service];
}

// Claims are a handful of lines: arrays beat sets here. Module functions, not closures made on every check: V8
// recompiled such closures (and the closures inside them) again and again over a long run.

/** True when a line of `lines` bills a code that stands for `service`. */
function billsService(lines: readonly Line[], byCode: Knowledge['codes']['byCode'], service: string): boolean {
  for (const line of lines) if (servicesOf(byCode.get(line.code)).includes(service)) return true;
  return false;
}

/** True when the encounter lists `kind` as performed. */
function performs(input: CheckInput, kind: string): boolean {
  for (const p of input.performed) if (p.procedure === kind) return true;
  return false;
}

const VERSION = new VersionTexts((codes: Knowledge['codes']) => `codes ${codes.version}`);

/** The selection rule family: compares the submitted lines with what the documentation supports. */
export function checkSelection(ctx: RuleContext, report: Report): void {
  report.ran('selection', VERSION.of(ctx.knowledge.codes));
  if (!ctx.linesAreSubmitted) return;
  const { byCode } = ctx.knowledge.codes;
  const combos = ctx.knowledge.pairs.combinations.filter((c) => isWithin(ctx.input.dateOfService, c.effective, c.end));

  for (let index = 0; index < ctx.selectedCodes.length; index++) {
    const code = ctx.selectedCodes[index]!;
    if (billsCode(ctx.lines, code)) continue;
    const entry = byCode.get(code);
    const combo = combos.find((c) => c.replacement === code);
    if (combo && combo.codes.every((x) => billsCode(ctx.lines, x))) continue; // pairs reports pair.combined-code
    // A line with the same service but the wrong code for the date is reported by the codes family.
    if (entry?.service && entry.service !== 'dxa-axial+vfa' && billsService(ctx.lines, byCode, entry.service)) continue;
    const partial = combo ? combo.codes.filter((x) => billsCode(ctx.lines, x)) : [];
    report.add('selection.not-billed', {
      message: `${code} (${entry?.label ?? code}) was performed and documented but is not on the claim.`,
      fix: partial.length > 0 ? `Replace ${partial.join(' and ')} with one ${code} line.` : `Add a ${code} line.`,
      source: entry?.source ?? { title: SELECTION_SOURCE_TITLE, confidence: 'verified' },
      path: `performed[${ctx.selectedFrom[index]!}]`,
      params: { code, billed: partial },
    });
  }

  for (let index = 0; index < ctx.lines.length; index++) {
    const line = ctx.lines[index]!;
    if (ctx.selectedCodes.includes(line.code)) continue;
    const entry = byCode.get(line.code);
    if (!entry) continue; // code.unknown reports it
    if (combos.some((c) => ctx.selectedCodes.includes(c.replacement) && c.codes.includes(line.code))) continue; // pairs family
    if (entry.service === 'tbs' && !ctx.facts) {
      // TBS (77089-77092) is not a procedure the encounter's performed list can name; only report text documents it.
      report.skipped('selection', `${lineLabel(ctx, index)}: a trabecular bone score cannot be listed as performed, so whether the encounter documents it was not checked (give the report text)`);
      continue;
    }
    if (entry.service === 'tbs' && ctx.facts?.trabecularBoneScore) continue; // the report gives the score
    const services = servicesOf(entry);
    const documented = entry.service === 'dxa-axial+vfa' ? performs(ctx.input, 'dxa-axial') && performs(ctx.input, 'vfa') : services.some((s) => performs(ctx.input, s));
    if (documented) continue; // right service, wrong code for the date: the codes family reports it
    if (entry.code === '77083' && performs(ctx.input, 'vfa')) continue; // code.not-vfa
    report.add('selection.not-documented', {
      message: `${lineLabel(ctx, index)} bills ${entry.label}, which the encounter does not document as performed.`,
      line: lineRef(ctx, index),
      fix: ctx.selectedCodes.length > 0 ? `Bill what was performed: ${ctx.selectedCodes.join(', ')}.` : 'Remove the line or document the service.',
      source: entry.source,
      path: linePath(ctx, index, 'code'),
      params: { code: line.code, selected: ctx.selectedCodes },
    });
  }
}
