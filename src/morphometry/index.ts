/** VFA morphometry: heights in, Genant grades and deformity types out (docs/morphometry.md). */
export { gradeMorphometry, genantGrade, GENANT_BOUNDS, GENANT_SOURCE, MORPHOMETRY_SOURCE, type DeformityType, type GenantGrade, type GradedLevel } from './grade.js';
export { VERTEBRAL_LEVELS, duplicateLevels, isVertebralLevel, parseVertebralLevel, type VertebralLevel } from './levels.js';
export { readMorphometry, validateRows, MAX_MORPHOMETRY_CHARS, type MorphometryInput, type MorphometryProblem } from './read.js';
export { renderSpineSvg, spineTable, escapeXml, type SpineRow } from './spine-svg.js';
