/**
 * ICD-10-CM as CMS (and CDC/NCHS) publish it each fiscal year, and again in some April updates, in the zip
 * "code-descriptions-tabular-order": the code descriptions file, the order file and the tabular XML. One to three of
 * them, of one release; at least the codes file or the order file.
 *
 * Layout facts and where they were checked (reference only; no code was taken from these sources):
 * - Codes file (`icd10cm_codes_<FY>.txt`; CDC April spelling `icd10cm-codes-April-<YYYY>.txt`): valid codes only,
 *   columns 1-7 the code without the dot padded with blanks, column 8 blank, long description from column 9.
 *   Sources: CMS/CDC layout as restated in GitHub danielll-w/easy-icd-10-code-to-description README.md; the
 *   April 1 2026 member `Code Descriptions/icd10cm_codes_2026.txt` of CMS `april-1-2026-code-descriptions-tabular-
 *   order.zip` as recorded in GitHub arahman41/care-ops data/vocab/PROVENANCE.md (so April members keep the plain
 *   `_<FY>` name; only the zip or folder name says "april").
 * - Order file (`icd10cm_order_<FY>.txt`; CDC `icd10cm-order-April-<YYYY>.txt`): every header and code, fixed
 *   width: 1-5 order number (zero filled), 6 blank, 7-13 code without the dot padded, 14 blank, 15 "0" header (not
 *   valid for HIPAA-covered transactions) or "1" valid, 16 blank, 17-76 short description (60 columns, padded),
 *   77 blank, 78 to end long description. Sources: the same README; verified column by column on the real lines of
 *   GitHub StefanoTrv/simple_icd_10_CM data/icd10cm-order-April-2025.txt (e.g. order 21584, M8008XA).
 * - Tabular XML (`icd10cm_tabular_<FY>.xml`; CDC `icd10cm-tabular-April-<YYYY>.xml`): root `<ICD10CM.tabular>`,
 *   `<version>` (the fiscal year, e.g. 2026), `<introduction>`, `<chapter>` (`<name>`, `<desc>`, notes,
 *   `<sectionIndex>`), `<section id="...">`, nested `<diag>` with `<name>` (dotted), `<desc>` and notes:
 *   `<inclusionTerm>`, `<includes>`, `<excludes1>`, `<excludes2>`, `<codeFirst>`, `<useAdditionalCode>`,
 *   `<codeAlso>`, `<sevenChrNote>`, each holding `<note>` elements, and `<sevenChrDef>` holding
 *   `<extension char="A">initial encounter for fracture</extension>`. Source: GitHub StefanoTrv/simple_icd_10_CM
 *   data/icd10cm-tabular-oct2025.xml (FY2026), read at M48.4-M48.5, M80 and M94.8.
 * - Placeholder X: the XML says it once, in prose (introduction "7th characters and placeholder X": "For codes less
 *   than 6 characters that require a 7th character a placeholder X should be assigned for all characters less than
 *   6"), and marks entries whose own name carries the X with an attribute, `<diag placeholder="true">` (e.g. M94.8X).
 *   Entries such as M80.08, whose codes take the X only before the 7th character (M80.08XA), carry no mark. So the
 *   `placeholder` table holds (a) every diag with placeholder="true", and (b) derived from the code list: the stem of
 *   every valid 7-character code with X in position 5 and/or 6 directly before the 7th character, when the stem is
 *   a tabular entry under an entry that has a sevenChrDef (M8008XA under M80 gives "M80.08").
 *
 * `excludes1` and `seventh` come only from `<diag>` entries (chapter- and section-level notes are left out). The
 * release (fiscal year, regular or April update) is read from the file names and the XML `<version>`; April files
 * are told apart only by "april" in the name the user gives (path or zip folder included).
 */
import { SaxesParser } from 'saxes';
import { INT_NULL, TableBuilder } from './table.js';
import { decodeText, lines } from './text.js';
import { ImportError, KIND_TABLES, type EffectivePeriod, type ImportedData, type Importer, type ImportFile } from './types.js';

/** A code as CMS files write it: no dot, 3 to 7 characters, a letter, a digit, then letters or digits. */
const UNDOTTED = /^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/;
/** A tabular entry name: the category, then a dot and 1 to 4 characters. */
const DOTTED = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;
/** One code reference inside an instructional note: "M80.-", "M84.4-", "M48.4", "S12", optionally a range "A04.0-A04.4". */
const REF = '[A-Z][0-9][0-9A-Z](?:\\.[0-9A-Z]{0,4})?-?';
const REF_ITEM = new RegExp(`^${REF}(?:-${REF})?$`);

type FileKind = 'codes' | 'order' | 'tabular';

/** What a file's name (and the XML's version) says about its release. */
interface Release {
  fy: number | undefined;
  april: boolean | undefined;
  /** Where the fiscal year was read, for messages. */
  from: string;
}

/** The release a file name tells: the fiscal year and whether it is an April update (undefined: not told). */
export function releaseOfName(name: string): Release {
  const april = /april|(^|[^a-z])apr([^a-z]|$)/i.test(name);
  const october = /october|(^|[^a-z])oct(?=[^a-z]|\d)/i.exec(name);
  // The fiscal year from the file's own name first (a folder may hold any year), else from its folders.
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const fyYear = /fy[-_ ]?(20\d\d)/i.exec(base) ?? /fy[-_ ]?(20\d\d)/i.exec(name);
  const year = /(20\d\d)/.exec(base) ?? /(20\d\d)/.exec(name);
  let fy: number | undefined;
  if (fyYear) fy = Number(fyYear[1]);
  else if (year) fy = Number(year[1]) + (october && !april ? 1 : 0);
  // A regular release is told by "October"/"oct2025" or by CMS's fiscal-year zip folder "<FY>-code-descriptions".
  const regular = !april && (october !== null || /(^|[\\/])(fy)?20\d\d[-_ ]code[-_ ]descriptions/i.test(name));
  return { fy, april: april ? true : regular ? false : undefined, from: name };
}

function classify(file: ImportFile, text: string): FileKind {
  const start = text.trimStart();
  if (start.startsWith('<')) return 'tabular';
  const first = /^[^\r\n]*/.exec(start)?.[0] ?? '';
  if (/^\d{5} /.test(first)) return 'order';
  if (/^[A-Z][0-9]/.test(first)) return 'codes';
  throw new ImportError(file.name, 1, 1, 'an ICD-10-CM codes file (code in columns 1-7), order file (5-digit order number first) or tabular XML', first.slice(0, 20));
}

interface CodeRow {
  code: string;
  billable: number;
  order: number;
  short: string;
  long: string;
  line: number;
}

/** Checks that a fixed-width field holds a code padded with blanks; returns the code. */
function codeField(file: string, line: number, column: number, field: string): string {
  const code = field.trimEnd();
  if (!UNDOTTED.test(code)) throw new ImportError(file, line, column, 'an ICD-10-CM code without the dot (a letter, a digit, then 1 to 5 letters or digits), padded with blanks to 7 columns', field);
  return code;
}

function blankAt(file: string, line: number, text: string, column: number, what: string): void {
  if (text.charAt(column - 1) !== ' ') throw new ImportError(file, line, column, `a blank in column ${column} (${what})`, text.slice(column - 1, column + 9));
}

function readCodes(file: ImportFile, text: string): CodeRow[] {
  const rows: CodeRow[] = [];
  const seen = new Map<string, number>();
  for (const { text: raw, line } of lines(text)) {
    if (raw.trim() === '') continue;
    if (raw.length < 9) throw new ImportError(file.name, line, raw.length + 1, 'a code in columns 1-7, a blank in column 8 and the long description from column 9', raw);
    const code = codeField(file.name, line, 1, raw.slice(0, 7));
    blankAt(file.name, line, raw, 8, 'between the code and the description');
    const long = raw.slice(8).trim();
    if (long === '') throw new ImportError(file.name, line, 9, 'the long description from column 9', raw.slice(8));
    const earlier = seen.get(code);
    if (earlier !== undefined) throw new ImportError(file.name, line, 1, `one line per code (${code} is already on line ${earlier})`, code);
    seen.set(code, line);
    rows.push({ code, billable: 1, order: INT_NULL, short: '', long, line });
  }
  if (rows.length === 0) throw new ImportError(file.name, undefined, undefined, 'at least one code line');
  return rows;
}

function readOrder(file: ImportFile, text: string, warnings: string[]): CodeRow[] {
  const rows: CodeRow[] = [];
  const seen = new Map<string, number>();
  let previous = 0;
  for (const { text: raw, line } of lines(text)) {
    if (raw.trim() === '') continue;
    if (raw.length < 78) throw new ImportError(file.name, line, raw.length + 1, 'an order line of at least 78 columns (order, code, flag, 60-column short description, long description from column 78)', raw);
    const orderText = raw.slice(0, 5);
    if (!/^\d{5}$/.test(orderText)) throw new ImportError(file.name, line, 1, 'a 5-digit order number in columns 1-5', orderText);
    blankAt(file.name, line, raw, 6, 'after the order number');
    const code = codeField(file.name, line, 7, raw.slice(6, 13));
    blankAt(file.name, line, raw, 14, 'after the code');
    const flag = raw.charAt(14);
    if (flag !== '0' && flag !== '1') throw new ImportError(file.name, line, 15, 'the flag 0 (header) or 1 (valid for submission) in column 15', flag);
    blankAt(file.name, line, raw, 16, 'after the flag');
    blankAt(file.name, line, raw, 77, 'after the 60-column short description');
    const short = raw.slice(16, 76).trim();
    const long = raw.slice(77).trim();
    if (short === '') throw new ImportError(file.name, line, 17, 'the short description in columns 17-76', raw.slice(16, 76));
    if (long === '') throw new ImportError(file.name, line, 78, 'the long description from column 78', raw.slice(77));
    const order = Number(orderText);
    const earlier = seen.get(code);
    if (earlier !== undefined) throw new ImportError(file.name, line, 7, `one line per code (${code} is already on line ${earlier})`, code);
    seen.set(code, line);
    if (order <= previous) warnings.push(`${file.name}:${line}: order number ${orderText} does not follow ${String(previous).padStart(5, '0')}`);
    previous = order;
    rows.push({ code, billable: Number(flag), order, short, long, line });
  }
  if (rows.length === 0) throw new ImportError(file.name, undefined, undefined, 'at least one order line');
  return rows;
}

/** The code references inside a note's parentheses, space-separated, as written: "(S22.0-, S32.0-)" gives "S22.0- S32.0-". */
export function noteRefs(note: string): string {
  const refs: string[] = [];
  for (const group of note.matchAll(/\(([^()]*)\)/g)) {
    const items = group[1]!.split(',').map((item) => item.trim());
    if (items.length > 0 && items.every((item) => REF_ITEM.test(item))) refs.push(...items);
  }
  return refs.join(' ');
}

interface Tabular {
  version: string | undefined;
  excludes1: { code: string; note: string }[];
  seventh: { code: string; character: string; description: string }[];
  placeholders: string[];
  /** Every diag name (dotted) and whether a sevenChrDef is on it. */
  sevenChr: Set<string>;
  names: Set<string>;
}

interface Frame {
  name: string;
  /** For a diag: its name once read. */
  diag?: { name: string | undefined; line: number; column: number };
  text: string;
  attributes: Record<string, string>;
  line: number;
  column: number;
}

function readTabular(file: ImportFile, text: string): Tabular {
  const result: Tabular = { version: undefined, excludes1: [], seventh: [], placeholders: [], sevenChr: new Set(), names: new Set() };
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: Frame[] = [];
  const fail = (line: number, column: number, expected: string, got?: string): never => {
    throw new ImportError(file.name, line, column, expected, got);
  };
  const nearestDiag = (from: number): Frame | undefined => {
    for (let i = from; i >= 0; i--) if (stack[i]!.name === 'diag') return stack[i];
    return undefined;
  };
  parser.on('error', (err) => {
    // saxes prefixes its message with "line:column: "; the ImportError says where instead.
    const message = err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    fail(parser.line, Math.max(1, parser.column), `well-formed XML (${message})`);
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes)) attributes[key] = String(value);
    const frame: Frame = { name: tag.name, text: '', attributes, line: parser.line, column: parser.column + 1 };
    if (stack.length === 0 && tag.name !== 'ICD10CM.tabular') fail(parser.line, parser.column, 'the root element <ICD10CM.tabular> of the ICD-10-CM tabular XML', `<${tag.name}>`);
    if (tag.name === 'diag') frame.diag = { name: undefined, line: parser.line, column: parser.column };
    stack.push(frame);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    const frame = stack.pop()!;
    const parent = stack[stack.length - 1];
    const content = frame.text.replace(/\s+/g, ' ').trim();
    if (frame.name === 'version' && parent?.name === 'ICD10CM.tabular') result.version = content;
    else if (frame.name === 'name' && parent?.diag) {
      if (!DOTTED.test(content)) fail(frame.line, frame.column, 'a tabular entry name such as M80.08 (a letter, a digit, a letter or digit, then a dot and 1 to 4 more)', content);
      if (parent.diag.name !== undefined) fail(frame.line, frame.column, `one <name> per <diag> (this one is ${parent.diag.name})`, content);
      parent.diag.name = content;
      result.names.add(content);
      if (parent.attributes.placeholder?.toLowerCase() === 'true') result.placeholders.push(content);
    } else if (frame.name === 'note' && parent?.name === 'excludes1') {
      const diag = nearestDiag(stack.length - 2);
      if (diag?.diag && stack[stack.length - 2] === diag) {
        if (diag.diag.name === undefined) fail(frame.line, frame.column, 'the <name> of the <diag> before its notes');
        result.excludes1.push({ code: diag.diag.name!, note: content });
      }
    } else if (frame.name === 'extension' && parent?.name === 'sevenChrDef') {
      const diag = stack[stack.length - 2];
      if (diag?.diag) {
        if (diag.diag.name === undefined) fail(frame.line, frame.column, 'the <name> of the <diag> before its sevenChrDef');
        const character = frame.attributes.char ?? '';
        if (!/^[0-9A-Z]$/.test(character)) fail(frame.line, frame.column, 'a 7th character (one letter or digit) in the attribute char of <extension>', character);
        result.seventh.push({ code: diag.diag.name!, character, description: content });
        result.sevenChr.add(diag.diag.name!);
      }
    } else if (frame.name === 'diag' && frame.diag && frame.diag.name === undefined) {
      fail(frame.diag.line, frame.diag.column, 'a <name> inside every <diag>');
    }
  });
  // Feed the text in slices: the tabular XML is tens of megabytes.
  const SLICE = 1 << 20;
  for (let i = 0; i < text.length; i += SLICE) parser.write(text.slice(i, i + SLICE));
  parser.close();
  if (result.names.size === 0) fail(1, 1, 'at least one <diag> entry in the tabular XML');
  return result;
}

function dotted(code: string): string {
  return code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

/** Placeholders derived from valid 7-character codes: the stem before the Xs that pad it to 6 characters. */
function derivedPlaceholders(codes: readonly CodeRow[], tabular: Tabular): string[] {
  const out: string[] = [];
  const seen = new Set(tabular.placeholders);
  for (const row of codes) {
    if (row.billable !== 1 || row.code.length !== 7) continue;
    const six = row.code.slice(0, 6);
    if (six.charAt(5) !== 'X' && six.charAt(4) !== 'X') continue;
    const stem = six.replace(/X+$/, '');
    if (stem.length === six.length || stem.length < 3) continue;
    const name = dotted(stem);
    if (!tabular.names.has(name) || seen.has(name)) continue;
    // Under a 7th-character entry: the stem or one of its ancestors carries a sevenChrDef.
    let underSeventh = false;
    for (let n = stem.length; n >= 3 && !underSeventh; n--) underSeventh = tabular.sevenChr.has(dotted(stem.slice(0, n)));
    if (!underSeventh) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

function effectiveOf(fy: number, april: boolean): EffectivePeriod {
  return april ? { from: `${fy}-04-01`, to: `${fy}-09-30` } : { from: `${fy - 1}-10-01`, to: `${fy}-09-30` };
}

function readIcd10cm(files: readonly ImportFile[]): ImportedData {
  if (files.length < 1 || files.length > 3) throw new ImportError(files[0]?.name ?? 'icd10cm', undefined, undefined, `1 to 3 files of one release (codes, order, tabular XML), got ${files.length}`);
  const warnings: string[] = [];
  const byKind = new Map<FileKind, { file: ImportFile; text: string }>();
  for (const file of files) {
    const text = decodeText(file.bytes);
    const kind = classify(file, text);
    const earlier = byKind.get(kind);
    if (earlier) throw new ImportError(file.name, undefined, undefined, `one ${kind} file per release (${earlier.file.name} is one already)`);
    byKind.set(kind, { file, text });
  }
  const codesFile = byKind.get('codes');
  const orderFile = byKind.get('order');
  const tabularFile = byKind.get('tabular');
  if (!codesFile && !orderFile) throw new ImportError(files[0]!.name, undefined, undefined, 'a codes file (icd10cm_codes_<FY>.txt) or an order file (icd10cm_order_<FY>.txt) besides the tabular XML');

  // One release: every name that tells a fiscal year or an April update must tell the same.
  const releases = files.map((f) => releaseOfName(f.name));
  const tabular = tabularFile ? readTabular(tabularFile.file, tabularFile.text) : undefined;
  if (tabular?.version !== undefined) {
    if (!/^20\d\d$/.test(tabular.version)) warnings.push(`${tabularFile!.file.name}: <version> is "${tabular.version}", not a fiscal year`);
    else releases.push({ fy: Number(tabular.version), april: undefined, from: `${tabularFile!.file.name} <version>` });
  }
  let fy: Release | undefined;
  let april: Release | undefined;
  for (const r of releases) {
    if (r.fy !== undefined) {
      if (fy && fy.fy !== r.fy) throw new ImportError(r.from.replace(/ <version>$/, ''), undefined, undefined, `files of one release (${fy.from} is FY${fy.fy}, this is FY${r.fy})`);
      fy ??= r;
    }
    if (r.april !== undefined) {
      if (april && april.april !== r.april) throw new ImportError(r.from, undefined, undefined, `files of one release (${april.from} is ${april.april ? 'an April update' : 'a regular release'}, this is ${r.april ? 'an April update' : 'a regular release'})`);
      april ??= r;
    }
  }

  const orderRows = orderFile ? readOrder(orderFile.file, orderFile.text, warnings) : undefined;
  const codeRows = codesFile ? readCodes(codesFile.file, codesFile.text) : undefined;
  if (orderRows && codeRows) {
    const valid = new Map(orderRows.filter((r) => r.billable === 1).map((r) => [r.code, r]));
    const listed = new Set<string>();
    for (const row of codeRows) {
      listed.add(row.code);
      const match = valid.get(row.code);
      if (!match) throw new ImportError(codesFile!.file.name, row.line, 1, `only codes that ${orderFile!.file.name} flags valid (1); ${row.code} is ${orderRows.some((r) => r.code === row.code) ? 'a header (0)' : 'missing'} there`, row.code);
      if (match.long !== row.long) warnings.push(`${codesFile!.file.name}:${row.line}: the long description of ${row.code} differs from ${orderFile!.file.name}:${match.line}`);
    }
    for (const row of valid.values()) {
      if (!listed.has(row.code)) throw new ImportError(orderFile!.file.name, row.line, 7, `only valid codes that ${codesFile!.file.name} lists too; ${row.code} is missing there`, row.code);
    }
  }
  const rows = orderRows ?? codeRows!;

  const codes = new TableBuilder(KIND_TABLES.icd10cm.codes);
  let billable = 0;
  for (const r of rows) {
    codes.add([r.code, r.billable, r.order === INT_NULL ? null : r.order, r.short, r.long]);
    billable += r.billable;
  }
  const excludes1 = new TableBuilder(KIND_TABLES.icd10cm.excludes1);
  const seventh = new TableBuilder(KIND_TABLES.icd10cm.seventh);
  const placeholder = new TableBuilder(KIND_TABLES.icd10cm.placeholder);
  if (tabular) {
    for (const e of tabular.excludes1) excludes1.add([e.code, e.note, noteRefs(e.note)]);
    for (const s of tabular.seventh) seventh.add([s.code, s.character, s.description]);
    for (const name of [...tabular.placeholders, ...derivedPlaceholders(rows, tabular)]) placeholder.add([name]);
  }

  const isApril = april?.april;
  const edition = fy?.fy !== undefined ? `FY${fy.fy}${isApril ? ' April update' : ''}` : files.map((f) => f.name).join(', ');
  const effective = fy?.fy !== undefined && isApril !== undefined ? effectiveOf(fy.fy, isApril) : undefined;
  if (fy?.fy !== undefined && isApril === undefined) {
    warnings.push(`FY${fy.fy}: the file names do not tell a regular release from an April update (CMS names both members icd10cm_*_${fy.fy}), so no effective period was set`);
  }
  return {
    tables: { codes: codes.build(), excludes1: excludes1.build(), seventh: seventh.build(), placeholder: placeholder.build() },
    edition,
    effective,
    rowCounts: { codes: codes.rows, billable, headers: codes.rows - billable, excludes1: excludes1.rows, seventh: seventh.rows },
    warnings,
  };
}

/** ICD-10-CM code descriptions, order file and tabular XML of one release. */
export const icd10cm: Importer = {
  kind: 'icd10cm',
  files: 'one release of CMS ICD-10-CM "code descriptions, tabular, order": icd10cm_codes_<FY>.txt and/or icd10cm_order_<FY>.txt, optionally icd10cm_tabular_<FY>.xml',
  fileCount: { min: 1, max: 3 },
  read: readIcd10cm,
};
