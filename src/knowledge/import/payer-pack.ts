/**
 * A payer pack file as a knowledge version: the file is read as `dxacode policy lint` reads it (a syntax or schema
 * error names its line and column) and kept whole with one row per rule. Whether its codes exist and its cases pass
 * needs the knowledge and the engine: io/knowledge-store.ts checks that before it stores the version.
 */
import { readPackFile } from '../pack-file.js';
import { TableBuilder } from './table.js';
import { ImportError, KIND_TABLES, type ImportedData, type Importer } from './types.js';

/** Reads one payer pack file (YAML or JSON). */
export const payerPack: Importer = {
  kind: 'payer-pack',
  files: 'one payer pack file (YAML or JSON, docs/payer-packs.md)',
  fileCount: { min: 1, max: 1 },
  read(files): ImportedData {
    const [file] = files;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(file!.bytes);
    const read = readPackFile(file!.name, text);
    const first = read.problems.find((p) => p.severity === 'error');
    if (!read.pack || first) throw new ImportError(file!.name, first?.line, first?.column, first ? first.message : 'a payer pack');
    const pack = read.pack;
    const spec = KIND_TABLES['payer-pack'];
    const fileTable = new TableBuilder(spec.file);
    fileTable.add([file!.name, pack.id, pack.version, text]);
    const rules = new TableBuilder(spec.rules);
    for (const rule of pack.rules) rules.add([rule.id, rule.kind, JSON.stringify(rule)]);
    return {
      tables: { file: fileTable.build(), rules: rules.build() },
      edition: `${pack.id} ${pack.version}`,
      effective: { from: pack.effective, to: pack.end ?? null },
      rowCounts: { rules: pack.rules.length, cases: pack.cases?.length ?? 0 },
      warnings: read.problems.filter((p) => p.severity === 'warning').map((p) => `${file!.name}:${p.line}:${p.column}: ${p.message}`),
    };
  },
};
