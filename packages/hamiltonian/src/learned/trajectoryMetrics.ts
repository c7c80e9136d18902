import { InvalidArgumentError, Tensor } from '@liouville/linalg';
import type { Estimate, Rollout } from './metrics.js';

/**
 * How far a learned model's rollouts stray: from the truth's states at chosen horizons, and from
 * their own starting energy. Each figure is a mean over starting states ± its standard error.
 */

/** Mean ± standard error (sample std / √n) of a list of values. */
export function meanEstimate(values: readonly number[]): Estimate {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, error: Number.NaN };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, error: Math.sqrt(variance / n) };
}

/** The evenly spaced times 0, spacing, …, up to the last horizon, and each horizon's index among them. */
function horizonGrid(operation: string, horizons: readonly number[], spacing: number) {
  if (!(spacing > 0) || !Number.isFinite(spacing)) {
    throw new InvalidArgumentError(`${operation}: spacing`, 'a finite number > 0', spacing);
  }
  const index = horizons.map((t) => Math.round(t / spacing));
  horizons.forEach((t, i) => {
    if (!(t > 0) || Math.abs(t - index[i] * spacing) > 1e-9 * Math.max(1, t)) {
      throw new InvalidArgumentError(`${operation}: horizons`, `positive multiples of ${spacing}`, horizons);
    }
  });
  const last = Math.max(...index);
  return { times: Array.from({ length: last + 1 }, (_, k) => k * spacing), index };
}

/** Options of `rolloutErrors`. */
export interface RolloutErrorOptions {
  readonly truth: Rollout;
  readonly model: Rollout;
  /** Starting states, each [2n]. */
  readonly initialStates: readonly Tensor[];
  /** Times at which to compare, multiples of `spacing`. */
  readonly horizons: readonly number[];
  /** The grid both rollouts answer on (default 0.1): a stepping rollout needs evenly spaced times. */
  readonly spacing?: number;
}

/** The squared state error at one horizon: mean over starts (± standard error) of the mean over coordinates. */
export interface HorizonError {
  readonly horizon: number;
  readonly error: Estimate;
}

/**
 * The rollout error at each horizon t: (1/2n)‖x_model(t) − x_true(t)‖², averaged over the starting
 * states, both rolled out from the same start on the same time grid.
 */
export function rolloutErrors(options: RolloutErrorOptions): HorizonError[] {
  const { times, index } = horizonGrid('rolloutErrors', options.horizons, options.spacing ?? 0.1);
  const perStart = options.initialStates.map((x0) => {
    const [truth, model] = [options.truth(x0, times), options.model(x0, times)];
    const width = x0.size;
    return index.map((k) => {
      let total = 0;
      for (let j = 0; j < width; j++) total += (model.data[k * width + j] - truth.data[k * width + j]) ** 2;
      return total / width;
    });
  });
  return options.horizons.map((horizon, h) => ({ horizon, error: meanEstimate(perStart.map((errors) => errors[h])) }));
}

/** Options of `energyDrift`. */
export interface EnergyDriftOptions {
  readonly model: Rollout;
  /** The energy measured along the rollout (the true one, for a learned model). */
  readonly energy: (x: Tensor) => number;
  readonly initialStates: readonly Tensor[];
  readonly tEnd: number;
  /** Evenly spaced evaluation points including both ends (default 201). */
  readonly points?: number;
}

/** How the energy along rollouts moves away from its starting value. */
export interface EnergyDriftResult {
  /** Mean over time of |E(t) − E(0)|, averaged over starts. */
  readonly meanDeviation: Estimate;
  /** |E(tEnd) − E(0)|, averaged over starts. */
  readonly finalDeviation: Estimate;
  /** (E(tEnd) − E(0)) / E(0), signed (negative: energy lost), averaged over starts. */
  readonly finalRelativeChange: Estimate;
}

/** The energy drift of rollouts from several starts over [0, tEnd] (for a long-horizon check of a learned model). */
export function energyDrift(options: EnergyDriftOptions): EnergyDriftResult {
  const points = options.points ?? 201;
  if (!Number.isInteger(points) || points < 2) {
    throw new InvalidArgumentError('energyDrift: points', 'an integer >= 2', points);
  }
  const times = Array.from({ length: points }, (_, k) => (k * options.tEnd) / (points - 1));
  const traces = options.initialStates.map((x0) => {
    const y = options.model(x0, times);
    const width = x0.size;
    return times.map((_, k) => options.energy(new Tensor(y.data.slice(k * width, (k + 1) * width), [width])));
  });
  return {
    meanDeviation: meanEstimate(traces.map((e) => e.reduce((a, v) => a + Math.abs(v - e[0]), 0) / e.length)),
    finalDeviation: meanEstimate(traces.map((e) => Math.abs(e[e.length - 1] - e[0]))),
    finalRelativeChange: meanEstimate(traces.map((e) => (e[e.length - 1] - e[0]) / e[0])),
  };
}

/** Options of `rolloutErrorsAgainstData`. */
export interface DataRolloutErrorOptions {
  /** The measured states [N, 2n]; the model starts from the first. */
  readonly states: Tensor;
  /** Their times relative to the first (increasing, times[0] = 0). */
  readonly times: readonly number[];
  readonly model: Rollout;
  /** Times after the start; each is compared at the last measurement at or before it. */
  readonly horizons: readonly number[];
}

/**
 * The squared state error (1/2n)‖x_model(t) − x_data(t)‖² of one rollout from the first measured
 * state, at the measurement nearest below each horizon (measured data have gaps). The ± is not
 * defined for a single trajectory (NaN).
 */
export function rolloutErrorsAgainstData(options: DataRolloutErrorOptions): HorizonError[] {
  const { states, times } = options;
  const width = states.shape[1];
  if (states.shape.length !== 2 || states.shape[0] !== times.length || times[0] !== 0) {
    throw new InvalidArgumentError(
      'rolloutErrorsAgainstData: states, times',
      'one row per time, from t = 0',
      times.length,
    );
  }
  const model = options.model(new Tensor(states.data.slice(0, width), [width]), times);
  return options.horizons.map((horizon) => {
    let k = 0;
    while (k + 1 < times.length && times[k + 1] <= horizon + 1e-9) k++;
    let total = 0;
    for (let j = 0; j < width; j++) total += (model.data[k * width + j] - states.data[k * width + j]) ** 2;
    return { horizon: times[k], error: { mean: total / width, error: Number.NaN } };
  });
}
