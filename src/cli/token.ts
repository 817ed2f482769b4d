/** `dxacode token create|list|revoke|grant`: API bearer tokens in the store at DATABASE_URL or ./data (store-commands.ts). */
import { storeOptionsFromEnv } from '../store/index.js';
import { report, type CliIo } from './shared.js';
import { runTokenCreate, runTokenGrant, runTokenList, runTokenRevoke } from './store-commands.js';

/** Runs `dxacode token create`. */
export async function create(io: CliIo, options: { role: string; organization: string }): Promise<number> {
  return report(io, await runTokenCreate({ role: options.role, organization: options.organization, ...storeOptionsFromEnv(io.env ?? {}) }));
}

/** Runs `dxacode token list`. */
export async function list(io: CliIo, options: { organization?: string }): Promise<number> {
  return report(io, await runTokenList({ ...storeOptionsFromEnv(io.env ?? {}), ...(options.organization ? { organization: options.organization } : {}) }));
}

/** Runs `dxacode token revoke ID`. */
export async function revoke(io: CliIo, id: string): Promise<number> {
  return report(io, await runTokenRevoke({ ...storeOptionsFromEnv(io.env ?? {}), id }));
}

/** Runs `dxacode token grant ID --organization ORG`. */
export async function grant(io: CliIo, id: string, options: { organization: string }): Promise<number> {
  return report(io, await runTokenGrant({ ...storeOptionsFromEnv(io.env ?? {}), id, organization: options.organization }));
}
