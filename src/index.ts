/**
 * dxacode as a library: the typed API that integrators import from the npm package (`import { check } from 'dxacode'`).
 * It is the same engine the CLI and the server run. The interchange formats have their own entry points, so that a
 * caller who only checks encounters does not load them: `dxacode/x12` (837P, 999, 277CA, 835), `dxacode/fhir` and
 * `dxacode/hl7`. Nothing here opens a store, a server or a log.
 */
export { check, checkWithFacts, code, normalizeEncounter, parseEncounter, parseEncounterStrictly, type CheckOptions, type EncounterProblem, type HistoryScope } from './engine/index.js';
export { extract, MAX_REPORT_CHARS } from './extract/extract.js';
export type { Evidence, ReportFacts } from './extract/facts.js';
export { loadKnowledge } from './io/knowledge-files.js';
export { KnowledgeError, type Knowledge } from './knowledge/compile.js';
export { stringifyResult } from './contract/serialize.js';
export { Encounter, type ClaimLine, type Clinical, type HistoryEntry, type PatientAddress, type PatientName, type Procedure } from './contract/encounter.js';
export { Result, type Finding, type FromReport, type RecommendedLine, type Source } from './contract/result.js';
