/**
 * The layering of src/ as a test: every module may import modules of its own layer and of layers below it, never one
 * above. The package entry (src/index.ts) and the command line are outermost (the command line starts the server);
 * the server is the other edge; the input and file reading both share (src/io) and the report drafts sit below both,
 * the store below that, and the pure core below the edges.
 * Test files are left out: a test may reach any module it exercises.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Layers of src/, outermost first: a module may import its own layer and those after it. */
const LAYERS = [['(package entry)', 'cli'], ['server', 'web'], ['io', 'report'], ['store'], ['interchange'], ['engine'], ['rules'], ['extract', 'morphometry'], ['knowledge'], ['contract', 'plots']] as const;

const RANK = new Map<string, number>(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

/** Every TypeScript module of src/ that is not a test. */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'data' || entry.name === 'public' ? [] : modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The relative specifiers a module imports, statically, by re-export or dynamically. */
function importedSpecifiers(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)|^import\s+'(\.[^']+)'/gm)) {
    found.add((m[1] ?? m[2] ?? m[3])!);
  }
  return [...found];
}

/** The top-level folder of src/ a path lies in; a file at the top (src/index.ts, the library's entry) is the package entry. */
function layerOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length === 1 ? '(package entry)' : parts[0]!;
}

/** Each import from a lower layer to a higher one, as "from -> to". */
function upwardImports(): string[] {
  const wrong: string[] = [];
  for (const file of modules(SRC)) {
    const from = layerOf(file);
    for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const to = layerOf(resolve(dirname(file), specifier));
      const fromRank = RANK.get(from);
      const toRank = RANK.get(to);
      if (fromRank === undefined || toRank === undefined) {
        wrong.push(`${relative(SRC, file)} -> ${specifier} (a folder of src/ that LAYERS does not place)`);
      } else if (toRank < fromRank) {
        wrong.push(`${relative(SRC, file)} (${from}) -> ${specifier} (${to})`);
      }
    }
  }
  return wrong;
}

describe('layers of src/', () => {
  it('no module imports one of a layer above its own', () => {
    expect(upwardImports()).toEqual([]);
  });

  it('places every folder of src/ in one layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !RANK.has(f))).toEqual([]);
  });

  it('finds static, re-exported and dynamic imports (so the check above can fail)', () => {
    const text = "import { a } from '../cli/input.js';\nexport { b } from '../server/http.js';\nconst c = await import('../cli/main.js');\nimport type { D } from 'fastify';\n";
    expect(importedSpecifiers(text)).toEqual(['../cli/input.js', '../server/http.js', '../cli/main.js']);
  });
});
