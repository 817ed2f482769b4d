/**
 * NCCI Medically Unlikely Edits in CMS's published CSV layout (`MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv`,
 * `..._OutpatientHospitalServices_...`, `..._DMESupplierServices_...`): a quoted, multi-line AMA notice first, then a
 * header whose first cell has a line break inside ("HCPCS/\nCPT Code"), then one row per code: code, MUE value, MUE
 * adjudication indicator written as "N text" (1 Line Edit, 2 Date of Service Edit: Policy, 3 Date of Service Edit:
 * Clinical) and rationale. The effective date is in the file name.
 */
import { TableBuilder } from './table.js';
import { decodeText, delimitedRecords, headerKey, isProcedureCode } from './text.js';
import { ImportError, KIND_TABLES, type ImportedData, type Importer, type ImportFile, type KnowledgeKind } from './types.js';

/** The header cell of the value column per table, as CMS spells it (folded by headerKey). */
const VALUE_HEADER: Record<'mue-practitioner' | 'mue-hospital' | 'mue-dme', { pattern: RegExp; label: string }> = {
  'mue-practitioner': { pattern: /^practitioner services mue values$/, label: 'Practitioner Services MUE Values' },
  'mue-hospital': { pattern: /^(facility )?outpatient hospital services mue values$/, label: 'Outpatient Hospital Services MUE Values' },
  'mue-dme': { pattern: /^dme supplier services mue values$/, label: 'DME Supplier Services MUE Values' },
};

const FILE_DATE = /Eff_(\d{2})-(\d{2})-(\d{4})/i;

function readMue(kind: 'mue-practitioner' | 'mue-hospital' | 'mue-dme', file: ImportFile): ImportedData {
  const builder = new TableBuilder(KIND_TABLES.mue.rows);
  const warnings: string[] = [];
  let header = false;
  const seen = new Map<string, number>();
  for (const record of delimitedRecords(decodeText(file.bytes), ',', file.name)) {
    const cells = record.fields.map((f) => f.trim());
    if (!header) {
      // Everything before the header row is the notice (one quoted cell, sometimes followed by empty cells).
      if (headerKey(cells[0] ?? '') === 'hcpcs cpt code') {
        const value = VALUE_HEADER[kind];
        if (!value.pattern.test(headerKey(cells[1] ?? ''))) throw new ImportError(file.name, record.lines[1] ?? record.line, record.columns[1], `the column "${value.label}" (importing as ${kind})`, cells[1]);
        if (headerKey(cells[2] ?? '') !== 'mue adjudication indicator') throw new ImportError(file.name, record.lines[2] ?? record.line, record.columns[2], 'the column "MUE Adjudication Indicator"', cells[2]);
        if (headerKey(cells[3] ?? '') !== 'mue rationale') throw new ImportError(file.name, record.lines[3] ?? record.line, record.columns[3], 'the column "MUE Rationale"', cells[3]);
        header = true;
      } else if (isProcedureCode(cells[0] ?? '')) {
        throw new ImportError(file.name, record.line, 1, 'the header row "HCPCS/CPT Code", "... MUE Values", "MUE Adjudication Indicator", "MUE Rationale" before the first code', cells[0]);
      }
      continue;
    }
    const [code = '', value = '', mai = '', rationale = ''] = cells;
    if (!isProcedureCode(code)) throw new ImportError(file.name, record.line, record.columns[0], 'a CPT or HCPCS code (5 characters)', code);
    if (!/^\d{1,4}$/.test(value)) throw new ImportError(file.name, record.line, record.columns[1], 'an MUE value (a whole number of units)', value);
    const indicator = /^([123])(\s|$)/.exec(mai);
    if (!indicator) throw new ImportError(file.name, record.line, record.columns[2], 'an MUE adjudication indicator starting with 1, 2 or 3', mai);
    const earlier = seen.get(code);
    if (earlier !== undefined) throw new ImportError(file.name, record.line, record.columns[0], `one row per code (${code} is already on line ${earlier})`, code);
    seen.set(code, record.line);
    if (record.fields.length > 4 && record.fields.slice(4).some((f) => f.trim() !== '')) {
      warnings.push(`${file.name}:${record.line}: ${record.fields.length - 4} extra column(s) after the rationale were ignored`);
    }
    builder.add([code, Number(value), Number(indicator[1]), rationale]);
  }
  if (!header) throw new ImportError(file.name, undefined, undefined, `the header row of a ${kind} MUE table ("HCPCS/CPT Code", "... MUE Values", ...)`);
  if (builder.rows === 0) throw new ImportError(file.name, undefined, undefined, 'at least one MUE row after the header');
  const date = FILE_DATE.exec(file.name);
  const from = date ? `${date[3]}-${date[1]}-${date[2]}` : undefined;
  return {
    tables: { rows: builder.build() },
    edition: from ? (/-(01|04|07|10)-01$/.test(from) ? `${from.slice(0, 4)} Q${(Number(from.slice(5, 7)) + 2) / 3}` : `effective ${from}`) : file.name,
    effective: from ? { from, to: null } : undefined,
    rowCounts: { rows: builder.rows },
    warnings,
  };
}

function mueImporter(kind: 'mue-practitioner' | 'mue-hospital' | 'mue-dme', what: string): Importer {
  return {
    kind: kind satisfies KnowledgeKind,
    files: `the ${what} MUE table as CMS publishes it (MCR_MUE_..._Eff_MM-DD-YYYY.csv)`,
    fileCount: { min: 1, max: 1 },
    read: (files) => readMue(kind, files[0]!),
  };
}

/** Practitioner services MUE table. */
export const muePractitioner = mueImporter('mue-practitioner', 'practitioner services');
/** Outpatient hospital services MUE table. */
export const mueHospital = mueImporter('mue-hospital', 'outpatient hospital services');
/** DME supplier services MUE table. */
export const mueDme = mueImporter('mue-dme', 'DME supplier services');
