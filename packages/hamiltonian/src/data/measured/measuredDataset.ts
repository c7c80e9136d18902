import { type DType, InvalidArgumentError } from '@liouville/linalg';
import { DataFileError } from '../DataFileError.js';
import { type Dataset, type Split, checkDType, tensorOf } from '../Dataset.js';
import { type DerivativeMethod, checkDerivativeMethod, estimateDerivative, unwrapAngle } from './derivatives.js';
import {
  type ColumnRef,
  type MeasurementTable,
  type MeasurementTableOptions,
  columnIndex,
  columnLabel,
  parseMeasurementTable,
} from './table.js';

/** Which columns of a table are what, and how to make a dataset of them. */
export interface MeasuredDataOptions {
  /** The time column. */
  readonly time: ColumnRef;
  /** The position columns q₁ … qₙ (any n ≥ 1). */
  readonly q: readonly ColumnRef[];
  /** The momentum columns p₁ … pₙ, or velocities when `momentum` is 'velocity'. */
  readonly p: readonly ColumnRef[];
  /** Columns of dq/dt, when the file has them (otherwise they are estimated). */
  readonly dqdt?: readonly ColumnRef[];
  /** Columns of dp/dt, when the file has them (otherwise they are estimated). */
  readonly dpdt?: readonly ColumnRef[];
  /** A trajectory or trial column: a change of its value starts a new trajectory. */
  readonly trajectory?: ColumnRef;
  /**
   * What the p columns hold: 'canonical' momenta (default), or 'velocity' (q̇ taken as p, as the
   * HNN paper does for its real pendulum: p := angular velocity). With velocities the learned H
   * is a conserved quantity in (q, q̇), which is the energy up to the scale of the mass matrix
   * only when that matrix is constant; the dataset's meta says which was used.
   */
  readonly momentum?: 'canonical' | 'velocity';
  /** Which q are angles (periodic in 2π): their derivatives are estimated across the ±π seam. */
  readonly periodic?: readonly boolean[];
  /** How derivatives are estimated when not given: 'central' (default) or 'savgol' (noisy data). */
  readonly derivative?: 'central' | 'savgol' | DerivativeMethod;
  /** A time step more than this many times the median step is a gap (default 5). */
  readonly gapFactor?: number;
  /** The fraction of each trajectory's rows, at its end, held out for testing (default 0.2). */
  readonly testFraction?: number;
  /** The dataset's name (default 'measured'). */
  readonly name?: string;
  readonly dtype?: DType;
}

/** The column indices a dataset is made of. */
interface Columns {
  readonly time: number;
  readonly q: number[];
  readonly p: number[];
  readonly dqdt?: number[];
  readonly dpdt?: number[];
  readonly trajectory?: number;
}

/** A contiguous range of rows [start, end) of the table, inside one trajectory and one split, with no gap. */
interface Segment {
  readonly start: number;
  readonly end: number;
  readonly run: number;
  readonly test: boolean;
}

const OP = 'measuredDataset';

function resolveColumns(table: MeasurementTable, o: MeasuredDataOptions): Columns {
  const list = (refs: readonly ColumnRef[] | undefined, role: string, n?: number): number[] | undefined => {
    if (refs === undefined) return undefined;
    if (!Array.isArray(refs) || refs.length === 0 || (n !== undefined && refs.length !== n)) {
      throw new InvalidArgumentError(
        `${OP}: ${role}`,
        n === undefined ? 'a non-empty list of columns' : `${n} columns (one per q)`,
        refs,
      );
    }
    return refs.map((ref, i) => columnIndex(table, ref, `${role}[${i + 1}]`));
  };
  const q = list(o.q, 'q') as number[];
  return {
    time: columnIndex(table, o.time, 'time'),
    q,
    p: list(o.p, 'p', q.length) as number[],
    dqdt: list(o.dqdt, 'dqdt', q.length),
    dpdt: list(o.dpdt, 'dpdt', q.length),
    trajectory: o.trajectory === undefined ? undefined : columnIndex(table, o.trajectory, 'trajectory'),
  };
}

/** [start, end) of each trajectory: a new one wherever the trajectory column changes value. */
function trajectoryRuns(table: MeasurementTable, column: number | undefined): [number, number][] {
  const rows = table.lines.length;
  if (column === undefined) return [[0, rows]];
  const id = table.columns[column];
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= rows; i++) {
    if (i === rows || id[i] !== id[start]) {
      runs.push([start, i]);
      start = i;
    }
  }
  return runs;
}

/** Checks time increases strictly inside each trajectory; returns the median step. */
function checkTime(table: MeasurementTable, time: number, runs: readonly [number, number][]): number {
  const t = table.columns[time];
  const steps: number[] = [];
  for (const [start, end] of runs) {
    for (let i = start + 1; i < end; i++) {
      if (!(t[i] > t[i - 1])) {
        const where = `line ${table.lines[i]}, column ${time + 1}`;
        const what = `${columnLabel(table, time)}: expected a time after ${t[i - 1]} (line ${table.lines[i - 1]}) inside one trajectory, found ${t[i]}`;
        throw new DataFileError(table.path, where, what);
      }
      steps.push(t[i] - t[i - 1]);
    }
  }
  if (steps.length === 0)
    throw new DataFileError(table.path, '', 'no two rows in one trajectory: no time step to learn from');
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)];
}

/** Cuts each trajectory into segments at gaps and at the train/test boundary (its last rows are test). */
function segmentsOf(
  t: Float64Array,
  runs: readonly [number, number][],
  maxStep: number,
  testFraction: number,
): { segments: Segment[]; gaps: number } {
  const segments: Segment[] = [];
  let gaps = 0;
  runs.forEach(([start, end], run) => {
    const boundary = end - Math.round(testFraction * (end - start));
    let from = start;
    for (let i = start + 1; i <= end; i++) {
      const gap = i < end && t[i] - t[i - 1] > maxStep;
      if (gap) gaps++;
      if (i === end || i === boundary || gap) {
        segments.push({ start: from, end: i, run, test: from >= boundary });
        from = i;
      }
    }
  });
  return { segments, gaps };
}

/** The state and derivative columns of one segment: given columns copied, the others estimated. */
function segmentColumns(table: MeasurementTable, c: Columns, s: Segment, o: MeasuredDataOptions) {
  const { start, end } = s;
  const t = table.columns[c.time].subarray(start, end);
  const method = checkDerivativeMethod(OP, o.derivative);
  const derivative = (values: Float64Array, periodic: boolean) =>
    estimateDerivative(t, periodic ? unwrapAngle(values) : values, method);
  const q = c.q.map((j) => table.columns[j].subarray(start, end));
  const p = c.p.map((j) => table.columns[j].subarray(start, end));
  const dq =
    c.dqdt?.map((j) => table.columns[j].subarray(start, end)) ??
    q.map((v, i) => derivative(v, o.periodic?.[i] ?? false));
  const dp = c.dpdt?.map((j) => table.columns[j].subarray(start, end)) ?? p.map((v) => derivative(v, false));
  return { t, x: [...q, ...p], dxdt: [...dq, ...dp] };
}

/** Rows of the segments of one split, as a Split (rows whose derivative could not be estimated dropped). */
function splitOf(
  table: MeasurementTable,
  c: Columns,
  segments: readonly Segment[],
  o: MeasuredDataOptions,
  dtype: DType,
) {
  const width = 2 * c.q.length;
  const [x, dxdt, t, trajectory]: number[][] = [[], [], [], []];
  let dropped = 0;
  for (const s of segments) {
    const cols = segmentColumns(table, c, s, o);
    for (let r = 0; r < s.end - s.start; r++) {
      if (cols.dxdt.some((d) => !Number.isFinite(d[r]))) {
        dropped++;
        continue;
      }
      for (let j = 0; j < width; j++) {
        x.push(cols.x[j][r]);
        dxdt.push(cols.dxdt[j][r]);
      }
      t.push(cols.t[r]);
      trajectory.push(s.run);
    }
  }
  const rows = t.length;
  const split: Split = {
    x: tensorOf(x, [rows, width], dtype),
    dxdt: tensorOf(dxdt, [rows, width], dtype),
    t: tensorOf(t, [rows], dtype),
    trajectory: Int32Array.from(trajectory),
  };
  return { split, dropped };
}

function checkOptions(o: MeasuredDataOptions): { gapFactor: number; testFraction: number } {
  if (o === null || typeof o !== 'object')
    throw new InvalidArgumentError(`${OP}: options`, 'an options object { time, q, p, ... }', o);
  const gapFactor = o.gapFactor ?? 5;
  const testFraction = o.testFraction ?? 0.2;
  if (typeof gapFactor !== 'number' || !(gapFactor > 1) || !Number.isFinite(gapFactor)) {
    throw new InvalidArgumentError(`${OP}: gapFactor`, 'a finite number > 1', gapFactor);
  }
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new InvalidArgumentError(`${OP}: testFraction`, 'a number in (0, 1)', testFraction);
  }
  if (o.momentum !== undefined && o.momentum !== 'canonical' && o.momentum !== 'velocity') {
    throw new InvalidArgumentError(`${OP}: momentum`, "'canonical' or 'velocity'", o.momentum);
  }
  if (
    o.periodic !== undefined &&
    (!Array.isArray(o.periodic) || o.periodic.length !== o.q.length || o.periodic.some((b) => typeof b !== 'boolean'))
  ) {
    throw new InvalidArgumentError(`${OP}: periodic`, `${o.q.length} booleans (one per q)`, o.periodic);
  }
  return { gapFactor, testFraction };
}

/** What a measured dataset's meta says beside its columns. */
interface Facts {
  readonly method: Required<DerivativeMethod>;
  readonly median: number;
  readonly gapFactor: number;
  readonly gaps: number;
  readonly trajectories: number;
  readonly testFraction: number;
  readonly rows: { readonly train: number; readonly test: number; readonly dropped: number };
}

/** The description of a measured dataset: its file, columns, coordinates, derivatives, gaps and split. */
function datasetMeta(table: MeasurementTable, columns: Columns, options: MeasuredDataOptions, f: Facts) {
  const label = (i: number) => columnLabel(table, i);
  const given = columns.dqdt !== undefined && columns.dpdt !== undefined;
  const partly = columns.dqdt !== undefined || columns.dpdt !== undefined;
  return {
    source: 'measured',
    path: table.path,
    columns: {
      time: label(columns.time),
      q: columns.q.map(label),
      p: columns.p.map(label),
      ...(columns.dqdt ? { dqdt: columns.dqdt.map(label) } : {}),
      ...(columns.dpdt ? { dpdt: columns.dpdt.map(label) } : {}),
      ...(columns.trajectory !== undefined ? { trajectory: label(columns.trajectory) } : {}),
    },
    momentum: options.momentum ?? 'canonical',
    ...(options.momentum === 'velocity'
      ? { note: 'p := velocity (q̇ taken as the momentum, as the HNN paper does for its real pendulum)' }
      : {}),
    periodic: options.periodic ?? columns.q.map(() => false),
    derivatives: given ? 'from the file' : partly ? { partly: 'from the file', estimated: f.method } : f.method,
    medianStep: f.median,
    gapFactor: f.gapFactor,
    gaps: f.gaps,
    trajectories: f.trajectories,
    testFraction: f.testFraction,
    rows: { file: table.lines.length, ...f.rows },
    dtype: options.dtype ?? 'float64',
  };
}

/**
 * A dataset from measured trajectories: states (q, p) of any number of degrees of freedom, their
 * time derivatives (from the file's columns, or estimated inside each segment by central
 * differences or Savitzky–Golay, never across a gap: a time step above `gapFactor` × the median
 * step, a new trajectory, or the train/test boundary), and a split by contiguous time: the last
 * `testFraction` of the rows of every trajectory is the test split, so no test row has a training
 * neighbour on both sides (random rows would leak their neighbours into the test set). Rows
 * keep the file's order; `t` and `trajectory` (the index of each row's trajectory) are set.
 */
export function measuredDataset(table: MeasurementTable, options: MeasuredDataOptions): Dataset {
  const { gapFactor, testFraction } = checkOptions(options);
  const dtype = checkDType(OP, options.dtype ?? 'float64');
  const method = checkDerivativeMethod(OP, options.derivative);
  const columns = resolveColumns(table, options);
  const runs = trajectoryRuns(table, columns.trajectory);
  const median = checkTime(table, columns.time, runs);
  const t = table.columns[columns.time];
  const { segments, gaps } = segmentsOf(t, runs, gapFactor * median, testFraction);
  const part = (test: boolean) => {
    const made = splitOf(
      table,
      columns,
      segments.filter((s) => s.test === test),
      options,
      dtype,
    );
    if (made.split.x.shape[0] > 0) return made;
    const what = `no ${test ? 'test' : 'train'} rows (testFraction ${testFraction} of ${table.lines.length} rows in ${runs.length} trajectories)`;
    throw new DataFileError(table.path, '', what);
  };
  const [train, test] = [part(false), part(true)];
  const meta = datasetMeta(table, columns, options, {
    method,
    median,
    gapFactor,
    gaps,
    trajectories: runs.length,
    testFraction,
    rows: { train: train.split.x.shape[0], test: test.split.x.shape[0], dropped: train.dropped + test.dropped },
  });
  return { name: options.name ?? 'measured', dof: columns.q.length, train: train.split, test: test.split, meta };
}

/**
 * A dataset from the text or bytes of a table of measurements (`parseMeasurementTable`, then
 * `measuredDataset`): comma- or whitespace-separated, `#`/`%` comments, an optional header,
 * columns by name or 1-based number.
 */
export function parseMeasurements(
  input: string | Uint8Array,
  options: MeasuredDataOptions & MeasurementTableOptions,
): Dataset {
  return measuredDataset(parseMeasurementTable(input, options), options);
}
