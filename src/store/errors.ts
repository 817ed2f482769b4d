/** Domain errors of the store: driver errors are mapped here so no SQL text or PHI reaches a caller or a log. */

/** The kinds of store failure a caller can act on. */
export const STORE_ERROR_KINDS = {
  notFound: 'not-found',
  conflict: 'conflict',
  unavailable: 'unavailable',
  invalid: 'invalid',
  internal: 'internal',
} as const;

/** One store failure kind. */
export type StoreErrorKind = (typeof STORE_ERROR_KINDS)[keyof typeof STORE_ERROR_KINDS];

/** A store failure with a kind and a message that never contains SQL text or patient data. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown; rule?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.rule !== undefined) this.rule = options.rule;
  }
  /** A stable finding id for the API (e.g. claim.unresolved-errors), when the failure has one. */
  readonly rule?: string;
}

const UNAVAILABLE_PG_CODE_PREFIXES = ['08', '53', '57', '58'];
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_IOERR']);

/** Turns any driver error into a StoreError; the original stays as `cause` for debugging, never in the message. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code.startsWith('SQLITE_CONSTRAINT') || code.startsWith('23')) {
    return new StoreError('conflict', 'the record conflicts with a stored record', { cause: error });
  }
  if (UNAVAILABLE_NODE_CODES.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_IOERR') || UNAVAILABLE_PG_CODE_PREFIXES.some((p) => code.startsWith(p))) {
    return new StoreError('unavailable', 'the database is unavailable; try again', { cause: error });
  }
  return new StoreError('internal', 'the store operation failed', { cause: error });
}

/** Runs a read and turns any driver error into a StoreError (writes get this from the store's transaction). */
export async function withStoreErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error);
  }
}
