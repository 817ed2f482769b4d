/**
 * The columnar form in which an imported official table is kept: one typed array per column, text columns
 * dictionary-encoded. A full NCCI PTP quarter (millions of rows) then takes tens of megabytes instead of the
 * gigabyte that one JavaScript object per row would, and a stored version decodes in milliseconds.
 * Pure: encode and decode work on bytes; reading and writing them is the store's job.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** Column types: text (dictionary-encoded), int (32-bit; dates as YYYYMMDD) and number (64-bit float). */
export const COLUMN_TYPES = ['text', 'int', 'number'] as const;
/** One column type. */
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** The missing value of an int column (a deletion date that is not set, an NPI that is not given). */
export const INT_NULL = -2147483648;

/** The column names and types of one table, in order. */
export type TableSpec = Readonly<Record<string, ColumnType>>;

/** A text column: row i holds `values[index[i]]`. */
export interface TextColumn {
  readonly values: readonly string[];
  readonly index: Uint32Array;
}

/** An immutable table of typed columns. */
export class Table {
  constructor(
    readonly spec: TableSpec,
    readonly rows: number,
    private readonly columns: ReadonlyMap<string, TextColumn | Int32Array | Float64Array>,
  ) {}

  private column(name: string, type: ColumnType): TextColumn | Int32Array | Float64Array {
    const actual = this.spec[name];
    const column = this.columns.get(name);
    if (actual !== type || column === undefined) throw new Error(`table column ${name} is not a ${type} column (it is ${actual ?? 'missing'})`);
    return column;
  }

  /** The dictionary-encoded text column `name`. */
  text(name: string): TextColumn {
    return this.column(name, 'text') as TextColumn;
  }

  /** The int column `name` (INT_NULL where missing). */
  int(name: string): Int32Array {
    return this.column(name, 'int') as Int32Array;
  }

  /** The number column `name` (NaN where missing). */
  number(name: string): Float64Array {
    return this.column(name, 'number') as Float64Array;
  }

  /** Row `i` as a plain object (for diffs, tests and messages; not for hot paths). */
  row(i: number): Record<string, string | number | null> {
    const out: Record<string, string | number | null> = {};
    for (const [name, type] of Object.entries(this.spec)) {
      if (type === 'text') {
        const c = this.text(name);
        out[name] = c.values[c.index[i]!]!;
      } else if (type === 'int') {
        const v = this.int(name)[i]!;
        out[name] = v === INT_NULL ? null : v;
      } else {
        const v = this.number(name)[i]!;
        out[name] = Number.isNaN(v) ? null : v;
      }
    }
    return out;
  }
}

/** Growable typed storage for one column while a table is built. */
class ColumnBuilder {
  private ints: Int32Array | Float64Array;
  private readonly dictionary = new Map<string, number>();
  private readonly values: string[] = [];
  length = 0;

  constructor(readonly type: ColumnType) {
    this.ints = type === 'number' ? new Float64Array(1024) : new Int32Array(1024);
  }

  private grow(): void {
    const bigger = this.type === 'number' ? new Float64Array(this.ints.length * 2) : new Int32Array(this.ints.length * 2);
    bigger.set(this.ints);
    this.ints = bigger;
  }

  push(value: string | number | null): void {
    if (this.length === this.ints.length) this.grow();
    if (this.type === 'text') {
      const text = value === null ? '' : String(value);
      let id = this.dictionary.get(text);
      if (id === undefined) {
        id = this.values.length;
        this.values.push(text);
        this.dictionary.set(text, id);
      }
      this.ints[this.length++] = id;
    } else if (this.type === 'int') {
      if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value <= INT_NULL || value > 2147483647)) {
        throw new Error(`int column value out of range: ${String(value)}`);
      }
      this.ints[this.length++] = value === null ? INT_NULL : value;
    } else {
      this.ints[this.length++] = value === null ? NaN : Number(value);
    }
  }

  finish(): TextColumn | Int32Array | Float64Array {
    if (this.type === 'text') return { values: this.values, index: Uint32Array.from(this.ints.subarray(0, this.length) as Int32Array) };
    return this.ints.slice(0, this.length);
  }
}

/** Builds a Table row by row, in the spec's column order. */
export class TableBuilder {
  private readonly names: string[];
  private readonly builders: ColumnBuilder[];
  private count = 0;

  constructor(readonly spec: TableSpec) {
    this.names = Object.keys(spec);
    this.builders = this.names.map((name) => new ColumnBuilder(spec[name]!));
  }

  /** Rows added so far. */
  get rows(): number {
    return this.count;
  }

  /** Appends one row; values in the spec's column order (null: missing). */
  add(values: readonly (string | number | null)[]): void {
    if (values.length !== this.builders.length) throw new Error(`expected ${this.builders.length} values, got ${values.length}`);
    for (let i = 0; i < values.length; i++) this.builders[i]!.push(values[i]!);
    this.count++;
  }

  /** The finished, immutable table. */
  build(): Table {
    const columns = new Map<string, TextColumn | Int32Array | Float64Array>();
    this.names.forEach((name, i) => columns.set(name, this.builders[i]!.finish()));
    return new Table(this.spec, this.count, columns);
  }
}

const FORMAT = 'dxacode-tables/1';

interface EncodedHeader {
  format: typeof FORMAT;
  tables: {
    name: string;
    rows: number;
    columns: { name: string; type: ColumnType; values?: string[]; offset: number; bytes: number }[];
  }[];
}

/** Encodes named tables into one gzip-compressed buffer (a stored knowledge version's data). */
export function encodeTables(tables: Readonly<Record<string, Table>>): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const header: EncodedHeader = { format: FORMAT, tables: [] };
  for (const [name, table] of Object.entries(tables)) {
    const columns: EncodedHeader['tables'][number]['columns'] = [];
    for (const [column, type] of Object.entries(table.spec)) {
      const data = type === 'text' ? table.text(column).index : type === 'int' ? table.int(column) : table.number(column);
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      // Every array starts on an 8-byte boundary so that decoding can take typed-array views.
      const pad = (8 - (offset % 8)) % 8;
      if (pad) parts.push(Buffer.alloc(pad));
      offset += pad;
      columns.push({ name: column, type, ...(type === 'text' ? { values: [...table.text(column).values] } : {}), offset, bytes: bytes.length });
      parts.push(bytes);
      offset += bytes.length;
    }
    header.tables.push({ name, rows: table.rows, columns });
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeUInt32LE(json.length, 0);
  const headerPad = Buffer.alloc((8 - ((8 + json.length) % 8)) % 8);
  return gzipSync(Buffer.concat([length, json, headerPad, ...parts]), { level: 6 });
}

/** Decodes what encodeTables wrote. Throws on bytes that are not a dxacode table set. */
export function decodeTables(data: Uint8Array): Record<string, Table> {
  const raw = gunzipSync(data);
  const jsonLength = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(8, 8 + jsonLength).toString('utf8')) as EncodedHeader;
  if (header.format !== FORMAT) throw new Error(`not a dxacode table set (format ${String(header.format)})`);
  const base = 8 + jsonLength + ((8 - ((8 + jsonLength) % 8)) % 8);
  // Copy into a fresh, aligned ArrayBuffer: gunzip's output buffer may sit at any offset of a shared pool.
  const body = new ArrayBuffer(raw.length - base);
  new Uint8Array(body).set(raw.subarray(base));
  const out: Record<string, Table> = {};
  for (const t of header.tables) {
    const columns = new Map<string, TextColumn | Int32Array | Float64Array>();
    const spec: Record<string, ColumnType> = {};
    for (const c of t.columns) {
      spec[c.name] = c.type;
      if (c.type === 'text') columns.set(c.name, { values: c.values ?? [], index: new Uint32Array(body, c.offset, c.bytes / 4) });
      else if (c.type === 'int') columns.set(c.name, new Int32Array(body, c.offset, c.bytes / 4));
      else columns.set(c.name, new Float64Array(body, c.offset, c.bytes / 8));
    }
    out[t.name] = new Table(spec, t.rows, columns);
  }
  return out;
}
