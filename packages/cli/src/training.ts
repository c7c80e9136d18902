import {
  type BaselineModel,
  type Dataset,
  type Estimate,
  type HnnModel,
  type TrainHistory,
  modelFileMeta,
  splitLoss,
  train,
} from '@liouville/hamiltonian';
import { type MlpParams, adam } from '@liouville/nn';
import type { CliIO } from './io.js';
import { progressLine } from './progress.js';
import type { TrainedComparison } from './comparison/models.js';
import type { ModelMeta, ModelTaskName } from './modelFile.js';
import { type DataOrigin, type Hyperparameters, type ModelKind, type TaskSpec, buildModel } from './tasks.js';

/** The outcome of training one model: parameters, curves, final losses and timings. */
export interface TrainedModel {
  readonly kind: ModelKind;
  readonly model: HnnModel | BaselineModel;
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

/** What the metadata of a trained model is made of, for the paper's models and the comparison's alike. */
type TrainedFacts = Pick<TrainedComparison, 'kind' | 'model' | 'stepsDone' | 'status' | 'trainLoss' | 'testLoss'>;

/**
 * The metadata saved with a trained model: the library's model-file metadata (kind, architecture),
 * the task, the name the command line gave the model, how it was trained and its final losses.
 */
export function modelMetaOf(
  task: { readonly name: ModelTaskName },
  trained: TrainedFacts,
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
