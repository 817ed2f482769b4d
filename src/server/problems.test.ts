/** Every finding id the API and the batch jobs use is declared once in the catalogue. */
import { describe, expect, it } from 'vitest';
import { JOB_FINDINGS } from '../store/jobs.js';
import { BATCH_PROBLEMS } from './batches.js';
import { API_PROBLEMS } from './problems.js';

describe('API finding catalogue', () => {
  it('declares the batch route and batch item ids', () => {
    for (const id of [...Object.values(BATCH_PROBLEMS), ...Object.values(JOB_FINDINGS)]) expect(Object.keys(API_PROBLEMS)).toContain(id);
  });
  it('gives every HTTP error id a 4xx or 5xx status', () => {
    for (const [id, p] of Object.entries(API_PROBLEMS)) if (p.status !== null) expect(p.status, id).toBeGreaterThanOrEqual(400);
  });
});
