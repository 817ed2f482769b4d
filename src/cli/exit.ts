/** Exit codes of CONTRACT.md: 0 no reject, 1 at least one reject (or a failed verification), 2 unusable input or usage. */
export const EXIT = { ok: 0, reject: 1, unusable: 2 } as const;
/** One exit code. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
