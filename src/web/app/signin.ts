/** Sign-in: paste a bearer token; the server checks it and records the sign-in (POST /v1/session). */
import { signIn } from './api.js';
import { h, replaceChildren } from './dom.js';
import type { Session } from './types.js';
import { announce, errorList, field } from './ui.js';

/** Draws the sign-in form; calls onSignedIn once the server has accepted the token. */
export function renderSignIn(main: HTMLElement, onSignedIn: (session: Session) => void): void {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true, minlength: '16', class: 'input-wide', id: 'token' });
  const errors = h('div', { class: 'form-errors', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'button-primary' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'card signin',
      'aria-labelledby': 'page-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        replaceChildren(errors);
        const token = input.value.trim();
        if (token.length < 16) {
          replaceChildren(errors, h('p', {}, 'Paste the whole token: it is at least 16 characters long.'));
          input.focus();
          return;
        }
        button.disabled = true;
        try {
          const session = await signIn(token);
          input.value = '';
          announce(`Signed in to ${session.organization} as ${session.role}.`);
          onSignedIn(session);
        } catch (error) {
          replaceChildren(errors, h('p', {}, 'The token was not accepted.'), errorList(error));
          input.select();
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h1', { tabindex: '-1', id: 'page-title' }, 'Sign in'),
    h(
      'section',
      { class: 'about', 'aria-labelledby': 'about-heading' },
      h('h2', { id: 'about-heading' }, 'What this is'),
      h('p', {}, 'The dxacode workbench codes and checks bone density (DXA) and vertebral fracture assessment (VFA) claims before they are billed. Paste a report or enter what was done: it proposes the CPT codes, modifiers and ICD-10-CM diagnoses, checks them against the rules in force on the date of service (code validity, pair edits, units, Medicare coverage and frequency, payer policies, documentation), and explains every finding with its source.'),
    ),
    h('p', { class: 'lead' }, 'Sign in with the access token your organisation gave you. The token is kept in this browser tab only and forgotten when the tab closes.'),
    field('Access token', input, 'A long string of letters and digits. If you have none, ask your dxacode administrator (or practice manager) for a coder token; viewers can read but not check or accept claims.'),
    errors,
    h('div', { class: 'actions' }, button),
    h('details', { class: 'signin-admin' }, h('summary', {}, 'For the administrator: where tokens come from'), h('p', {}, 'The first start of the server prints an admin token on its terminal. Administrators create tokens for their staff with dxacode token create --role coder --organization ID (or viewer, admin) and revoke them with dxacode token revoke.')),
  );
  replaceChildren(main, form);
  input.focus();
}
