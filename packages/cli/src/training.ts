import {
  type Dataset,
  type Estimate,
  type FieldModel,
  type TrainHistory,
  splitLoss,
  train,
} from '@liouville/hamiltonian';
import { type MlpParams, adam } from '@liouville/nn';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelMeta } from './modelFile.js';
import { type DataOrigin, type Hyperparameters, type ModelKind, type TaskSpec, buildModel } from './tasks.js';

/** The outcome of training one model: parameters, curves, final losses and timings. */
export interface TrainedModel {
  readonly kind: ModelKind;
  readonly model: FieldModel;
  readonly params: MlpParams;
  readonly history: TrainHistory;
  readonly status: 'completed' | 'diverged';
  readonly message: string;
  readonly stepsDone: number;
  /** The loss on the whole train and test splits after training, ± as the reference prints it. */
  readonly trainLoss: Estimate;
  readonly testLoss: Estimate;
  readonly trainSeconds: number;
  readonly msPerStep: number;
}

/** How often the test loss is recorded for the curves: about 100 points per run. */
export function evalEveryFor(steps: number): number {
  return Math.max(1, Math.round(steps / 100));
}

/**
 * Trains one model of a task with the given hyperparameters (Adam with L2 weight decay, full batch
 * or fresh minibatches), reporting progress on standard error, then measures both splits.
 */
export function trainModel(
  io: CliIO,
  task: TaskSpec,
  kind: ModelKind,
  seed: number,
  dataset: Dataset,
  h: Hyperparameters,
  label: string,
): TrainedModel {
  const model = buildModel(kind, task.inputDim, h);
  const progress = progressLine(io, label, h.steps);
  const started = io.now();
  const result = train({
    model,
    data: { train: dataset.train, test: dataset.test },
    steps: h.steps,
    batchSize: h.batchSize ?? undefined,
    optimiser: adam({ lr: h.learningRate, weightDecay: h.weightDecay }),
    seed,
    evalEvery: evalEveryFor(h.steps),
    onStep: ({ step, trainLoss }) => progress.update(step, trainLoss),
  });
  const trainSeconds = (io.now() - started) / 1000;
  const trainLoss = splitLoss(model, result.params, dataset.train);
  const testLoss = splitLoss(model, result.params, dataset.test);
  const summary = `${result.status}: train ${trainLoss.mean.toExponential(3)}, test ${testLoss.mean.toExponential(3)}`;
  progress.done(result.status === 'completed' ? summary : `${summary} (${result.message})`);
  return {
    kind,
    model,
    params: result.params,
    history: result.history,
    status: result.status,
    message: result.message,
    stepsDone: result.stepsDone,
    trainLoss,
    testLoss,
    trainSeconds,
    msPerStep: result.stepsDone > 0 ? (1000 * trainSeconds) / result.stepsDone : Number.NaN,
  };
}

/** The metadata saved with a trained model: what it is, how it was trained and its final losses. */
export function modelMetaOf(
  task: TaskSpec,
  trained: TrainedModel,
  h: Hyperparameters,
  seed: number,
  data: DataOrigin,
): ModelMeta {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    task: task.name,
    model: trained.kind,
    inputDim: task.inputDim,
    hyperparameters: h,
    seed,
    data,
    stepsDone: trained.stepsDone,
    status: trained.status,
    finalTrainLoss: trained.trainLoss.mean,
    finalTestLoss: trained.testLoss.mean,
  };
}
