import {
  type BaselineModel,
  type Dataset,
  type Hamiltonian,
  type HnnModel,
  type OrbitDatasetOptions,
  baselineModel,
  hnnModel,
  massSpring,
  pendulum,
  pendulumDataset,
  springDataset,
  threeBody,
  threeBodyDataset,
  twoBody,
  twoBodyDataset,
} from '@liouville/hamiltonian';
import {
  loadPendulumReference,
  loadRealPendulum,
  loadSpringReference,
  loadTwoBodyReference,
} from '@liouville/hamiltonian/node';
import { UsageError } from './errors.js';

/** The tasks of the HNN paper (Greydanus, Dzamba & Yosinski, NeurIPS 2019, Table 1), by command-line name. */
export const TASK_NAMES = ['spring', 'pendulum', 'real', 'two-body', 'three-body'] as const;
/** A task's command-line name. */
export type TaskName = (typeof TASK_NAMES)[number];

/** The two learned models the paper compares. */
export const MODEL_KINDS = ['baseline', 'hnn'] as const;
/** 'baseline' or 'hnn'. */
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Where training data comes from: this project's generators, or the files the reference trained on. */
export const DATA_SOURCES = ['generated', 'reference'] as const;
/** 'generated' or 'reference'. */
export type DataSource = (typeof DATA_SOURCES)[number];

/** What a task's data actually was (the real pendulum only exists as measurements). */
export type DataOrigin = DataSource | 'measured';

/** The reference's training settings (greydanus/hamiltonian-nn, experiment-<task>/train.py defaults). */
export interface Hyperparameters {
  readonly hiddenDim: number;
  readonly hiddenLayers: number;
  readonly activation: 'tanh';
  readonly init: 'orthogonal';
  readonly optimiser: 'adam';
  readonly learningRate: number;
  /** L2 weight decay added to the gradient, as torch.optim.Adam(weight_decay=...). */
  readonly weightDecay: number;
  readonly steps: number;
  /** Rows per step; null = the whole training split (full batch). */
  readonly batchSize: number | null;
  readonly fieldType: 'solenoidal';
  readonly dtype: 'float64';
}

/** A task: its data, the true system its energy is measured with, and the reference's settings. */
export interface TaskSpec {
  readonly name: TaskName;
  readonly title: string;
  /** The task's key in hnn_reference_results.json. */
  readonly referenceKey: 'spring' | 'pend' | 'real' | '2body' | '3body';
  /** Phase-space dimension 2n. */
  readonly inputDim: number;
  readonly hyperparameters: Hyperparameters;
  /** The energy the evaluation measures (for the real pendulum, the reference analysis's fitted H). */
  readonly system: () => Hamiltonian;
  readonly systemDescription: string;
  /** Whether `reference` data exists; the real pendulum is always its measurements. */
  readonly hasReferenceData: boolean;
  readonly load: (source: DataSource, seed: number) => { dataset: Dataset; origin: DataOrigin };
  /** How the task's energy MSE is measured, as its reference notebook does (see protocols.ts). */
  readonly evaluation: TaskEvaluation;
}

/**
 * A task's evaluation protocol: from the reference's recorded start points (the spring's notebook
 * stretches time cumulatively; the pendulum's measures q² + p² beside the true H), along the
 * measured test segment (the real pendulum, whose data do not depend on the seed), or along
 * orbits from the task's generator with seeds 0, 1, … over [0, tEnd] with steps of at most dtMax.
 */
export type TaskEvaluation =
  | { readonly kind: 'startPoints'; readonly notebook: 'spring' | 'pendulum' }
  | { readonly kind: 'measuredSegment' }
  | {
      readonly kind: 'orbits';
      readonly tEnd: number;
      readonly dtMax: number;
      readonly generate: (options: OrbitDatasetOptions) => Dataset;
    };

const base = {
  hiddenDim: 200,
  hiddenLayers: 2,
  activation: 'tanh',
  init: 'orthogonal',
  optimiser: 'adam',
  learningRate: 1e-3,
  fieldType: 'solenoidal',
  dtype: 'float64',
} as const;

const fullBatch = (weightDecay: number): Hyperparameters => ({ ...base, steps: 2000, batchSize: null, weightDecay });

const TASKS: Readonly<Record<TaskName, TaskSpec>> = {
  spring: {
    name: 'spring',
    title: 'Ideal mass-spring',
    referenceKey: 'spring',
    inputDim: 2,
    hyperparameters: fullBatch(1e-4),
    system: () => massSpring({ variant: 'hnnCode' }),
    systemDescription: 'H = q² + p² (the reference code’s spring)',
    hasReferenceData: true,
    evaluation: { kind: 'startPoints', notebook: 'spring' },
    load: (source, seed) =>
      source === 'reference'
        ? { dataset: loadSpringReference(), origin: 'reference' }
        : { dataset: springDataset({ seed }), origin: 'generated' },
  },
  pendulum: {
    name: 'pendulum',
    title: 'Ideal pendulum',
    referenceKey: 'pend',
    inputDim: 2,
    hyperparameters: fullBatch(1e-4),
    system: () => pendulum({ variant: 'hnnCode' }),
    systemDescription: 'H = 3(1 − cos q) + p² (the reference code’s pendulum)',
    hasReferenceData: true,
    evaluation: { kind: 'startPoints', notebook: 'pendulum' },
    load: (source, seed) =>
      source === 'reference'
        ? { dataset: loadPendulumReference(), origin: 'reference' }
        : { dataset: pendulumDataset({ seed }), origin: 'generated' },
  },
  real: {
    name: 'real',
    title: 'Real pendulum (Schmidt & Lipson 2009)',
    referenceKey: 'real',
    inputDim: 2,
    hyperparameters: fullBatch(1e-5),
    // experiment-real/data.py hamiltonian_fn: H = k(1 − cos q) + p² with k = 2.4 "fit to the data";
    // the standard pendulum p²/(2ml²) + mgl(1 − cos q) with m = ½, l = 1, g = 4.8 is exactly that.
    system: () => pendulum({ m: 0.5, l: 1, g: 4.8 }),
    systemDescription: 'H = 2.4(1 − cos q) + p² (fitted to the data by the reference analysis)',
    hasReferenceData: true,
    evaluation: { kind: 'measuredSegment' },
    load: () => ({ dataset: loadRealPendulum(), origin: 'measured' }),
  },
  'two-body': {
    name: 'two-body',
    title: 'Two-body problem',
    referenceKey: '2body',
    inputDim: 8,
    hyperparameters: { ...base, steps: 10_000, batchSize: 200, weightDecay: 0 },
    system: () => twoBody(),
    systemDescription: 'H = Σ|pᵢ|²/2 − 1/|q₁ − q₂| (G = m = 1)',
    hasReferenceData: true,
    evaluation: { kind: 'orbits', tEnd: 25, dtMax: 0.05, generate: twoBodyDataset },
    load: (source, seed) =>
      source === 'reference'
        ? { dataset: loadTwoBodyReference(), origin: 'reference' }
        : { dataset: twoBodyDataset({ seed }), origin: 'generated' },
  },
  'three-body': {
    name: 'three-body',
    title: 'Three-body problem',
    referenceKey: '3body',
    inputDim: 12,
    hyperparameters: { ...base, steps: 10_000, batchSize: 600, weightDecay: 1e-4 },
    system: () => threeBody(),
    systemDescription: 'H = Σ|pᵢ|²/2 − Σ_{i<j} 1/|qᵢ − qⱼ| (G = m = 1)',
    hasReferenceData: false,
    evaluation: { kind: 'orbits', tEnd: 3, dtMax: 0.01, generate: threeBodyDataset },
    load: (_source, seed) => ({ dataset: threeBodyDataset({ seed }), origin: 'generated' }),
  },
};

/** The specification of a task by name. */
export function taskSpec(name: TaskName): TaskSpec {
  return TASKS[name];
}

/** Checks a task name given on the command line; 'all' is accepted when `allowAll`. */
export function parseTaskName(text: string, allowAll: boolean): TaskName[] {
  if (allowAll && text === 'all') return [...TASK_NAMES];
  if ((TASK_NAMES as readonly string[]).includes(text)) return [text as TaskName];
  const expected = allowAll ? [...TASK_NAMES, 'all'] : TASK_NAMES;
  throw new UsageError(`unknown task '${text}' (expected ${expected.join(', ')})`);
}

/** A task's hyperparameters with the number of steps overridden (for quick runs) when given. */
export function hyperparametersFor(task: TaskSpec, steps?: number): Hyperparameters {
  return steps === undefined ? task.hyperparameters : { ...task.hyperparameters, steps };
}

/** The model of a kind with a task's architecture (float64, as the reproduction trains). */
export function buildModel(
  kind: ModelKind,
  inputDim: number,
  h: Pick<Hyperparameters, 'hiddenDim' | 'hiddenLayers'>,
): HnnModel | BaselineModel {
  const options = { inputDim, hiddenDim: h.hiddenDim, hiddenLayers: h.hiddenLayers, activation: 'tanh' as const };
  return kind === 'hnn' ? hnnModel({ ...options, fieldType: 'solenoidal' }) : baselineModel(options);
}
