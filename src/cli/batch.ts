/**
 * Checks a batch of input items and renders what the CLI prints for them: result lines for standard output and
 * problem lines for standard error. The same function runs on the main thread and in worker threads.
 */
import { stringifyResult } from '../contract/serialize.js';
import { check, parseEncounter } from '../engine/index.js';
import type { Knowledge } from '../knowledge/compile.js';
import { parseItem, type InputItem, type InputShape } from './input.js';
import { COLOR, PLAIN, renderText } from './text.js';

/** How a batch is rendered. */
export interface BatchSetup {
  /** Input name for messages (a file name or <stdin>). */
  name: string;
  shape: InputShape;
  format: 'json' | 'text';
  color: boolean;
}

/** What one batch produced. */
export interface BatchOutput {
  stdout: string;
  stderr: string;
  clean: number;
  review: number;
  reject: number;
  unusable: number;
}

function where(setup: BatchSetup, item: { index: number; line: number | undefined }, value?: unknown): string {
  const at = item.line !== undefined ? `${setup.name}:${item.line}` : setup.shape === 'array' ? `${setup.name}[${item.index}]` : setup.name;
  const id = value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
  return id !== undefined ? `${at}: encounter ${JSON.stringify(id.slice(0, 64))}` : `${at}: encounter #${item.index + 1}`;
}

/** Checks every item of a batch, in order. */
export function checkBatch(items: InputItem[], setup: BatchSetup, knowledge: Knowledge): BatchOutput {
  const output: BatchOutput = { stdout: '', stderr: '', clean: 0, review: 0, reject: 0, unusable: 0 };
  const style = setup.color ? COLOR : PLAIN;
  for (const raw of items) {
    const item = parseItem(raw);
    if (item.kind === 'syntax-error') {
      output.unusable++;
      output.stderr += `dxacode: ${setup.name}: encounter #${item.index + 1}: ${item.message}\n`;
      continue;
    }
    const parsed = parseEncounter(item.value);
    if (!parsed.ok) {
      output.unusable++;
      const at = where(setup, item, item.value);
      for (const problem of parsed.problems) output.stderr += `dxacode: ${at}: ${problem.field}: ${problem.message}\n`;
      continue;
    }
    const result = check(parsed.encounter, knowledge);
    output[result.verdict]++;
    if (setup.format === 'text') {
      output.stdout += `${renderText(result, style, { dateOfService: parsed.encounter.dateOfService, payer: parsed.encounter.payer ?? 'medicare' })}\n`;
    } else if (setup.shape === 'object') {
      output.stdout += `${JSON.stringify(result, null, 2)}\n`;
    } else {
      output.stdout += `${stringifyResult(result)}\n`;
    }
  }
  return output;
}
