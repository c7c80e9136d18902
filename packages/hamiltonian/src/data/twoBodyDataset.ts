import { type RandomKey, randomNormal, randomUniform, splitKey } from '@liouville/linalg';
import { twoBody } from '../systems/nBody.js';
import type { Dataset } from './Dataset.js';
import { intervalOption, optionsOf } from './options.js';
import { type OrbitDatasetOptions, orbitDataset } from './orbits.js';

/** Options of `twoBodyDataset`. */
export interface TwoBodyDatasetOptions extends OrbitDatasetOptions {
  /**
   * Range of EACH coordinate of the first body's initial position (default [0.5, 1.5], the
   * reference's min_radius and max_radius, which it applies per coordinate, not to the distance).
   */
  readonly coordinateRange?: readonly [number, number];
}

/**
 * The reference's random_config (experiment-2body/data.py): body 1 at (x, y) with x, y ~
 * U[coordinateRange) independently, so in the first quadrant at distance r = √(x² + y²); its
 * velocity (−y, x)/(2r^{3/2}) is the circular one for two unit masses (G = 1) at separation 2r,
 * then scaled by one factor 1 + orbitNoise·N(0, 1); body 2 at the mirror point −(x, y) with the
 * opposite velocity, so the centre of mass stays at rest at the origin. Layout (x₁, y₁, x₂, y₂,
 * px₁, py₁, px₂, py₂), with p = v as the masses are 1.
 */
function nearCircularPair(range: readonly [number, number], orbitNoise: number) {
  return (key: RandomKey): Float64Array => {
    const [positionKey, noiseKey] = splitKey(key, 2);
    const [x, y] = randomUniform(positionKey, [2], { low: range[0], high: range[1] }).data;
    const r = Math.sqrt(x * x + y * y);
    const scale = (1 + orbitNoise * randomNormal(noiseKey, [1]).data[0]) / (2 * r ** 1.5);
    const [vx, vy] = [-y * scale, x * scale];
    return Float64Array.of(x, y, -x, -y, vx, vy, -vx, -vy);
  };
}

/**
 * The two-body dataset of the HNN paper (Greydanus, Dzamba & Yosinski, NeurIPS 2019, task 5), as
 * the reference code builds it (greydanus/hamiltonian-nn, experiment-2body/data.py): G = m = 1,
 * 1000 near-circular orbits (velocity noise 5%) of 50 points on t ∈ [0, 20], solver rtol 1e-9,
 * targets ẋ = J∇H and energies at every sample; the first 20% of orbits are the test split.
 */
export function twoBodyDataset(options?: TwoBodyDatasetOptions): Dataset {
  const o = optionsOf('twoBodyDataset', options);
  const coordinateRange = intervalOption('twoBodyDataset', 'coordinateRange', o.coordinateRange ?? [0.5, 1.5], 0);
  const recipe = {
    name: 'twoBody',
    system: twoBody(),
    trajectories: 1000,
    points: 50,
    tSpan: [0, 20] as const,
    orbitNoise: 0.05,
    source: 'greydanus/hamiltonian-nn experiment-2body/data.py make_orbits_dataset (bcc3622)',
    initialState: (orbitNoise: number) => nearCircularPair(coordinateRange, orbitNoise),
    parameters: { coordinateRange },
  };
  return orbitDataset(recipe, o);
}
