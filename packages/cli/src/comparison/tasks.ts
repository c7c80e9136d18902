import {
  type Dataset,
  type Rollout,
  centralDifferenceTargets,
  dampedSpringDataset,
  dampedSpringField,
  dopri5Rollout,
  doublePendulumDataset,
  doublePendulumVelocityEnergy,
  doublePendulumVelocityField,
  massSpring,
  pendulumDataset,
  springDataset,
} from '@liouville/hamiltonian';
import { Tensor } from '@liouville/linalg';
import { UsageError } from '../errors.js';
import { energyOf, truthRollouts } from '../evaluation.js';
import { protocolFor } from '../protocols.js';
import type { ReferenceFile } from '../reference.js';
import { type DataOrigin, type DataSource, type Hyperparameters, type TaskSpec, taskSpec } from '../tasks.js';
import type { ComparisonModel } from './models.js';

/**
 * The tasks of a model comparison (`reproduce --models`): three of the paper's, with its data and
 * energy protocol, and two beyond it — a damped spring (known friction, for the dissipative HNN) and
 * the double pendulum in angles and angular velocities (for the Lagrangian network).
 */
export const COMPARISON_TASKS = ['spring', 'pendulum', 'real', 'damped-spring', 'double-pendulum'] as const;
/** A task name of a comparison. */
export type ComparisonTaskName = (typeof COMPARISON_TASKS)[number];

/** `--targets`: the dataset's ẋ targets, or central differences of the observed states for every model. */
export const COMPARISON_TARGETS = ['dataset', 'central'] as const;
/** A value of `--targets`. */
export type ComparisonTargets = (typeof COMPARISON_TARGETS)[number];

/** How a heading names the targets: nothing for the dataset's own, else the estimate used. */
export function targetsLabel(targets: ComparisonTargets | undefined): string {
  return targets === 'central' ? ', central-difference ẋ targets' : '';
}

/** How a task's rollouts are judged: against simulated truth from start states, or against one measured segment. */
export type ComparisonEvaluation =
  | {
      readonly kind: 'simulated';
      readonly truth: Rollout;
      readonly starts: readonly Tensor[];
      readonly energy: (x: Tensor) => number;
      /** 'mse': (E(truth) − E(model))² along the rollouts, as the paper; 'drift': |E_model(t) − E_model(0)|. */
      readonly energyMetric: 'mse' | 'drift';
      readonly energyLabel: string;
      /** End of the energy evaluation, one for all starts or one per start. */
      readonly tEnd: number | readonly number[];
      readonly points: number;
      readonly rtol: number;
      readonly atol: number;
      readonly horizons: readonly number[];
      /**
       * Starts inside the training data's range (the noise-free first state of each test trajectory), whose
       * rollout errors are reported beside those from `starts` when these lie partly outside it
       * (the spring notebook's reach radius 1.33 while its data span 0.1 to 1; the pendulum's lie
       * at 0.5 to 1.3, its data at 1.3 to 2.3).
       */
      readonly testStarts?: readonly Tensor[];
    }
  | {
      readonly kind: 'measured';
      readonly states: Tensor;
      readonly times: readonly number[];
      /** The sampling grid of the measurements (their gaps are whole multiples of it). */
      readonly spacing: number;
      readonly energy: (x: Tensor) => number;
      readonly energyLabel: string;
      readonly rtol: number;
      readonly atol: number;
      readonly horizons: readonly number[];
    };

/** A comparison task: data, settings, which models apply, and how rollouts are judged. */
export interface ComparisonTask {
  readonly name: ComparisonTaskName;
  readonly title: string;
  readonly inputDim: number;
  readonly hyperparameters: Hyperparameters;
  /** The paper's task whose Table 1 figures are printed beside ours, when there is one. */
  readonly paper?: TaskSpec;
  /** Models that make sense on the task's coordinates. */
  readonly models: readonly ComparisonModel[];
  /**
   * The ẋ targets the task's models train and are tested on unless `--targets` says otherwise: the
   * dataset's where they are exact (generated data), central differences of the states where the
   * dataset's are estimates of lower order (the measured pendulum).
   */
  readonly targets: ComparisonTargets;
  /** The true damping rate, where known (the dissipative HNN's learned one is printed beside it). */
  readonly damping?: number;
  /**
   * The physical energy of one state, what `simulate --params` writes beside a rollout: the true H
   * of the paper's tasks, q² + p² of the damped spring (which decays), the double pendulum's
   * E(θ, θ̇).
   */
  readonly energy: () => (x: Tensor) => number;
  readonly load: (source: DataSource, seed: number) => { dataset: Dataset; origin: DataOrigin };
  /** The task's generated data at another observation noise σ (`--noise`); absent for measured data. */
  readonly generate?: (seed: number, noise: number) => Dataset;
  /**
   * How rollouts are judged on a seed's data. `noiseFree`: the same trajectories without observation
   * noise, when the data were generated; the test trajectories' first states come from it, so a
   * noisy first observation cannot move a start out of the data's range (beyond the pendulum's
   * separatrix, onto an orbit no trajectory has). Without it, from the observed states.
   */
  readonly evaluation: (
    dataset: Dataset,
    reference: ReferenceFile,
    count: number,
    noiseFree?: Dataset,
  ) => ComparisonEvaluation;
}

/** Canonical (q, p) tasks: every model but the LNN, which needs velocities. */
const CANONICAL: readonly ComparisonModel[] = ['baseline', 'hnn', 'dhnn', 'srnn', 'hnn-fd', 'dhnn-fd'];

/** A closed-form field of one state as a dopri5 rollout (the truth of the simulated tasks). */
function fieldTruth(field: (x: Float64Array) => Float64Array, width: number): Rollout {
  return dopri5Rollout((x) => new Tensor(field(x.data as Float64Array), [width]), { rtol: 1e-10, atol: 1e-10 });
}

/** One of the paper's one-degree-of-freedom tasks with its own protocol's start points, span and energy. */
function paperTask(name: 'spring' | 'pendulum' | 'real'): ComparisonTask {
  const spec = taskSpec(name);
  const generators = { spring: springDataset, pendulum: pendulumDataset };
  const generator = name === 'real' ? undefined : generators[name];
  return {
    name,
    title: spec.title,
    inputDim: spec.inputDim,
    hyperparameters: spec.hyperparameters,
    paper: spec,
    models: CANONICAL,
    // The reference's real-pendulum targets are forward differences (x_{k+1} − x_k)/Δt: first-order
    // estimates whose O(Δt) error turns the measured rotation into an inward spiral. A DHNN learns
    // −ΔD = 0.205 on them, 15× the 0.0135 it learns on central differences (error O(Δt²)), with
    // which its rollout's energy decays as the measured one. They are the D-HNN authors' targets too.
    targets: name === 'real' ? 'central' : 'dataset',
    energy: () => energyOf(spec.system()),
    load: spec.load,
    generate: generator === undefined ? undefined : (seed, noise) => generator({ seed, noise }),
    evaluation: (dataset, reference, count, noiseFree) => {
      const protocol = protocolFor(spec, reference, dataset, count);
      const [set] = protocol.sets;
      const metric = protocol.metrics.find((m) => m.paper && m.integrator === 'dopri5') ?? protocol.metrics[0];
      const energy = energyOf(metric.energy);
      if (set.kind === 'measured') {
        const { states, times, spacing, rtol, atol } = set;
        const horizons = [1, 5, 18];
        return { kind: 'measured', states, times, spacing, energy, energyLabel: metric.label, rtol, atol, horizons };
      }
      const truth = truthRollouts(protocol, spec.system()).get(set.key) as Rollout;
      return {
        kind: 'simulated',
        truth,
        starts: set.initialStates,
        energy,
        energyMetric: 'mse',
        energyLabel: metric.label,
        tEnd: set.tEnd,
        points: set.points,
        rtol: set.rtol,
        atol: set.atol,
        horizons: [2, 5, 20],
        testStarts: testStarts(noiseFree ?? dataset, count),
      };
    },
  };
}

/** The spring with friction γ = 0.2 (dampedSpringDataset): its energy q² + p² decays. */
const DAMPING = 0.2;
/**
 * Noiseless states, as the D-HNN authors' damped spring (the exact field on a grid;
 * DrewSosa/dissipative_hnns experiment_dampedspring/data.py): the task measures whether a model
 * recovers the friction, and at the spring's σ = 0.1 its 750 training rows cannot fix γ to 5% for
 * any model of the field. Even one that knows the form ṗ = −2q − γp and reads the exact p from
 * q̇ = 2p has the Cramér–Rao bound sd(γ̂) = 2σ/√Σp² ≈ 9.8% of γ there, and its maximum-likelihood
 * estimate lands within 5% in 13 of 40 datasets (seeds 0–39). `--noise 0.1` gives the noisy task.
 */
const DAMPED_SPRING_NOISE = 0;
const dampedSpring: ComparisonTask = {
  name: 'damped-spring',
  title: `Damped mass-spring (ṗ = −2q − γp, γ = ${DAMPING})`,
  inputDim: 2,
  // The spring's settings without weight decay: L2 shrinkage pulls the dissipative network D_φ, and
  // with it the recovered γ, toward zero. On the task's noiseless data (seeds 0–3, 2000 steps) the
  // DHNN recovers γ = 0.193, 0.190, 0.189, 0.191 with the spring's 1e-4 (4000 steps leave it) and
  // 0.1997, 0.1987, 0.1991, 0.1995 with none (`reproduce --task damped-spring --models dhnn
  // --seeds 4`). Every model of the task gets the same.
  hyperparameters: { ...taskSpec('spring').hyperparameters, weightDecay: 0 },
  models: CANONICAL,
  targets: 'dataset',
  damping: DAMPING,
  energy: () => energyOf(massSpring({ variant: 'hnnCode' })),
  load: (_source, seed) => ({
    dataset: dampedSpringDataset({ seed, damping: DAMPING, noise: DAMPED_SPRING_NOISE }),
    origin: 'generated',
  }),
  generate: (seed, noise) => dampedSpringDataset({ seed, damping: DAMPING, noise }),
  evaluation: (dataset, _reference, count, noiseFree) => {
    const starts = testStarts(noiseFree ?? dataset, count);
    return {
      kind: 'simulated',
      truth: fieldTruth(dampedSpringField(DAMPING), 2),
      starts,
      energy: dampedSpring.energy(),
      energyMetric: 'mse',
      energyLabel: 'energy MSE against the truth (q² + p², which decays), t ∈ [0, 20]',
      tEnd: 20,
      points: 100,
      rtol: 1e-10,
      atol: 1e-10,
      horizons: [2, 5, 20],
    };
  },
};

/** The double pendulum in (θ, θ̇): no canonical momenta, so no separable HNN (the HNN gets p := θ̇). */
const doublePendulum: ComparisonTask = {
  name: 'double-pendulum',
  title: 'Double pendulum in angles and angular velocities (m = l = g = 1)',
  inputDim: 4,
  // Minibatches of 256 rows: the LNN's step (a Hessian and a 2×2 solve per row, differentiated) is
  // the expensive one; every model gets the same.
  hyperparameters: { ...taskSpec('spring').hyperparameters, batchSize: 256, weightDecay: 0 },
  models: ['baseline', 'hnn', 'dhnn', 'lnn', 'dhnn-fd'],
  targets: 'dataset',
  energy: () => {
    const energy = doublePendulumVelocityEnergy();
    return (x) => energy(x.data);
  },
  load: (_source, seed) => ({ dataset: doublePendulumDataset({ seed }), origin: 'generated' }),
  generate: (seed, noise) => doublePendulumDataset({ seed, noise }),
  evaluation: (dataset, _reference, count, noiseFree) => {
    return {
      kind: 'simulated',
      truth: fieldTruth(doublePendulumVelocityField(), 4),
      starts: testStarts(noiseFree ?? dataset, count),
      energy: doublePendulum.energy(),
      energyMetric: 'drift',
      energyLabel: 'energy drift: mean |E(t) − E(0)| along each rollout, t ∈ [0, 50] (the truth conserves E)',
      tEnd: 50,
      points: 201,
      rtol: 1e-9,
      atol: 1e-9,
      horizons: [1, 2, 5],
    };
  },
};

/**
 * The data the models of a comparison see: as loaded, or (central) with both splits' targets
 * replaced by central differences of their states, so every model trains and is tested on the same
 * estimates.
 */
export function withTargets(dataset: Dataset, targets: ComparisonTargets): Dataset {
  if (targets === 'dataset') return dataset;
  return { ...dataset, train: centralDifferenceTargets(dataset.train), test: centralDifferenceTargets(dataset.test) };
}

/** The first state of each of the first `count` test trajectories. */
function testStarts(dataset: Dataset, count: number): Tensor[] {
  const { x, trajectory } = dataset.test;
  const width = x.shape[1];
  const starts: Tensor[] = [];
  const rows = x.shape[0];
  for (let r = 0; r < rows && starts.length < count; r++) {
    if (r === 0 || (trajectory !== undefined && trajectory[r] !== trajectory[r - 1])) {
      starts.push(new Tensor(x.data.slice(r * width, (r + 1) * width), [width]));
    }
  }
  return starts;
}

const TASKS: Readonly<Record<ComparisonTaskName, ComparisonTask>> = {
  spring: paperTask('spring'),
  pendulum: paperTask('pendulum'),
  real: paperTask('real'),
  'damped-spring': dampedSpring,
  'double-pendulum': doublePendulum,
};

/** The comparison task of a name. */
export function comparisonTask(name: ComparisonTaskName): ComparisonTask {
  return TASKS[name];
}

/** A comparison task by command-line name ('all': every one), or a UsageError listing them. */
export function parseComparisonTasks(text: string): ComparisonTask[] {
  if (text === 'all') return COMPARISON_TASKS.map((name) => TASKS[name]);
  if (!(COMPARISON_TASKS as readonly string[]).includes(text)) {
    throw new UsageError(`--models compares on ${COMPARISON_TASKS.join(', ')} or all; got '${text}'`);
  }
  return [TASKS[text as ComparisonTaskName]];
}

/** Checks every requested model applies to the task (the LNN needs velocities, the SRNN even trajectories). */
export function checkModelsFor(task: ComparisonTask, models: readonly ComparisonModel[]): void {
  const misfit = models.filter((m) => !task.models.includes(m));
  if (misfit.length > 0) {
    throw new UsageError(
      `model${misfit.length > 1 ? 's' : ''} ${misfit.join(', ')} do${misfit.length > 1 ? '' : 'es'} not apply to task '${task.name}' (it takes ${task.models.join(', ')})`,
    );
  }
}
