import { type Value, primalTensor } from '@liouville/ad';
import { Tensor, cast, randomKey, tensor } from '@liouville/linalg';
import { type ParamTree, permutation, treeMap } from '@liouville/nn';
import { hnn } from '../learned/learnedHamiltonian.js';
import { type Estimate, dopri5Rollout, modelField } from '../learned/metrics.js';
import { type PixelPendulumData, pixelRowState, pixelRows } from './pixelDataset.js';
import { type PixelModel, type PixelParamTree, type PixelParams, pixelModel } from './pixelModel.js';

/**
 * Metrics of the pixel pendulum: the reference's loss on a whole split, the latent phase space,
 * rollouts of the latent model, decoded frames, and an energy error. Everything is evaluated in
 * float64 (the trained parameters converted once), so rollouts at tight tolerances are meaningful.
 */

/** The model and its parameters in float64. */
export function inFloat64(model: PixelModel, params: PixelParamTree): { model: PixelModel; params: PixelParams } {
  const wide = pixelModel({ ...model.options, dtype: 'float64' });
  return { model: wide, params: treeMap((t) => cast(t, 'float64'), params as unknown as ParamTree) as never };
}

/** The reference's figure for a split: the mean of the rows' losses ± their standard deviation (unbiased) over √rows. */
export function pixelSplitLoss(
  model: PixelModel,
  params: PixelParamTree,
  data: PixelPendulumData,
  split: Int32Array,
  chunk = 500,
): Estimate {
  const losses: number[] = [];
  for (let start = 0; start < split.length; start += chunk) {
    const rows = split.subarray(start, Math.min(split.length, start + chunk));
    const dtype = model.options.dtype;
    const row = model.rowLoss(
      params as PixelParams,
      pixelRows(data, rows, false, dtype),
      pixelRows(data, rows, true, dtype),
    );
    losses.push(...primalTensor(row).data);
  }
  const n = losses.length;
  const mean = losses.reduce((a, b) => a + b, 0) / n;
  const variance = losses.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, error: Math.sqrt(variance / n) };
}

/** The latents z = (w, ẇ) of rows, [N, 2], in float64. */
export function pixelLatents(
  model: PixelModel,
  params: PixelParams,
  data: PixelPendulumData,
  rows: ArrayLike<number>,
): Tensor {
  return primalTensor(model.encode(params, pixelRows(data, rows, false, model.options.dtype)));
}

/** The latent field z ↦ f(z) of one latent [2] (float64 model; compiled after its first calls, the same bits). */
export function latentField(model: PixelModel, params: PixelParams): (z: Tensor) => Tensor {
  return modelField(model.dynamics, params.dynamics);
}

/** The learned latent Hamiltonian H_θ (an HNN's), as a Hamiltonian of one degree of freedom. */
export function latentHamiltonian(model: PixelModel, params: PixelParams) {
  if (model.dynamics.kind !== 'hnn') return undefined;
  return hnn(model.dynamics, params.dynamics, 'pixel latent HNN');
}

/**
 * The latent flow from z0 at t = 0, 1, …, frames (t counted in frames: the model learned the step
 * z_next ≈ z + f(z) of one frame), by adaptive Dormand–Prince at rtol = atol = 1e-9.
 */
export function latentRollout(model: PixelModel, params: PixelParams, z0: readonly number[], frames: number): Tensor {
  const times = Array.from({ length: frames + 1 }, (_, k) => k);
  return dopri5Rollout(latentField(model, params), { rtol: 1e-9, atol: 1e-9 })(tensor([...z0]), times);
}

/** The least-squares affine map from latents [N, 2] to coordinates [N, 2]: coefficients [3, 2] for (w, ẇ, 1). */
export function fitAffineMap(z: Tensor, y: readonly [number, number][]): number[][] {
  const n = y.length;
  const A = Array.from({ length: 3 }, () => [0, 0, 0]);
  const B = Array.from({ length: 3 }, () => [0, 0]);
  for (let i = 0; i < n; i++) {
    const f = [z.data[2 * i], z.data[2 * i + 1], 1];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) A[a][b] += f[a] * f[b];
      for (let c = 0; c < 2; c++) B[a][c] += f[a] * y[i][c];
    }
  }
  return solve3(A, B);
}

/** Solves the 3×3 system A X = B (two right-hand sides) by Cramer's rule. */
function solve3(A: number[][], B: number[][]): number[][] {
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(A);
  return [0, 1, 2].map((k) =>
    [0, 1].map((c) => det(A.map((row, r) => row.map((v, j) => (j === k ? B[r][c] : v)))) / d),
  );
}

/** The pendulum's energy in the reference's coordinates (θ, θ̇/4): H = p² + (15/8)(1 − cos q) (the reference fits 1.9). */
export function pixelPendulumEnergy(q: number, p: number): number {
  return p * p + (15 / 8) * (1 - Math.cos(q));
}

/** Options of `pixelEnergyMse`. */
export interface PixelEnergyOptions {
  /** Test trajectories rolled out (default 15). */
  readonly trajectories?: number;
  /** Training rows the latent-to-coordinate map is fitted on (default 2000). */
  readonly fitRows?: number;
}

/** The outcome of `pixelEnergyMse`. */
export interface PixelEnergyResult {
  readonly mse: Estimate;
  readonly perTrajectory: number[];
  /** The affine map (w, ẇ, 1) ↦ (θ, θ̇/4) fitted on training latents. */
  readonly coordinateMap: number[][];
  /** The first trajectory: true latents, rolled-out latents, true and predicted energies. */
  readonly example: { trueLatents: number[][]; rollout: number[][]; trueEnergy: number[]; energy: number[] };
}

/**
 * The energy error of the latent model along test trajectories: from the latent of a test
 * trajectory's first row, the latent flow over its remaining frames; each rolled-out latent is
 * mapped to coordinates (θ, θ̇/4) by an affine map fitted by least squares on training latents
 * (the latent is the pendulum's phase space only up to such a map), and its energy
 * `pixelPendulumEnergy` compared with the true state's. The figure is the mean over trajectories
 * of the mean squared difference, ± the standard deviation over trajectories / √trajectories.
 */
export function pixelEnergyMse(
  model: PixelModel,
  paramsTree: PixelParamTree,
  data: PixelPendulumData,
  options: PixelEnergyOptions = {},
): PixelEnergyResult {
  const wide = inFloat64(model, paramsTree);
  const fitRows = Array.from(
    permutation(randomKey(0), data.train.length).subarray(0, Math.min(options.fitRows ?? 2000, data.train.length)),
    (i) => data.train[i],
  );
  const coords = fitRows.map((r) => {
    const [theta, omega] = pixelRowState(data, r);
    return [theta, omega / 4] as [number, number];
  });
  const map = fitAffineMap(pixelLatents(wide.model, wide.params, data, fitRows), coords);
  const toCoords = (w: number, v: number) => [0, 1].map((c) => map[0][c] * w + map[1][c] * v + map[2][c]);
  const count = Math.min(options.trajectories ?? 15, Math.floor(data.test.length / data.rowsPerTrial));
  const perTrajectory: number[] = [];
  let example: PixelEnergyResult['example'] | undefined;
  for (let k = 0; k < count; k++) {
    const rows = data.test.subarray(k * data.rowsPerTrial, (k + 1) * data.rowsPerTrial);
    const trueLatents = pixelLatents(wide.model, wide.params, data, rows);
    const z0 = [trueLatents.data[0], trueLatents.data[1]];
    const rollout = latentRollout(wide.model, wide.params, z0, rows.length - 1);
    const trueEnergy = Array.from(rows, (r) => {
      const [theta, omega] = pixelRowState(data, r);
      return pixelPendulumEnergy(theta, omega / 4);
    });
    const energy = trueEnergy.map((_, t) => {
      const [q, p] = toCoords(rollout.data[2 * t], rollout.data[2 * t + 1]);
      return pixelPendulumEnergy(q, p);
    });
    perTrajectory.push(energy.reduce((a, e, t) => a + (e - trueEnergy[t]) ** 2, 0) / energy.length);
    if (k === 0) example = { trueLatents: rowsOf(trueLatents), rollout: rowsOf(rollout), trueEnergy, energy };
  }
  const n = perTrajectory.length;
  const mean = perTrajectory.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(perTrajectory.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return {
    mse: { mean, error: sd / Math.sqrt(n) },
    perTrajectory,
    coordinateMap: map,
    example: example as PixelEnergyResult['example'],
  };
}

function rowsOf(t: Tensor): number[][] {
  return Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(2 * i, 2 * i + 2)));
}

/** Frames decoded from latents [T, 2]: the later frame of each decoded pair, [T, 784]. */
export function decodeLaterFrames(
  model: PixelModel,
  params: PixelParams,
  latents: readonly (readonly number[])[],
): Tensor {
  const decoded = primalTensor(model.decode(params, tensor(latents.map((z) => [...z])) as Value));
  const [T, width] = decoded.shape;
  const half = width / 2;
  const out = new Float64Array(T * half);
  for (let t = 0; t < T; t++) out.set(decoded.data.subarray(t * width + half, (t + 1) * width), t * half);
  return new Tensor(out, [T, half]);
}
