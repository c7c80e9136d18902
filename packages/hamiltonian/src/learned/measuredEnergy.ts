import { InvalidArgumentError, ShapeError, Tensor, checkFinitePositive, formatShape } from '@liouville/linalg';
import { type Estimate, type Rollout, splitEstimate } from './metrics.js';

/** Options of `energyMseAgainstData`. */
export interface MeasuredEnergyOptions {
  /** The energy compared at each measured time. */
  readonly energy: (x: Tensor) => number;
  /** The measured states [N, 2n]; the model starts from the first. */
  readonly states: Tensor;
  /** The time of each state, increasing, with times[0] = 0 (measurement times relative to the start). */
  readonly times: readonly number[];
  /** The model's rollout from states[0] to `times`. */
  readonly model: Rollout;
  /** Contiguous chunks of the points for the error (default 5, as the reference). */
  readonly splits?: number;
}

/** The energy MSE along measured data, its ± and the squared difference at each measured time. */
export interface MeasuredEnergyResult extends Estimate {
  readonly perPoint: number[];
}

/**
 * The energy MSE of a model against measured data, as the reference's real-pendulum analysis does
 * (greydanus/hamiltonian-nn, analyze-real.ipynb, "Quantitative analysis"): roll the model out from
 * the first measured state to the measured times, and average (E(x_data(tₖ)) − E(x_model(tₖ)))²
 * over the points; the ± is the standard error of the means of `splits` contiguous chunks of them.
 */
export function energyMseAgainstData(options: MeasuredEnergyOptions): MeasuredEnergyResult {
  const { states, times } = options;
  if (states.shape.length !== 2 || states.shape[0] !== times.length || times.length < 2) {
    throw new ShapeError(
      'energyMseAgainstData',
      `states must be [N, 2n] with one row per time (N >= 2), got ${formatShape(states.shape)} for ${times.length} times`,
    );
  }
  if (times[0] !== 0 || times.some((t, i) => i > 0 && !(t > times[i - 1]))) {
    throw new InvalidArgumentError('energyMseAgainstData: times', 'increasing times starting at 0', times);
  }
  const width = states.shape[1];
  const row = (y: Tensor, k: number) => new Tensor(y.data.slice(k * width, (k + 1) * width), [width]);
  const model = options.model(row(states, 0), times);
  const perPoint = times.map((_, k) => (options.energy(row(states, k)) - options.energy(row(model, k))) ** 2);
  return { ...splitEstimate(perPoint, options.splits ?? 5), perPoint };
}

/**
 * A rollout that can only step on an even grid (`stepRollout`) made to answer at times that are
 * multiples of `spacing` but not evenly spaced (measurements with gaps): it rolls out on the full
 * grid 0, h, 2h, … up to the last time and returns the rows at the requested times.
 */
export function gridRollout(rollout: Rollout, spacing: number): Rollout {
  checkFinitePositive('gridRollout: spacing', spacing);
  return (x0, tEval) => {
    const index = tEval.map((t) => Math.round(t / spacing));
    // Measurement times are written in decimal, so a grid time is only equal to a few ulps.
    const off = tEval.findIndex((t, i) => Math.abs(t - index[i] * spacing) > 1e-6 * spacing);
    if (off >= 0) throw new InvalidArgumentError('gridRollout: tEval', `multiples of ${spacing}`, tEval[off]);
    const last = index[index.length - 1];
    const grid = Array.from({ length: last + 1 }, (_, k) => k * spacing);
    const full = rollout(x0, grid);
    const width = x0.size;
    const out = new Float64Array(index.length * width);
    for (const [i, k] of index.entries()) out.set(full.data.subarray(k * width, (k + 1) * width), i * width);
    return new Tensor(out, [index.length, width]);
  };
}
