import {
  type Dataset,
  type SavableModel,
  type SavedModelKind,
  type Split,
  baselineModel,
  dhnnModel,
  hnnModel,
  lnnModel,
  separableHnnModel,
  train,
  trainRollout,
  trajectorySegments,
} from '@liouville/hamiltonian';
import { adam } from '@liouville/nn';
import { UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { progressLine } from '../progress.js';
import type { Hyperparameters } from '../tasks.js';
import { type Trained, evalEveryFor, finishTraining } from '../training.js';
import { withTargets } from './tasks.js';

/**
 * The models `reproduce --models` and `train --model` know beyond the paper's two: the dissipative
 * HNN (Sosanya & Greydanus 2022), the Lagrangian Neural Network (Cranmer et al. 2020), the separable
 * HNN trained through leapfrog rollouts (SRNN, Chen et al. 2020), and the HNN and DHNN trained on
 * central-difference estimates of ẋ from the observed states (what a derivative-trained model has
 * when only states were measured; on the real pendulum, in place of the reference's forward
 * differences).
 */
export const COMPARISON_MODELS = ['baseline', 'hnn', 'dhnn', 'lnn', 'srnn', 'hnn-fd', 'dhnn-fd'] as const;
/** A model name of `--models`. */
export type ComparisonModel = (typeof COMPARISON_MODELS)[number];

/** Display names, as in the papers. */
export const MODEL_TITLES: Readonly<Record<ComparisonModel, string>> = {
  baseline: 'baseline',
  hnn: 'HNN',
  dhnn: 'DHNN',
  lnn: 'LNN',
  srnn: 'SRNN',
  'hnn-fd': 'HNN (f.d. ẋ)',
  'dhnn-fd': 'DHNN (f.d. ẋ)',
};

/** The architecture of each model (what its file's `model` says): the -fd variants differ only in their training data. */
export const MODEL_ARCHITECTURES: Readonly<Record<ComparisonModel, SavedModelKind>> = {
  baseline: 'baseline',
  hnn: 'hnn',
  dhnn: 'dhnn',
  lnn: 'lnn',
  srnn: 'srnn',
  'hnn-fd': 'hnn',
  'dhnn-fd': 'dhnn',
};

/** Parses `--models a,b,c`: known names, each once. */
export function parseModels(text: string): ComparisonModel[] {
  const names = text.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(COMPARISON_MODELS as readonly string[]).includes(name)) {
      throw new UsageError(
        `unknown model '${name}' in --models (expected a comma-separated list of ${COMPARISON_MODELS.join(', ')})`,
      );
    }
  }
  if (new Set(names).size !== names.length) throw new UsageError(`--models names a model twice: '${text}'`);
  return names as ComparisonModel[];
}

/**
 * The SRNN's rollout training: observation intervals per window, leapfrog steps per interval, and
 * windows per step. A window's phase error grows with its length, so longer windows pin the
 * learned period harder (Chen et al. 2020's multiple-step training). 10 intervals in place of 5
 * (seeds 0–1, σ = 0.1) cut the error at t = 20 from the test starts from 2.8e-2 and 8.9e-2 to
 * 8.3e-3 and 6.6e-2 on the spring, and from 0.42 and 0.49 to 0.038 and 0.33 on the pendulum, at
 * twice the cost per step. Whole trajectories from the first step (29 and 44 intervals) stall:
 * after 600 steps the spring's loss was still 0.39, against the noise floor σ² = 0.01.
 */
export const SRNN_TRAINING = { segmentSteps: 10, substeps: 2, batchSegments: 128 } as const;

/**
 * The model of a kind with a task's architecture. The LNN uses softplus (its paper's choice: it
 * needs non-zero second derivatives) and a kinetic offset ½|q̇|²; every other model the task's
 * activation.
 */
export function buildComparisonModel(kind: ComparisonModel, inputDim: number, h: Hyperparameters): SavableModel {
  const options = { inputDim, hiddenDim: h.hiddenDim, hiddenLayers: h.hiddenLayers, activation: h.activation };
  switch (kind) {
    case 'baseline':
      return baselineModel(options);
    case 'hnn':
    case 'hnn-fd':
      return hnnModel({ ...options, fieldType: 'solenoidal' });
    case 'dhnn':
    case 'dhnn-fd':
      return dhnnModel(options);
    case 'lnn':
      // L_θ = network + ½|q̇|² (lnnModel's kineticOffset): the mass matrix starts near I, so the
      // first solves are well conditioned; without it 2000 steps leave the LNN far behind.
      return lnnModel({ inputDim, hiddenDim: h.hiddenDim, hiddenLayers: h.hiddenLayers, kineticOffset: 1 });
    case 'srnn':
      return separableHnnModel(options);
  }
}

/** One trained model of a comparison: parameters, curves, both splits' losses and timings. */
export type TrainedComparison = Trained<ComparisonModel, SavableModel>;

/** The training split a kind learns from: the data as given, or with its targets estimated from the states. */
function trainingSplits(kind: ComparisonModel, dataset: Dataset): { train: Split; test: Split } {
  return kind === 'hnn-fd' || kind === 'dhnn-fd' ? withTargets(dataset, 'central') : dataset;
}

/**
 * Trains one model with the task's Adam settings: by `train` on ẋ targets, or (SRNN) by
 * `trainRollout` on every window of 11 consecutive training observations, 128 windows per step,
 * 2 leapfrog steps per observation interval. Losses are the MSE of ẋ on both splits for every kind.
 */
export function trainComparisonModel(
  io: CliIO,
  kind: ComparisonModel,
  inputDim: number,
  dataset: Dataset,
  h: Hyperparameters,
  seed: number,
  label: string,
): TrainedComparison {
  const model = buildComparisonModel(kind, inputDim, h);
  const progress = progressLine(io, label, h.steps);
  const started = io.now();
  const optimiser = adam({ lr: h.learningRate, weightDecay: h.weightDecay });
  const common = { steps: h.steps, optimiser, seed, evalEvery: evalEveryFor(h.steps) };
  const onStep = ({ step, trainLoss }: { step: number; trainLoss: number }) => progress.update(step, trainLoss);
  const result =
    model.kind === 'srnn'
      ? trainRollout({
          ...common,
          model,
          data: { train: segmentsOf(dataset.train, 'train'), test: segmentsOf(dataset.test, 'test') },
          substeps: SRNN_TRAINING.substeps,
          batchSize: SRNN_TRAINING.batchSegments,
          onStep,
        })
      : train({ ...common, model, data: trainingSplits(kind, dataset), batchSize: h.batchSize ?? undefined, onStep });
  return finishTraining(io, progress, started, { kind, model, result }, dataset);
}

/** Windows of the SRNN's training: a split without evenly sampled trajectories is a usage error. */
function segmentsOf(split: Split, name: string) {
  try {
    return trajectorySegments(split, { steps: SRNN_TRAINING.segmentSteps });
  } catch (error) {
    throw new UsageError(`srnn needs evenly sampled trajectories in the ${name} split: ${(error as Error).message}`);
  }
}
