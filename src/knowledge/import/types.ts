/**
 * What every importer of an official file shares: the kinds of knowledge an office can import, the tables each
 * kind produces (their columns are the contract between the importer and the engine's lookups), the error that
 * names file, line and column, and the importer interface.
 */
import type { Table, TableSpec } from './table.js';

/** The kinds of knowledge that `dxacode knowledge import KIND FILE...` reads, as users in the field name them. */
export const KNOWLEDGE_KINDS = [
  'ptp-practitioner',
  'ptp-hospital',
  'mue-practitioner',
  'mue-hospital',
  'mue-dme',
  'pfs-rvu',
  'icd10cm',
  'hcpcs',
  'mcd-article',
  'order-referring',
  'leie',
  'payer-pack',
] as const;
/** One knowledge kind. */
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

/**
 * The tables each kind produces, by table name. Dates are int columns as YYYYMMDD (INT_NULL when not set); codes
 * are text exactly as the file spells them, trimmed (ICD-10-CM without the dot, as CMS files write it).
 */
export const KIND_TABLES = {
  /** NCCI procedure-to-procedure rows, deleted rows included; `modifier` 0, 1 or 9; `pre1996` 1 when the file marks it. */
  ptp: {
    rows: { column1: 'text', column2: 'text', pre1996: 'int', effective: 'int', deletion: 'int', modifier: 'int', rationale: 'text' },
  },
  /** MUE rows: `mai` 1, 2 or 3 (INT_NULL when the file gives none). */
  mue: {
    rows: { code: 'text', value: 'int', mai: 'int', rationale: 'text' },
  },
  /** PPRRVU rows, one per code and modifier ('' for the global row). */
  'pfs-rvu': {
    rows: {
      code: 'text',
      modifier: 'text',
      description: 'text',
      status: 'text',
      pctc: 'text',
      globalDays: 'text',
      workRvu: 'number',
      nonFacilityPeRvu: 'number',
      facilityPeRvu: 'number',
      mpRvu: 'number',
      nonFacilityTotal: 'number',
      facilityTotal: 'number',
      conversionFactor: 'number',
    },
  },
  /**
   * ICD-10-CM: `codes` from the code-descriptions file and/or the order file (`billable` 1 for a valid code, 0 for a
   * header; `order` the order number or INT_NULL); `excludes1` and `seventh` from the tabular XML (`code` is the
   * tabular entry as the XML names it, with the dot; `note` the note text; `refs` the code references the note makes,
   * space-separated, as written inside its parentheses, e.g. "M80.- S22.0-").
   */
  icd10cm: {
    codes: { code: 'text', billable: 'int', order: 'int', short: 'text', long: 'text' },
    excludes1: { code: 'text', note: 'text', refs: 'text' },
    seventh: { code: 'text', character: 'text', description: 'text' },
    placeholder: { code: 'text' },
  },
  /** HCPCS Level II codes (one row per code, continuation lines joined): dates as YYYYMMDD. */
  hcpcs: {
    codes: { code: 'text', short: 'text', long: 'text', added: 'int', actionEffective: 'int', terminated: 'int', action: 'text' },
  },
  /**
   * Medicare Coverage Database billing articles (only articles that list a bone-density code are kept):
   * `articles` one row per article version; `codes` its CPT/HCPCS codes; `covered` its covered ICD-10-CM codes
   * (dotted) by group; `groups` each group's paragraph; `jurisdictions` the MAC jurisdictions (J5 ... JN) and states.
   */
  'mcd-article': {
    articles: { article: 'text', version: 'int', title: 'text', contractor: 'text', effective: 'int', ended: 'int' },
    codes: { article: 'text', version: 'int', code: 'text' },
    covered: { article: 'text', version: 'int', group: 'int', icd10: 'text' },
    groups: { article: 'text', version: 'int', group: 'int', paragraph: 'text' },
    jurisdictions: { article: 'text', version: 'int', jurisdiction: 'text', state: 'text' },
  },
  /** CMS Order and Referring file (PECOS): Y/N flags as 1/0; NPI as a number (10 digits exceed int32). */
  'order-referring': {
    rows: { npi: 'number', lastName: 'text', firstName: 'text', partB: 'int', dme: 'int', hha: 'int', pmd: 'int', hospice: 'int' },
  },
  /** OIG List of Excluded Individuals/Entities: NPI (NaN when the file has 0000000000); dates YYYYMMDD. */
  leie: {
    rows: {
      npi: 'number',
      lastName: 'text',
      firstName: 'text',
      businessName: 'text',
      general: 'text',
      specialty: 'text',
      state: 'text',
      exclusionType: 'text',
      exclusionDate: 'int',
      reinstatementDate: 'int',
      waiverDate: 'int',
      waiverState: 'text',
    },
  },
  /**
   * One payer pack version (docs/payer-packs.md): `file` the file as uploaded (name and text, parsed again when the
   * version is loaded), `rules` one row per rule with its JSON, so that two versions of a pack can be compared rule
   * by rule.
   */
  'payer-pack': {
    file: { name: 'text', id: 'text', version: 'text', text: 'text' },
    rules: { id: 'text', kind: 'text', json: 'text' },
  },
} as const satisfies Record<string, Record<string, TableSpec>>;

/** Which table layout each kind produces. */
export const LAYOUT_OF_KIND: Record<KnowledgeKind, keyof typeof KIND_TABLES> = {
  'ptp-practitioner': 'ptp',
  'ptp-hospital': 'ptp',
  'mue-practitioner': 'mue',
  'mue-hospital': 'mue',
  'mue-dme': 'mue',
  'pfs-rvu': 'pfs-rvu',
  icd10cm: 'icd10cm',
  hcpcs: 'hcpcs',
  'mcd-article': 'mcd-article',
  'order-referring': 'order-referring',
  leie: 'leie',
  'payer-pack': 'payer-pack',
};

/** One file handed to an importer: the name the user gave and its bytes. */
export interface ImportFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * An official file that does not match its published layout. The message names the file, the 1-based line and
 * column (when known) and what was expected there, e.g. `ccipra-v331r0-f1.txt:7:12: expected ... , got "..."`.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly expected: string,
    readonly got?: string,
  ) {
    const where = [file, line, line !== undefined ? column : undefined].filter((x) => x !== undefined).join(':');
    super(`${where}: expected ${expected}${got !== undefined ? `, got ${JSON.stringify(got.length > 60 ? `${got.slice(0, 57)}...` : got)}` : ''}`);
  }
}

/** The period a version is in force, as ISO dates (`to` null: open-ended). */
export interface EffectivePeriod {
  from: string;
  to: string | null;
}

/** What an importer read from its files. */
export interface ImportedData {
  /** The tables, by the names KIND_TABLES gives for the kind. */
  tables: Record<string, Table>;
  /** The edition the files name (e.g. "v331r0", "2027 Q1", "FY2027", "RVU27A"), for messages and listings. */
  edition: string;
  /** The period the files say they are in force, when their names or contents say it (the user may override). */
  effective: EffectivePeriod | undefined;
  /** Counts worth showing: rows per table, deleted rows, rows per file. */
  rowCounts: Record<string, number>;
  /** Oddities that did not stop the import (a blank trailing column, a repeated header), each with its location. */
  warnings: string[];
}

/** An importer for one kind: reads the files in their published layout. Pure: bytes in, tables out. */
export interface Importer {
  kind: KnowledgeKind;
  /** What the user hands over, for help text: e.g. "the four tab-delimited files of one quarter (f1-f4)". */
  files: string;
  /** How many files it takes. */
  fileCount: { min: number; max: number };
  /** Reads the files; throws ImportError at the first place that does not match the layout. */
  read(files: readonly ImportFile[]): ImportedData;
}
