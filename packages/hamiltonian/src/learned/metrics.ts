import { type Tree, type Value, flatten, primalTensor, reshape } from '@liouville/ad';
import { dopri5, type Dopri5Options, type Step, integrate, jitWhenHot } from '@liouville/integrators';
import { InvalidArgumentError, Tensor, concat, linspace, slice, stack } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import type { FieldModel } from './fieldModels.js';
import type { TrainSplit } from './train.js';

/** A mean with its uncertainty (what the reference prints as `mean +/- error`). */
export interface Estimate {
  readonly mean: number;
  readonly error: number;
}

/**
 * The loss on a whole split as the reference's train.py reports it: the mean over all elements of
 * (ẋ − f_θ(x))², ± the standard deviation of those elements (unbiased, as torch.std) over √(rows).
 */
export function splitLoss(model: FieldModel, params: Readonly<MlpParams<Value>>, split: TrainSplit): Estimate {
  const prediction = primalTensor(model.timeDerivative(params, split.x));
  const target = split.dxdt.data;
  const n = target.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += (prediction.data[i] - target[i]) ** 2;
  const mean = total / n;
  let spread = 0;
  for (let i = 0; i < n; i++) spread += ((prediction.data[i] - target[i]) ** 2 - mean) ** 2;
  const std = Math.sqrt(spread / (n - 1));
  return { mean, error: std / Math.sqrt(split.x.shape[0]) };
}

/**
 * Mean ± standard error estimated from `splits` contiguous chunks of per-trajectory values (the
 * reference notebooks report the energy MSE with an error from 5 splits of their 15 trajectories).
 */
export function splitEstimate(values: readonly number[], splits = 5): Estimate {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const size = Math.floor(values.length / splits);
  if (size === 0) return { mean, error: Number.NaN };
  const means = Array.from({ length: splits }, (_, s) => {
    const chunk = values.slice(s * size, (s + 1) * size);
    return chunk.reduce((a, b) => a + b, 0) / chunk.length;
  });
  const m = means.reduce((a, b) => a + b, 0) / splits;
  const variance = means.reduce((acc, v) => acc + (v - m) ** 2, 0) / splits;
  return { mean, error: Math.sqrt(variance / splits) };
}

/** Rolls a phase-space state x0 [2n] out to the times tEval; returns the states [N, 2n]. */
export type Rollout = (x0: Tensor, tEval: readonly number[]) => Tensor;

/** A rollout by adaptive Dormand–Prince of a field ẋ = f(x) on single states (SciPy's RK45 role). */
export function dopri5Rollout(field: (x: Tensor) => Tensor, options: Dopri5Options = {}): Rollout {
  return (x0, tEval) => dopri5((_t, x) => field(x), [tEval[0], tEval[tEval.length - 1]], x0, { ...options, tEval }).y;
}

/**
 * A learned field as a function of one state [2n] → [2n], for rollouts: compiled after its first
 * calls (the same bits as evaluating it as written). Concrete parameters are constants of the
 * program, which keeps them where its products read them instead of copying them in on every call
 * (a rollout makes thousands); parameters being differentiated are arguments of it.
 */
export function modelField(model: FieldModel, params: Readonly<MlpParams<Value>>): (x: Tensor) => Tensor {
  const at = (x: Value, theta: Readonly<MlpParams<Value>>) =>
    reshape(model.timeDerivative(theta, reshape(x, [1, x.size])), [x.size]);
  if (flatten(params as Tree).leaves.every((leaf) => leaf instanceof Tensor)) {
    const field = jitWhenHot((x: Value) => at(x, params));
    return (x) => primalTensor(field(x));
  }
  const field = jitWhenHot(at);
  return (x) => primalTensor(field(x, params));
}

/**
 * A rollout by a fixed-step one-step method (e.g. a symplectic integrator applied to a learned
 * Hamiltonian): `substeps` equal steps between consecutive output times, which must be evenly spaced.
 * The steps run through `integrate` (one compiled loop when the step traces, the same bits).
 */
export function stepRollout(makeStep: (dt: number) => Step, dim: number, substeps = 10): Rollout {
  return (x0, tEval) => {
    if (tEval.length < 2) return stack([x0]);
    const dt = (tEval[1] - tEval[0]) / substeps;
    const start = { q: slice(x0, [0], [dim]), p: slice(x0, [dim], [2 * dim]) };
    const steps = (tEval.length - 1) * substeps;
    const { q, p } = integrate(makeStep(dt), start, { steps }, { saveEvery: substeps });
    return concat([primalTensor(q), primalTensor(p)], 1);
  };
}

/** Options of `energyMse`. */
export interface EnergyMseOptions {
  /** The energy the metric measures along each trajectory (the true H, or the notebook's proxy). */
  readonly energy: (x: Tensor) => number;
  /** The ground-truth rollout and the model's. */
  readonly truth: Rollout;
  readonly model: Rollout;
  /** Starting states, each [2n]. */
  readonly initialStates: readonly Tensor[];
  /** End time of each trajectory (one number for all, or one per start). */
  readonly tEnd: number | readonly number[];
  /** Evaluation points per trajectory, including both ends (reference: 100 or 500). */
  readonly points: number;
}

/** Per-trajectory energy MSE and their mean ± error over 5 splits. */
export interface EnergyMseResult extends Estimate {
  readonly perTrajectory: number[];
}

/**
 * The energy MSE of the reference analysis notebooks: for each start, roll out the true system and
 * the model over t ∈ [0, T] at `points` evenly spaced times and average (E(x_true(t)) − E(x_model(t)))².
 */
export function energyMse(options: EnergyMseOptions): EnergyMseResult {
  const { initialStates, points } = options;
  if (!Number.isInteger(points) || points < 2)
    throw new InvalidArgumentError('energyMse: points', 'an integer >= 2', points);
  const perTrajectory = initialStates.map((x0, i) => {
    const tEnd = typeof options.tEnd === 'number' ? options.tEnd : options.tEnd[i];
    const tEval = Array.from(linspace(0, tEnd, points).data);
    const truth = options.truth(x0, tEval);
    const model = options.model(x0, tEval);
    let total = 0;
    for (let k = 0; k < points; k++) {
      const row = (y: Tensor) => new Tensor(y.data.slice(k * x0.size, (k + 1) * x0.size), [x0.size]);
      total += (options.energy(row(truth)) - options.energy(row(model))) ** 2;
    }
    return total / points;
  });
  return { ...splitEstimate(perTrajectory), perTrajectory };
}
