import { type DoublePendulumOptions, doublePendulum } from '../systems/doublePendulum.js';
import { type Dataset, type DatasetOptions, checkDType, trajectoryRange } from './Dataset.js';
import type { PhaseField } from './fields.js';
import { sampleFieldTrajectories, uniformState } from './fieldSampling.js';
import { countOption, fractionOption, intervalOption, nonNegativeOption, optionsOf, seedOption } from './options.js';

/** Options of `doublePendulumDataset`: the catalogue system's parameters and the sampling. */
export interface DoublePendulumDatasetOptions extends DatasetOptions, DoublePendulumOptions {
  readonly seed?: number;
  /** Number of trajectories (default 40). */
  readonly trajectories?: number;
  /** Samples per trajectory (default 100). */
  readonly points?: number;
  /** Time interval of each trajectory (default [0, 10]). */
  readonly tSpan?: readonly [number, number];
  /** Initial angles θ₁, θ₂ ~ U(angles) (default [−π/2, π/2]). */
  readonly angles?: readonly [number, number];
  /** Initial angular velocities ~ U(velocities) (default [−1, 1]). */
  readonly velocities?: readonly [number, number];
  /** Gaussian noise on the states (default 0). */
  readonly noise?: number;
  /** Fraction of the trajectories, from the start, that train (default 0.5). */
  readonly trainFraction?: number;
}

/**
 * The double pendulum's equations of motion in angles and angular velocities (θ, θ̇), from its
 * Lagrangian (see `doublePendulum`), with Δ = θ₁ − θ₂ and d = 2m₁ + m₂ − m₂cos 2Δ:
 *   θ̈₁ = [−g(2m₁ + m₂)sin θ₁ − m₂g sin(θ₁ − 2θ₂) − 2m₂ sin Δ (θ̇₂²l₂ + θ̇₁²l₁cos Δ)] / (l₁d)
 *   θ̈₂ = 2 sin Δ [θ̇₁²l₁(m₁ + m₂) + g(m₁ + m₂)cos θ₁ + θ̇₂²l₂m₂cos Δ] / (l₂d)
 * (E. Neumann, myPhysicsLab "Double Pendulum"; the tests check it against the catalogue's H).
 */
export function doublePendulumVelocityField(options: DoublePendulumOptions = {}): PhaseField {
  const { m1, m2, l1, l2, g } = doublePendulum(options).params as Record<string, number>;
  return (x) => {
    const [t1, t2, w1, w2] = x;
    const delta = t1 - t2;
    const d = 2 * m1 + m2 - m2 * Math.cos(2 * delta);
    const a1 =
      (-g * (2 * m1 + m2) * Math.sin(t1) -
        m2 * g * Math.sin(t1 - 2 * t2) -
        2 * Math.sin(delta) * m2 * (w2 * w2 * l2 + w1 * w1 * l1 * Math.cos(delta))) /
      (l1 * d);
    const a2 =
      (2 *
        Math.sin(delta) *
        (w1 * w1 * l1 * (m1 + m2) + g * (m1 + m2) * Math.cos(t1) + w2 * w2 * l2 * m2 * Math.cos(delta))) /
      (l2 * d);
    return Float64Array.of(w1, w2, a1, a2);
  };
}

/**
 * The double pendulum's energy E = T + V in angles and angular velocities, one row (θ₁, θ₂, θ̇₁, θ̇₂):
 * T = ½θ̇ᵀM(θ)θ̇ with the mass matrix of `doublePendulum`, V = (m₁ + m₂)gl₁(1 − cos θ₁) + m₂gl₂(1 − cos θ₂)
 * (the catalogue's H at p = M(θ)θ̇).
 */
export function doublePendulumVelocityEnergy(options: DoublePendulumOptions = {}): (x: ArrayLike<number>) => number {
  const { m1, m2, l1, l2, g } = doublePendulum(options).params as Record<string, number>;
  return (x) => {
    const [t1, t2, w1, w2] = [x[0], x[1], x[2], x[3]];
    const kinetic =
      0.5 * (m1 + m2) * l1 * l1 * w1 * w1 + 0.5 * m2 * l2 * l2 * w2 * w2 + m2 * l1 * l2 * w1 * w2 * Math.cos(t1 - t2);
    return kinetic + (m1 + m2) * g * l1 * (1 - Math.cos(t1)) + m2 * g * l2 * (1 - Math.cos(t2));
  };
}

/**
 * Trajectories of the catalogue's double pendulum in the coordinates a camera measures, angles and
 * angular velocities: rows x = (θ₁, θ₂, θ̇₁, θ̇₂), targets (θ̇, θ̈). The velocities are NOT the
 * canonical momenta (p = M(θ)θ̇ with a configuration-dependent mass matrix): the task of the
 * Lagrangian Neural Network (Cranmer et al. 2020, §5), and a trap for an HNN given p := θ̇.
 */
export function doublePendulumDataset(options?: DoublePendulumDatasetOptions): Dataset {
  const op = 'doublePendulumDataset';
  const o = optionsOf(op, options);
  const seed = seedOption(op, o.seed ?? 0);
  const trajectories = countOption(op, 'trajectories', o.trajectories ?? 40, 1);
  const points = countOption(op, 'points', o.points ?? 100, 2);
  const tSpan = intervalOption(op, 'tSpan', o.tSpan ?? [0, 10]);
  const angles = intervalOption(op, 'angles', o.angles ?? [-Math.PI / 2, Math.PI / 2]);
  const velocities = intervalOption(op, 'velocities', o.velocities ?? [-1, 1]);
  const noise = nonNegativeOption(op, 'noise', o.noise ?? 0);
  const trainFraction = fractionOption(op, 'trainFraction', o.trainFraction ?? 0.5);
  const dtype = checkDType(op, o.dtype ?? 'float64');
  const system = { m1: o.m1, m2: o.m2, l1: o.l1, l2: o.l2, g: o.g };
  const field = doublePendulumVelocityField(system);
  const initialState = uniformState([angles, angles, velocities, velocities]);
  const table = sampleFieldTrajectories({
    field,
    width: 4,
    seed,
    trajectories,
    points,
    tSpan,
    rtol: 1e-10,
    atol: 1e-12,
    noise,
    initialState,
  });
  const nTrain = Math.floor(trajectories * trainFraction);
  return {
    name: 'doublePendulum',
    dof: 2,
    train: trajectoryRange(table, 0, nTrain, dtype),
    test: trajectoryRange(table, nTrain, trajectories, dtype),
    meta: {
      ...doublePendulum(system).params,
      coordinates: 'angles and angular velocities (θ, θ̇); p is not the canonical momentum',
      seed,
      trajectories,
      points,
      tSpan,
      angles,
      velocities,
      noise,
      trainFraction,
      dtype,
    },
  };
}
