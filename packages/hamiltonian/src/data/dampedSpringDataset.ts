import type { Dataset } from './Dataset.js';
import { checkDType, trajectoryRange } from './Dataset.js';
import type { PhaseField } from './fields.js';
import { sampleFieldTrajectories } from './fieldSampling.js';
import { type OscillatorDatasetOptions, circleState } from './oscillator.js';
import { countOption, fractionOption, intervalOption, nonNegativeOption, optionsOf, seedOption } from './options.js';

/** Options of `dampedSpringDataset`: the spring's, and the damping rate γ ≥ 0 (default 0.2). */
export interface DampedSpringDatasetOptions extends OscillatorDatasetOptions {
  readonly damping?: number;
}

/** The damped spring's field ẋ = (2p, −2q − γp) of one state (see `dampedSpringDataset`). */
export function dampedSpringField(damping: number): PhaseField {
  return (x) => Float64Array.of(2 * x[1], -2 * x[0] - damping * x[1]);
}

/**
 * The spring H = q² + p² of the HNN paper's first task with linear friction on the momentum:
 *   q̇ = ∂H/∂p = 2p,   ṗ = −∂H/∂q − γp = −2q − γp,
 * i.e. q̈ + γq̇ + 4q = 0, an underdamped oscillator for γ < 4. The friction is the gradient of
 * D = −γp²/2, so in the Helmholtz form ẋ = J∇H + ∇D of a dissipative HNN the true field has
 * div ẋ = ΔD = −γ everywhere: phase-space area contracts at the rate γ, and the energy decays as
 * dH/dt = −2γp². Sampled as the spring dataset (50 trajectories of 30 points on [0, 3], initial
 * radius ~ U[0.1, 1), targets at the noise-free states, then noise σ = 0.1), split by trajectory.
 */
export function dampedSpringDataset(options?: DampedSpringDatasetOptions): Dataset {
  const op = 'dampedSpringDataset';
  const o = optionsOf(op, options);
  const damping = nonNegativeOption(op, 'damping', o.damping ?? 0.2);
  const seed = seedOption(op, o.seed ?? 0);
  const trajectories = countOption(op, 'trajectories', o.trajectories ?? 50, 1);
  const points = countOption(op, 'points', o.points ?? 30, 2);
  const tSpan = intervalOption(op, 'tSpan', o.tSpan ?? [0, 3]);
  const radius = intervalOption(op, 'radius', o.radius ?? [0.1, 1], 0);
  const noise = nonNegativeOption(op, 'noise', o.noise ?? 0.1);
  const trainFraction = fractionOption(op, 'trainFraction', o.trainFraction ?? 0.5);
  const dtype = checkDType(op, o.dtype ?? 'float64');
  const [rtol, atol] = [o.rtol ?? 1e-10, o.atol ?? 1e-12];
  const field = dampedSpringField(damping);
  const spec = { field, width: 2, seed, trajectories, points, tSpan, rtol, atol, noise };
  const table = sampleFieldTrajectories({ ...spec, initialState: circleState(radius) });
  const nTrain = Math.floor(trajectories * trainFraction);
  return {
    name: 'dampedSpring',
    dof: 1,
    train: trajectoryRange(table, 0, nTrain, dtype),
    test: trajectoryRange(table, nTrain, trajectories, dtype),
    meta: { damping, seed, trajectories, points, tSpan, radius, noise, trainFraction, rtol, atol, dtype },
  };
}
