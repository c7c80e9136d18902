import {
  type DType,
  InvalidArgumentError,
  Tensor,
  allocate,
  randomKey,
  randomUniform,
  splitKey,
} from '@liouville/linalg';
import { FRAME_SIDE, renderPendulumFrame } from './render.js';

/**
 * The HNN paper's pixel pendulum (Greydanus, Dzamba & Yosinski 2019, §5; reference code
 * experiment-pixels/data.py), generated here without gym: OpenAI Gym's `Pendulum-v0` with no
 * torque (g = 10, m = l = 1, a uniform rod: θ̈ = −(3g/2l) sin θ = −15 sin θ), stepped as gym steps
 * it (semi-implicit Euler, dt = 0.05, angular speed clipped to ±8), from an angle θ₀ uniform in
 * (−π/6, π/6) and a speed uniform in [−1, 1] (gym's reset, kept only when |θ₀| < π/6, is this
 * distribution); 200 trials of 103 frames of 28 × 28 (`renderPendulumFrame`).
 *
 * Rows as the reference builds them: in each trial, row j (j = 0 … 99) is the pair of frames
 * (f_{j+1}, f_{j+2}) — two consecutive frames carry the velocity — with the next pair
 * (f_{j+2}, f_{j+3}) one step later; the rows of all trials in order, the first 20% of them (the
 * first 40 trials) the test split. Differences: the draws come from this project's seeded
 * generator, not gym's, so the trajectories are others of the same distribution; and the state
 * of a row is that of its later frame, s_{j+2}, where the reference's coordinates are one step
 * later (s_{j+3}, an offset in its bookkeeping; the coordinates are used only for analysis).
 */

/** Options of `pixelPendulumDataset` (defaults: the reference's). */
export interface PixelPendulumOptions {
  readonly seed?: number;
  readonly trials?: number;
  /** Frames per trial (103; three are used up by the pairs and their successors). */
  readonly steps?: number;
  readonly testFraction?: number;
}

/** Frames, states and the rows of each split. */
export interface PixelPendulumData {
  readonly trials: number;
  readonly steps: number;
  /** Pixels per frame, 28 · 28. */
  readonly framePixels: number;
  /** The frames, shape [trials, steps, 784]; frame i of a trial shows state i. */
  readonly frames: Float32Array;
  /** The states (θ, θ̇) after i steps, shape [trials, steps + 1, 2]. */
  readonly states: Float64Array;
  /** Rows as flat indices trial · rowsPerTrial + j. */
  readonly train: Int32Array;
  readonly test: Int32Array;
  readonly rowsPerTrial: number;
  readonly dt: number;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Pendulum-v0's constants: gravity, rod, time step, speed limit. */
export const PENDULUM_V0 = Object.freeze({ g: 10, m: 1, l: 1, dt: 0.05, maxSpeed: 8 });

function positiveInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`pixelPendulumDataset: ${name}`, `an integer >= ${min}`, value);
  }
  return value;
}

/** One trial's states s₀ … s_steps by gym's update (θ measured from the downward vertical). */
function simulateTrial(theta0: number, omega0: number, steps: number, out: Float64Array, offset: number): void {
  const { g, l, dt, maxSpeed } = PENDULUM_V0;
  let [theta, omega] = [theta0, omega0];
  for (let i = 0; i <= steps; i++) {
    out[offset + 2 * i] = theta;
    out[offset + 2 * i + 1] = omega;
    // gym: newthdot = thdot + (−3g/(2l) sin(th + π)) dt with th = θ − π; newth = th + newthdot·dt.
    omega = Math.min(maxSpeed, Math.max(-maxSpeed, omega - ((3 * g) / (2 * l)) * Math.sin(theta) * dt));
    theta += omega * dt;
  }
}

/** Generates the pixel-pendulum data from a seed (same seed, same bits). */
export function pixelPendulumDataset(options: PixelPendulumOptions = {}): PixelPendulumData {
  const trials = positiveInteger('trials', options.trials ?? 200, 2);
  const steps = positiveInteger('steps', options.steps ?? 103, 4);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('pixelPendulumDataset: seed', 'a safe integer', seed);
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new InvalidArgumentError('pixelPendulumDataset: testFraction', 'a number in (0, 1)', testFraction);
  }
  const [angleKey, speedKey] = splitKey(randomKey(seed), 2);
  const bound = Math.PI / 6;
  const theta0 = randomUniform(angleKey, [trials], { low: -bound, high: bound }).data;
  const omega0 = randomUniform(speedKey, [trials], { low: -1, high: 1 }).data;
  const framePixels = FRAME_SIDE * FRAME_SIDE;
  const states = new Float64Array(trials * (steps + 1) * 2);
  const frames = new Float32Array(trials * steps * framePixels);
  for (let k = 0; k < trials; k++) {
    simulateTrial(theta0[k], omega0[k], steps, states, k * (steps + 1) * 2);
    for (let i = 0; i < steps; i++) {
      renderPendulumFrame(states[k * (steps + 1) * 2 + 2 * i], frames, (k * steps + i) * framePixels);
    }
  }
  const rowsPerTrial = steps - 3;
  const rows = trials * rowsPerTrial;
  const split = Math.floor(rows * testFraction);
  const all = Int32Array.from({ length: rows }, (_, r) => r);
  const meta = { source: 'Pendulum-v0 (no torque) rendered here', seed, trials, steps, ...PENDULUM_V0, testFraction };
  return {
    trials,
    steps,
    framePixels,
    frames,
    states,
    train: all.slice(split),
    test: all.slice(0, split),
    rowsPerTrial,
    dt: PENDULUM_V0.dt,
    meta,
  };
}

/** The trial and first frame of a row: row j of a trial pairs frames j + 1 and j + 2. */
function rowFrames(data: PixelPendulumData, row: number): { trial: number; frame: number } {
  const trial = Math.floor(row / data.rowsPerTrial);
  return { trial, frame: (row % data.rowsPerTrial) + 1 };
}

/**
 * The inputs of rows [B, 2·784]: each row the pair of frames (f, f + 1), or with `next` the pair
 * one step later (f + 1, f + 2).
 */
export function pixelRows(
  data: PixelPendulumData,
  rows: ArrayLike<number>,
  next = false,
  dtype: DType = 'float32',
): Tensor {
  const n = data.framePixels;
  const out = allocate(dtype, rows.length * 2 * n);
  for (let b = 0; b < rows.length; b++) {
    const { trial, frame } = rowFrames(data, rows[b]);
    const first = (trial * data.steps + frame + (next ? 1 : 0)) * n;
    out.set(data.frames.subarray(first, first + 2 * n), b * 2 * n);
  }
  return new Tensor(out, [rows.length, 2 * n]);
}

/** The state (θ, θ̇) a row shows: that of its later frame. */
export function pixelRowState(data: PixelPendulumData, row: number): [number, number] {
  const { trial, frame } = rowFrames(data, row);
  const k = (trial * (data.steps + 1) + frame + 1) * 2;
  return [data.states[k], data.states[k + 1]];
}
