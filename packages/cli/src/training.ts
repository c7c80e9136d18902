import {
  type BaselineModel,
  type Dataset,
  type Estimate,
  type HnnModel,
  type SavableModel,
  type TrainHistory,
  type TrainResult,
  modelFileMeta,
  splitLoss,
  train,
} from '@liouville/hamiltonian';
import { type MlpParams, adam } from '@liouville/nn';
import type { CliIO } from './io.js';
import { type ProgressLine, progressLine } from './progress.js';
import type { ComparisonModel } from './comparison/models.js';
import type { ModelMeta, ModelTaskName } from './modelFile.js';
import { type DataOrigin, type Hyperparameters, type ModelKind, type TaskSpec, buildModel } from './tasks.js';

/** A trained model: parameters, curves, status, the loss on both splits after training and the time taken. */
export interface Trained<K extends string, M extends SavableModel> {
  readonly kind: K;
  readonly model: M;
  readonly params: MlpParams;
  readonly history: TrainHistory;
  readonly status: 'completed' | 'diverged';
  readonly message: string;
  readonly stepsDone: number;
  /** The loss on the whole train and test splits after training, ± as the reference prints it. */
  readonly trainLoss: Estimate;
  readonly testLoss: Estimate;
  readonly trainSeconds: number;
}

/** The outcome of training one of the paper's models, with its time per step. */
export interface TrainedModel extends Trained<ModelKind, HnnModel | BaselineModel> {
  readonly msPerStep: number;
}

/**
 * Closes a training: the loss of its result on both splits, the progress line ended with them
 * (and the reason when it diverged), and the seconds since `started`.
 */
export function finishTraining<K extends string, M extends SavableModel>(
  io: CliIO,
  progress: ProgressLine,
  started: number,
  outcome: { readonly kind: K; readonly model: M; readonly result: TrainResult },
  dataset: Dataset,
): Trained<K, M> {
  const { kind, model, result } = outcome;
  const trainSeconds = (io.now() - started) / 1000;
  const trainLoss = splitLoss(model, result.params, dataset.train);
  const testLoss = splitLoss(model, result.params, dataset.test);
  const summary = `${result.status}: train ${trainLoss.mean.toExponential(3)}, test ${testLoss.mean.toExponential(3)}`;
  progress.done(result.status === 'completed' ? summary : `${summary} (${result.message})`);
  const { params, history, status, message, stepsDone } = result;
  return { kind, model, params, history, status, message, stepsDone, trainLoss, testLoss, trainSeconds };
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
  const trained = finishTraining(io, progress, started, { kind, model, result }, dataset);
  const { stepsDone, trainSeconds } = trained;
  return { ...trained, msPerStep: stepsDone > 0 ? (1000 * trainSeconds) / stepsDone : Number.NaN };
}

/**
 * The metadata saved with a trained model: the library's model-file metadata (kind, architecture),
 * the task, the name the command line gave the model, how it was trained and its final losses.
 */
export function modelMetaOf(
  task: { readonly name: ModelTaskName },
  trained: Trained<ComparisonModel, SavableModel>,
  h: Hyperparameters,
  seed: number,
  data: DataOrigin,
): ModelMeta {
  const meta = modelFileMeta(trained.model, {
    task: task.name,
    data,
    hyperparameters: { ...h },
    extra: {
      seed,
      stepsDone: trained.stepsDone,
      status: trained.status,
      finalTrainLoss: trained.trainLoss.mean,
      finalTestLoss: trained.testLoss.mean,
    },
  });
  return { ...meta, task: task.name, trainedAs: trained.kind };
}
