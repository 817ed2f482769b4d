/**
 * Keyboard shortcuts: two-key `g` sequences to move between pages and `?` for help. They never fire while the user
 * types in a field or holds a modifier, so they cannot eat a character of a reason or a report.
 */

/** `g` then this key goes to that route. */
export const GO_KEYS: Record<string, string> = { w: '#/worklist', n: '#/new', r: '#/report', b: '#/batches', d: '#/dashboard', e: '#/denials', c: '#/reference', y: '#/registry', f: '#/figures' };

/** How long after `g` the second key counts. */
const SEQUENCE_MS = 1500;

/** True when a key press belongs to a text field or a control that uses keys itself. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** Installs the shortcuts; `showHelp` opens the help dialog. */
export function installShortcuts(showHelp: () => void, enabled: () => boolean): void {
  let pendingG = 0;
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
    if (document.querySelector('dialog[open]')) return;
    if (event.key === '?') {
      event.preventDefault();
      showHelp();
      return;
    }
    if (!enabled()) return;
    if (event.key === 'g') {
      pendingG = event.timeStamp;
      return;
    }
    const route = GO_KEYS[event.key];
    if (route && pendingG && event.timeStamp - pendingG < SEQUENCE_MS) {
      event.preventDefault();
      pendingG = 0;
      location.hash = route;
      return;
    }
    pendingG = 0;
  });
}
