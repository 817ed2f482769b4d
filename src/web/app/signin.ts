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
    h('p', { class: 'lead' }, 'Paste your API token. It is kept in this browser tab only and forgotten when the tab closes.'),
    field('API token', input, 'Ask an administrator for one: dxacode token create --role coder'),
    errors,
    h('div', { class: 'actions' }, button),
  );
  replaceChildren(main, form);
  input.focus();
}
