import { type RandomKey, randomUniform, splitKey } from '@liouville/linalg';
import { threeBody } from '../systems/nBody.js';
import type { Dataset } from './Dataset.js';
import { intervalOption, optionsOf } from './options.js';
import { type OrbitDatasetOptions, orbitDataset, rotate } from './orbits.js';

/** Options of `threeBodyDataset`. */
export interface ThreeBodyDatasetOptions extends OrbitDatasetOptions {
  /** Range of the circle radius r on which the bodies start (default [0.9, 1.2]). */
  readonly radius?: readonly [number, number];
}

const THIRD = (2 * Math.PI) / 3;
// The reference's factor sqrt(sin(π/3) / (2 cos²(π/6))) = 3^(−1/4): for three unit masses on an
// equilateral triangle inscribed in a circle of radius r (side r√3), the pull towards the centre
// is 2cos(π/6)/(3r²) = 1/(√3 r²), and v²/r = 1/(√3 r²) gives the circular speed 3^(−1/4) r^(−1/2).
const CIRCULAR = Math.sqrt(Math.sin(Math.PI / 3) / (2 * Math.cos(Math.PI / 6) ** 2));

/**
 * The reference's random_config (experiment-3body/data.py): body 1 at the direction of
 * U(−1, 1)² scaled to r ~ U[radius), bodies 2 and 3 rotated from it by 120° and 240°; velocities
 * perpendicular to the radius at the circular speed, rotated likewise; then each velocity
 * COMPONENT multiplied by its own factor 1 + orbitNoise·U(−1, 1). Layout (x₁, y₁, …, px₁, py₁, …).
 */
function perturbedLagrange(radius: readonly [number, number], orbitNoise: number) {
  return (key: RandomKey): Float64Array => {
    const [directionKey, radiusKey, noiseKey] = splitKey(key, 3);
    const u = randomUniform(directionKey, [2], { low: -1, high: 1 }).data;
    const r = randomUniform(radiusKey, [1], { low: radius[0], high: radius[1] }).data[0];
    const factors = randomUniform(noiseKey, [6], { low: -1, high: 1 }).data;
    const length = Math.hypot(u[0], u[1]);
    const positions = [[(u[0] / length) * r, (u[1] / length) * r]];
    const [vx, vy] = rotate(positions[0][0], positions[0][1], Math.PI / 2);
    const velocities = [[(vx / r ** 1.5) * CIRCULAR, (vy / r ** 1.5) * CIRCULAR]];
    for (let i = 1; i < 3; i++) {
      positions.push(rotate(positions[i - 1][0], positions[i - 1][1], THIRD));
      velocities.push(rotate(velocities[i - 1][0], velocities[i - 1][1], THIRD));
    }
    const p = velocities.flat().map((v, k) => v * (1 + orbitNoise * factors[k]));
    return Float64Array.from([...positions.flat(), ...p]);
  };
}

/**
 * The three-body dataset of the HNN paper (Greydanus, Dzamba & Yosinski, NeurIPS 2019, task 6),
 * as the reference code builds it (greydanus/hamiltonian-nn, experiment-3body/data.py): G = m = 1,
 * 5000 perturbed circular (Lagrange) configurations, velocity components perturbed by up to ±20%,
 * 20 points on t ∈ [0, 5], solver rtol 1e-9; the first 20% of orbits are the test split. The
 * default size takes a while to integrate: pass a smaller `trajectories` for quick experiments
 * (the orbits of a smaller dataset are the first orbits of a larger one with the same seed).
 */
export function threeBodyDataset(options?: ThreeBodyDatasetOptions): Dataset {
  const o = optionsOf('threeBodyDataset', options);
  const radius = intervalOption('threeBodyDataset', 'radius', o.radius ?? [0.9, 1.2], 0);
  const recipe = {
    name: 'threeBody',
    system: threeBody(),
    trajectories: 5000,
    points: 20,
    tSpan: [0, 5] as const,
    orbitNoise: 0.2,
    source: 'greydanus/hamiltonian-nn experiment-3body/data.py make_orbits_dataset (bcc3622)',
    initialState: (orbitNoise: number) => perturbedLagrange(radius, orbitNoise),
    parameters: { radius },
  };
  return orbitDataset(recipe, o);
}
