import { primalTensor } from '@liouville/ad';
import { dopri5 } from '@liouville/integrators';
import { type RandomKey, Tensor, linspace, randomKey, randomNormal, splitKey } from '@liouville/linalg';
import type { Hamiltonian } from '../Hamiltonian.js';
import { energy, vectorField } from '../invariants.js';
import type { TrajectoryTable } from './Dataset.js';
import type { PhaseField } from './fields.js';

/**
 * How a generator samples trajectories, the procedure shared by every experiment of the HNN
 * reference code (greydanus/hamiltonian-nn, experiment-{spring,pend}/data.py get_trajectory,
 * experiment-{2body,3body}/data.py sample_orbits): draw an initial state, integrate with an
 * adaptive Runge–Kutta method to fixed output times, take the exact time derivatives at the
 * integrated (noise-free) states, and only then add observation noise to the states.
 */
export interface SamplingSpec {
  /** The catalogue system: the targets are its `vectorField`, the energies its `energy`. */
  readonly system: Hamiltonian;
  /** The same dynamics in closed form, for the solver's many right-hand-side calls. */
  readonly field: PhaseField;
  readonly seed: number;
  readonly trajectories: number;
  readonly points: number;
  readonly tSpan: readonly [number, number];
  readonly rtol: number;
  readonly atol: number;
  /** Standard deviation σ of the Gaussian noise added to every coordinate of x (0: none). */
  readonly noise: number;
  readonly withEnergy: boolean;
  /** An initial phase-space point (q, p) of width 2·dim, drawn with the key given. */
  readonly initialState: (key: RandomKey) => Float64Array;
}

/**
 * Samples `trajectories` trajectories of `points` rows each. Randomness: trajectory i uses key
 * i of splitKey(randomKey(seed), trajectories), which is split into an initial-state key and a
 * noise key. Child i of `splitKey` depends only on the parent key and i, so a smaller dataset is
 * a prefix of a larger one, and changing the noise level leaves the noise-free states unchanged.
 */
export function sampleTrajectories(spec: SamplingSpec): TrajectoryTable {
  const { trajectories, points, tSpan } = spec;
  const width = 2 * spec.system.dim;
  const times = linspace(tSpan[0], tSpan[1], points);
  const clean = new Float64Array(trajectories * points * width);
  const t = new Float64Array(trajectories * points);
  const noiseKeys: RandomKey[] = [];
  splitKey(randomKey(spec.seed), trajectories).forEach((key, i) => {
    const [initialKey, noiseKey] = splitKey(key, 2);
    noiseKeys.push(noiseKey);
    const x0 = spec.initialState(initialKey);
    clean.set(integrateAt(spec, x0, times), i * points * width);
    t.set(times.data, i * points);
  });
  const rows = trajectories * points;
  const dxdt = targetsAt(spec.system, clean, rows);
  const x = spec.noise > 0 ? withNoise(clean, noiseKeys, points * width, spec.noise) : clean;
  const table = { width, points, trajectories, t, x, dxdt };
  return spec.withEnergy ? { ...table, energy: energiesAt(spec.system, clean, rows) } : table;
}

/** The states at the output times, [points · width], by dopri5 (Dormand & Prince 5(4), like SciPy's RK45). */
function integrateAt(spec: SamplingSpec, x0: Float64Array, times: Tensor): Float64Array {
  const { field, tSpan, rtol, atol } = spec;
  const rhs = (_t: number, y: Tensor) => new Tensor(field(y.data as Float64Array), y.shape);
  const solution = dopri5(rhs, tSpan, new Tensor(x0, [x0.length]), { rtol, atol, tEval: times });
  return solution.y.data as Float64Array;
}

/** Splits rows (q, p) of width 2n into q and p tensors of shape [rows, n]. */
function phaseTensors(states: Float64Array, rows: number, n: number): { q: Tensor; p: Tensor } {
  const q = new Float64Array(rows * n);
  const p = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    q.set(states.subarray(2 * n * r, 2 * n * r + n), n * r);
    p.set(states.subarray(2 * n * r + n, 2 * n * (r + 1)), n * r);
  }
  return { q: new Tensor(q, [rows, n]), p: new Tensor(p, [rows, n]) };
}

/** ẋ = J∇H(x) of every row at once, by the catalogue's `vectorField` (one batched evaluation). */
export function targetsAt(system: Hamiltonian, states: Float64Array, rows: number): Float64Array {
  const n = system.dim;
  const { dq, dp } = vectorField(system)(phaseTensors(states, rows, n));
  const [dqData, dpData] = [primalTensor(dq).data, primalTensor(dp).data];
  const out = new Float64Array(rows * 2 * n);
  for (let r = 0; r < rows; r++) {
    out.set(dqData.subarray(n * r, n * (r + 1)), 2 * n * r);
    out.set(dpData.subarray(n * r, n * (r + 1)), 2 * n * r + n);
  }
  return out;
}

/** H of every row at once, by the catalogue's `energy`. */
export function energiesAt(system: Hamiltonian, states: Float64Array, rows: number): Float64Array {
  const values = primalTensor(energy(system)(phaseTensors(states, rows, system.dim))).data;
  return Float64Array.from(values);
}

/** x + σ·z with z ~ N(0, 1), drawn per trajectory (block of `block` numbers) from its noise key. */
function withNoise(clean: Float64Array, keys: readonly RandomKey[], block: number, sigma: number): Float64Array {
  const x = Float64Array.from(clean);
  keys.forEach((key, i) => {
    const z = randomNormal(key, [block]).data;
    for (let k = 0; k < block; k++) x[i * block + k] += sigma * z[k];
  });
  return x;
}
