/** The error of knowledge data that fails validation. */

/** A knowledge file that failed validation: names the table, the entry path and what was expected. */
export class KnowledgeError extends Error {
  override readonly name = 'KnowledgeError';
}
