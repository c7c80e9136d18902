import { primalTensor } from '@liouville/ad';
import {
  type Estimate,
  type FieldModel,
  type Hamiltonian,
  type HnnModel,
  type Rollout,
  dopri5Rollout,
  energy,
  energyMse,
  energyMseAgainstData,
  gridRollout,
  hnn,
  modelField,
  stepRollout,
} from '@liouville/hamiltonian';
import { gaussLegendre4 } from '@liouville/integrators';
import { type Tensor, slice } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import type { EnergyMetric, Protocol, TrajectorySet } from './protocols.js';
import { trueField } from './simulation.js';

/** One measured energy MSE: mean ± error and the per-trajectory (or per-point) values. */
export interface MetricValue extends Estimate {
  /** Per trajectory (simulated sets) or per measured point (the real pendulum). */
  readonly values: number[];
  /** Substeps of the symplectic rollout per output interval, per trajectory. */
  readonly substeps?: number[];
}

/** A trained model to evaluate. */
export interface EvaluatedModel {
  readonly model: FieldModel;
  readonly params: MlpParams;
}

/** The energy of a single phase-space state x = (q, p) [2n] as a number. */
export function energyOf(system: Hamiltonian): (x: Tensor) => number {
  const H = energy(system);
  const n = system.dim;
  return (x) => primalTensor(H({ q: slice(x, [0], [n]), p: slice(x, [n], [2 * n]) })).item();
}

/** Remembers each rollout by its start state and span, so metrics on the same trajectories share them. */
function cached(rollout: Rollout): Rollout {
  const memo = new Map<Tensor, Map<string, Tensor>>();
  return (x0, tEval) => {
    const key = `${tEval.length}:${tEval[tEval.length - 1]}`;
    const byStart = memo.get(x0) ?? new Map<string, Tensor>();
    memo.set(x0, byStart);
    const hit = byStart.get(key);
    if (hit !== undefined) return hit;
    const y = rollout(x0, tEval);
    byStart.set(key, y);
    return y;
  };
}

/** Substeps so that the symplectic step is at most dtMax. */
function substepsFor(interval: number, dtMax: number): number {
  return Math.max(1, Math.ceil(interval / dtMax - 1e-9));
}

/** The learned HNN rolled out by Gauss–Legendre 4 (Hairer, Lubich & Wanner, GNI §II.1) with substeps. */
function symplecticRollout(model: EvaluatedModel, set: TrajectorySet, used: number[]): Rollout {
  const H = hnn(model.model as HnnModel, model.params);
  const n = model.model.inputDim / 2;
  const make = (dt: number) => gaussLegendre4(H, dt);
  if (set.kind === 'measured') {
    const substeps = substepsFor(set.spacing, set.dtMax);
    used.push(substeps);
    return gridRollout(stepRollout(make, n, substeps), set.spacing);
  }
  return (x0, tEval) => {
    const substeps = substepsFor(tEval[1] - tEval[0], set.dtMax);
    used.push(substeps);
    return stepRollout(make, n, substeps)(x0, tEval);
  };
}

/** Rollouts of one model, by integrator, cached across the metrics that share a set. */
function modelRollouts(model: EvaluatedModel, set: TrajectorySet) {
  const substeps: number[] = [];
  return {
    dopri5: cached(dopri5Rollout(modelField(model.model, model.params), { rtol: set.rtol, atol: set.atol })),
    gaussLegendre4: model.model.kind === 'hnn' ? cached(symplecticRollout(model, set, substeps)) : undefined,
    substeps,
  };
}

/** One metric of one model: energyMse on simulated sets, energyMseAgainstData on measured ones. */
function measure(metric: EnergyMetric, set: TrajectorySet, truth: Rollout, rollout: Rollout): MetricValue {
  const E = energyOf(metric.energy);
  if (set.kind === 'measured') {
    const r = energyMseAgainstData({ energy: E, states: set.states, times: set.times, model: rollout });
    return { mean: r.mean, error: r.error, values: r.perPoint };
  }
  const r = energyMse({
    energy: E,
    truth,
    model: rollout,
    initialStates: set.initialStates,
    tEnd: set.tEnd,
    points: set.points,
  });
  return { mean: r.mean, error: r.error, values: r.perTrajectory };
}

/** The truth of each simulated set (dopri5 on the true field), cached, shared by all models of a task. */
export function truthRollouts(protocol: Protocol, truthSystem: Hamiltonian): ReadonlyMap<string, Rollout> {
  const field = trueField(truthSystem);
  return new Map(
    protocol.sets.map((set) => [set.key, cached(dopri5Rollout(field, { rtol: set.rtol, atol: set.atol }))]),
  );
}

/**
 * Measures every energy metric of a protocol that applies to one model (the baseline has no
 * symplectic variant): each rollout is computed once per set and integrator and shared by the
 * metrics on it. Returns metric key → value.
 */
export function evaluateEnergies(
  protocol: Protocol,
  truths: ReadonlyMap<string, Rollout>,
  model: EvaluatedModel,
): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const set of protocol.sets) {
    const rollouts = modelRollouts(model, set);
    for (const metric of protocol.metrics.filter(
      (m) => m.set === set.key && (m.models as readonly string[]).includes(model.model.kind),
    )) {
      const rollout = rollouts[metric.integrator];
      if (rollout === undefined) continue;
      const value = measure(metric, set, truths.get(set.key) as Rollout, rollout);
      out[metric.key] = metric.integrator === 'gaussLegendre4' ? { ...value, substeps: [...rollouts.substeps] } : value;
    }
  }
  return out;
}
