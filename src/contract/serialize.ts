/**
 * Serialises a Result exactly as JSON.stringify would, but writes each knowledge source once: sources are shared
 * objects that recur in most findings, so their JSON text is cached. Batches spend much of their time here.
 */
import type { Result, Source } from './result.js';

const sourceText = new WeakMap<Source, string>();
// The engine shares identical checked entries between results, so their JSON is cached by identity.
const entryText = new WeakMap<object, string>();

// Control characters are exactly what must be escaped here.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** A JSON string literal; plain text (most messages) skips JSON.stringify's general path. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function checkedJson(entry: { family: string; version: string }): string {
  let text = entryText.get(entry);
  if (text === undefined) {
    text = `{"family":${quote(entry.family)},"version":${quote(entry.version)}}`;
    entryText.set(entry, text);
  }
  return text;
}

function sourceJson(source: Source): string {
  let text = sourceText.get(source);
  if (text === undefined) {
    text = JSON.stringify(source);
    sourceText.set(source, text);
  }
  return text;
}

/** JSON text of a result, byte-identical to `JSON.stringify(result)`. */
export function stringifyResult(result: Result): string {
  let out = '{';
  if (result.id !== undefined) out += `"id":${quote(result.id)},`;
  out += `"verdict":"${result.verdict}","recommended":${JSON.stringify(result.recommended)},"findings":[`;
  for (let i = 0; i < result.findings.length; i++) {
    const f = result.findings[i]!;
    if (i > 0) out += ',';
    out += `{"rule":"${f.rule}","severity":"${f.severity}","message":${quote(f.message)}`;
    if (f.line !== undefined) out += `,"line":${f.line}`;
    if (f.fix !== undefined) out += `,"fix":${quote(f.fix)}`;
    out += `,"source":${sourceJson(f.source)}`;
    if (f.path !== undefined) out += `,"path":${quote(f.path)}`;
    out += f.params !== undefined ? `,"params":${JSON.stringify(f.params)}}` : '}';
  }
  out += '],"checked":[';
  for (let i = 0; i < result.checked.length; i++) out += (i > 0 ? ',' : '') + checkedJson(result.checked[i]!);
  out += '],"unchecked":[';
  for (let i = 0; i < result.unchecked.length; i++) {
    const u = result.unchecked[i]!;
    out += `${i > 0 ? ',' : ''}{"family":"${u.family}","reason":${quote(u.reason)}}`;
  }
  out += ']';
  if (result.fromReport !== undefined) out += `,"fromReport":${JSON.stringify(result.fromReport)}`;
  if (result.morphometry !== undefined) out += `,"morphometry":${JSON.stringify(result.morphometry)}`;
  return `${out}}`;
}
