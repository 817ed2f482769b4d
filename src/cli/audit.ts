/** `dxacode audit verify`: checks the audit chain of the store at DATABASE_URL or ./data (store-commands.ts). */
import { storeOptionsFromEnv } from '../store/index.js';
import { report, type CliIo } from './shared.js';
import { runAuditVerify } from './store-commands.js';

/** Runs `dxacode audit verify`: exit 1 when a record was altered or deleted. */
export async function verify(io: CliIo): Promise<number> {
  return report(io, await runAuditVerify(storeOptionsFromEnv(io.env ?? {})));
}
