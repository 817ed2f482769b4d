/**
 * PostgreSQL cannot store U+0000 in text (SQLite can), so text holding it is refused on input, on both databases
 * alike, with the field that holds it named.
 */

/** What is wrong with a field that holds U+0000. */
export const NUL_PROBLEM = 'expected text without the NUL character (U+0000)';

/** The path (`patient.name.family`, `history[0].npi`) of the first string or key holding U+0000 in a value, if any. */
export function nulPath(value: unknown): string | undefined {
  // Every API request is looked at: the walk that builds paths runs only for the rare value that holds a NUL.
  return holdsNul(value) ? locateNul(value, '') : undefined;
}

/** Whether any string or key of a value holds U+0000 (the same walk as locateNul, without building paths). */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsNul(value[i])) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) if (key.includes('\u0000') || holdsNul((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function locateNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locateNul(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // The key is named as written, its NUL escaped, so the message itself holds none.
      const name = key.replaceAll('\u0000', '\\u0000');
      const at = path === '' ? name : `${path}.${name}`;
      if (key.includes('\u0000')) return at;
      const found = locateNul(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
