/**
 * In-process limit on requests with an unknown or revoked token, per source address, in fixed windows: a flood of
 * guessed tokens costs one database look-up per attempt only up to the limit (then 429 without a look-up), and the
 * audit log gets one `denied` record per source and window instead of one per request. Memory is bounded: at most
 * `maxSources` sources are tracked, the oldest windows dropped first.
 */

/** Limits of the unknown-token limiter. */
export interface UnknownTokenLimits {
  /** Attempts with an unknown token allowed per source and window (default 30). */
  perWindow?: number;
  /** The window, in milliseconds (default one minute). */
  windowMs?: number;
  /** Sources tracked at most (default 10,000). */
  maxSources?: number;
  /** The clock (an edge): epoch milliseconds. */
  now?: () => number;
}

/** The defaults: 30 unknown-token attempts per source and minute. */
export const DEFAULT_UNKNOWN_TOKEN_LIMITS = { perWindow: 30, windowMs: 60_000, maxSources: 10_000 } as const;

interface Window {
  start: number;
  attempts: number;
}

/** What to do about one failed attempt. */
export interface FailedAttempt {
  /** The first attempt of the source in this window: write its audit record. */
  audit: boolean;
  /** Attempts of the source's previous window beyond its first (not audited one by one), for that record to say. */
  earlierAttempts: number;
}

/** Counts unknown-token attempts per source. */
export class UnknownTokenLimiter {
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;
  private readonly windows = new Map<string, Window>();
  /** Attempts beyond the first in a source's last finished window, reported with its next audited attempt. */
  private readonly carried = new Map<string, number>();

  constructor(limits: UnknownTokenLimits = {}) {
    this.perWindow = limits.perWindow ?? DEFAULT_UNKNOWN_TOKEN_LIMITS.perWindow;
    this.windowMs = limits.windowMs ?? DEFAULT_UNKNOWN_TOKEN_LIMITS.windowMs;
    this.maxSources = limits.maxSources ?? DEFAULT_UNKNOWN_TOKEN_LIMITS.maxSources;
    this.now = limits.now ?? Date.now;
  }

  /** Seconds until the source may try again, when it has used up its attempts in this window; undefined otherwise. */
  blocked(source: string): number | undefined {
    const window = this.current(source);
    if (window === undefined || window.attempts < this.perWindow) return undefined;
    return Math.max(1, Math.ceil((window.start + this.windowMs - this.now()) / 1000));
  }

  /** Records a failed attempt of the source. */
  failed(source: string): FailedAttempt {
    let window = this.current(source);
    if (window === undefined) {
      if (this.windows.size >= this.maxSources) this.forgetOldest();
      window = { start: this.now(), attempts: 0 };
      this.windows.set(source, window);
    }
    window.attempts += 1;
    if (window.attempts > 1) return { audit: false, earlierAttempts: 0 };
    const earlierAttempts = this.carried.get(source) ?? 0;
    this.carried.delete(source);
    return { audit: true, earlierAttempts };
  }

  /** The source's window in force, after moving a finished one's extra attempts to `carried`. */
  private current(source: string): Window | undefined {
    const window = this.windows.get(source);
    if (window === undefined) return undefined;
    if (this.now() < window.start + this.windowMs) return window;
    this.windows.delete(source);
    if (window.attempts > 1 && this.carried.size < this.maxSources) this.carried.set(source, window.attempts - 1);
    return undefined;
  }

  private forgetOldest(): void {
    // Maps keep insertion order, so the first entries are the oldest windows.
    const drop = Math.max(1, Math.floor(this.maxSources / 10));
    let dropped = 0;
    for (const source of this.windows.keys()) {
      if (dropped++ >= drop) break;
      this.windows.delete(source);
    }
  }
}
