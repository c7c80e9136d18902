import { type RandomKey, randomUniform, splitKey } from '@liouville/linalg';
import type { Hamiltonian } from '../Hamiltonian.js';
import { type Dataset, type DatasetOptions, checkDType, trajectoryRange } from './Dataset.js';
import type { PhaseField } from './fields.js';
import { countOption, fractionOption, intervalOption, nonNegativeOption, optionsOf, seedOption } from './options.js';
import { sampleTrajectories } from './sampling.js';

/** Options of the one-degree-of-freedom datasets (`springDataset`, `pendulumDataset`). */
export interface OscillatorDatasetOptions extends DatasetOptions {
  /** Seed of all random draws (default 0). */
  readonly seed?: number;
  /** Number of trajectories (default 50, the reference's `samples`). */
  readonly trajectories?: number;
  /** Samples per trajectory, at linspace(tSpan[0], tSpan[1], points). */
  readonly points?: number;
  /** Time interval of each trajectory (default [0, 3]). */
  readonly tSpan?: readonly [number, number];
  /** Range of the initial state's distance from the origin of the (q, p) plane. */
  readonly radius?: readonly [number, number];
  /** Standard deviation of the Gaussian noise added to q and p after the targets are taken (default 0.1). */
  readonly noise?: number;
  /** Fraction of the trajectories, taken from the start, that form the train split (default 0.5). */
  readonly trainFraction?: number;
  /** Relative tolerance of the solver (default 1e-10, the reference's). */
  readonly rtol?: number;
  /**
   * Absolute tolerance (default 1e-12). The reference left SciPy's default 1e-6, which for states
   * of order 1 dominates rtol and limits its accuracy to about 1e-6 (its spring file conserves H
   * only to 3e-6); pass 1e-6 to imitate it.
   */
  readonly atol?: number;
}

/** What distinguishes the spring from the pendulum: the system, its field and the reference defaults. */
export interface OscillatorRecipe {
  readonly name: string;
  readonly system: Hamiltonian;
  readonly field: PhaseField;
  readonly points: number;
  readonly radius: readonly [number, number];
  readonly source: string;
}

/**
 * The reference's initial state (get_trajectory): y0 ~ U(−1, 1)², scaled to the length r ~
 * U(radius). The direction is U(−1, 1)² normalised, not uniform in angle: as in the reference,
 * directions near the diagonals are more likely than near the axes.
 */
export function circleState(radius: readonly [number, number]): (key: RandomKey) => Float64Array {
  return (key) => {
    const [directionKey, radiusKey] = splitKey(key, 2);
    const y0 = randomUniform(directionKey, [2], { low: -1, high: 1 }).data;
    const r = randomUniform(radiusKey, [1], { low: radius[0], high: radius[1] }).data[0];
    const length = Math.hypot(y0[0], y0[1]);
    return Float64Array.of((y0[0] / length) * r, (y0[1] / length) * r);
  };
}

/**
 * A dataset of one-degree-of-freedom trajectories as built by the HNN reference code
 * (greydanus/hamiltonian-nn, experiment-spring/data.py and experiment-pend/data.py, get_dataset),
 * split by trajectory: the first ⌊trajectories · trainFraction⌋ train, the rest test.
 */
export function oscillatorDataset(recipe: OscillatorRecipe, options?: OscillatorDatasetOptions): Dataset {
  const op = `${recipe.name}Dataset`;
  const o = optionsOf(op, options);
  const seed = seedOption(op, o.seed ?? 0);
  const trajectories = countOption(op, 'trajectories', o.trajectories ?? 50, 1);
  const points = countOption(op, 'points', o.points ?? recipe.points, 2);
  const tSpan = intervalOption(op, 'tSpan', o.tSpan ?? [0, 3]);
  const radius = intervalOption(op, 'radius', o.radius ?? recipe.radius, 0);
  const noise = nonNegativeOption(op, 'noise', o.noise ?? 0.1);
  const trainFraction = fractionOption(op, 'trainFraction', o.trainFraction ?? 0.5);
  const dtype = checkDType(op, o.dtype ?? 'float64');
  const [rtol, atol] = [o.rtol ?? 1e-10, o.atol ?? 1e-12];
  const { system, field } = recipe;
  const initialState = circleState(radius);
  const sampling = { system, field, seed, trajectories, points, tSpan, rtol, atol, noise, initialState };
  const table = sampleTrajectories({ ...sampling, withEnergy: false });
  const nTrain = Math.floor(trajectories * trainFraction);
  const parameters = { seed, trajectories, points, tSpan, radius, noise, trainFraction, rtol, atol, dtype };
  return {
    name: recipe.name,
    dof: 1,
    train: trajectoryRange(table, 0, nTrain, dtype),
    test: trajectoryRange(table, nTrain, trajectories, dtype),
    meta: { ...parameters, hamiltonian: system.name, source: recipe.source },
  };
}
