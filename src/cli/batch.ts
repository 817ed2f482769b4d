/**
 * The one input loop of `dxacode check` and `dxacode claim`: reads an encounter input (one JSON object, a JSON array
 * or NDJSON) batch by batch, parses and validates every item, reports each unusable one on standard error with its
 * location, and hands the valid encounters on in input order. Valid input is told by the validator compiled at
 * build time (io/encounter-validator.ts); zod (engine/validate.ts) is loaded only for an item it rejects, to say why.
 */
import type { Encounter } from '../contract/encounter.js';
import { isValidEncounter, uniformEncounter } from '../engine/encounter-shape.js';
import type { ParsedEncounter } from '../engine/validate.js';
import { loadEncounterValidator } from '../io/encounter-validator.js';
import { parseItem, partItems, PartLines, type EncounterInput, type InputItem, type InputPart, type InputShape } from '../io/input.js';

/** The input being read: its name for messages (a file name or <stdin>) and its shape. */
export interface InputSource {
  name: string;
  shape: InputShape;
}

/**
 * Where an item is, for messages: `file:LINE` (NDJSON), `file[INDEX]` (array) or `file` (one object), then
 * `encounter "ID"` when the item has an id, else `encounter #N` (N counts from 1).
 */
export function itemLocation(source: InputSource, item: { index: number; line: number | undefined }, value?: unknown): string {
  const at = item.line !== undefined ? `${source.name}:${item.line}` : source.shape === 'array' ? `${source.name}[${item.index}]` : source.name;
  const id = value !== null && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
  return id !== undefined ? `${at}: encounter ${JSON.stringify(id.slice(0, 64))}` : `${at}: encounter #${item.index + 1}`;
}

/** One input item after parsing and validation: the encounter, or the standard error lines saying why it is unusable. */
export type ReadItem = { ok: true; encounter: Encounter } | { ok: false; problems: string };

/** Parses one input item and validates it with `parseEncounter` (engine/validate.ts). */
export function readItem(raw: InputItem, source: InputSource, parseEncounter: (value: unknown) => ParsedEncounter): ReadItem {
  const item = parseItem(raw);
  if (item.kind === 'syntax-error') return { ok: false, problems: `dxacode: ${itemLocation(source, item)}: ${item.message}\n` };
  const parsed = parseEncounter(item.value);
  if (parsed.ok) return { ok: true, encounter: parsed.encounter };
  const at = itemLocation(source, item, item.value);
  return { ok: false, problems: parsed.problems.map((problem) => `dxacode: ${at}: ${problem.field}: ${problem.message}\n`).join('') };
}

/** What the loop hands on for one batch of the input. */
export interface EncounterBatch {
  /** The valid encounters, in input order. */
  encounters: Encounter[];
  /** Items read in this batch, usable or not (for the progress bar). */
  items: number;
}

/** A batch's items read: the valid encounters in input order, and the standard error lines for the unusable ones. */
export interface ReadBatch {
  encounters: Encounter[];
  problems: string;
  unusable: number;
}

/**
 * Parses and validates the items of one part of the input after another (in this thread or in a check worker).
 * Valid input is told by the build-time validator; zod is loaded only for an item it rejects, to say why.
 */
export class BatchReader {
  private readonly validator = loadEncounterValidator();
  private parseEncounter: ((value: unknown) => ParsedEncounter) | undefined;
  constructor(private readonly source: InputSource) {}

  async read(part: InputPart): Promise<ReadBatch> {
    const batch: ReadBatch = { encounters: [], problems: '', unusable: 0 };
    if (part.kind === 'items') {
      for (const item of part.items) if (!this.addValid(batch, item)) await this.explain(batch, item);
      return batch;
    }
    const lines = new PartLines(part);
    while (lines.next()) {
      // JSON.parse straight away: only a line that is not JSON goes through parseItem, for its message.
      let item: InputItem;
      try {
        item = { kind: 'value', index: lines.index, line: lines.line, value: JSON.parse(lines.text) };
      } catch {
        item = { kind: 'text', index: lines.index, line: lines.line, text: lines.text };
      }
      if (!this.addValid(batch, item)) await this.explain(batch, item);
    }
    if (lines.index + 1 - part.index !== part.items) throw new Error(`a part said to hold ${part.items} items held ${lines.index + 1 - part.index}`);
    return batch;
  }

  /** Adds an item the build-time validator accepts; false for any other (explain() says why, or accepts it). */
  private addValid(batch: ReadBatch, item: InputItem): boolean {
    if (!this.validator || item.kind !== 'value') return false;
    const { value } = item;
    const encounter = typeof value === 'object' && value !== null && !Array.isArray(value) ? uniformEncounter(value) : value;
    if (!isValidEncounter(encounter, this.validator)) return false;
    batch.encounters.push(encounter);
    return true;
  }

  private async explain(batch: ReadBatch, raw: InputItem): Promise<void> {
    this.parseEncounter ??= (await import('../engine/validate.js')).parseEncounter;
    const read = readItem(raw, this.source, this.parseEncounter);
    if (read.ok) batch.encounters.push(read.encounter);
    else {
      batch.unusable++;
      batch.problems += read.problems;
    }
  }
}

/**
 * Reads every part of the input: unusable items are reported through `stderr` (one line per problem), the valid
 * encounters go to `use`, which may be async (to let output drain). Returns how many items were unusable.
 */
export async function forEachBatch(input: EncounterInput, name: string, stderr: (text: string) => void, use: (batch: EncounterBatch) => void | Promise<void>): Promise<number> {
  const reader = new BatchReader({ name, shape: input.shape });
  let unusable = 0;
  for await (const part of input.parts) {
    const read = await reader.read(part);
    unusable += read.unusable;
    if (read.problems) stderr(read.problems);
    await use({ encounters: read.encounters, items: partItems(part) });
  }
  return unusable;
}
