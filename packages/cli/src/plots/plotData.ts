import { primalTensor } from '@liouville/ad';
import {
  type HnnModel,
  type Rollout,
  dopri5Rollout,
  energy,
  gridRollout,
  hnn,
  modelField,
  stepRollout,
} from '@liouville/hamiltonian';
import { gaussLegendre4 } from '@liouville/integrators';
import { Tensor, linspace, tensor } from '@liouville/linalg';
import { type EvaluatedModel, energyOf } from '../evaluation.js';
import type { SetInfo } from '../results.js';
import { trueField } from '../simulation.js';
import type { TaskSpec } from '../tasks.js';
import { type GridField, contourLines } from './contours.js';

/** The two trained models of a task (first seed). */
export interface PlotModels {
  readonly baseline: EvaluatedModel;
  readonly hnn: EvaluatedModel;
}

/** A rolled-out trajectory: its times and states [N, 2n]. */
export interface Sampled {
  readonly t: readonly number[];
  readonly y: Tensor;
}

/** One test trajectory rolled out by the truth (or the measurements), the baseline and the HNN (two ways). */
export interface PlotTrajectories {
  readonly truthLabel: string;
  readonly tEnd: number;
  readonly truth: Sampled;
  readonly baseline: Sampled;
  readonly hnn: Sampled;
  readonly hnnSymplectic: Sampled;
}

/** Tolerances of the plotted dopri5 rollouts: tight, so that what is seen is the model, not the solver. */
const PLOT_TOL = { rtol: 1e-10, atol: 1e-10 };
/** Points of the dopri5 curves (dense output makes them cheap) and of the fixed-step symplectic one. */
const DENSE_POINTS = 600;
const SYMPLECTIC_POINTS = 200;

function symplectic(models: PlotModels, interval: number, dtMax: number): Rollout {
  const H = hnn(models.hnn.model as HnnModel, models.hnn.params);
  const substeps = Math.max(1, Math.ceil(interval / dtMax - 1e-9));
  return stepRollout((dt) => gaussLegendre4(H, dt), models.hnn.model.inputDim / 2, substeps);
}

/** Evenly spaced times on [0, tEnd]. */
function times(tEnd: number, points: number): number[] {
  return Array.from(linspace(0, tEnd, points).data);
}

/**
 * The first evaluation trajectory of a task, as plotted: the recorded start point and span of the
 * first trajectory of `set`, the task's first evaluation set (or the real pendulum's measured test
 * segment, passed as `measured`).
 */
export function plotTrajectories(
  set: SetInfo,
  spec: TaskSpec,
  models: PlotModels,
  measured?: { states: Tensor; times: number[] },
): PlotTrajectories {
  const model = (m: EvaluatedModel, x0: Tensor, t: number[]) => ({
    t,
    y: dopri5Rollout(modelField(m.model, m.params), PLOT_TOL)(x0, t),
  });
  const measuredStart = measured && new Tensor(measured.states.data.slice(0, spec.inputDim), [spec.inputDim]);
  const x0 = measuredStart ?? tensor([...(set.initialStates as number[][])[0]]);
  const tEnd = measured ? measured.times[measured.times.length - 1] : (set.tEnd as number[])[0];
  const dense = times(tEnd, DENSE_POINTS);
  const truth = measured
    ? { t: measured.times, y: measured.states }
    : { t: dense, y: dopri5Rollout(trueField(spec.system()), PLOT_TOL)(x0, dense) };
  // The measured times have gaps, so the symplectic rollout steps on their 1/6 s grid.
  const tSymplectic = measured ? measured.times : times(tEnd, SYMPLECTIC_POINTS);
  const gl4 = measured
    ? gridRollout(symplectic(models, 1 / 6, set.symplecticDtMax), 1 / 6)
    : symplectic(models, tSymplectic[1] - tSymplectic[0], set.symplecticDtMax);
  return {
    truthLabel: measured ? 'measured data' : 'ground truth',
    tEnd,
    truth,
    baseline: model(models.baseline, x0, dense),
    hnn: model(models.hnn, x0, dense),
    hnnSymplectic: { t: tSymplectic, y: gl4(x0, tSymplectic) },
  };
}

/** Row k of a [N, d] tensor. */
export function rowOf(y: Tensor, k: number): Tensor {
  const d = y.shape[1];
  return new Tensor(y.data.slice(k * d, (k + 1) * d), [d]);
}

/** The energy of every row of a trajectory. */
export function energiesAlong(spec: TaskSpec, y: Tensor): number[] {
  const E = energyOf(spec.system());
  return Array.from({ length: y.shape[0] }, (_, k) => E(rowOf(y, k)));
}

/** A square grid over [−qMax, qMax] × [−pMax, pMax] of `size` points per side, as rows (q, p). */
function grid(qMax: number, pMax: number, size: number) {
  const xs = Array.from(linspace(-qMax, qMax, size).data);
  const ys = Array.from(linspace(-pMax, pMax, size).data);
  const q = new Float64Array(size * size);
  const p = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      q[j * size + i] = xs[i];
      p[j * size + i] = ys[j];
    }
  }
  return { xs, ys, q: new Tensor(q, [size * size, 1]), p: new Tensor(p, [size * size, 1]) };
}

/**
 * Level sets of the true H and of the HNN's H_θ (shifted so both are equal at the origin: an
 * HNN learns H only up to a constant) on a grid, at levels spread around the plotted orbit's energy.
 */
export function levelSets(spec: TaskSpec, models: PlotModels, truth: Tensor, qMax: number, pMax: number) {
  const g = grid(qMax, pMax, 90);
  const trueValues = primalTensor(energy(spec.system())({ q: g.q, p: g.p })).data;
  const x = new Tensor(
    Float64Array.from({ length: g.q.size * 2 }, (_, k) => (k % 2 === 0 ? g.q : g.p).data[k >> 1]),
    [g.q.size, 2],
  );
  const learned = primalTensor((models.hnn.model as HnnModel).hamiltonian(models.hnn.params, x)).data;
  const origin = (models.hnn.model as HnnModel).hamiltonian(models.hnn.params, tensor([[0, 0]]));
  const shift = energyOf(spec.system())(tensor([0, 0])) - primalTensor(origin).data[0];
  const e0 = energyOf(spec.system())(rowOf(truth, 0)) - energyOf(spec.system())(tensor([0, 0]));
  const base = energyOf(spec.system())(tensor([0, 0]));
  const levels = [0.15, 0.4, 0.7, 1, 1.4, 1.9].map((f) => base + f * e0);
  const field = (values: ArrayLike<number>): GridField => ({ xs: g.xs, ys: g.ys, values });
  const shifted = Float64Array.from(learned, (v) => v + shift);
  return {
    levels,
    truth: levels.map((level) => contourLines(field(trueValues), level)),
    learned: levels.map((level) => contourLines(field(shifted), level)),
  };
}
