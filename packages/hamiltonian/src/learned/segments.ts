import { InvalidArgumentError, Tensor, allocate, checkPositiveInteger } from '@liouville/linalg';
import type { Split } from '../data/Dataset.js';
import { savgolSmooth } from '../data/measured/derivatives.js';

/**
 * Trajectory segments for training through an integrator, and the finite-difference derivative
 * estimates that the derivative-trained models need when only states were observed.
 */

/** Observed windows of trajectories: `states[s, k]` is the state of segment s at time k·dt. */
export interface TrajectorySegments {
  /** Shape [S, K + 1, 2n]: K steps of dt after each segment's first state. */
  readonly states: Tensor;
  /** The time between consecutive observations. */
  readonly dt: number;
}

/** Options of `trajectorySegments`. */
export interface SegmentOptions {
  /** Steps per segment K (each segment holds K + 1 consecutive observations). */
  readonly steps: number;
  /** Start a segment every `stride` observations (default 1: every window). */
  readonly stride?: number;
}

/** The median of the positive time steps between consecutive rows of the same trajectory. */
function medianStep(t: ArrayLike<number>, trajectory: ArrayLike<number>): number {
  const steps: number[] = [];
  for (let i = 1; i < t.length; i++) {
    const step = t[i] - t[i - 1];
    if (trajectory[i] === trajectory[i - 1] && step > 0) steps.push(step);
  }
  steps.sort((a, b) => a - b);
  return steps.length === 0 ? Number.POSITIVE_INFINITY : steps[Math.floor(steps.length / 2)];
}

/**
 * The [start, end) row ranges of the stretches of a split sampled without interruption: a new
 * stretch starts at a new trajectory and after a gap, a time step more than 1.5 times the median
 * step (measurements pause between recordings: the real pendulum's test segment jumps 0.19 s
 * where it samples every 1/6 s). Differences and segments never reach across either.
 */
function trajectoryRuns(operation: string, split: Split): [number, number][] {
  const { trajectory, t } = split;
  if (trajectory === undefined || t === undefined) {
    throw new InvalidArgumentError(`${operation}: split`, 'a split with t and trajectory (a generated dataset)', split);
  }
  const gap = 1.5 * medianStep(t.data, trajectory);
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= trajectory.length; i++) {
    const breaks = i === trajectory.length || trajectory[i] !== trajectory[i - 1] || t.data[i] - t.data[i - 1] > gap;
    if (breaks) {
      runs.push([start, i]);
      start = i;
    }
  }
  return runs;
}

/** The common sampling interval of the runs; throws unless every trajectory is evenly sampled with it. */
function commonStep(operation: string, t: Tensor, runs: readonly [number, number][]): number {
  const dt = t.data[runs[0][0] + 1] - t.data[runs[0][0]];
  for (const [start, end] of runs) {
    for (let i = start + 1; i < end; i++) {
      // linspace rounds each time once, so steps of one grid agree to a few ulps of the span.
      if (Math.abs(t.data[i] - t.data[i - 1] - dt) > 1e-9 * Math.max(1, Math.abs(t.data[i]))) {
        throw new InvalidArgumentError(`${operation}: split.t`, `evenly spaced times (step ${dt})`, t.data[i]);
      }
    }
  }
  return dt;
}

/** Every window of `steps + 1` consecutive observations inside each uninterrupted stretch of a split, `stride` apart. */
export function trajectorySegments(split: Split, options: SegmentOptions): TrajectorySegments {
  const op = 'trajectorySegments';
  const { steps } = options;
  const stride = options.stride ?? 1;
  for (const [name, value] of [
    ['steps', steps],
    ['stride', stride],
  ] as const) {
    checkPositiveInteger(`${op}: ${name}`, value);
  }
  const runs = trajectoryRuns(op, split);
  const dt = commonStep(op, split.t as Tensor, runs);
  const width = split.x.shape[1];
  const starts: number[] = [];
  for (const [start, end] of runs) for (let i = start; i + steps < end; i += stride) starts.push(i);
  if (starts.length === 0) {
    throw new InvalidArgumentError(`${op}: steps`, 'fewer steps than every trajectory has observations', steps);
  }
  const out = allocate(split.x.dtype, starts.length * (steps + 1) * width);
  starts.forEach((row, s) => {
    out.set(split.x.data.subarray(row * width, (row + steps + 1) * width), s * (steps + 1) * width);
  });
  return { states: new Tensor(out, [starts.length, steps + 1, width]), dt };
}

/** The rows `rows` of a split, every per-row field kept in step. */
function takeSplitRows(split: Split, rows: readonly number[], dxdt: Tensor): Split {
  const width = split.x.shape[1];
  const pick = (data: ArrayLike<number>, w: number) => {
    const out = allocate(split.x.dtype, rows.length * w);
    rows.forEach((r, k) => {
      for (let j = 0; j < w; j++) out[k * w + j] = data[r * w + j];
    });
    return out;
  };
  const out: Split = {
    x: new Tensor(pick(split.x.data, width), [rows.length, width]),
    dxdt,
    t: new Tensor(pick((split.t as Tensor).data, 1), [rows.length]),
    trajectory: Int32Array.from(rows, (r) => (split.trajectory as Int32Array)[r]),
  };
  return split.energy === undefined ? out : { ...out, energy: new Tensor(pick(split.energy.data, 1), [rows.length]) };
}

/**
 * The split with its targets replaced by finite-difference estimates from its (noisy) states:
 * central differences (x_{k+1} − x_{k−1}) / (t_{k+1} − t_{k−1}) inside each uninterrupted stretch
 * (same trajectory, no gap in time), one-sided at its two ends — what a derivative-trained model
 * has when only states were measured. A row alone between two gaps has no estimate and is left out.
 */
export function centralDifferenceTargets(split: Split): Split {
  const runs = trajectoryRuns('centralDifferenceTargets', split).filter(([start, end]) => end - start >= 2);
  const t = (split.t as Tensor).data;
  const x = split.x.data;
  const width = split.x.shape[1];
  const rows: number[] = [];
  for (const [start, end] of runs) for (let i = start; i < end; i++) rows.push(i);
  if (rows.length === 0) {
    throw new InvalidArgumentError('centralDifferenceTargets: split', 'stretches of at least two rows', split.x.shape);
  }
  const dxdt = allocate(split.x.dtype, rows.length * width);
  let k = 0;
  for (const [start, end] of runs) {
    for (let i = start; i < end; i++, k++) {
      const [a, b] = [Math.max(start, i - 1), Math.min(end - 1, i + 1)];
      for (let j = 0; j < width; j++) dxdt[k * width + j] = (x[b * width + j] - x[a * width + j]) / (t[b] - t[a]);
    }
  }
  return takeSplitRows(split, rows, new Tensor(dxdt, [rows.length, width]));
}

/** Options of `smoothedStates`: the Savitzky–Golay window (samples) and degree. */
export interface SmoothingOptions {
  /** Samples per local fit (default 7). */
  readonly window?: number;
  /** Degree of the local polynomial (default 2). */
  readonly degree?: number;
}

/**
 * The split with its states x replaced by their Savitzky–Golay smoothing along each uninterrupted
 * stretch (same trajectory, no gap), targets untouched. Noisy inputs bias a regression towards a
 * flatter field (regression dilution: the fitted slope is scaled by var(x)/(var(x) + σ²)); the
 * local fit cuts the noise variance (to a third inside a stretch, window 7, degree 2) while
 * keeping a smooth signal, so less of that bias remains.
 */
export function smoothedStates(split: Split, options: SmoothingOptions = {}): Split {
  const window = options.window ?? 7;
  const degree = options.degree ?? 2;
  checkPositiveInteger('smoothedStates: degree', degree);
  if (!Number.isInteger(window) || window < degree + 2) {
    throw new InvalidArgumentError('smoothedStates: window', `an integer >= degree + 2 = ${degree + 2}`, window);
  }
  const runs = trajectoryRuns('smoothedStates', split);
  const t = (split.t as Tensor).data;
  const width = split.x.shape[1];
  const x = allocate(split.x.dtype, split.x.size);
  for (const [start, end] of runs) {
    const times = t.subarray(start, end);
    for (let j = 0; j < width; j++) {
      const column = Float64Array.from({ length: end - start }, (_, i) => split.x.data[(start + i) * width + j]);
      savgolSmooth(times, column, window, degree).forEach((v, i) => {
        x[(start + i) * width + j] = v;
      });
    }
  }
  return { ...split, x: new Tensor(x, split.x.shape) };
}
