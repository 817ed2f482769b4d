/**
 * Every interchange problem catalogue, for the generated documents (docs/problems/*.md, `npm run docs`) and the
 * test that keeps them in step and no id in two catalogues.
 */
import { FHIR_CATALOGUE } from './fhir/problems.js';
import { HL7_CATALOGUE } from './hl7/problems.js';
import type { CatalogueDocument } from './problem-table.js';
import { X12_CATALOGUE } from './x12/problems.js';
import { ACK_999_CATALOGUE, REMIT_835_CATALOGUE, STATUS_277_CATALOGUE } from './x12/response-problems.js';

export { catalogueMarkdown } from './problem-table.js';

/** The catalogues, in the order the documents list them. */
export const PROBLEM_CATALOGUES: readonly CatalogueDocument[] = [X12_CATALOGUE, ACK_999_CATALOGUE, STATUS_277_CATALOGUE, REMIT_835_CATALOGUE, FHIR_CATALOGUE, HL7_CATALOGUE];
