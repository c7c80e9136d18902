import { type DType, InvalidArgumentError, Tensor, allocate } from '@liouville/linalg';

/**
 * One part (train or test) of a dataset of phase-space samples and their time derivatives, as
 * the Hamiltonian Neural Networks experiments use them (Greydanus, Dzamba & Yosinski, NeurIPS
 * 2019; reference code greydanus/hamiltonian-nn, experiment-<task>/data.py: the arrays x and dx).
 */
export interface Split {
  /** States, [N, 2n]: each row (q₁ … qₙ, p₁ … pₙ). */
  readonly x: Tensor;
  /** Their time derivatives (q̇₁ … q̇ₙ, ṗ₁ … ṗₙ), [N, 2n]: the training targets. */
  readonly dxdt: Tensor;
  /** The time of each row, [N], when known. */
  readonly t?: Tensor;
  /** The trajectory each row was sampled from, when known. */
  readonly trajectory?: Int32Array;
  /** The total energy of each row, [N], when the source provides it (the orbit datasets). */
  readonly energy?: Tensor;
}

/** A named dataset with its train and test splits and how it was made. */
export interface Dataset {
  /** E.g. 'spring', 'pendulum', 'twoBody', 'realPendulum'. */
  readonly name: string;
  /** Degrees of freedom n: rows have 2n columns. */
  readonly dof: number;
  readonly train: Split;
  readonly test: Split;
  /** Generator parameters, seed and source (the reference file or code the data follows). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Options every dataset function accepts. */
export interface DatasetOptions {
  /** Element type of the tensors (default 'float64'; values are computed in float64 and rounded once). */
  readonly dtype?: DType;
}

/**
 * Rows sampled from whole trajectories, `points` consecutive rows per trajectory, in float64:
 * what generators build before splitting. Arrays are row-major with `width` = 2n columns.
 */
export interface TrajectoryTable {
  readonly width: number;
  readonly points: number;
  readonly trajectories: number;
  readonly t: Float64Array;
  readonly x: Float64Array;
  readonly dxdt: Float64Array;
  readonly energy?: Float64Array;
}

/** Checks `dtype` is 'float64' or 'float32'. */
export function checkDType(operation: string, dtype: unknown): DType {
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new InvalidArgumentError(`${operation}: dtype`, "'float64' or 'float32'", dtype);
  }
  return dtype;
}

/** Copies float64 numbers into a new tensor of the requested dtype (one rounding for float32). */
export function tensorOf(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, values.length);
  data.set(values);
  return new Tensor(data, shape);
}

/** The rows of trajectories first ≤ i < end of a table, as a split (trajectory indices kept). */
export function trajectoryRange(table: TrajectoryTable, first: number, end: number, dtype: DType): Split {
  const { width, points } = table;
  const [r0, r1] = [first * points, end * points];
  const rows = r1 - r0;
  const trajectory = new Int32Array(rows);
  for (let i = 0; i < rows; i++) trajectory[i] = first + Math.floor(i / points);
  const split: Split = {
    x: tensorOf(table.x.subarray(r0 * width, r1 * width), [rows, width], dtype),
    dxdt: tensorOf(table.dxdt.subarray(r0 * width, r1 * width), [rows, width], dtype),
    t: tensorOf(table.t.subarray(r0, r1), [rows], dtype),
    trajectory,
  };
  if (table.energy === undefined) return split;
  return { ...split, energy: tensorOf(table.energy.subarray(r0, r1), [rows], dtype) };
}
