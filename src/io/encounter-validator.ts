/**
 * The Encounter contract's JSON Schema validator compiled at build time: `npm run build` has ajv generate its
 * standalone code into dist/contract/encounter-validator.cjs, headed by a CRC-32 of the contract modules it was
 * generated from. `dxacode check` validates valid input with it and never loads zod nor compiles the schema at run
 * time (zod then runs only to explain input this rejects: engine/validate.ts). A file that is missing or was
 * generated from other contract code is never used.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { ENCOUNTER_AJV_OPTIONS, type EncounterSchemaValidator } from '../engine/encounter-shape.js';
import { codeCacheFileOf, runCachedScript } from './code-cache.js';

/** Where the build writes the validator: dist/contract/ beside the compiled contract (never under src/). */
export const ENCOUNTER_VALIDATOR_FILE = fileURLToPath(new URL('../contract/encounter-validator.cjs', import.meta.url));

/** The modules the Encounter's JSON Schema is generated from (found beside this module, as .js in dist/). */
const CONTRACT_MODULES = ['../contract/encounter', '../contract/dates', '../contract/values', '../contract/json-schema', '../engine/encounter-shape', '../io/encounter-validator'];

const HEADER = '// dxacode: ajv standalone code of encounter.schema.json; contract digest ';

/**
 * CRC-32 over the contract modules' code and the ajv options (those modules hold them too), as 8 hex digits: tells
 * a validator generated from other code (a mistake, not forgery), without loading node:crypto on every start.
 */
export function contractDigest(): string {
  let crc = crc32(JSON.stringify(ENCOUNTER_AJV_OPTIONS));
  const ext = extname(fileURLToPath(import.meta.url));
  for (const module of CONTRACT_MODULES) {
    const url = new URL(`${module}${ext}`, import.meta.url);
    const code = existsSync(url) ? readFileSync(url) : Buffer.alloc(0);
    crc = crc32(code, crc32(`${module}\0${code.byteLength}\0`, crc));
  }
  return crc.toString(16).padStart(8, '0');
}

/**
 * The V8 code cache of the validator (io/code-cache.ts), written beside it by the build's warm-up run
 * (cli/check-bundle.ts); used only for the very code it was made from.
 */
export function validatorCacheFile(file = ENCOUNTER_VALIDATOR_FILE): string {
  return codeCacheFileOf(file);
}

/**
 * The validator generated at build time, or undefined when there is none or it was generated from other contract
 * code. Its CommonJS code is run with its code cache (io/code-cache.ts) instead of through require(); a command
 * loads it once (a BatchReader's).
 */
export function loadEncounterValidator(file = ENCOUNTER_VALIDATOR_FILE): EncounterSchemaValidator | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.toString('latin1', 0, HEADER.length + 8) !== `${HEADER}${contractDigest()}`) return undefined;
  const wrapper = runCachedScript({ file, bytes, prefix: '(function (exports, require, module) {', suffix: '\n})' }, validatorCacheFile(file)) as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }) => void;
  const module = { exports: {} as unknown };
  wrapper(module.exports, createRequire(file), module);
  return module.exports as EncounterSchemaValidator;
}

/**
 * ajv's standalone code with the ajv runtime helpers it requires (`require("ajv/dist/runtime/...")`, each a module
 * of its own without imports) inlined as they are in node_modules, so that the validator loads no module at run
 * time: resolving a package through require() and compiling its file cost more than a check's validation. Throws
 * for a helper that requires another module (it would need a module loader).
 */
export function inlineAjvRuntime(code: string, require: NodeJS.Require = createRequire(import.meta.url)): string {
  return code.replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_, specifier: string) => {
    const source = readFileSync(require.resolve(specifier), 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
    if (/(^|[^'"\w.])require\(/m.test(source)) throw new Error(`the ajv runtime module ${specifier} requires another module: it cannot be inlined`);
    return `((module) => { const exports = module.exports; ${source}\nreturn module.exports; })({ exports: {} })`;
  });
}

/** Generates the validator's standalone code from the contract's JSON Schema and writes it (run by `npm run build`). */
export async function writeEncounterValidator(file = ENCOUNTER_VALIDATOR_FILE): Promise<string> {
  const { contractJsonSchemas } = await import('../contract/json-schema.js');
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const standaloneCode = (require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = new Ajv2020({ ...ENCOUNTER_AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(contractJsonSchemas()['encounter.schema.json'] as object);
  writeFileSync(file, `${HEADER}${contractDigest()}\n${inlineAjvRuntime(standaloneCode(ajv, validate), require)}\n`);
  // The cache of the code this replaces is of no use (it would not be read: its header names the old code).
  rmSync(validatorCacheFile(file), { force: true });
  return file;
}
