/**
 * The server's knowledge, kept current without a restart: the embedded data plus every version imported into the
 * store, reloaded when the store's version list changes (polled, so every process on one PostgreSQL database picks
 * up an import, whichever process or command made it). The facade hands each check one resolved Knowledge
 * (`forDate`), so a check running during a swap sees entirely the old or entirely the new versions.
 */
import type { Knowledge } from '../knowledge/compile.js';
import { withVersions, type CompiledVersion, type KnowledgeVersionRecord } from '../knowledge/versions.js';
import { compileStoredVersion } from '../io/knowledge-store.js';
import type { Store } from '../store/index.js';

/** How often the store's version list is read, by default. */
export const DEFAULT_KNOWLEDGE_POLL_MS = 5000;

/** Where refresh failures go (ids and messages only). */
export interface KnowledgeLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** The embedded knowledge plus the store's imported versions, swapped in whole when they change. */
export class LiveKnowledge {
  private current: Knowledge;
  private signature = '';
  private readonly compiled = new Map<string, CompiledVersion>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<boolean> | undefined;
  /** A stable Knowledge for the server's routes and worker: each look-up reads the current one. */
  readonly knowledge: Knowledge;

  constructor(
    private readonly base: Knowledge,
    private readonly store: Store,
  ) {
    this.current = base;
    this.knowledge = Object.defineProperties(
      { ...base, forDate: (date: string) => this.current.forDate(date) },
      {
        version: { get: () => this.current.version, enumerable: true },
        versionRecords: { get: () => this.current.versionRecords, enumerable: true },
        // Uploaded payer packs change these: listings read the current set.
        payers: { get: () => this.current.payers, enumerable: true },
        packs: { get: () => this.current.packs, enumerable: true },
      },
    ) as Knowledge;
  }

  /** Loads the store's versions now; true when the set changed. Concurrent calls share one load. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<boolean> {
    const records: KnowledgeVersionRecord[] = await this.store.listKnowledgeVersions();
    const signature = records.map((r) => `${r.seq}:${r.id}`).join(',');
    if (signature === this.signature) return false;
    for (const record of records) {
      if (!this.compiled.has(record.id)) this.compiled.set(record.id, await compileStoredVersion(this.store, record));
    }
    const next = withVersions(
      this.base,
      records.map((r) => this.compiled.get(r.id)!),
    );
    // One assignment: checks that already resolved their knowledge keep it; the next ones see the new set.
    this.current = next;
    this.signature = signature;
    return true;
  }

  /** Polls the store every `pollMs`; a failed poll is logged and retried at the next tick. */
  start(pollMs: number, log: KnowledgeLog): void {
    this.stop();
    const tick = () => {
      this.refresh()
        .then((changed) => {
          if (changed) log.info({ versions: this.current.versionRecords.map((r) => r.id) }, 'knowledge versions loaded');
        })
        .catch((error: unknown) => log.warn({ error: (error as Error).message }, 'knowledge versions could not be loaded; the previous ones stay in use'));
    };
    this.timer = setInterval(tick, pollMs);
    this.timer.unref();
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
