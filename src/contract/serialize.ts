/**
 * Serialises a Result exactly as JSON.stringify would, but writes each knowledge source once: sources are shared
 * objects that recur in most findings, so their JSON text is cached. Batches spend much of their time here.
 */
import type { Result, Source } from './result.js';

const sourceText = new WeakMap<Source, string>();

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
  if (result.id !== undefined) out += `"id":${JSON.stringify(result.id)},`;
  out += `"verdict":"${result.verdict}","recommended":${JSON.stringify(result.recommended)},"findings":[`;
  for (let i = 0; i < result.findings.length; i++) {
    const f = result.findings[i]!;
    if (i > 0) out += ',';
    out += `{"rule":"${f.rule}","severity":"${f.severity}","message":${JSON.stringify(f.message)}`;
    if (f.line !== undefined) out += `,"line":${f.line}`;
    if (f.fix !== undefined) out += `,"fix":${JSON.stringify(f.fix)}`;
    out += `,"source":${sourceJson(f.source)}}`;
  }
  out += `],"checked":${JSON.stringify(result.checked)},"unchecked":${JSON.stringify(result.unchecked)}`;
  if (result.fromReport !== undefined) out += `,"fromReport":${JSON.stringify(result.fromReport)}`;
  return `${out}}`;
}
