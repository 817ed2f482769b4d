/**
 * The page's hand-written API shapes (src/web/app/types.ts) against the server's: the type assertions below fail
 * `npm run typecheck` when a server response stops giving a field the page reads, and the test compares the value
 * lists the page repeats.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, FromReport, RecommendedLine, Result } from '../contract/result.js';
import { COMPONENTS, SEVERITIES, SEXES, VERDICTS } from '../contract/values.js';
import type { BatchItem, BatchJob } from '../store/jobs.js';
import type { DashboardStats } from '../store/stats.js';
import type { EncounterSummary, StoredEncounter } from '../store/store.js';
import * as Web from '../web/app/types.js';

/** Compiles only when what the server sends (S) gives everything the page reads (W). */
type Gives<S extends W, W> = [S, W];

export type _WireShapes = [
  Gives<Finding, Web.Finding>,
  Gives<FromReport, Web.FromReport>,
  Gives<RecommendedLine, Web.RecommendedLine>,
  Gives<Result, Web.Result>,
  Gives<EncounterSummary, Web.EncounterSummary>,
  Gives<StoredEncounter, Web.StoredEncounter>,
  Gives<BatchJob, Web.BatchJob>,
  Gives<BatchItem, Web.BatchItem>,
  Gives<DashboardStats, Web.Stats>,
];

describe('the page and the contract', () => {
  it('list the same verdicts, severities, sexes and components', () => {
    expect(Web.VERDICTS).toEqual(VERDICTS);
    expect(Web.SEVERITIES).toEqual(SEVERITIES);
    expect(Web.SEXES).toEqual(SEXES);
    expect(Web.COMPONENTS).toEqual(COMPONENTS);
  });
});
