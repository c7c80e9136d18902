import { InvalidArgumentError, Tensor, allocate } from '@liouville/linalg';
import type { Split } from '../data/Dataset.js';

/**
 * Trajectory segments for training through an integrator, and the finite-difference derivative
 * estimates that the derivative-trained models need when only states were observed.
 */

/** Observed windows of trajectories: `states[s, k]` is the state of segment s at time k·dt. */
export interface TrajectorySegments {
  /** [S, K + 1, 2n]: K steps of dt after each segment's first state. */
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

/** The [start, end) row ranges of the trajectories of a split (rows of one trajectory are contiguous). */
function trajectoryRuns(operation: string, split: Split): [number, number][] {
  const { trajectory, t } = split;
  if (trajectory === undefined || t === undefined) {
    throw new InvalidArgumentError(`${operation}: split`, 'a split with t and trajectory (a generated dataset)', split);
  }
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= trajectory.length; i++) {
    if (i === trajectory.length || trajectory[i] !== trajectory[start]) {
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

/** Every window of `steps + 1` consecutive observations of each trajectory of a split, `stride` apart. */
export function trajectorySegments(split: Split, options: SegmentOptions): TrajectorySegments {
  const op = 'trajectorySegments';
  const { steps } = options;
  const stride = options.stride ?? 1;
  for (const [name, value] of [
    ['steps', steps],
    ['stride', stride],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new InvalidArgumentError(`${op}: ${name}`, 'a positive integer', value);
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

/**
 * The split with its targets replaced by finite-difference estimates from its (noisy) states:
 * central differences (x_{k+1} − x_{k−1}) / (t_{k+1} − t_{k−1}) inside each trajectory, one-sided
 * at its two ends — what a derivative-trained model has when only states were measured.
 */
export function centralDifferenceTargets(split: Split): Split {
  const runs = trajectoryRuns('centralDifferenceTargets', split);
  const t = (split.t as Tensor).data;
  const x = split.x.data;
  const width = split.x.shape[1];
  const dxdt = allocate(split.x.dtype, x.length);
  for (const [start, end] of runs) {
    if (end - start < 2) {
      throw new InvalidArgumentError(
        'centralDifferenceTargets: split',
        'trajectories of at least two rows',
        end - start,
      );
    }
    for (let i = start; i < end; i++) {
      const [a, b] = [Math.max(start, i - 1), Math.min(end - 1, i + 1)];
      for (let j = 0; j < width; j++) dxdt[i * width + j] = (x[b * width + j] - x[a * width + j]) / (t[b] - t[a]);
    }
  }
  return { ...split, dxdt: new Tensor(dxdt, split.x.shape) };
}
