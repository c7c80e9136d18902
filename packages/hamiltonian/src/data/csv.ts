import { InvalidArgumentError } from '@liouville/linalg';
import { DataFileError } from './DataFileError.js';
import type { DatasetOptions } from './Dataset.js';

/** Options of the parsers of data files given as text or bytes (e.g. from `fetch`). */
export interface ParseOptions extends DatasetOptions {
  /** The file's name or URL, used in error messages and the dataset's meta (default '<input>'). */
  readonly file?: string;
}

/**
 * A strictly parsed comma-separated file (RFC 4180 without quoting): a header of known column
 * names, then rows of exactly that many fields; line numbers are kept for error messages.
 */
export interface CsvData {
  /** The file's name, path or URL, for error messages. */
  readonly path: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** The 1-based line of each row in the file. */
  readonly lines: readonly number[];
}

/** The text of a file given as a string or as its bytes (UTF-8; invalid sequences become U+FFFD and fail parsing). */
export function decodeText(operation: string, input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return new TextDecoder('utf-8', { fatal: false }).decode(input);
  throw new InvalidArgumentError(`${operation}: input`, "the file's text or its bytes as a Uint8Array", input);
}

/** The lines of a text (LF or CRLF endings; one final line ending allowed, no blank lines); `path` names it in errors. */
export function splitLines(text: string, path: string): string[] {
  if (text === '') throw new DataFileError(path, 'line 1', 'the file is empty, expected a header line');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank >= 0) throw new DataFileError(path, `line ${blank + 1}`, 'blank line, expected a row of data');
  return lines;
}

/** Parses a CSV text whose header must be exactly `columns`, in that order; `path` names it in errors. */
export function parseCsv(text: string, path: string, columns: readonly string[]): CsvData {
  const lines = splitLines(text, path);
  const header = lines[0].split(',');
  if (header.length !== columns.length || header.some((name, i) => name !== columns[i])) {
    throw new DataFileError(path, 'line 1', `expected the header "${columns.join(',')}", found "${lines[0]}"`);
  }
  if (lines.length < 2) throw new DataFileError(path, 'line 2', 'no data rows after the header');
  const rows = lines.slice(1).map((line, i) => {
    if (line.includes('"')) throw new DataFileError(path, `line ${i + 2}`, 'quoted fields are not expected');
    const fields = line.split(',');
    if (fields.length !== columns.length) {
      throw new DataFileError(path, `line ${i + 2}`, `expected ${columns.length} fields, found ${fields.length}`);
    }
    return fields;
  });
  return { path, header, rows, lines: rows.map((_, i) => i + 2) };
}

// A decimal floating-point literal as Python's repr and C's printf write them; no inf, nan or hex.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one decimal number strictly: JavaScript's Number() rounds a decimal literal correctly
 * (ECMA-262 §7.1.4.1.1), so the 17-digit repr of a double reads back as the same double. Empty
 * fields, text, NaN and infinities are errors, never silent NaN.
 */
export function parseDecimal(text: string, path: string, location: string, column: string): number {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw new DataFileError(path, location, `column ${column}: expected a finite decimal number, found "${text}"`);
  }
  return value;
}

/** The field of `column` in row `row` as a finite number. */
export function numberAt(csv: CsvData, row: number, column: string): number {
  const index = csv.header.indexOf(column);
  return parseDecimal(csv.rows[row][index], csv.path, `line ${csv.lines[row]}, column ${index + 1}`, column);
}

/** The field of `column` in row `row` as a non-negative integer written in decimal digits. */
export function integerAt(csv: CsvData, row: number, column: string): number {
  const index = csv.header.indexOf(column);
  const text = csv.rows[row][index];
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    const location = `line ${csv.lines[row]}, column ${index + 1}`;
    throw new DataFileError(csv.path, location, `column ${column}: expected a non-negative integer, found "${text}"`);
  }
  return value;
}

/** The field of `column` in row `row`, which must be one of `allowed`. */
export function choiceAt<T extends string>(csv: CsvData, row: number, column: string, allowed: readonly T[]): T {
  const index = csv.header.indexOf(column);
  const text = csv.rows[row][index];
  if (!allowed.includes(text as T)) {
    const location = `line ${csv.lines[row]}, column ${index + 1}`;
    const expected = allowed.map((a) => `"${a}"`).join(' or ');
    throw new DataFileError(csv.path, location, `column ${column}: expected ${expected}, found "${text}"`);
  }
  return text as T;
}
