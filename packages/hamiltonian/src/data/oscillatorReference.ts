import type { DType } from '@liouville/linalg';
import { DataFileError } from './DataFileError.js';
import { type Dataset, type Split, checkDType, tensorOf } from './Dataset.js';
import { type CsvData, type ParseOptions, choiceAt, decodeText, integerAt, numberAt, parseCsv } from './csv.js';

const COLUMNS = ['split', 'traj', 't_index', 't', 'q', 'p', 'dq_dt', 'dp_dt'] as const;
const SPLITS = ['train', 'test'] as const;

/** The rows of one split of a reference CSV, as a Split of width 2. */
function splitRows(csv: CsvData, split: 'train' | 'test', names: readonly string[], dtype: DType): Split {
  const rows = csv.rows.map((_, r) => r).filter((r) => choiceAt(csv, r, names[0], SPLITS) === split);
  if (rows.length === 0) throw new DataFileError(csv.path, '', `no rows with ${names[0]} "${split}"`);
  const [x, dxdt, t] = [
    new Float64Array(2 * rows.length),
    new Float64Array(2 * rows.length),
    new Float64Array(rows.length),
  ];
  const trajectory = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    trajectory[i] = integerAt(csv, r, names[1]);
    t[i] = numberAt(csv, r, names[2]);
    x[2 * i] = numberAt(csv, r, names[3]);
    x[2 * i + 1] = numberAt(csv, r, names[4]);
    dxdt[2 * i] = numberAt(csv, r, names[5]);
    dxdt[2 * i + 1] = numberAt(csv, r, names[6]);
  });
  return {
    x: tensorOf(x, [rows.length, 2], dtype),
    dxdt: tensorOf(dxdt, [rows.length, 2], dtype),
    t: tensorOf(t, [rows.length], dtype),
    trajectory,
  };
}

/**
 * A dataset of one degree of freedom stored as CSV with a split column: `names` are the columns
 * split, trajectory (integer), t, the two state columns and their two derivatives.
 */
export function datasetFromCsv(csv: CsvData, names: readonly string[], dtype: DType): { train: Split; test: Split } {
  return { train: splitRows(csv, 'train', names, dtype), test: splitRows(csv, 'test', names, dtype) };
}

/** Checks the t_index column counts 0, 1, 2, … within each trajectory. */
function checkTimeIndex(csv: CsvData): void {
  let previous = { traj: -1, index: -1 };
  csv.rows.forEach((_, r) => {
    const traj = integerAt(csv, r, 'traj');
    const index = integerAt(csv, r, 't_index');
    const expected = traj === previous.traj ? previous.index + 1 : 0;
    if (index !== expected) {
      const location = `line ${csv.lines[r]}, column 3`;
      throw new DataFileError(csv.path, location, `column t_index: expected ${expected}, found ${index}`);
    }
    previous = { traj, index };
  });
}

/** Options of `parseDatasetCsv`. */
export interface DatasetCsvOptions extends ParseOptions {
  /** The dataset's name (default 'dataset'). */
  readonly name?: string;
  /** Where the data come from, kept in `meta.source`. */
  readonly source?: string;
}

function parseOscillatorCsv(operation: string, input: string | Uint8Array, options: DatasetCsvOptions): Dataset {
  const dtype = checkDType(operation, options.dtype ?? 'float64');
  const path = options.file ?? '<input>';
  const csv = parseCsv(decodeText(operation, input), path, COLUMNS);
  checkTimeIndex(csv);
  const { train, test } = datasetFromCsv(csv, ['split', 'traj', 't', 'q', 'p', 'dq_dt', 'dp_dt'], dtype);
  const name = options.name ?? 'dataset';
  return { name, dof: 1, train, test, meta: { path, source: options.source ?? path, dtype } };
}

/**
 * A dataset of one degree of freedom from CSV text or bytes in the layout of the HNN reference's
 * files (columns split,traj,t_index,t,q,p,dq_dt,dp_dt; split "train" or "test", t_index counting
 * 0, 1, 2, … within each trajectory). Parsed strictly: a malformed row is a DataFileError naming
 * `options.file`, the line and the column. Works anywhere (no file system): pass the text of a
 * `fetch` response in a browser.
 */
export function parseDatasetCsv(input: string | Uint8Array, options: DatasetCsvOptions = {}): Dataset {
  return parseOscillatorCsv('parseDatasetCsv', input, options);
}

const SPRING_SOURCE = 'greydanus/hamiltonian-nn experiment-spring/data.py get_dataset(seed=0)';
const PENDULUM_SOURCE = 'greydanus/hamiltonian-nn experiment-pend/data.py get_dataset(seed=0)';

/**
 * The exact mass-spring dataset the HNN reference trained on (greydanus/hamiltonian-nn,
 * experiment-spring/data.py get_dataset(seed=0), commit bcc3622; H = q² + p², noise σ = 0.1 on x,
 * exact targets), from the text or bytes of spring_dataset_seed0.csv.
 */
export function parseSpringReference(input: string | Uint8Array, options: ParseOptions = {}): Dataset {
  return parseOscillatorCsv('parseSpringReference', input, { ...options, name: 'spring', source: SPRING_SOURCE });
}

/**
 * The exact pendulum dataset the HNN reference trained on (experiment-pend/data.py
 * get_dataset(seed=0), commit bcc3622; H = 3(1 − cos q) + p²), from the text or bytes of
 * pend_dataset_seed0.csv (same columns as the spring file).
 */
export function parsePendulumReference(input: string | Uint8Array, options: ParseOptions = {}): Dataset {
  return parseOscillatorCsv('parsePendulumReference', input, { ...options, name: 'pendulum', source: PENDULUM_SOURCE });
}
