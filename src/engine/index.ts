/** The engine's public surface: validate, code and check encounters. */
export { check, checkWithFacts, type CheckOptions, type HistoryScope } from './check.js';
export { code } from './recommend.js';
export { FamilySelection, isFamily, parseFamilyList } from './families.js';
export { normalizeEncounter } from './normalize.js';
export { parseEncounter, parseEncounterStrictly, type EncounterProblem } from './validate.js';
