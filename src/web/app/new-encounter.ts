/**
 * New encounter: paste a report (or open a .txt file) and fill the few facts a report does not carry; the server
 * stores and checks it (POST /v1/encounters) and the page moves on to the encounter.
 */
import { readReportHeader, type HeaderField } from '../../extract/header.js';
import { writesDayFirst } from '../../extract/patterns.js';
import { postJson } from './api.js';
import { h, replaceChildren, verdictBadge } from './dom.js';
import { orderedFindings } from './encounter.js';
import { fillPayerOptions, loadKnowledge } from './knowledge.js';
import { COMPONENTS, PERFORMED_CHOICES, SEXES, type ClaimLine, type Encounter, type Result } from './types.js';
import { announce, errorList, field, pageHeading, setFieldError, showError, type ViewContext } from './ui.js';

const CODE_PATTERN = '([0-9]{4}[0-9FTUfut]|[A-Va-v][0-9]{4})';
const ICD_PATTERN = /^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$/;
const MODIFIER_PATTERN = /^[0-9A-Za-z]{2}$/;
/** As the contract takes them (src/contract/encounter.ts): an MRN, a member id (837P NM109), name parts without X12 separators. */
const MRN_PATTERN = /^[0-9A-Za-z._-]{1,64}$/;
const MEMBER_ID_PATTERN = /^[0-9A-Za-z-]{2,80}$/;
const NAME_PATTERN = /^[^*:^~|\r\n]*$/;

/** Splits a list typed with commas or spaces. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Reads a text file the user picked, in the browser (nothing is uploaded until the form is sent). */
function readTextFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsText(file);
  });
}

function claimLineRow(onRemove: (row: HTMLElement) => void): HTMLElement {
  const code = h('input', { type: 'text', name: 'code', pattern: CODE_PATTERN, maxlength: '5', size: '7', autocomplete: 'off', spellcheck: 'false', placeholder: '77080', class: 'mono' });
  const modifiers = h('input', { type: 'text', name: 'modifiers', size: '10', autocomplete: 'off', spellcheck: 'false', placeholder: '26, GA', class: 'mono' });
  const units = h('input', { type: 'number', name: 'units', min: '1', max: '999', step: '1', value: '1', class: 'input-narrow' });
  const lineDiagnoses = h('input', { type: 'text', name: 'lineDiagnoses', size: '18', autocomplete: 'off', spellcheck: 'false', placeholder: 'as the encounter', class: 'mono' });
  const row = h('fieldset', { class: 'claim-line' });
  const remove = h('button', { type: 'button', class: 'button-quiet', onclick: () => onRemove(row) }, 'Remove line');
  row.append(h('legend', {}, 'Claim line'), field('Code', code), field('Modifiers', modifiers), field('Units', units), field('Line diagnoses', lineDiagnoses, 'Up to 4, comma-separated; empty: the first 4 of the encounter.'), remove);
  return row;
}

/** Draws the new-encounter form. */
export async function renderNewEncounter(ctx: ViewContext): Promise<void> {
  const report = h('textarea', { name: 'report', rows: '24', spellcheck: 'false', class: 'report-input mono', maxlength: '1000000' });
  const file = h('input', { type: 'file', accept: '.txt,text/plain', name: 'reportFile' });
  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    if (!picked) return;
    try {
      report.value = await readTextFile(picked);
      fillFromReport();
      refreshCoach();
      announce(`Loaded ${picked.name} (${report.value.length.toLocaleString()} characters).`);
    } catch (error) {
      showError(error, `${picked.name} could not be read.`);
    }
  });

  const dateOfService = h('input', { type: 'date', name: 'dateOfService', required: true });
  const sex = h('select', { name: 'sex', required: true }, SEXES.map((s) => h('option', { value: s, selected: s === 'female' }, s[0]!.toUpperCase() + s.slice(1))));
  const birthDate = h('input', { type: 'date', name: 'birthDate' });
  const familyName = h('input', { type: 'text', name: 'familyName', maxlength: '60', autocomplete: 'off', spellcheck: 'false' });
  const givenName = h('input', { type: 'text', name: 'givenName', maxlength: '35', autocomplete: 'off', spellcheck: 'false' });
  const mrn = h('input', { type: 'text', name: 'mrn', maxlength: '64', autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const memberId = h('input', { type: 'text', name: 'memberId', maxlength: '80', autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const age = h('input', { type: 'number', name: 'age', min: '0', max: '130', step: '1', class: 'input-narrow' });
  const payer = h('select', { name: 'payer' }, h('option', { value: '' }, 'Default (Medicare)'));
  const component = h('select', { name: 'component' }, COMPONENTS.map((c) => h('option', { value: c }, c[0]!.toUpperCase() + c.slice(1))));
  const externalId = h('input', { type: 'text', name: 'id', maxlength: '128', autocomplete: 'off', spellcheck: 'false' });
  const treating = h('input', { type: 'checkbox', name: 'treating', id: 'treating', checked: true });
  const diagnoses = h('input', { type: 'text', name: 'diagnoses', autocomplete: 'off', spellcheck: 'false', placeholder: 'M81.0, Z87.310', class: 'mono input-wide' });
  const performed = PERFORMED_CHOICES.map((choice) => ({ choice, box: h('input', { type: 'checkbox', name: 'performed', value: choice.value, id: `performed-${choice.value}` }) }));

  const lines = h('div', { class: 'claim-lines' });
  // Lines are numbered as a claim form numbers them, and renumbered when one is removed.
  const renumber = () => lines.querySelectorAll('fieldset.claim-line > legend').forEach((legend, i) => (legend.textContent = `Claim line ${i + 1}`));
  const removeLine = (row: HTMLElement) => {
    row.remove();
    renumber();
    addLine.focus();
  };
  const addLine = h('button', {
    type: 'button',
    class: 'button-secondary',
    onclick: () => {
      const row = claimLineRow(removeLine);
      lines.append(row);
      renumber();
      row.querySelector('input')?.focus();
    },
  }, 'Add claim line');

  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Check and save');
  const previewOut = h('div', { class: 'preview', 'aria-live': 'polite' });
  const preview = h('button', { type: 'button', class: 'button-secondary' }, 'Preview the check');

  /** A problem with the form, and the control it belongs to (shown under that control). */
  type Problem = { message: string; control?: HTMLElement };
  const collect = (): { encounter?: Encounter; problems: string[]; placed: Problem[] } => {
    const placed: Problem[] = [];
    const problems = {
      push: (message: string, control?: HTMLElement) => placed.push({ message, ...(control ? { control } : {}) }),
    };
    if (!dateOfService.value) problems.push('Date of service is required.', dateOfService);
    const text = report.value;
    const done = performed.filter((p) => p.box.checked).map((p) => ({ procedure: p.choice.value }));
    if (!text.trim() && done.length === 0) problems.push('Paste the report, or tick what was performed.', report);
    const family = familyName.value.trim();
    const given = givenName.value.trim();
    if (given && !family) problems.push('Family name is required when a given name is entered.', familyName);
    if (!NAME_PATTERN.test(family) || !NAME_PATTERN.test(given)) problems.push('Names cannot contain * : ^ ~ or | (they separate claim file elements).', NAME_PATTERN.test(family) ? givenName : familyName);
    const record = mrn.value.trim();
    if (record && !MRN_PATTERN.test(record)) problems.push('MRN should be 1 to 64 letters, digits, dots, dashes or underscores.', mrn);
    const member = memberId.value.trim();
    if (member && !MEMBER_ID_PATTERN.test(member)) problems.push('Member id should be 2 to 80 letters, digits or dashes.', memberId);
    const dx = splitList(diagnoses.value);
    for (const code of dx) if (!ICD_PATTERN.test(code)) problems.push(`Diagnosis ${code} is not an ICD-10-CM code (e.g. M81.0).`, diagnoses);
    const claimLines: ClaimLine[] = [];
    lines.querySelectorAll<HTMLFieldSetElement>('fieldset.claim-line').forEach((row, i) => {
      const code = row.querySelector<HTMLInputElement>('input[name=code]')!.value.trim();
      const mods = splitList(row.querySelector<HTMLInputElement>('input[name=modifiers]')!.value).map((m) => m.toUpperCase());
      const units = Number(row.querySelector<HTMLInputElement>('input[name=units]')!.value || 1);
      if (!code) return;
      if (!new RegExp(`^${CODE_PATTERN}$`).test(code)) problems.push(`Claim line ${i + 1}: ${code} is not a CPT or HCPCS code.`, row.querySelector<HTMLInputElement>('input[name=code]')!);
      for (const m of mods) if (!MODIFIER_PATTERN.test(m)) problems.push(`Claim line ${i + 1}: modifier ${m} should be two letters or digits.`, row.querySelector<HTMLInputElement>('input[name=modifiers]')!);
      if (!Number.isInteger(units) || units < 1 || units > 999) problems.push(`Claim line ${i + 1}: units should be a whole number from 1 to 999.`, row.querySelector<HTMLInputElement>('input[name=units]')!);
      const lineDxInput = row.querySelector<HTMLInputElement>('input[name=lineDiagnoses]')!;
      const lineDx = splitList(lineDxInput.value).map((c) => c.toUpperCase());
      for (const c of lineDx) if (!ICD_PATTERN.test(c)) problems.push(`Claim line ${i + 1}: diagnosis ${c} is not an ICD-10-CM code (e.g. M81.0).`, lineDxInput);
      if (lineDx.length > 4) problems.push(`Claim line ${i + 1}: a line points to at most 4 diagnoses (837P SV107).`, lineDxInput);
      const pointed = lineDx.length ? lineDx : dx.slice(0, 4);
      claimLines.push({ code: code.toUpperCase(), ...(mods.length ? { modifiers: mods } : {}), units, ...(pointed.length ? { diagnoses: pointed } : {}) });
    });
    if (placed.length) return { problems: placed.map((p) => p.message), placed };
    const encounter: Encounter = {
      ...(externalId.value.trim() ? { id: externalId.value.trim() } : {}),
      dateOfService: dateOfService.value,
      patient: {
        sex: sex.value,
        ...(birthDate.value ? { birthDate: birthDate.value } : {}),
        ...(age.value !== '' ? { age: Number(age.value) } : {}),
        ...(family ? { name: { family, ...(given ? { given } : {}) } } : {}),
        ...(record ? { mrn: record } : {}),
        ...(member ? { memberId: member } : {}),
      },
      ...(payer.value ? { payer: payer.value } : {}),
      component: component.value,
      orderingProvider: { treating: treating.checked },
      ...(done.length ? { performed: done } : {}),
      ...(dx.length ? { diagnoses: dx } : {}),
      ...(text.trim() ? { report: text } : {}),
      ...(claimLines.length ? { claim: { lines: claimLines } } : {}),
    };
    return { encounter, problems: [], placed: [] };
  };

  /** Shows each problem under its control (and clears those fixed); returns true when there are none. */
  const showFieldErrors = (placed: Problem[]): boolean => {
    form.querySelectorAll<HTMLElement>('[aria-invalid="true"]').forEach((control) => setFieldError(control, undefined));
    const byControl = new Map<HTMLElement, string[]>();
    for (const p of placed) if (p.control) byControl.set(p.control, [...(byControl.get(p.control) ?? []), p.message]);
    for (const [control, messages] of byControl) setFieldError(control, messages.join(' '));
    return placed.length === 0;
  };

  // The documentation coach: while the report is typed, what the claim's documentation still lacks, with the rule
  // behind each item. POST /v1/check stores nothing; an answer older than the newest request is dropped.
  const coachStatus = h('p', { class: 'hint' }, 'Type or paste the report: what its documentation still lacks for the claim appears here, with the rule behind each item.');
  const coachList = h('ul', { class: 'plain-list coach-list' });
  let coachRun = 0;
  let coachTimer: ReturnType<typeof setTimeout> | undefined;
  const runCoach = async () => {
    const run = ++coachRun;
    if (!report.value.trim()) {
      replaceChildren(coachList);
      coachStatus.textContent = 'Type or paste the report: what its documentation still lacks for the claim appears here, with the rule behind each item.';
      return;
    }
    const { encounter, problems } = collect();
    if (!encounter) {
      replaceChildren(coachList);
      coachStatus.textContent = `The report is checked once the form is complete: ${problems[0] ?? ''}`;
      return;
    }
    coachStatus.textContent = 'Checking the report…';
    try {
      const result = await postJson<Result>('/v1/check', encounter);
      if (run !== coachRun) return;
      const needed = result.findings.filter((f) => f.rule.startsWith('doc.') || f.rule === 'report.no-study');
      coachStatus.textContent = needed.length === 0 ? 'Nothing is missing: the report has every element the documentation rules check for this claim.' : `${needed.length} ${needed.length === 1 ? 'item is' : 'items are'} still missing for the claim:`;
      replaceChildren(
        coachList,
        needed.map((f) => h('li', { class: `coach-item severity-${f.severity}`, 'data-rule': f.rule }, h('span', { class: `tag tag-${f.severity}` }, f.severity === 'error' ? 'Holds the claim' : 'Warning'), ' ', f.message, f.fix ? h('div', { class: 'hint' }, f.fix) : null, h('div', { class: 'muted small' }, 'Rule ', h('code', { class: 'rule-id' }, f.rule), ` · ${f.source.title}`))),
      );
    } catch (error) {
      if (run !== coachRun) return;
      replaceChildren(coachList);
      coachStatus.textContent = `The report could not be checked: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  const refreshCoach = () => {
    clearTimeout(coachTimer);
    coachTimer = setTimeout(() => void runCoach(), 500);
  };
  report.addEventListener('input', refreshCoach);

  // Date of service, birth date and sex the report states fill their fields, marked as read from the report, until
  // the user sets the field: what the user chose is never overwritten, and a field the report no longer states is
  // put back as it was.
  const initial = new Map<HTMLInputElement | HTMLSelectElement, string>([[dateOfService, dateOfService.value], [birthDate, birthDate.value], [sex, sex.value]]);
  const setByUser = new Set<HTMLElement>();
  const readMark = (control: HTMLElement, field: HeaderField | undefined) => {
    const id = `${control.id}-from-report`;
    control.closest('.field')?.querySelector(`#${CSS.escape(id)}`)?.remove();
    const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== id);
    if (field !== undefined) {
      control.closest('.field')?.append(h('small', { id, class: 'from-report' }, 'Read from the report: ', h('q', {}, report.value.slice(field.start, field.end))));
      described.push(id);
    }
    if (described.length > 0) control.setAttribute('aria-describedby', described.join(' '));
    else control.removeAttribute('aria-describedby');
  };
  const fillFromReport = () => {
    const header = readReportHeader(report.value, writesDayFirst(report.value));
    const read: [HTMLInputElement | HTMLSelectElement, HeaderField | undefined][] = [[dateOfService, header.dateOfService], [birthDate, header.birthDate], [sex, header.sex]];
    const filled: string[] = [];
    for (const [control, found] of read) {
      if (setByUser.has(control)) continue;
      const before = control.value;
      control.value = found?.value ?? initial.get(control)!;
      readMark(control, found);
      if (found !== undefined && control.value !== before) filled.push(control === sex ? 'sex' : control === birthDate ? 'birth date' : 'date of service');
    }
    if (filled.length > 0) announce(`Read from the report: ${filled.join(', ')}.`);
  };
  let headerTimer: ReturnType<typeof setTimeout> | undefined;
  report.addEventListener('input', () => {
    clearTimeout(headerTimer);
    headerTimer = setTimeout(fillFromReport, 300);
  });
  for (const control of [dateOfService, birthDate, sex]) {
    const own = () => {
      setByUser.add(control);
      readMark(control, undefined);
    };
    control.addEventListener('input', own);
    control.addEventListener('change', own);
  }
  const coach = h('section', { class: 'card coach', 'aria-labelledby': 'coach-heading' }, h('h2', { id: 'coach-heading' }, 'Documentation coach'), h('div', { 'aria-live': 'polite' }, coachStatus, coachList));

  preview.addEventListener('click', async () => {
    replaceChildren(errors);
    const { encounter, problems, placed } = collect();
    showFieldErrors(placed);
    if (!encounter) {
      replaceChildren(errors, h('p', {}, 'Please correct:'), h('ul', { class: 'error-list' }, problems.map((p) => h('li', {}, p))));
      return;
    }
    preview.disabled = true;
    try {
      const result = await postJson<Result>('/v1/check', encounter);
      const counts = (['error', 'warning', 'info'] as const)
        .map((sev) => {
          const n = result.findings.filter((f) => f.severity === sev).length;
          return `${n} ${sev === 'info' || n === 1 ? sev : `${sev}s`}`;
        })
        .join(', ');
      replaceChildren(
        previewOut,
        h('h2', { id: 'preview-heading' }, 'Preview (not saved)'),
        h('p', {}, verdictBadge(result.verdict, true), ` ${counts}.`),
        h('p', {}, 'Recommended claim: ', result.recommended.lines.length ? result.recommended.lines.map((l) => h('code', { class: 'chip' }, [l.code, ...l.modifiers].join('-'))) : h('span', { class: 'muted' }, 'no billable line')),
        h('ul', { class: 'plain-list compact' }, orderedFindings(result.findings).filter((f) => f.severity !== 'info').map((f) => h('li', {}, h('code', { class: 'rule-id' }, f.rule), ' ', f.message))),
      );
    } catch (error) {
      replaceChildren(previewOut, h('p', {}, 'The check could not run:'), errorList(error));
    } finally {
      preview.disabled = false;
    }
  });

  const form = h(
    'form',
    {
      class: 'new-encounter',
      oninput: (event: Event) => {
        if (event.target !== report) refreshCoach();
      },
      'aria-labelledby': 'page-title',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replaceChildren(errors);
        const { encounter, problems, placed } = collect();
        showFieldErrors(placed);
        if (!encounter) {
          replaceChildren(errors, h('p', {}, 'Please correct:'), h('ul', { class: 'error-list' }, problems.map((p) => h('li', {}, p))));
          (placed.find((p) => p.control)?.control ?? errors).focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = 'Checking…';
        try {
          const created = await postJson<{ encounterId: string; version: number; result: Result }>('/v1/encounters', encounter);
          announce(`Encounter saved and checked: ${created.result.verdict}.`);
          location.hash = `#/encounters/${encodeURIComponent(created.encounterId)}`;
        } catch (error) {
          replaceChildren(errors, h('p', {}, 'The server did not accept the encounter:'), errorList(error));
          errors.scrollIntoView({ block: 'nearest' });
        } finally {
          submit.disabled = false;
          submit.textContent = 'Check and save';
        }
      },
    },
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'report-heading' },
        h('h2', { id: 'report-heading' }, 'Report'),
        field('Report text', report, 'Paste the DXA/VFA report as the scanner or dictation gave it. Procedures, results, indication and diagnoses are read from it.'),
        field('Or open a text file', file),
        coach,
      ),
      h(
        'div',
        { class: 'stack' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'patient-heading' },
          h('h2', { id: 'patient-heading' }, 'Patient and service'),
          h('div', { class: 'form-row' }, field('Family name', familyName), field('Given name', givenName)),
          h(
            'div',
            { class: 'form-row' },
            field('MRN', mrn, 'Medical record number in your organisation.'),
            field('Member id', memberId, "The payer's member id (for Medicare the MBI)."),
          ),
          h('p', { class: 'hint' }, 'Earlier studies of the patient are found by MRN or member id only; without either, the 23-month frequency is not checked.'),
          h('div', { class: 'form-row' }, field('Date of service', dateOfService), field('Sex', sex)),
          h('div', { class: 'form-row' }, field('Birth date', birthDate), field('or age', age)),
          h('div', { class: 'form-row' }, field('Payer', payer), field('Component', component)),
          h('div', { class: 'form-row' }, field('Encounter id (optional)', externalId)),
          h('div', { class: 'check' }, treating, h('label', { for: 'treating' }, 'Ordered by the treating practitioner')),
          field('Diagnoses (ICD-10-CM)', diagnoses, 'Optional: comma-separated. Without them, codes are suggested from the report.'),
        ),
        h(
          'fieldset',
          { class: 'card' },
          h('legend', {}, 'Performed (only without a report)'),
          performed.map((p) => h('div', { class: 'check' }, p.box, h('label', { for: p.box.id }, p.choice.label))),
        ),
        h('section', { class: 'card', 'aria-labelledby': 'claim-heading' }, h('h2', { id: 'claim-heading' }, 'Draft claim (optional)'), h('p', { class: 'hint' }, 'Add the lines someone drafted to have them checked; leave empty to get the recommended claim.'), lines, addLine),
      ),
    ),
    errors,
    previewOut,
    h('div', { class: 'actions form-submit' }, preview, submit, h('span', { class: 'hint' }, 'Preview checks without saving; Check and save stores the encounter, checks it and opens it.')),
  );
  const viewer = ctx.session.role === 'viewer';
  // Viewers may read but not store and check; say so up front rather than after a refused request.
  if (viewer) submit.disabled = true;
  replaceChildren(ctx.main, pageHeading('New encounter'), viewer ? h('p', { class: 'notice' }, 'Your token has the viewer role: you can read encounters but not check new ones.') : null, form);

  try {
    fillPayerOptions(payer, await loadKnowledge(), 'medicare');
  } catch (error) {
    showError(error, 'The payer list could not be loaded; the default payer (Medicare) is used.');
  }
}
