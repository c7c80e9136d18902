import type { RandomKey } from '@liouville/linalg';
import type { ParticleHamiltonian } from '../Hamiltonian.js';
import { type Dataset, type DatasetOptions, checkDType, trajectoryRange } from './Dataset.js';
import { gravityField } from './fields.js';
import { countOption, fractionOption, intervalOption, nonNegativeOption, optionsOf, seedOption } from './options.js';
import { sampleTrajectories } from './sampling.js';

/** Options shared by `twoBodyDataset` and `threeBodyDataset`. */
export interface OrbitDatasetOptions extends DatasetOptions {
  /** Seed of all random draws (default 0). */
  readonly seed?: number;
  /** Number of orbits (trajectories). */
  readonly trajectories?: number;
  /** Samples per orbit, at linspace(tSpan[0], tSpan[1], points). */
  readonly points?: number;
  readonly tSpan?: readonly [number, number];
  /** How far the initial velocities depart from a circular orbit (see each generator). */
  readonly orbitNoise?: number;
  /** Standard deviation of Gaussian noise added to the states after the targets (default 0: none, as the reference). */
  readonly noise?: number;
  /** Fraction of the orbits, taken from the START, held out as the test split (default 0.2, as the reference). */
  readonly testFraction?: number;
  /** Relative tolerance of the solver (default 1e-9, the reference's). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-12; the reference left SciPy's 1e-6). */
  readonly atol?: number;
}

/** What distinguishes the orbit datasets: the system and the reference's defaults and initial states. */
export interface OrbitRecipe {
  readonly name: string;
  readonly system: ParticleHamiltonian;
  readonly trajectories: number;
  readonly points: number;
  readonly tSpan: readonly [number, number];
  readonly orbitNoise: number;
  readonly source: string;
  /** The initial state, given the validated orbit noise, as (q, p) in the catalogue's layout. */
  readonly initialState: (orbitNoise: number) => (key: RandomKey) => Float64Array;
  /** Generator-specific parameters already validated, recorded in meta. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * A dataset of N-body orbits as the HNN reference code builds it (greydanus/hamiltonian-nn,
 * experiment-2body/data.py and experiment-3body/data.py, make_orbits_dataset): each orbit
 * integrated to fixed times, targets ẋ = J∇H and the total energy at every sample, and the FIRST
 * ⌊trajectories · testFraction⌋ orbits held out as the test split, the rest train. The reference
 * splits rows at int(rows · test_split), which falls on an orbit boundary for its settings.
 */
export function orbitDataset(recipe: OrbitRecipe, options?: OrbitDatasetOptions): Dataset {
  const op = `${recipe.name}Dataset`;
  const o = optionsOf(op, options);
  const seed = seedOption(op, o.seed ?? 0);
  const trajectories = countOption(op, 'trajectories', o.trajectories ?? recipe.trajectories, 1);
  const points = countOption(op, 'points', o.points ?? recipe.points, 2);
  const tSpan = intervalOption(op, 'tSpan', o.tSpan ?? recipe.tSpan);
  const orbitNoise = nonNegativeOption(op, 'orbitNoise', o.orbitNoise ?? recipe.orbitNoise);
  const noise = nonNegativeOption(op, 'noise', o.noise ?? 0);
  const testFraction = fractionOption(op, 'testFraction', o.testFraction ?? 0.2);
  const dtype = checkDType(op, o.dtype ?? 'float64');
  const [rtol, atol] = [o.rtol ?? 1e-9, o.atol ?? 1e-12];
  const { system } = recipe;
  const table = sampleTrajectories({
    system,
    field: gravityField(system.masses, system.params.G),
    seed,
    trajectories,
    points,
    tSpan,
    rtol,
    atol,
    noise,
    withEnergy: true,
    initialState: recipe.initialState(orbitNoise),
  });
  const nTest = Math.floor(trajectories * testFraction);
  const parameters = { seed, trajectories, points, tSpan, orbitNoise, noise, testFraction, rtol, atol, dtype };
  return {
    name: recipe.name,
    dof: system.dim,
    train: trajectoryRange(table, nTest, trajectories, dtype),
    test: trajectoryRange(table, 0, nTest, dtype),
    meta: { ...parameters, ...recipe.parameters, hamiltonian: system.name, source: recipe.source },
  };
}

/** The point (x, y) rotated by θ about the origin (the reference's rotate2d). */
export function rotate(x: number, y: number, theta: number): [number, number] {
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  return [c * x - s * y, s * x + c * y];
}
