/**
 * Report draft: a radiologist enters the study's facts and gets the structured DXA/VFA report drafted (POST
 * /v1/reports/draft, the same drafting as `dxacode report`), with what it still lacks for the claim and the rule
 * behind each item, and the printable HTML with the spine picture to download. Nothing is stored.
 */
import { postJson } from './api.js';
import { h, replaceChildren, saveBlob } from './dom.js';
import { announce, errorList, field, pageHeading, type ViewContext } from './ui.js';

/** What the server answers. */
interface DraftAnswer {
  text: string;
  html: string;
  missing: { element: string; rule: string | null; message: string }[];
}

/** The result sites the drafting takes (the extractor's), in words. */
const RESULT_SITES: [string, string][] = [
  ['lumbar-spine', 'Lumbar spine'],
  ['left-femoral-neck', 'Left femoral neck'],
  ['right-femoral-neck', 'Right femoral neck'],
  ['left-total-hip', 'Left total hip'],
  ['right-total-hip', 'Right total hip'],
  ['left-radius-33', 'Left radius 33%'],
  ['right-radius-33', 'Right radius 33%'],
  ['total-body', 'Total body'],
];

function resultRow(): HTMLElement {
  const site = h('select', { name: 'site' }, h('option', { value: '' }, '(none)'), RESULT_SITES.map(([value, label]) => h('option', { value }, label)));
  const number = (name: string, label: string, step: string) => field(label, h('input', { type: 'number', name, step, class: 'input-narrow' }));
  return h('fieldset', { class: 'result-row form-row' }, h('legend', { class: 'visually-hidden' }, 'Result'), field('Site', site), number('bmd', 'BMD (g/cm²)', '0.001'), number('tScore', 'T-score', '0.1'), number('zScore', 'Z-score', '0.1'));
}

/** Reads "T12 2 wedge, L1 1 biconcave" as fractures; undefined with the first unreadable item. */
export function parseFractures(text: string): { level: string; grade: number; type: string }[] | string {
  const out: { level: string; grade: number; type: string }[] = [];
  for (const item of text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^([TL]\d{1,2})\s*[: ]\s*(?:grade\s*)?([123])\s*[: ]?\s*(wedge|biconcave|crush)$/i.exec(item);
    if (!m) return item;
    out.push({ level: m[1]!.toUpperCase(), grade: Number(m[2]), type: m[3]!.toLowerCase() });
  }
  return out;
}

/** Draws the report-draft form. */
export async function renderReportDraft(ctx: ViewContext): Promise<void> {
  const dateOfService = h('input', { type: 'date', name: 'dateOfService', required: true });
  const sex = h('select', { name: 'sex' }, h('option', { value: 'female' }, 'Female'), h('option', { value: 'male' }, 'Male'));
  const age = h('input', { type: 'number', name: 'age', min: '0', max: '130', step: '1', class: 'input-narrow', required: true });
  const menopause = h('select', { name: 'menopause' }, h('option', { value: '' }, 'not stated'), ['postmenopausal', 'perimenopausal', 'premenopausal'].map((m) => h('option', { value: m }, m)));
  const ordering = h('input', { type: 'text', name: 'orderingClinician', maxlength: '120', autocomplete: 'off' });
  const indication = h('textarea', { name: 'indication', rows: '2', maxlength: '500' });
  const manufacturer = h('input', { type: 'text', name: 'manufacturer', maxlength: '60', autocomplete: 'off' });
  const model = h('input', { type: 'text', name: 'model', maxlength: '60', autocomplete: 'off' });
  const software = h('input', { type: 'text', name: 'software', maxlength: '60', autocomplete: 'off' });
  const results = h('div', { class: 'result-rows' }, resultRow(), resultRow(), resultRow());
  const vfa = h('input', { type: 'checkbox', name: 'vfa', id: 'draft-vfa' });
  const fractures = h('input', { type: 'text', name: 'fractures', placeholder: 'T12 2 wedge, L1 1 biconcave', autocomplete: 'off', class: 'input-wide' });
  const recommendations = h('textarea', { name: 'recommendations', rows: '2', maxlength: '300' });
  const signer = h('input', { type: 'text', name: 'signer', maxlength: '120', autocomplete: 'off' });
  const credentials = h('input', { type: 'text', name: 'credentials', maxlength: '40', autocomplete: 'off', class: 'input-narrow' });
  const signedOn = h('input', { type: 'date', name: 'signedOn' });
  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const output = h('div', { class: 'draft-output', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Draft the report');

  const facts = (): { facts?: Record<string, unknown>; problem?: string } => {
    if (!dateOfService.value) return { problem: 'Date of service is required.' };
    if (age.value === '') return { problem: 'Age is required (it decides between T-score categories and Z-score wording).' };
    const rows = [...results.querySelectorAll<HTMLFieldSetElement>('fieldset.result-row')].flatMap((row) => {
      const site = row.querySelector<HTMLSelectElement>('select[name=site]')!.value;
      if (!site) return [];
      const value = (name: string) => {
        const text = row.querySelector<HTMLInputElement>(`input[name=${name}]`)!.value;
        return text === '' ? {} : { [name]: Number(text) };
      };
      return [{ site, ...value('bmd'), ...value('tScore'), ...value('zScore') }];
    });
    const fractureList = parseFractures(fractures.value);
    if (typeof fractureList === 'string') return { problem: `Fracture "${fractureList}" is not read: write level, grade and type, e.g. T12 2 wedge.` };
    const text = (control: HTMLInputElement | HTMLTextAreaElement) => control.value.trim() || undefined;
    return {
      facts: {
        dateOfService: dateOfService.value,
        patient: { sex: sex.value, age: Number(age.value), ...(sex.value === 'female' && menopause.value ? { menopause: menopause.value } : {}) },
        ...(text(ordering) ? { orderingClinician: text(ordering) } : {}),
        ...(text(indication) ? { indication: text(indication) } : {}),
        ...(text(manufacturer) ? { scanner: { manufacturer: text(manufacturer), ...(text(model) ? { model: text(model) } : {}), ...(text(software) ? { software: text(software) } : {}) } } : {}),
        ...(rows.length ? { results: rows } : {}),
        ...(vfa.checked || fractureList.length ? { vfa: { fractures: fractureList } } : {}),
        ...(text(recommendations) ? { recommendations: [text(recommendations)] } : {}),
        ...(text(signer) && text(credentials) ? { signature: { name: text(signer), credentials: text(credentials), date: signedOn.value || dateOfService.value } } : {}),
      },
    };
  };

  const form = h(
    'form',
    {
      class: 'report-draft',
      'aria-labelledby': 'page-title',
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replaceChildren(errors);
        const { facts: body, problem } = facts();
        if (!body) {
          replaceChildren(errors, h('p', {}, problem ?? 'The facts are incomplete.'));
          return;
        }
        submit.disabled = true;
        try {
          const draft = await postJson<DraftAnswer>('/v1/reports/draft', body);
          const download = h('button', { type: 'button', class: 'button-secondary', onclick: () => saveBlob(new Blob([draft.html], { type: 'text/html' }), `dxa-report-${body.dateOfService as string}.html`) }, 'Download the printable report (HTML)');
          replaceChildren(
            output,
            h('h2', { id: 'draft-heading' }, 'Draft'),
            draft.missing.length
              ? h('div', { class: 'notice' }, h('p', {}, `${draft.missing.length} ${draft.missing.length === 1 ? 'element is' : 'elements are'} still missing:`), h('ul', { class: 'plain-list draft-missing' }, draft.missing.map((m) => h('li', { 'data-rule': m.rule ?? '' }, h('strong', {}, m.element), m.rule ? [' (', h('code', { class: 'rule-id' }, m.rule), ')'] : null, `: ${m.message}`))))
              : h('p', { class: 'ok' }, 'Nothing is missing: signed as drafted, the report holds every element the documentation rules check.'),
            h('pre', { class: 'report-text draft-text', tabindex: '0' }, draft.text),
            h('div', { class: 'actions' }, download),
          );
          announce(`Report drafted${draft.missing.length ? `; ${draft.missing.length} missing` : ''}.`);
        } catch (error) {
          replaceChildren(errors, h('p', {}, 'The report could not be drafted:'), errorList(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'study-heading' },
        h('h2', { id: 'study-heading' }, 'Patient and study'),
        h('div', { class: 'form-row' }, field('Date of service', dateOfService), field('Sex', sex), field('Age', age)),
        field('Menopausal status', menopause, 'Women: the WHO categories apply after menopause, Z-score wording before.'),
        field('Ordering clinician', ordering),
        field('Indication', indication),
        h('div', { class: 'form-row' }, field('Scanner', manufacturer), field('Model', model), field('Software', software)),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'results-heading' },
        h('h2', { id: 'results-heading' }, 'Results'),
        results,
        h('div', { class: 'check' }, vfa, h('label', { for: 'draft-vfa' }, 'VFA performed, T4-L4 evaluated')),
        field('Fractures (VFA)', fractures, 'Level, Genant grade and type, separated by commas. Leave empty for no fracture.'),
        field('Recommendations', recommendations),
        h('div', { class: 'form-row' }, field('Signed by', signer), field('Credentials', credentials), field('Signed on', signedOn)),
      ),
    ),
    errors,
    h('div', { class: 'actions form-submit' }, submit, h('span', { class: 'hint' }, 'Drafts only: nothing is stored. Copy the text into the report, or download it to print.')),
  );
  replaceChildren(ctx.main, pageHeading('Report draft'), h('p', { class: 'lead' }, "Draft the structured DXA/VFA report from the study's facts; it lists what the claim's documentation would still lack."), form, output);
}
