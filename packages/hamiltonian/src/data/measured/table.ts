import { InvalidArgumentError } from '@liouville/linalg';
import { DataFileError } from '../DataFileError.js';
import { decodeText, parseDecimal } from '../csv.js';

/** Options of `parseMeasurementTable`. */
export interface MeasurementTableOptions {
  /** The file's name or URL, for error messages and the dataset's description (default '<input>'). */
  readonly file?: string;
  /**
   * Which columns a header naming fewer columns than there are labels: 'end' (default; the last
   * ones, as in the Schmidt & Lipson files, whose `% o v` names the angle and velocity after
   * the unnamed trial and time columns) or 'start'.
   */
  readonly headerAlign?: 'start' | 'end';
}

/** A table of measurements: numeric columns, their names where a header gave them, the source line of each row. */
export interface MeasurementTable {
  readonly path: string;
  /** The name of each column (undefined where the header named none). */
  readonly names: readonly (string | undefined)[];
  /** One array of numbers per column. */
  readonly columns: readonly Float64Array[];
  /** The 1-based line of each row in the file. */
  readonly lines: readonly number[];
  /** ',' or 'whitespace'. */
  readonly separator: ',' | 'whitespace';
}

/** A column by its header name, or by its 1-based number (a number, or a string of digits). */
export type ColumnRef = string | number;

const COMMENT = /^\s*[#%]/;
const NAME = /^[A-Za-z_][\w.\-'()[\]/^*]*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The fields of a line: split at commas (trimmed) or at runs of whitespace. */
function fieldsOf(line: string, separator: ',' | 'whitespace'): string[] {
  return separator === ',' ? line.split(',').map((f) => f.trim()) : line.trim().split(/\s+/);
}

/** The header's names from a line (a comment marker stripped), or undefined unless every field is a name. */
function namesOf(line: string, separator: ',' | 'whitespace'): string[] | undefined {
  const text = line.replace(/^\s*[#%]\s*/, '');
  if (text.trim() === '') return undefined;
  const fields = fieldsOf(text, separator);
  return fields.every((f) => NAME.test(f) && !NUMBER.test(f)) ? fields : undefined;
}

/** The lines that matter: data and header candidates with their 1-based numbers (blank lines skipped). */
function meaningfulLines(text: string): { line: string; number: number; comment: boolean }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ line, number: i + 1, comment: COMMENT.test(line) }))
    .filter(({ line }) => line.trim() !== '');
}

/** Assigns header names to columns, aligned to the start or the end when there are fewer names. */
function alignNames(
  names: readonly string[],
  width: number,
  align: 'start' | 'end',
  where: { path: string; line: number },
): (string | undefined)[] {
  if (names.length > width) {
    throw new DataFileError(
      where.path,
      `line ${where.line}`,
      `the header names ${names.length} columns, but rows have ${width} fields`,
    );
  }
  const out = new Array<string | undefined>(width).fill(undefined);
  const offset = align === 'end' ? width - names.length : 0;
  names.forEach((name, i) => {
    out[offset + i] = name;
  });
  return out;
}

/**
 * Parses a table of measurements from text or bytes: comma-separated (when the first row of data
 * holds a comma) or whitespace-separated; lines starting with `#` or `%` are comments and blank
 * lines are skipped. A header is optional: the first non-comment line when it holds names
 * rather than numbers, or else the comment line right before the first row of data when every
 * word of it is a name (`% o v`); it may name fewer columns than there are (see `headerAlign`).
 * Every row must have as many fields as the first, each a finite decimal number: a NaN, an empty
 * cell or a ragged row is a DataFileError naming the line and column. Nothing is evaluated.
 */
export function parseMeasurementTable(
  input: string | Uint8Array,
  options: MeasurementTableOptions = {},
): MeasurementTable {
  const path = options.file ?? '<input>';
  const align = options.headerAlign ?? 'end';
  if (align !== 'start' && align !== 'end') {
    throw new InvalidArgumentError('parseMeasurementTable: headerAlign', "'start' or 'end'", align);
  }
  const lines = meaningfulLines(decodeText('parseMeasurementTable', input));
  let first = lines.findIndex((l) => !l.comment);
  if (first < 0) throw new DataFileError(path, '', 'no rows of data (only comments or blank lines)');
  const separator = lines[first].line.includes(',') ? ',' : 'whitespace';
  let header: { names: string[]; line: number } | undefined;
  const ownHeader = namesOf(lines[first].line, separator);
  if (ownHeader !== undefined) {
    header = { names: ownHeader, line: lines[first].number };
    first = lines.findIndex((l, i) => i > first && !l.comment);
    if (first < 0) throw new DataFileError(path, `line ${header.line}`, 'a header, but no rows of data after it');
  } else if (first > 0 && lines[first - 1].comment) {
    const names = namesOf(lines[first - 1].line, separator);
    if (names !== undefined) header = { names, line: lines[first - 1].number };
  }
  const rows = lines.slice(first).filter((l) => !l.comment);
  const width = fieldsOf(rows[0].line, separator).length;
  const columns = Array.from({ length: width }, () => new Float64Array(rows.length));
  const names =
    header === undefined
      ? new Array(width).fill(undefined)
      : alignNames(header.names, width, align, { path, line: header.line });
  rows.forEach(({ line, number }, r) => {
    const fields = fieldsOf(line, separator);
    if (fields.length !== width) {
      const how = separator === ',' ? 'comma-separated' : 'whitespace-separated';
      throw new DataFileError(
        path,
        `line ${number}`,
        `expected ${width} ${how} fields (as the first row), found ${fields.length}`,
      );
    }
    fields.forEach((field, c) => {
      columns[c][r] = parseDecimal(field, path, `line ${number}, column ${c + 1}`, names[c] ?? String(c + 1));
    });
  });
  return { path, names, columns, lines: rows.map((r) => r.number), separator };
}

/** The 0-based index of a column given by name or 1-based number; a DataFileError lists the columns otherwise. */
export function columnIndex(table: MeasurementTable, ref: ColumnRef, role: string): number {
  const width = table.columns.length;
  const numbered = typeof ref === 'number' ? ref : /^\d+$/.test(ref.trim()) ? Number(ref) : undefined;
  if (numbered !== undefined) {
    if (Number.isInteger(numbered) && numbered >= 1 && numbered <= width) return numbered - 1;
    throw new DataFileError(
      table.path,
      '',
      `${role}: no column number ${ref} (the rows have ${width} columns, numbered from 1)`,
    );
  }
  const index = table.names.indexOf(String(ref).trim());
  if (index >= 0) return index;
  const named = table.names.map((n, i) => (n === undefined ? `${i + 1}` : `${n} (${i + 1})`)).join(', ');
  throw new DataFileError(table.path, '', `${role}: no column named "${ref}" (columns: ${named})`);
}

/** How a column is described in a dataset's metadata: its name and 1-based number. */
export function columnLabel(table: MeasurementTable, index: number): string {
  const name = table.names[index];
  return name === undefined ? `column ${index + 1}` : `${name} (column ${index + 1})`;
}
