/**
 * Checking one batch of `dxacode check`'s encounters and printing its results: the same code in this thread and in
 * a check worker (check-worker.ts), so that a parallel run prints byte for byte what a run in one thread prints.
 */
import { stringifyResult } from '../contract/serialize.js';
import type { Encounter } from '../contract/encounter.js';
import type { Verdict } from '../contract/values.js';
// engine/check.js, not engine/index.js, which would load zod with engine/validate.js (batch.ts loads it on need).
import { check, type CheckOptions } from '../engine/check.js';
import type { InputShape } from '../io/input.js';
import type { Knowledge } from '../knowledge/compile.js';
import { COLOR, PLAIN, renderText } from './text.js';

/** How results are printed. */
export interface Printing {
  format: 'json' | 'text';
  color: boolean;
}

/** Results per verdict. */
export type VerdictCounts = Record<Verdict, number>;

/** The printed results of a batch and their verdicts. */
export interface CheckedBatch {
  output: string;
  counts: VerdictCounts;
}

/** Checks `encounters` in input order and prints each result: text, or JSON (indented for a single object input). */
export function checkBatch(encounters: readonly Encounter[], knowledge: Knowledge, options: CheckOptions, print: Printing, shape: InputShape): CheckedBatch {
  const counts: VerdictCounts = { clean: 0, review: 0, reject: 0 };
  const style = print.color ? COLOR : PLAIN;
  let output = '';
  for (const encounter of encounters) {
    const result = check(encounter, knowledge, options);
    counts[result.verdict]++;
    if (print.format === 'text') output += `${renderText(result, style, { dateOfService: encounter.dateOfService, payer: encounter.payer ?? 'medicare' })}\n`;
    else if (shape === 'object') output += `${JSON.stringify(result, null, 2)}\n`;
    else output += `${stringifyResult(result)}\n`;
  }
  return { output, counts };
}
