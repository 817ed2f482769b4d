/** The payer list for drop-downs (GET /v1/knowledge), fetched once per page load. */
import { getJson } from './api.js';
import { h } from './dom.js';
import type { KnowledgeInfo } from './types.js';

let cached: Promise<KnowledgeInfo> | undefined;

/** The knowledge version and payers; a failed fetch is retried next time rather than remembered. */
export function loadKnowledge(): Promise<KnowledgeInfo> {
  cached ??= getJson<KnowledgeInfo>('/v1/knowledge').catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** Fills a payer <select> with the payers the server knows, keeping a first option such as "Any payer". */
export function fillPayerOptions(select: HTMLSelectElement, info: KnowledgeInfo, selected?: string): void {
  for (const payer of info.payers) {
    select.append(h('option', { value: payer.id, selected: payer.id === selected }, payer.name));
  }
}
