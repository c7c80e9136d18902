import { dopri5 } from '@liouville/integrators';
import { type RandomKey, Tensor, linspace, randomKey, randomNormal, randomUniform, splitKey } from '@liouville/linalg';
import type { TrajectoryTable } from './Dataset.js';
import type { PhaseField } from './fields.js';

/**
 * Trajectories of any first-order field ẋ = f(x), Hamiltonian or not (a damped oscillator, a
 * system in velocity coordinates), sampled as the HNN reference samples its tasks: an initial state
 * per trajectory, dopri5 to fixed output times, targets f at the noise-free states, then Gaussian
 * noise on the states. Randomness as `sampleTrajectories` (sampling.ts): trajectory i uses key i of
 * splitKey(randomKey(seed), trajectories), split into an initial-state key and a noise key.
 */
export interface FieldSamplingSpec {
  readonly field: PhaseField;
  /** Phase-space width 2n. */
  readonly width: number;
  readonly seed: number;
  readonly trajectories: number;
  readonly points: number;
  readonly tSpan: readonly [number, number];
  readonly rtol: number;
  readonly atol: number;
  readonly noise: number;
  readonly initialState: (key: RandomKey) => Float64Array;
}

/** Samples `trajectories` trajectories of `points` rows of a field (see FieldSamplingSpec). */
export function sampleFieldTrajectories(spec: FieldSamplingSpec): TrajectoryTable {
  const { trajectories, points, tSpan, width, field } = spec;
  const times = linspace(tSpan[0], tSpan[1], points);
  const clean = new Float64Array(trajectories * points * width);
  const t = new Float64Array(trajectories * points);
  const noiseKeys: RandomKey[] = [];
  const rhs = (_t: number, y: Tensor) => new Tensor(field(y.data as Float64Array), y.shape);
  splitKey(randomKey(spec.seed), trajectories).forEach((key, i) => {
    const [initialKey, noiseKey] = splitKey(key, 2);
    noiseKeys.push(noiseKey);
    const x0 = spec.initialState(initialKey);
    const solution = dopri5(rhs, tSpan, new Tensor(x0, [width]), { rtol: spec.rtol, atol: spec.atol, tEval: times });
    clean.set(solution.y.data, i * points * width);
    t.set(times.data, i * points);
  });
  const dxdt = new Float64Array(clean.length);
  for (let r = 0; r < trajectories * points; r++) {
    dxdt.set(field(clean.subarray(r * width, (r + 1) * width)), r * width);
  }
  const x = Float64Array.from(clean);
  if (spec.noise > 0) {
    noiseKeys.forEach((key, i) => {
      const z = randomNormal(key, [points * width]).data;
      for (let k = 0; k < points * width; k++) x[i * points * width + k] += spec.noise * z[k];
    });
  }
  return { width, points, trajectories, t, x, dxdt };
}

/** Initial states with every coordinate drawn uniformly from its own interval. */
export function uniformState(ranges: readonly (readonly [number, number])[]): (key: RandomKey) => Float64Array {
  return (key) =>
    Float64Array.from(
      splitKey(key, ranges.length),
      (k, i) => randomUniform(k, [1], { low: ranges[i][0], high: ranges[i][1] }).data[0],
    );
}
