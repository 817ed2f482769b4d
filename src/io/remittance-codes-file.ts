/** Reads the embedded CARC, RARC and acknowledgment code words from disk (an edge), without loading the rules' knowledge. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KnowledgeError } from '../knowledge/errors.js';
import { compileRemittanceCodes, type RemittanceCodes } from '../knowledge/remittance-codes.js';

/** The embedded remittance codes file (src/knowledge/data/remittance-codes.json, found from both src/ and dist/). */
export const REMITTANCE_CODES_FILE = fileURLToPath(new URL('../../src/knowledge/data/remittance-codes.json', import.meta.url));

/** Reads and indexes the remittance codes. Throws KnowledgeError when the file is missing or bad. */
export function loadRemittanceCodes(path = REMITTANCE_CODES_FILE): RemittanceCodes {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new KnowledgeError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return compileRemittanceCodes(data);
}
