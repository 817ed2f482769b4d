/**
 * One encounter: the report with the facts dxacode read marked in it, the recommended claim, every finding with its
 * source, what was and was not checked, the history of versions and overrides, and the coder's actions (override
 * with a reason, accept, download the claim).
 */
import { getBlob, getJson, postJson } from './api.js';
import { formatDateTime, h, replaceChildren, saveBlob, shortId, verdictBadge, type Child } from './dom.js';
import { lifeCard } from './encounter-life.js';
import { factValue, fieldLabel, renderHighlightedReport } from './highlight.js';
import { renderSpineSvg, spineTable } from '../../morphometry/spine-svg.js';
import { FAMILY_LABELS } from '../../rules/catalogue.js';
import type { Finding, Result, StoredEncounter } from './types.js';
import { announce, errorList, pageHeading, showError, sourceCitation, type ViewContext } from './ui.js';

/** Shortest and longest override reason the server accepts (POST /v1/encounters/:id/overrides). */
export const REASON_LIMITS = { min: 3, max: 2000 } as const;

const SEVERITY_LABEL: Record<Finding['severity'], string> = { error: 'Error', warning: 'Warning', info: 'Info' };
const SEVERITY_ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then info; the check's order within each. */
export function orderedFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Claim diagnoses are pointed at by letter on a claim form (A-L), so the page shows them that way too. */
function pointerLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

function card(title: string, id: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

function lineLabel(stored: StoredEncounter, line: number | null | undefined): string | undefined {
  if (line === undefined || line === null) return undefined;
  const code = stored.encounter.claim?.lines[line]?.code;
  return `Line ${line + 1}${code ? ` (${code})` : ''}`;
}

function recommendedClaim(result: Result): HTMLElement {
  const dx = result.recommended.diagnoses;
  if (result.recommended.lines.length === 0) {
    return card('Recommended claim', 'claim-heading', h('p', { class: 'muted' }, 'No billable line: nothing documented here becomes a charge.'));
  }
  return card(
    'Recommended claim',
    'claim-heading',
    h(
      'table',
      { class: 'data-table claim-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, 'Line'), h('th', { scope: 'col' }, 'Code'), h('th', { scope: 'col' }, 'Modifiers'), h('th', { scope: 'col', class: 'num' }, 'Units'), h('th', { scope: 'col' }, 'Diagnosis pointers'))),
      h(
        'tbody',
        {},
        result.recommended.lines.map((line, i) =>
          h(
            'tr',
            {},
            h('td', { class: 'num' }, String(i + 1)),
            h('td', {}, h('code', { class: 'code-big' }, line.code)),
            h('td', {}, line.modifiers.length ? line.modifiers.map((m) => h('code', { class: 'chip' }, m)) : h('span', { class: 'muted' }, 'none')),
            h('td', { class: 'num' }, String(line.units)),
            h('td', {}, line.diagnoses.map((code) => {
              const at = dx.indexOf(code);
              return h('span', { class: 'chip', title: code }, at >= 0 ? `${pointerLetter(at)} · ${code}` : code);
            })),
          ),
        ),
      ),
    ),
    h('h3', {}, 'Diagnoses'),
    dx.length
      ? h('ol', { class: 'dx-list' }, dx.map((code, i) => h('li', {}, h('span', { class: 'pointer' }, pointerLetter(i)), h('code', {}, code))))
      : h('p', { class: 'muted' }, 'No diagnosis.'),
  );
}

/** One row of the side-by-side claim: a submitted line, the recommended line it became, and what changed. */
interface ClaimChange {
  submitted: ClaimLineView | undefined;
  recommended: ClaimLineView | undefined;
  change: string;
}

interface ClaimLineView {
  code: string;
  modifiers: string[];
  units: number;
}

/** Lines paired by code; what differs in modifiers and units is said in words. */
export function claimChanges(submitted: readonly ClaimLineView[], recommended: readonly ClaimLineView[]): ClaimChange[] {
  const left = [...submitted];
  const rows: ClaimChange[] = [];
  for (const rec of recommended) {
    const at = left.findIndex((l) => l.code === rec.code);
    const sub = at >= 0 ? left.splice(at, 1)[0] : undefined;
    if (!sub) {
      rows.push({ submitted: undefined, recommended: rec, change: `add ${rec.code}` });
      continue;
    }
    const added = rec.modifiers.filter((m) => !sub.modifiers.includes(m));
    const dropped = sub.modifiers.filter((m) => !rec.modifiers.includes(m));
    const words = [
      ...(added.length ? [`add modifier${added.length > 1 ? 's' : ''} ${added.join(', ')}`] : []),
      ...(dropped.length ? [`remove modifier${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')}`] : []),
      ...(sub.units !== rec.units ? [`units ${sub.units} → ${rec.units}`] : []),
    ];
    rows.push({ submitted: sub, recommended: rec, change: words.length ? words.join('; ') : 'unchanged' });
  }
  for (const sub of left) rows.push({ submitted: sub, recommended: undefined, change: `remove ${sub.code}` });
  return rows;
}

function lineCells(line: ClaimLineView | undefined): HTMLElement[] {
  if (!line) return [h('td', { colspan: '3', class: 'muted' }, '—')];
  return [h('td', {}, h('code', {}, line.code)), h('td', {}, line.modifiers.length ? line.modifiers.join(', ') : h('span', { class: 'muted' }, 'none')), h('td', { class: 'num' }, String(line.units))];
}

function claimComparison(stored: StoredEncounter, result: Result): HTMLElement | null {
  const submitted = stored.encounter.claim?.lines;
  if (!submitted) return null;
  const rows = claimChanges(submitted.map((l) => ({ code: l.code, modifiers: l.modifiers ?? [], units: l.units ?? 1 })), result.recommended.lines);
  const changed = rows.filter((r) => r.change !== 'unchanged').length;
  return card(
    'Submitted and recommended claim',
    'compare-heading',
    h('p', { class: 'muted' }, changed === 0 ? 'The recommended claim is the submitted one.' : `${changed} ${changed === 1 ? 'line changes' : 'lines change'} from the submitted claim to the recommended one.`),
    h(
      'table',
      { class: 'data-table compare-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'colgroup', colspan: '3' }, 'Submitted'), h('th', { scope: 'colgroup', colspan: '3' }, 'Recommended'), h('th', { scope: 'col', rowspan: '2' }, 'What changes')), h('tr', {}, ['Code', 'Modifiers', 'Units', 'Code', 'Modifiers', 'Units'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((r) => h('tr', { class: r.change === 'unchanged' ? '' : 'changed' }, ...lineCells(r.submitted), ...lineCells(r.recommended), h('td', {}, r.change)))),
    ),
  );
}

interface FindingActions {
  canWrite: boolean;
  overrideFor: (finding: Finding) => StoredEncounter['overrides'][number] | undefined;
  submitOverride: (finding: Finding, reason: string) => Promise<void>;
}

function overrideForm(finding: Finding, actions: FindingActions, close: () => void): HTMLElement {
  const reason = h('textarea', { name: 'reason', rows: '3', required: true, minlength: String(REASON_LIMITS.min), maxlength: String(REASON_LIMITS.max), 'aria-describedby': `reason-hint-${finding.rule}-${finding.line ?? 'x'}` });
  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'button-primary' }, 'Save override');
  const form = h(
    'form',
    {
      class: 'override-form',
      novalidate: true,
      'aria-label': `Override ${finding.rule}`,
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key === 'Escape') {
          event.preventDefault();
          close();
        }
      },
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replaceChildren(errors);
        const text = reason.value.trim();
        // Checked here for a quick answer; the server checks again and its answer is shown too.
        if (text.length < REASON_LIMITS.min) {
          replaceChildren(errors, h('p', {}, `A reason is required to override a finding (at least ${REASON_LIMITS.min} characters).`));
          reason.setAttribute('aria-invalid', 'true');
          reason.focus();
          return;
        }
        save.disabled = true;
        try {
          await actions.submitOverride(finding, text);
        } catch (error) {
          replaceChildren(errors, h('p', {}, 'The server did not accept the override:'), errorList(error));
          reason.setAttribute('aria-invalid', 'true');
          reason.focus();
        } finally {
          save.disabled = false;
        }
      },
    },
    h('label', { for: `reason-${finding.rule}-${finding.line ?? 'x'}` }, 'Reason for the override (required)'),
    reason,
    h('small', { class: 'hint', id: `reason-hint-${finding.rule}-${finding.line ?? 'x'}` }, 'Say what the documentation shows, e.g. "separate sessions on two days". It is kept in the audit log.'),
    errors,
    h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'button-quiet', onclick: close }, 'Cancel')),
  );
  reason.id = `reason-${finding.rule}-${finding.line ?? 'x'}`;
  return form;
}

function findingItem(stored: StoredEncounter, finding: Finding, actions: FindingActions): HTMLElement {
  const overridden = actions.overrideFor(finding);
  const line = lineLabel(stored, finding.line);
  const slot = h('div', { class: 'override-slot' });
  const item = h(
    'li',
    { class: `finding severity-${finding.severity}${overridden ? ' is-overridden' : ''}`, 'data-rule': finding.rule, tabindex: '-1' },
    h(
      'div',
      { class: 'finding-head' },
      h('span', { class: `severity severity-${finding.severity}` }, SEVERITY_LABEL[finding.severity]),
      h('code', { class: 'rule-id' }, finding.rule),
      line ? h('span', { class: 'finding-line' }, line) : null,
      overridden ? h('span', { class: 'tag tag-overridden' }, 'Overridden') : null,
    ),
    h('p', { class: 'finding-message' }, finding.message),
    finding.fix ? h('p', { class: 'finding-fix' }, h('strong', {}, 'Fix: '), finding.fix) : null,
    sourceCitation(finding.source, 'finding-source'),
    overridden
      ? h('p', { class: 'override-note' }, h('strong', {}, 'Override reason: '), overridden.reason, h('span', { class: 'muted' }, ' — ', shortId(overridden.actor, { prefix: 'token ' }), `, ${formatDateTime(overridden.createdAt)}`))
      : null,
    slot,
  );
  if (!overridden && finding.severity !== 'info') {
    const open = h('button', { type: 'button', class: 'button-secondary button-small', 'aria-expanded': 'false', disabled: !actions.canWrite, title: actions.canWrite ? null : 'Viewers cannot override' }, 'Override…');
    const close = () => {
      replaceChildren(slot);
      open.hidden = false;
      open.setAttribute('aria-expanded', 'false');
      open.focus();
    };
    open.addEventListener('click', () => {
      const form = overrideForm(finding, actions, close);
      replaceChildren(slot, form);
      open.hidden = true;
      open.setAttribute('aria-expanded', 'true');
      form.querySelector('textarea')?.focus();
    });
    item.querySelector('.finding-head')!.append(open);
  }
  return item;
}

function familyLabel(family: string): string {
  return (FAMILY_LABELS as Record<string, string>)[family] ?? family;
}

function checksCard(result: Result, knowledgeVersion: string): HTMLElement {
  return card(
    'What was checked',
    'checks-heading',
    h('p', { class: 'muted small' }, `Knowledge: ${knowledgeVersion}`),
    h('div', { class: 'grid-2 tight' },
      h('div', {}, h('h3', {}, `Checked (${result.checked.length})`), h('ul', { class: 'family-list' }, result.checked.map((c) => h('li', {}, h('span', { class: 'ok-mark', 'aria-hidden': 'true' }, '✓ '), h('strong', { title: c.family }, familyLabel(c.family)), h('span', { class: 'muted' }, ` ${c.version}`))))),
      h(
        'div',
        {},
        h('h3', {}, `Not checked (${result.unchecked.length})`),
        result.unchecked.length
          ? [h('p', { class: 'unchecked-note' }, 'Not checked is not clean: these checks could not run, so the claim is not proven right here.'), h('ul', { class: 'family-list unchecked' }, result.unchecked.map((u) => h('li', {}, h('span', { class: 'warn-mark', 'aria-hidden': 'true' }, '? '), h('strong', { title: u.family }, familyLabel(u.family)), ': ', u.reason)))]
          : h('p', { class: 'muted' }, 'Every check ran.'),
      ),
    ),
  );
}

function historyCard(stored: StoredEncounter, shown: number): HTMLElement {
  return card(
    'History',
    'history-heading',
    h(
      'table',
      { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, 'Result versions'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, 'Version'), h('th', { scope: 'col' }, 'Verdict'), h('th', { scope: 'col' }, 'Checked'), h('th', { scope: 'col' }, 'By'))),
      h(
        'tbody',
        {},
        [...stored.versions].reverse().map((v) =>
          h(
            'tr',
            { class: v.version === shown ? 'is-current' : null },
            h('td', { class: 'num' }, v.version === shown ? h('span', { 'aria-current': 'true' }, `${v.version} (shown)`) : h('a', { href: `#/encounters/${encodeURIComponent(stored.id)}?version=${v.version}` }, String(v.version))),
            h('td', {}, verdictBadge(v.verdict)),
            h('td', {}, formatDateTime(v.createdAt)),
            h('td', {}, shortId(v.actor, { prefix: 'token ' })),
          ),
        ),
      ),
    ),
    stored.overrides.length
      ? [
          h('h3', {}, 'Overrides'),
          h('ul', { class: 'plain-list' }, stored.overrides.map((o) => h('li', {}, h('code', { class: 'rule-id' }, o.rule), o.line !== null ? ` ${lineLabel(stored, o.line)}` : '', ` (version ${o.version}): `, o.reason, h('span', { class: 'muted' }, ' — ', shortId(o.actor, { prefix: 'token ' }), `, ${formatDateTime(o.createdAt)}`)))),
        ]
      : null,
    stored.accepted.length
      ? [h('h3', {}, 'Accepted'), h('ul', { class: 'plain-list' }, stored.accepted.map((a) => h('li', {}, `Version ${a.version} accepted by `, shortId(a.actor, { prefix: 'token ' }), `, ${formatDateTime(a.createdAt)}`)))]
      : null,
  );
}

function reportCards(stored: StoredEncounter, result: Result): HTMLElement[] {
  const text = stored.encounter.report;
  if (!text) return [];
  const facts = result.fromReport ?? [];
  const reportView = renderHighlightedReport(text, facts);
  const factRows = facts.map((fact, i) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, fieldLabel(fact.field), h('div', { class: 'muted small mono' }, fact.field)),
      h('td', {}, h('span', { class: 'mono' }, factValue(fact)), fact.suggestion ? h('span', { class: 'tag tag-suggestion', title: 'A suggested ICD-10-CM code: confirm it before billing' }, 'suggested') : null),
      h(
        'td',
        {},
        h('button', {
          type: 'button',
          class: 'button-quiet button-small',
          'aria-label': `Show the evidence for ${fieldLabel(fact.field)} in the report`,
          onclick: () => {
            const mark = reportView.querySelector<HTMLElement>(`mark[data-first~="${i}"]`);
            if (!mark) return;
            mark.scrollIntoView({ block: 'center' });
            mark.focus();
            mark.classList.add('flash');
            setTimeout(() => mark.classList.remove('flash'), 1200);
          },
        }, 'Show'),
      ),
    ),
  );
  return [
    card('Report', 'report-heading', h('p', { class: 'hint' }, 'Marked text is what dxacode read; hover or focus a mark to see the fact.'), reportView),
    card(
      `Facts read from the report (${facts.length})`,
      'facts-heading',
      facts.length
        ? h('table', { class: 'data-table facts-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Evidence')))), h('tbody', {}, factRows))
        : h('p', { class: 'muted' }, 'No fact was read from this report.'),
    ),
  ];
}

/**
 * The spine picture (T4-L4 from the graded heights) with its table alternative; the same SVG the CLI draws. The SVG
 * text escapes everything it holds, and is parsed as XML (no script runs from a parsed document) before it is shown.
 */
function spineCard(stored: StoredEncounter, result: Result): HTMLElement | null {
  const levels = result.morphometry;
  if (!levels || levels.length === 0) return null;
  const svgText = renderSpineSvg(levels, stored.encounter.morphometry ?? [], { title: `Vertebral fracture assessment of ${stored.dateOfService}, T4 to L4`, idPrefix: `spine-${stored.id}` });
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
  const picture = parsed.nodeName === 'svg' ? document.importNode(parsed, true) : h('p', { class: 'muted' }, 'The spine picture could not be drawn.');
  const rows = spineTable(levels).map((row) => h('tr', {}, h('th', { scope: 'row' }, row.level), h('td', {}, row.grade === null ? '—' : String(row.grade)), h('td', {}, row.status)));
  return card(
    'Spine (VFA heights)',
    'spine-heading',
    h('figure', { class: 'spine-figure' }, picture, h('figcaption', { class: 'hint' }, 'Grades computed from the measured heights (Genant 1993); morphometry checks the reader\'s grade and does not replace it.')),
    h('details', { class: 'chart-table' }, h('summary', {}, 'Show the levels as a table'), h('table', { class: 'data-table spine-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Level'), h('th', { scope: 'col' }, 'Grade'), h('th', { scope: 'col' }, 'Reading'))), h('tbody', {}, rows))),
  );
}

/** The patient as the encounter gives them: name, identifiers, birth date or age, and sex. */
function patientCard(stored: StoredEncounter): HTMLElement {
  const patient = stored.encounter.patient;
  const name = patient.name ? [patient.name.family, patient.name.given].filter(Boolean).join(', ') : undefined;
  const rows: [string, string | undefined][] = [
    ['Name', name],
    ['MRN', patient.mrn],
    ['Member id', patient.memberId],
    patient.birthDate === undefined && patient.age !== undefined ? ['Age', String(patient.age)] : ['Birth date', patient.birthDate],
    ['Sex', patient.sex],
  ];
  const matched = patient.mrn !== undefined || patient.memberId !== undefined;
  return card(
    'Patient',
    'patient-heading',
    h('dl', { class: 'patient-facts' }, rows.map(([label, value]) => [h('dt', {}, label), h('dd', {}, value ?? h('span', { class: 'muted' }, 'not given'))])),
    matched ? null : h('p', { class: 'hint' }, 'No MRN or member id: earlier studies of this patient cannot be found, so the frequency was not checked against them.'),
  );
}

/** Draws the encounter (the latest version, or ?version=N) and wires the coder's actions. */
export async function renderEncounter(ctx: ViewContext): Promise<void> {
  const id = ctx.params.id!;
  replaceChildren(ctx.main, pageHeading('Encounter'), h('p', { class: 'muted', 'aria-busy': 'true' }, 'Loading…'));
  let stored: StoredEncounter;
  try {
    stored = await getJson<StoredEncounter>(`/v1/encounters/${encodeURIComponent(id)}`, ctx.signal);
  } catch (error) {
    replaceChildren(ctx.main, pageHeading('Encounter'), h('div', { class: 'card' }, h('p', {}, 'This encounter could not be loaded.'), errorList(error), h('p', {}, h('a', { href: '#/worklist' }, 'Back to the worklist'))));
    return;
  }
  const wanted = Number(ctx.query.get('version') ?? stored.latestVersion);
  const version = stored.versions.find((v) => v.version === wanted) ?? stored.versions.find((v) => v.version === stored.latestVersion) ?? stored.versions.at(-1)!;
  const result = version.result;
  const isLatest = version.version === stored.latestVersion;
  const accepted = stored.accepted.find((a) => a.version === stored.latestVersion) ?? stored.accepted.at(-1);
  const canWrite = ctx.session.role !== 'viewer';
  const reload = () => renderEncounter({ ...ctx, query: new URLSearchParams() });

  const actions: FindingActions = {
    canWrite: canWrite && isLatest,
    // As the server matches them: an override without a line covers every line of its rule.
    overrideFor: (finding) => stored.overrides.find((o) => o.version === version.version && o.rule === finding.rule && (o.line === null || o.line === finding.line)),
    submitOverride: async (finding, reason) => {
      await postJson(`/v1/encounters/${encodeURIComponent(stored.id)}/overrides`, { rule: finding.rule, ...(finding.line !== undefined ? { line: finding.line } : {}), reason });
      announce(`Override of ${finding.rule} saved.`);
      await reload();
      // The redraw dropped the form; continue from the finding that was just overridden.
      const item = document.querySelector<HTMLElement>(`li.finding[data-rule="${CSS.escape(finding.rule)}"]`);
      item?.scrollIntoView({ block: 'center' });
      item?.focus();
    },
  };

  // The server accepts a claim only when every error is overridden; say so before the click, not after.
  const openErrors = result.findings.filter((f) => f.severity === 'error' && !actions.overrideFor(f)).length;
  const billable = result.recommended.lines.length > 0 || (stored.encounter.claim?.lines.length ?? 0) > 0;
  const acceptHint = accepted
    ? null
    : !canWrite
      ? 'Your token has the viewer role: only coders and admins accept claims.'
      : !isLatest
        ? 'Only the latest version can be accepted.'
        : !billable
          ? 'No billable line: there is no claim to accept.'
          : openErrors > 0
            ? `${openErrors} ${openErrors === 1 ? 'error needs' : 'errors need'} an override (with a reason) or a correction before the claim can be accepted.`
            : null;
  const accept = h('button', { type: 'button', class: 'button-primary', disabled: Boolean(accepted) || acceptHint !== null, 'aria-describedby': acceptHint ? 'accept-hint' : null }, accepted ? `Accepted (version ${accepted.version})` : 'Accept claim');
  accept.addEventListener('click', async () => {
    accept.disabled = true;
    try {
      const done = await postJson<{ version: number }>(`/v1/encounters/${encodeURIComponent(stored.id)}/accept`, {});
      announce(`Claim accepted (version ${done.version}). The claim can now be downloaded.`);
      await reload();
      document.getElementById('download-x12')?.focus();
    } catch (error) {
      accept.disabled = false;
      showError(error, 'The claim could not be accepted.');
    }
  });
  const download = (format: 'x12' | 'fhir', label: string, ext: string) => {
    const button = h('button', { type: 'button', id: `download-${format}`, class: 'button-secondary', disabled: !accepted, title: accepted ? null : 'Accept the claim first', 'aria-describedby': accepted ? null : 'download-hint' }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const { blob, filename } = await getBlob(`/v1/encounters/${encodeURIComponent(stored.id)}/claim?format=${format}`);
        saveBlob(blob, filename ?? `claim-${stored.externalId ?? stored.id}.${ext}`);
        announce(`${label.replace('Download ', '')} downloaded.`);
      } catch (error) {
        showError(error, `The claim could not be downloaded (${format}).`);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };

  const errorCount = result.findings.filter((f) => f.severity === 'error').length;
  const warningCount = result.findings.filter((f) => f.severity === 'warning').length;
  const findingsCard = card(
    `Findings (${result.findings.length})`,
    'findings-heading',
    result.findings.length
      ? [
          h('p', { class: 'muted' }, `${errorCount} ${errorCount === 1 ? 'error' : 'errors'}${errorCount > openErrors ? ` (${errorCount - openErrors} overridden)` : ''}, ${warningCount} ${warningCount === 1 ? 'warning' : 'warnings'}, ${result.findings.length - errorCount - warningCount} info.`),
          h('ul', { class: 'finding-list' }, orderedFindings(result.findings).map((f) => findingItem(stored, f, actions))),
        ]
      : h('p', {}, 'No findings.'),
  );

  replaceChildren(
    ctx.main,
    pageHeading(`Encounter ${stored.externalId ?? stored.id}`, verdictBadge(result.verdict, true)),
    h(
      'p',
      { class: 'meta' },
      h('span', {}, h('span', { class: 'muted' }, 'Date of service '), stored.dateOfService),
      h('span', {}, h('span', { class: 'muted' }, 'Payer '), stored.payer),
      h('span', {}, h('span', { class: 'muted' }, 'Version '), `${version.version} of ${stored.latestVersion}`),
      h('span', {}, h('span', { class: 'muted' }, 'Checked '), formatDateTime(version.createdAt)),
    ),
    isLatest ? null : h('p', { class: 'notice' }, `You are looking at version ${version.version}; `, h('a', { href: `#/encounters/${encodeURIComponent(stored.id)}` }, 'show the latest'), '.'),
    h(
      'div',
      { class: 'toolbar', role: 'group', 'aria-label': 'Claim actions' },
      accept,
      download('x12', 'Download 837P', 'edi'),
      download('fhir', 'Download FHIR', 'json'),
      acceptHint ? h('p', { id: 'accept-hint', class: 'toolbar-hint' }, acceptHint) : null,
      accepted ? null : h('p', { id: 'download-hint', class: 'toolbar-hint' }, 'The claim files can be downloaded once the claim is accepted.'),
      accepted ? h('p', { class: 'toolbar-hint ok' }, 'Accepted by ', shortId(accepted.actor, { prefix: 'token ' }), `, ${formatDateTime(accepted.createdAt)}.`) : null,
    ),
    h('div', { class: 'encounter-grid' }, h('div', { class: 'stack' }, findingsCard, claimComparison(stored, result), recommendedClaim(result), checksCard(result, version.knowledgeVersion)), h('div', { class: 'stack' }, patientCard(stored), spineCard(stored, result), ...reportCards(stored, result), lifeCard(stored.id, ctx.signal), historyCard(stored, version.version))),
  );
}

