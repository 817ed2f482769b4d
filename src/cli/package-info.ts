/** Facts about the installed package that commands print or read from: its version and its root folder. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The version in package.json (`dxacode --version`, the API's version). */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The checkout or package root (src/cli and dist/cli are both two levels below it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
