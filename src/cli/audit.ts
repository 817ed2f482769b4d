/** `dxacode audit verify|checkpoint|checkpoints`: the audit chain of the store at DATABASE_URL or ./data (store-commands.ts). */
import { storeOptionsFromEnv } from '../store/index.js';
import { report, type CliIo } from './shared.js';
import { runAuditCheckpoint, runAuditCheckpoints, runAuditVerify } from './store-commands.js';

/** Runs `dxacode audit verify [--anchor FILE]`: exit 1 when a record was altered, forged, deleted or cut off. */
export async function verify(io: CliIo, options: { anchor?: string }): Promise<number> {
  return report(io, await runAuditVerify({ ...storeOptionsFromEnv(io.env ?? {}), ...(options.anchor !== undefined ? { anchors: options.anchor } : {}) }));
}

/** Runs `dxacode audit checkpoint`: signs the chain's head and prints the checkpoint. */
export async function checkpoint(io: CliIo): Promise<number> {
  return report(io, await runAuditCheckpoint(storeOptionsFromEnv(io.env ?? {})));
}

/** Runs `dxacode audit checkpoints`: prints every stored checkpoint. */
export async function checkpoints(io: CliIo): Promise<number> {
  return report(io, await runAuditCheckpoints(storeOptionsFromEnv(io.env ?? {})));
}
