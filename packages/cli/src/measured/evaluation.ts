import { primalTensor } from '@liouville/ad';
import {
  type Dataset,
  type HnnModel,
  type SavedModel,
  dopri5Rollout,
  hnn,
  modelField,
  splitLoss,
} from '@liouville/hamiltonian';
import { splitPhase } from '@liouville/integrators';
import { type Tensor, tensor } from '@liouville/linalg';

/**
 * The evaluation of a saved model on a held-out segment of measurements, in the data's units:
 * the MSE of dx/dt, rollouts from the first held-out state of each trajectory to its measured
 * times (gaps included), and how constant the model's own H_θ stays along those rollouts.
 */

/** What `evaluateOnData` measures for one model. */
export interface DataEvaluation {
  readonly kind: string;
  readonly testMse: { mean: number; error: number };
  /** Mean squared error of (q, p) over the first h held-out samples of every trajectory, per horizon. */
  readonly rolloutMse: { horizon: number; mse: number }[];
  /** max |H_θ(x(t)) − H_θ(x₀)| along the rollouts over the spread (standard deviation) of H_θ on the test states; HNN only. */
  readonly energyDrift?: number;
  /** Trajectories whose rollout failed (a non-finite state, the step size collapsing). */
  readonly failed: number;
}

/** The [start, end) rows of each trajectory of the test split. */
function runs(dataset: Dataset): [number, number][] {
  const id = dataset.test.trajectory ?? new Int32Array(dataset.test.x.shape[0]);
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= id.length; i++) {
    if (i === id.length || id[i] !== id[start]) {
      out.push([start, i]);
      start = i;
    }
  }
  return out;
}

/** The difference of two coordinates, taken modulo 2π (into (−π, π]) for an angle. */
function difference(a: number, b: number, angle: boolean): number {
  const d = a - b;
  return angle ? d - 2 * Math.PI * Math.round(d / (2 * Math.PI)) : d;
}

/** The model's rollout from each trajectory's first test state to its measured times (null where it failed). */
function rollouts(saved: SavedModel, dataset: Dataset): { rows: [number, number]; states: Tensor | null }[] {
  const field = modelField(saved.model, saved.params);
  const roll = dopri5Rollout(field, { rtol: 1e-8, atol: 1e-10 });
  const t = (dataset.test.t as Tensor).data;
  const width = dataset.test.x.shape[1];
  return runs(dataset).map(([start, end]) => {
    const x0 = tensor(Array.from(dataset.test.x.data.subarray(start * width, (start + 1) * width)));
    const times = Array.from(t.subarray(start, end), (v) => v - t[start]);
    try {
      return { rows: [start, end] as [number, number], states: end - start < 2 ? null : roll(x0, times) };
    } catch {
      return { rows: [start, end] as [number, number], states: null };
    }
  });
}

/** The rollout MSE per horizon (samples after the first), averaged over trajectories and coordinates. */
function horizonErrors(
  dataset: Dataset,
  paths: ReturnType<typeof rollouts>,
  horizons: readonly number[],
  periodic: readonly boolean[],
) {
  const width = dataset.test.x.shape[1];
  const x = dataset.test.x.data;
  return horizons.map((horizon) => {
    let [sum, count] = [0, 0];
    for (const { rows, states } of paths) {
      if (states === null) continue;
      const h = Math.min(horizon, rows[1] - rows[0] - 1);
      for (let k = 1; k <= h; k++) {
        for (let j = 0; j < width; j++) {
          const d = difference(states.data[k * width + j], x[(rows[0] + k) * width + j], j < width / 2 && periodic[j]);
          sum += d * d;
          count++;
        }
      }
    }
    return { horizon, mse: count > 0 ? sum / count : Number.NaN };
  });
}

/** max |ΔH_θ| along the rollouts over the standard deviation of H_θ on the test states. */
function energyDrift(saved: SavedModel, dataset: Dataset, paths: ReturnType<typeof rollouts>): number {
  const learned = hnn(saved.model as HnnModel, saved.params);
  const n = dataset.dof;
  const H = (rows: Tensor) => {
    const { q, p } = splitPhase(rows, n);
    return Array.from(primalTensor(learned.H(q, p)).data);
  };
  const onData = H(dataset.test.x);
  const mean = onData.reduce((a, b) => a + b, 0) / onData.length;
  const spread = Math.sqrt(onData.reduce((a, b) => a + (b - mean) ** 2, 0) / onData.length);
  let worst = 0;
  for (const { states } of paths) {
    if (states === null) continue;
    const along = H(states);
    for (const e of along) worst = Math.max(worst, Math.abs(e - along[0]));
  }
  return worst / spread;
}

/** Evaluates one saved model on a measured dataset's test split (see the module comment). */
export function evaluateOnData(saved: SavedModel, dataset: Dataset, horizons: readonly number[]): DataEvaluation {
  const periodic = saved.meta.periodic ?? new Array<boolean>(dataset.dof).fill(false);
  const paths = rollouts(saved, dataset);
  return {
    kind: saved.meta.model,
    testMse: splitLoss(saved.model, saved.params, dataset.test),
    rolloutMse: horizonErrors(dataset, paths, horizons, periodic),
    ...(saved.meta.model === 'hnn' ? { energyDrift: energyDrift(saved, dataset, paths) } : {}),
    failed: paths.filter((p) => p.states === null).length,
  };
}
