import type { DType } from '@liouville/linalg';
import { DataFileError } from './DataFileError.js';
import { type Dataset, type Split, checkDType, tensorOf } from './Dataset.js';
import { type CsvData, type ParseOptions, decodeText, integerAt, parseCsv, parseDecimal, splitLines } from './csv.js';
import { datasetFromCsv } from './oscillatorReference.js';

const PROCESSED_COLUMNS = ['split', 'row', 'trial', 't', 'theta', 'omega', 'dtheta_dt', 'domega_dt'] as const;
const SOURCE =
  'Schmidt & Lipson, Science 324:81 (2009), real_pend_h_1.txt; split and targets of greydanus/hamiltonian-nn experiment-real/data.py';

/** Checks the row column counts 0, 1, 2, … within each split. */
function checkRowIndex(csv: CsvData): void {
  const seen = new Map<string, number>();
  csv.rows.forEach((fields, r) => {
    const expected = seen.get(fields[0]) ?? 0;
    const row = integerAt(csv, r, 'row');
    if (row !== expected) {
      throw new DataFileError(
        csv.path,
        `line ${csv.lines[r]}, column 2`,
        `column row: expected ${expected}, found ${row}`,
      );
    }
    seen.set(fields[0], expected + 1);
  });
}

/**
 * The measured real pendulum of the HNN paper (task 3) exactly as the reference trained on it,
 * from the text or bytes of real_pend_processed.csv (columns
 * split,row,trial,t,theta,omega,dtheta_dt,domega_dt): x = (θ, ω) and forward-difference targets,
 * 445 train and 110 test rows. Data: Schmidt & Lipson, "Distilling Free-Form Natural Laws from
 * Experimental Data", Science 324:81 (2009); processing: greydanus/hamiltonian-nn, experiment-real/data.py.
 */
export function parseRealPendulum(input: string | Uint8Array, options: ParseOptions = {}): Dataset {
  const dtype = checkDType('parseRealPendulum', options.dtype ?? 'float64');
  const file = options.file ?? '<input>';
  const csv = parseCsv(decodeText('parseRealPendulum', input), file, PROCESSED_COLUMNS);
  checkRowIndex(csv);
  const { train, test } = datasetFromCsv(
    csv,
    ['split', 'trial', 't', 'theta', 'omega', 'dtheta_dt', 'domega_dt'],
    dtype,
  );
  return { name: 'realPendulum', dof: 1, train, test, meta: { path: file, source: SOURCE, dtype } };
}

/** The columns trial, t, θ, ω of the raw file: header "%o v", then four numbers per line. */
function readRawPendulum(
  text: string,
  path: string,
): { trial: number[]; t: number[]; theta: number[]; omega: number[] } {
  const lines = splitLines(text, path);
  if (lines[0].trim() !== '%o v') {
    throw new DataFileError(
      path,
      'line 1',
      `expected the header "%o v" (angle o, angular velocity v), found "${lines[0]}"`,
    );
  }
  if (lines.length < 3) throw new DataFileError(path, `line ${lines.length + 1}`, 'expected at least two rows of data');
  const columns = { trial: [] as number[], t: [] as number[], theta: [] as number[], omega: [] as number[] };
  const names = ['trial', 't', 'o', 'v'];
  lines.slice(1).forEach((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 4) {
      throw new DataFileError(
        path,
        `line ${i + 2}`,
        `expected 4 whitespace-separated numbers (trial t o v), found ${fields.length}`,
      );
    }
    const [trial, t, theta, omega] = fields.map((f, c) =>
      parseDecimal(f, path, `line ${i + 2}, field ${c + 1}`, names[c]),
    );
    if (!Number.isInteger(trial))
      throw new DataFileError(path, `line ${i + 2}, field 1`, `trial: expected an integer, found ${trial}`);
    if (i > 0 && !(t > columns.t[i - 1])) {
      throw new DataFileError(
        path,
        `line ${i + 2}, field 2`,
        `t: expected a time after ${columns.t[i - 1]}, found ${t}`,
      );
    }
    columns.trial.push(trial);
    columns.t.push(t);
    columns.theta.push(theta);
    columns.omega.push(omega);
  });
  return columns;
}

/** The rows `indices` of the raw columns, with forward-difference targets, as a split. */
function rawSplit(raw: ReturnType<typeof readRawPendulum>, indices: readonly number[], dtype: DType): Split {
  const { t, theta, omega } = raw;
  const x = new Float64Array(2 * indices.length);
  const dxdt = new Float64Array(2 * indices.length);
  indices.forEach((i, k) => {
    const dt = t[i + 1] - t[i];
    x.set([theta[i], omega[i]], 2 * k);
    dxdt.set([(theta[i + 1] - theta[i]) / dt, (omega[i + 1] - omega[i]) / dt], 2 * k);
  });
  return {
    x: tensorOf(x, [indices.length, 2], dtype),
    dxdt: tensorOf(dxdt, [indices.length, 2], dtype),
    t: tensorOf(
      indices.map((i) => t[i]),
      [indices.length],
      dtype,
    ),
    trajectory: Int32Array.from(indices, (i) => raw.trial[i]),
  };
}

/**
 * The real pendulum rebuilt from the text or bytes of the raw Schmidt & Lipson file
 * real_pend_h_1.txt (Science 324:81, 2009, supplementary invar_datasets.zip) the way
 * greydanus/hamiltonian-nn experiment-real/data.py
 * does: x = (θ, ω), targets the forward differences (x[i+1] − x[i])/(t[i+1] − t[i]) of both
 * columns (across time gaps too), the last sample dropped; with n = 555 rows left, test = rows
 * ⌊0.8n⌋ … ⌊0.8n⌋ + ⌊(1 − 0.8)n⌋ − 1 = 444 … 553 and train = the rest (the reference's float
 * arithmetic: (1 − 0.8)·555 = 110.99… truncates to 110, so row 554 trains).
 */
export function parseRealPendulumRaw(input: string | Uint8Array, options: ParseOptions = {}): Dataset {
  const dtype = checkDType('parseRealPendulumRaw', options.dtype ?? 'float64');
  const file = options.file ?? '<input>';
  const raw = readRawPendulum(decodeText('parseRealPendulumRaw', input), file);
  const n = raw.t.length - 1;
  const a = Math.trunc(n * 0.8);
  const b = a + Math.trunc(n * (1 - 0.8));
  const all = Array.from({ length: n }, (_, i) => i);
  const train = rawSplit(raw, [...all.slice(0, a), ...all.slice(b)], dtype);
  const test = rawSplit(raw, all.slice(a, b), dtype);
  return { name: 'realPendulum', dof: 1, train, test, meta: { path: file, source: SOURCE, dtype, testRows: [a, b] } };
}
