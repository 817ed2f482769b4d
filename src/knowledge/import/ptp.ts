/**
 * NCCI procedure-to-procedure (PTP) edit tables in CMS's published text layout, practitioner (`ccipra-…`) and
 * outpatient hospital (`ccioph-…`). Each quarter CMS publishes one version per table in four zips, `-f1` … `-f4`,
 * split by Column 1 code range (each zip also holds an .xlsx copy); we read the .txt (CMS names it `.TXT`).
 *
 * Layout facts, and where they come from:
 * - File names `ccipra-v<NN><Q>r<R>-f<N>.TXT` / `ccioph-…`: version v32.2 is written "v322r0"; the zips are
 *   `medicare-ncci-2026q1-practitioner-ptp-edits-ccipra-v320r0-f1.zip`, `…-2026q2-…-ccipra-v321r0-…`,
 *   `…-2026q3-…-ccipra-v322r0-…`, `…-2026q2-hospital-ptp-edits-ccioph-v321r0-f1.zip` (links on
 *   https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/medicare-ncci-procedure-procedure-ptp-edits,
 *   as recorded in github reuven-ops/Biller evals/fixtures/cms_ncci_ptp/ptp_page.links.excerpt.html and docs/SOURCES.md §2);
 *   ccioph v32.3 is the table effective 2026-10-01 (github Niall-the-Vile/opps-engine tools/gen-ncci-ptp.mjs);
 *   ccipra v31.3 sits with the MUE table effective 10-01-2025 and v32.0 with the one of 01-01-2026 (two projects'
 *   expected-file lists found by code search; the index did not name their repositories).
 *   Hence version NN.Q is year 1994 + NN, quarter Q + 1 (Q 0-3); the release rR (r0, r1 for a reissue) keeps the
 *   quarter. Only the file name carries the version and the table (practitioner or hospital): the header is the same.
 * - Record counts per part, from the CMS download page (same Biller excerpt): v32.2 practitioner f1 675,037,
 *   f2 675,235, f3 674,890, f4 608,227 (2,633,389 rows, deleted rows included); v32.1 2,631,188. The outpatient
 *   hospital v32.3 table has 1,868,882 rows, 462,183 of them deleted; modifier 0: 65,663, 1: 1,773,217,
 *   9: 30,002 (opps-engine generator census). The published files hold a few duplicate keys (Biller docs, 261 in v32.2):
 *   they are kept, not refused.
 * - Text: tab-delimited, no quoting, CRLF line ends (github RaYYeR220/countercharge, engine/…/refdata/build/ncci.py),
 *   Latin-1/ASCII. Six header lines (the f1 has 675,043 physical lines for 675,037 records), as in the Biller
 *   excerpt of ccipra-v322r0-f1.TXT:
 *     `CPT only copyright 2025 American Medical Association.  All rights reserved.` + 6 tabs
 *     `Column1/Column2 Edits` + 6 tabs
 *     `Column 1⇥Column 2⇥*=in existence⇥Effective⇥Deletion⇥Modifier⇥PTP Edit Rationale`
 *     `⇥⇥prior to 1996⇥Date⇥Date⇥0=not allowed⇥`
 *     `⇥⇥⇥⇥*=no data⇥1=allowed⇥`
 *     `⇥⇥⇥⇥⇥9=not applicable⇥`
 *   then one row per edit: Column 1 code, Column 2 code, `*` or empty (in existence prior to 1996), effective date
 *   YYYYMMDD, deletion date YYYYMMDD or `*` (no data: not deleted), modifier indicator 0/1/9, rationale
 *   (e.g. `0001U⇥0030U⇥⇥20180701⇥*⇥1⇥Misuse of Column Two code with Column One code`). Codes are 5 letters or
 *   digits, including Category III (0591T), PLA (0001U), MAAA (0001M) and vaccine (0001A) codes.
 * The header is read by merging its lines column by column, so a one-line header (a sheet saved as text) reads too.
 *
 * Speed: a practitioner quarter is some 2.6 million rows, about 180 MB of text (measured on generated files of that size). Rows are scanned as bytes, codes are keyed by a base-36
 * number and rationales by a hash of their bytes, and the columns are filled in place: no string, array or object
 * is made per row (only per distinct code or rationale).
 */
import { INT_NULL, Table, type TextColumn } from './table.js';
import { decodeText, headerKey, isoOfDateInt } from './text.js';
import { ImportError, KIND_TABLES, type EffectivePeriod, type ImportedData, type Importer, type ImportFile } from './types.js';

type PtpKind = 'ptp-practitioner' | 'ptp-hospital';

const TABLE_OF_KIND: Record<PtpKind, { prefix: string; label: string; other: PtpKind }> = {
  'ptp-practitioner': { prefix: 'ccipra', label: 'practitioner', other: 'ptp-hospital' },
  'ptp-hospital': { prefix: 'ccioph', label: 'outpatient hospital', other: 'ptp-practitioner' },
};

/** The merged header cell of each column (folded by headerKey) must start with these words. */
const HEADER: readonly { key: string; label: string }[] = [
  { key: 'column 1', label: 'Column 1' },
  { key: 'column 2', label: 'Column 2' },
  { key: '*=in existence prior to 1996', label: '*=in existence prior to 1996' },
  { key: 'effective date', label: 'Effective Date' },
  { key: 'deletion date', label: 'Deletion Date *=no data' },
  { key: 'modifier', label: 'Modifier 0=not allowed 1=allowed 9=not applicable' },
  { key: 'ptp edit rationale', label: 'PTP Edit Rationale' },
];
const FIELDS = HEADER.length;
/** How far into a file the header may start (CMS puts it on line 3). */
const HEADER_WITHIN = 20;

const NAME_VERSION = /v(\d+)(\d)r(\d+)/i;
const NAME_PART = /[-_ ]f(\d{1,2})(?=[.\-_ ]|$)/i;

/** What a file name tells: the table, the version and the part. */
interface NameFacts {
  kind: PtpKind | undefined;
  version: string | undefined;
  major: number;
  minor: number;
  release: number;
  part: number | undefined;
}

function nameFacts(name: string): NameFacts {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const lower = base.toLowerCase();
  const kind = lower.includes('ccipra') ? 'ptp-practitioner' : lower.includes('ccioph') ? 'ptp-hospital' : undefined;
  const v = NAME_VERSION.exec(base);
  const p = NAME_PART.exec(base);
  return {
    kind,
    version: v ? `v${v[1]}${v[2]}r${v[3]}`.toLowerCase() : undefined,
    major: v ? Number(v[1]) : 0,
    minor: v ? Number(v[2]) : 0,
    release: v ? Number(v[3]) : 0,
    part: p ? Number(p[1]) : undefined,
  };
}

/** "v32.2" or "v32.2 r1". */
function versionLabel(f: NameFacts): string {
  return `v${f.major}.${f.minor}${f.release ? ` r${f.release}` : ''}`;
}

/** The quarter a version is in force: NN.Q is year 1994 + NN, quarter Q + 1 (inclusive ISO dates). */
export function ptpQuarterOfVersion(major: number, minor: number): EffectivePeriod | undefined {
  if (minor > 3 || major < 1) return undefined;
  const year = 1994 + major;
  const from = year * 10000 + (minor * 3 + 1) * 100 + 1;
  const lastMonth = minor * 3 + 3;
  const lastDay = lastMonth === 3 || lastMonth === 12 ? 31 : 30;
  return { from: isoOfDateInt(from), to: isoOfDateInt(year * 10000 + lastMonth * 100 + lastDay) };
}

/** All rows of all files, column by column, with the dictionaries of the text columns. */
class PtpColumns {
  length = 0;
  capacity: number;
  column1: Int32Array;
  column2: Int32Array;
  pre1996: Int32Array;
  effective: Int32Array;
  deletion: Int32Array;
  modifier: Int32Array;
  rationale: Int32Array;
  deleted = 0;
  readonly codes1 = new Map<number, number>();
  readonly codes2 = new Map<number, number>();
  readonly values1: string[] = [];
  readonly values2: string[] = [];
  /** Rationales: values, their bytes, and the ids by hash of the bytes. */
  readonly reasons: string[] = [];
  readonly reasonBytes: Uint8Array[] = [];
  readonly reasonsByHash = new Map<number, number[]>();

  constructor(capacity: number) {
    this.capacity = Math.max(capacity, 16);
    this.column1 = new Int32Array(this.capacity);
    this.column2 = new Int32Array(this.capacity);
    this.pre1996 = new Int32Array(this.capacity);
    this.effective = new Int32Array(this.capacity);
    this.deletion = new Int32Array(this.capacity);
    this.modifier = new Int32Array(this.capacity);
    this.rationale = new Int32Array(this.capacity);
  }

  /** Makes room for one more row. */
  ensure(): void {
    if (this.length < this.capacity) return;
    this.capacity *= 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(this.capacity);
      b.set(a);
      return b;
    };
    this.column1 = grow(this.column1);
    this.column2 = grow(this.column2);
    this.pre1996 = grow(this.pre1996);
    this.effective = grow(this.effective);
    this.deletion = grow(this.deletion);
    this.modifier = grow(this.modifier);
    this.rationale = grow(this.rationale);
  }

  codeId(map: Map<number, number>, values: string[], key: number, bytes: Uint8Array, at: number): number {
    let id = map.get(key);
    if (id === undefined) {
      id = values.length;
      values.push(String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!, bytes[at + 4]!));
      map.set(key, id);
    }
    return id;
  }

  reasonId(bytes: Uint8Array, start: number, end: number, hash: number): number {
    let ids = this.reasonsByHash.get(hash);
    if (ids !== undefined) {
      for (const id of ids) {
        const known = this.reasonBytes[id]!;
        if (known.length !== end - start) continue;
        let same = true;
        for (let k = 0; k < known.length; k++) {
          if (known[k] !== bytes[start + k]) {
            same = false;
            break;
          }
        }
        if (same) return id;
      }
    } else {
      ids = [];
      this.reasonsByHash.set(hash, ids);
    }
    const id = this.reasons.length;
    const copy = bytes.slice(start, end);
    this.reasons.push(decodeText(copy));
    this.reasonBytes.push(copy);
    ids.push(id);
    return id;
  }

  build(): Table {
    const n = this.length;
    // The capacity was counted from the line breaks: when it is close, the arrays are kept rather than copied.
    const keep = this.capacity - n <= (this.capacity >> 4) + 16;
    const ints = (a: Int32Array) => (keep ? a.subarray(0, n) : a.slice(0, n));
    const text = (index: Int32Array, values: string[]): TextColumn => ({ values, index: new Uint32Array(ints(index).buffer, 0, n) });
    const columns = new Map<string, TextColumn | Int32Array | Float64Array>([
      ['column1', text(this.column1, this.values1)],
      ['column2', text(this.column2, this.values2)],
      ['pre1996', ints(this.pre1996)],
      ['effective', ints(this.effective)],
      ['deletion', ints(this.deletion)],
      ['modifier', ints(this.modifier)],
      ['rationale', text(this.rationale, this.reasons)],
    ]);
    return new Table(KIND_TABLES.ptp.rows, n, columns);
  }
}

/** The base-36 key of a 5-character code at bytes[s..s+5), or -1 at the first character that is not 0-9 or A-Z. */
function codeKey(bytes: Uint8Array, s: number): number {
  let key = 0;
  for (let k = s; k < s + 5; k++) {
    const c = bytes[k]!;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 65 && c <= 90) d = c - 55;
    else return -1;
    key = key * 36 + d;
  }
  return key;
}

/** The YYYYMMDD integer of 8 digits at bytes[s..s+8) when a real calendar date (1900-2199), else -1. */
function dateAt(bytes: Uint8Array, s: number): number {
  let v = 0;
  for (let k = s; k < s + 8; k++) {
    const d = bytes[k]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  const year = (v / 10000) | 0;
  const month = ((v / 100) | 0) % 100;
  const day = v % 100;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return -1;
  const days = month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day > days ? -1 : v;
}

/** Reads one file's header and rows into `out`; returns the rows it added. */
function readFile(file: ImportFile, out: PtpColumns, warnings: string[]): number {
  const name = file.name;
  const b = file.bytes;
  const n = b.length;
  let p = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let line = 0;
  const fail = (lineStart: number, s: number, e: number, expected: string): never => {
    throw new ImportError(name, line, s - lineStart + 1, expected, decodeText(b.subarray(s, e)));
  };

  // Header: lines before "Column 1" are the notice and the title; the header runs until the first line whose first
  // cell is not empty. Its cells are merged column by column.
  let merged: string[] | undefined;
  let headerLine = 0;
  let headerColumns: number[] = [];
  let dataStart = -1;
  while (p < n) {
    const lineStart = p;
    while (p < n && b[p] !== 10 && b[p] !== 13) p++;
    const lineEnd = p;
    if (p < n) p += b[p] === 13 && b[p + 1] === 10 ? 2 : 1;
    line++;
    const text = decodeText(b.subarray(lineStart, lineEnd));
    const cells = text.split('\t');
    const first = cells[0]!.trim();
    if (merged === undefined) {
      if (headerKey(first) === 'column 1') {
        merged = cells.map((c) => c.trim());
        headerLine = line;
        let at = 1;
        headerColumns = cells.map((c) => {
          const column = at;
          at += c.length + 1;
          return column;
        });
      } else if (cells.length >= FIELDS && /^[0-9A-Z]{5}$/.test(first)) {
        throw new ImportError(name, line, 1, 'the PTP header lines ("Column 1", "Column 2", "*=in existence prior to 1996", ...) before the first row', first);
      } else if (line >= HEADER_WITHIN) {
        break;
      }
      continue;
    }
    if (first !== '') {
      dataStart = lineStart;
      line--;
      break;
    }
    cells.forEach((c, i) => {
      if (c.trim() === '') return;
      merged![i] = merged![i] ? `${merged![i]} ${c.trim()}` : c.trim();
    });
  }
  if (merged === undefined) {
    throw new ImportError(name, undefined, undefined, `the PTP header ("Column 1", "Column 2", "*=in existence prior to 1996", ...) within the first ${HEADER_WITHIN} lines`);
  }
  for (let i = 0; i < FIELDS; i++) {
    const cell = merged[i] ?? '';
    if (!headerKey(cell).startsWith(HEADER[i]!.key)) {
      throw new ImportError(name, headerLine, headerColumns[i] ?? headerColumns.length + 1, `the header column "${HEADER[i]!.label}"`, cell);
    }
  }
  if (dataStart < 0) throw new ImportError(name, undefined, undefined, 'at least one PTP row after the header');

  // Rows, scanned as bytes.
  const starts = new Int32Array(FIELDS + 2);
  const ends = new Int32Array(FIELDS + 2);
  const before = out.length;
  let blankExtra = 0;
  let blankExtraLine = 0;
  p = dataStart;
  while (p < n) {
    const lineStart = p;
    line++;
    let fields = 0;
    let nonBlank = false;
    starts[0] = p;
    for (;;) {
      if (p >= n) break;
      const c = b[p]!;
      if (c === 9) {
        if (fields <= FIELDS) ends[fields] = p;
        fields++;
        if (fields <= FIELDS) starts[fields] = p + 1;
      } else if (c === 10 || c === 13) {
        break;
      } else if (c !== 32 && c !== 0x1a) {
        nonBlank = true;
      }
      p++;
    }
    const lineEnd = p;
    if (fields <= FIELDS) ends[fields] = lineEnd;
    fields++;
    if (p < n) p += b[p] === 13 && b[p + 1] === 10 ? 2 : 1;
    if (!nonBlank) continue;
    if (fields < FIELDS) {
      throw new ImportError(name, line, lineEnd - lineStart + 1, `${FIELDS} tab-separated fields (Column 1, Column 2, *, Effective, Deletion, Modifier, Rationale)`, `${fields} fields`);
    }
    if (fields > FIELDS) {
      // Extra cells: tolerated when blank (a trailing tab), refused otherwise.
      let cell = ends[FIELDS - 1]! + 1;
      for (let k = cell; k < lineEnd; k++) {
        const c = b[k]!;
        if (c === 9) cell = k + 1;
        else if (c !== 32) {
          let e = k;
          while (e < lineEnd && b[e] !== 9) e++;
          throw new ImportError(name, line, cell - lineStart + 1, `${FIELDS} tab-separated fields (nothing after the rationale)`, decodeText(b.subarray(cell, e)));
        }
      }
      if (blankExtra++ === 0) blankExtraLine = line;
    }
    // Trim spaces around each field.
    for (let f = 0; f < FIELDS; f++) {
      let s = starts[f]!;
      let e = ends[f]!;
      while (s < e && b[s] === 32) s++;
      while (e > s && b[e - 1] === 32) e--;
      starts[f] = s;
      ends[f] = e;
    }
    out.ensure();
    const row = out.length;
    // Column 1 and Column 2 codes.
    let s = starts[0]!;
    let key = ends[0]! - s === 5 ? codeKey(b, s) : -1;
    if (key < 0) fail(lineStart, s, ends[0]!, 'a Column 1 CPT or HCPCS code (5 letters or digits)');
    out.column1[row] = out.codeId(out.codes1, out.values1, key, b, s);
    s = starts[1]!;
    key = ends[1]! - s === 5 ? codeKey(b, s) : -1;
    if (key < 0) fail(lineStart, s, ends[1]!, 'a Column 2 CPT or HCPCS code (5 letters or digits)');
    out.column2[row] = out.codeId(out.codes2, out.values2, key, b, s);
    // In existence prior to 1996: "*" or nothing.
    s = starts[2]!;
    let len = ends[2]! - s;
    if (len === 0) out.pre1996[row] = 0;
    else if (len === 1 && b[s] === 42) out.pre1996[row] = 1;
    else fail(lineStart, s, ends[2]!, '"*" (in existence prior to 1996) or an empty field');
    // Effective date.
    s = starts[3]!;
    let date = ends[3]! - s === 8 ? dateAt(b, s) : -1;
    if (date < 0) fail(lineStart, s, ends[3]!, 'an effective date (YYYYMMDD)');
    out.effective[row] = date;
    // Deletion date: "*" when none.
    s = starts[4]!;
    len = ends[4]! - s;
    if (len === 1 && b[s] === 42) {
      out.deletion[row] = INT_NULL;
    } else {
      date = len === 8 ? dateAt(b, s) : -1;
      if (date < 0) fail(lineStart, s, ends[4]!, 'a deletion date (YYYYMMDD, or * when the edit is not deleted)');
      out.deletion[row] = date;
      out.deleted++;
    }
    // Modifier indicator.
    s = starts[5]!;
    const m = ends[5]! - s === 1 ? b[s]! : 0;
    if (m !== 48 && m !== 49 && m !== 57) fail(lineStart, s, ends[5]!, 'a modifier indicator 0 (not allowed), 1 (allowed) or 9 (not applicable)');
    out.modifier[row] = m - 48;
    // Rationale: keyed by a hash of its bytes (FNV-1a).
    s = starts[6]!;
    const e = ends[6]!;
    let hash = 0x811c9dc5;
    for (let k = s; k < e; k++) hash = Math.imul(hash ^ b[k]!, 0x01000193);
    out.rationale[row] = out.reasonId(b, s, e, hash | 0);
    out.length = row + 1;
  }
  if (blankExtra > 0) warnings.push(`${name}:${blankExtraLine}: ${blankExtra} row(s) with blank cells after the rationale (ignored)`);
  const rows = out.length - before;
  if (rows === 0) throw new ImportError(name, undefined, undefined, 'at least one PTP row after the header');
  return rows;
}

function readPtp(kind: PtpKind, files: readonly ImportFile[]): ImportedData {
  const table = TABLE_OF_KIND[kind];
  if (files.length < 1 || files.length > 4) {
    throw new ImportError(files[0]?.name ?? kind, undefined, undefined, `1 to 4 files of one ${table.label} PTP quarter (f1 to f4)`, `${files.length} files`);
  }
  const warnings: string[] = [];
  const facts = files.map((file) => ({ file, facts: nameFacts(file.name) }));
  // The table: only the file name tells practitioner from hospital (the header lines are the same).
  for (const { file, facts: f } of facts) {
    if (f.kind !== undefined && f.kind !== kind) {
      throw new ImportError(file.name, undefined, undefined, `${kind === 'ptp-hospital' ? 'an' : 'a'} ${table.label} PTP file (${table.prefix}-...) for ${kind}`, `${TABLE_OF_KIND[f.kind].prefix} (${TABLE_OF_KIND[f.kind].label}; import it as ${f.kind})`);
    }
    if (f.kind === undefined) warnings.push(`${file.name}: the file name does not say ${table.prefix} or ${TABLE_OF_KIND[table.other].prefix}; read as ${table.label}`);
  }
  // One version for all files.
  const versioned = facts.find((x) => x.facts.version !== undefined);
  for (const { file, facts: f } of facts) {
    if (versioned && f.version !== undefined && f.version !== versioned.facts.version) {
      throw new ImportError(file.name, undefined, undefined, `files of one version (${versionLabel(versioned.facts)}, as ${versioned.file.name})`, versionLabel(f));
    }
    if (versioned && f.version === undefined) warnings.push(`${file.name}: the file name gives no version; taken as ${versionLabel(versioned.facts)}`);
  }
  // Parts: f1..f4 in order, each once; files without a part number follow in the order given.
  const seen = new Map<number, string>();
  for (const { file, facts: f } of facts) {
    if (f.part === undefined) continue;
    const earlier = seen.get(f.part);
    if (earlier !== undefined) throw new ImportError(file.name, undefined, undefined, `one file per part (f${f.part} is already ${earlier})`, file.name);
    seen.set(f.part, file.name);
  }
  const ordered = [...facts].sort((a, b) => (a.facts.part ?? 99) - (b.facts.part ?? 99));

  let capacity = 16;
  for (const { file } of facts) {
    const bytes = file.bytes;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) capacity++;
  }
  const out = new PtpColumns(capacity);
  const rowCounts: Record<string, number> = { rows: 0, deleted: 0 };
  ordered.forEach(({ file, facts: f }, i) => {
    const label = f.part !== undefined ? `f${f.part}` : `file${i + 1}`;
    rowCounts[label] = readFile(file, out, warnings);
  });
  rowCounts.rows = out.length;
  rowCounts.deleted = out.deleted;
  const v = versioned?.facts;
  return {
    tables: { rows: out.build() },
    edition: v ? `${versionLabel(v)} (${table.label})` : `version not in the file names (${table.label})`,
    effective: v ? ptpQuarterOfVersion(v.major, v.minor) : undefined,
    rowCounts,
    warnings,
  };
}

function ptpImporter(kind: PtpKind): Importer {
  const t = TABLE_OF_KIND[kind];
  return {
    kind,
    files: `the tab-delimited .txt files of one ${t.label} PTP quarter as CMS publishes them (${t.prefix}-v<version>r<release>-f1.txt ... -f4.txt)`,
    fileCount: { min: 1, max: 4 },
    read: (files) => readPtp(kind, files),
  };
}

/** NCCI PTP edits for practitioner claims (837P). */
export const ptpPractitioner = ptpImporter('ptp-practitioner');
/** NCCI PTP edits for outpatient hospital claims (837I). */
export const ptpHospital = ptpImporter('ptp-hospital');
