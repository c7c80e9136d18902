import { type Value, primalTensor } from '@liouville/ad';
import {
  InvalidArgumentError,
  NonFiniteError,
  checkPositiveInteger,
  type RandomKey,
  type Tensor,
  randomKey,
  splitKey,
} from '@liouville/linalg';
import { type JsonValue, type MlpParams, type Optimizer, adam, sampleBatch, takeRows } from '@liouville/nn';
import type { FieldModel } from './fieldModels.js';
import { modelFileMeta } from './modelFile.js';
import { isSavableModel } from './savedArchitecture.js';
import { fieldLoss } from './loss.js';
import { compileSplitLoss, compileTrainStep } from './trainStep.js';

/** Inputs and targets of one split: rows x [N, 2n] and their time derivatives [N, 2n]. */
export interface TrainSplit {
  readonly x: Tensor;
  readonly dxdt: Tensor;
}

/** What `onStep` is told after every update. */
export interface TrainProgress {
  readonly step: number;
  readonly steps: number;
  readonly trainLoss: number;
  /** Present on the steps where the test loss was evaluated. */
  readonly testLoss?: number;
  readonly elapsedMs: number;
}

/** Options of `train`; defaults are the reference's (Adam, lr 1e-3, full batch). */
export interface TrainOptions {
  readonly model: FieldModel;
  readonly data: { readonly train: TrainSplit; readonly test?: TrainSplit };
  /** Number of parameter updates. */
  readonly steps: number;
  /** Rows per update, drawn without replacement each step; default: the whole training split. */
  readonly batchSize?: number;
  /** Default: adam({ lr: 1e-3 }). */
  // biome-ignore lint/suspicious/noExplicitAny: the optimiser's state type is its own business.
  readonly optimiser?: Optimizer<any>;
  /** Seeds the initial parameters and the minibatch draws: same seed, same bits. */
  readonly seed?: number;
  /** Start from these parameters instead of `model.init`. */
  readonly params?: MlpParams;
  /** Evaluate the test loss every this many steps (and at the last step); default 10. */
  readonly evalEvery?: number;
  readonly onStep?: (progress: TrainProgress) => void;
  /** Hand the parameters to `checkpoint.save` every `every` steps and at the end. */
  readonly checkpoint?: TrainCheckpoint;
  /**
   * What to do at the first non-finite loss or gradient (no update is applied from it): 'stop'
   * (default) returns status 'diverged' with the last finite parameters; 'throw' throws a
   * TrainingDivergedError carrying them. Either way the checkpoint, if any, saves them first.
   */
  readonly onDiverged?: 'stop' | 'throw';
}

/**
 * Training met a NaN or infinite loss or gradient at `step`: no update was applied from it, and
 * `params` are the last finite parameters (those after step − 1), with the history up to there.
 */
export class TrainingDivergedError extends NonFiniteError {
  override name = 'TrainingDivergedError';
  constructor(
    /** The step whose loss or gradient was non-finite (1 = the first update). */
    readonly step: number,
    /** Which one: the loss (then its value is in the message) or a gradient. */
    readonly quantity: 'loss' | 'gradient',
    readonly params: MlpParams,
    readonly history: TrainHistory,
    /** The description without the 'train: ' prefix, as TrainResult.message gives it. */
    readonly detail: string,
  ) {
    super(`train: ${detail}`);
  }
}

/**
 * Where `train` keeps its checkpoints: `save` receives the parameters and JSON metadata (step,
 * loss, model kind, status) every `every` steps and at the end. `fileCheckpoint(path, every)` of
 * '@liouville/hamiltonian/node' writes them atomically to a parameter file.
 */
export interface TrainCheckpoint {
  readonly every: number;
  readonly save: (params: MlpParams, meta: JsonValue) => void;
}

/** Loss curves: the training loss of every update, the test loss where it was evaluated. */
export interface TrainHistory {
  readonly trainLoss: number[];
  readonly testStep: number[];
  readonly testLoss: number[];
}

/** The outcome of `train`. */
export interface TrainResult {
  readonly params: MlpParams;
  readonly history: TrainHistory;
  /** 'diverged' when a loss or gradient became non-finite: `params` are then the last finite ones. */
  readonly status: 'completed' | 'diverged';
  readonly message: string;
  /** Updates applied. */
  readonly stepsDone: number;
  /** With status 'diverged': where and why, as the error `onDiverged: 'throw'` would throw. */
  readonly divergence?: TrainingDivergedError;
}

/** An optional count: absent, or linalg's shared positive-integer check. */
function checkOptionalCount(argument: string, value: number | undefined): void {
  if (value !== undefined) checkPositiveInteger(`train: ${argument}`, value);
}

/** The loss of a model on a whole split, as a number (no parameter gradient). */
export function splitLossValue(model: FieldModel, params: Readonly<MlpParams<Value>>, split: TrainSplit): number {
  return primalTensor(fieldLoss(model)(params, split.x, split.dxdt)).item();
}

/**
 * Trains a learned vector field on the loss of the paper, as the reference training scripts do
 * (Adam, full batch or fresh random minibatches). Stops at the first NaN or infinite loss or
 * gradient, keeping the last finite parameters: status 'diverged' (or a TrainingDivergedError
 * naming the step, with `onDiverged: 'throw'`). Each update (loss,
 * parameter gradient and optimiser step) runs as one compiled program, and so does the test loss
 * (see compileTrainStep), with the bits of evaluating them eagerly.
 *
 * @example
 * ```ts
 * import { hnnModel, springDataset, train } from '@liouville/hamiltonian';
 * import { adam } from '@liouville/nn';
 *
 * const { params, history, status } = train({
 *   model: hnnModel({ inputDim: 2, hiddenDim: 64 }),
 *   data: springDataset({ seed: 0 }), // the paper's noisy mass-spring task: 750 training rows, 750 test rows
 *   steps: 300,
 *   optimiser: adam({ lr: 3e-3, weightDecay: 1e-4 }),
 *   seed: 0, // same seed, same bits
 *   onStep: ({ step, trainLoss }) => {
 *     if (step % 100 === 0) console.log(`step ${step}: training loss ${trainLoss.toFixed(4)}`);
 *   },
 * });
 * // status 'completed'; history.testLoss falls from 0.62 to 0.038 (the noise sets the floor)
 * ```
 */
export function train(options: TrainOptions): TrainResult {
  const { model, data, steps } = options;
  checkPositiveInteger('train: steps', steps);
  checkOptionalCount('batchSize', options.batchSize);
  checkOptionalCount('evalEvery', options.evalEvery);
  if (options.onDiverged !== undefined && options.onDiverged !== 'stop' && options.onDiverged !== 'throw') {
    throw new InvalidArgumentError('train: onDiverged', "'stop' or 'throw'", options.onDiverged);
  }
  if (options.checkpoint !== undefined) {
    checkPositiveInteger('train: checkpoint.every', options.checkpoint.every);
    if (typeof options.checkpoint.save !== 'function')
      throw new InvalidArgumentError(
        'train: checkpoint.save',
        'a function (params, meta) => void',
        options.checkpoint.save,
      );
  }
  const rows = data.train.x.shape[0];
  const batchSize = Math.min(options.batchSize ?? rows, rows);
  const evalEvery = options.evalEvery ?? 10;
  const [initKey, batchKey] = splitKey(randomKey(options.seed ?? 0), 2);
  const optimiser = options.optimiser ?? adam({ lr: 1e-3 });
  const update = compileTrainStep(model, optimiser);
  const testLossOf = compileSplitLoss(model);
  let params: MlpParams = options.params ?? model.init(initKey);
  let state = optimiser.init(params);
  let key: RandomKey = batchKey;
  const history: TrainHistory = { trainLoss: [], testStep: [], testLoss: [] };
  const started = performance.now();
  for (let step = 1; step <= steps; step++) {
    let batch: TrainSplit = data.train;
    if (batchSize < rows) {
      const [next, draw] = splitKey(key, 2);
      key = next;
      const rowsDrawn = sampleBatch(draw, rows, batchSize);
      batch = { x: takeRows(data.train.x, rowsDrawn), dxdt: takeRows(data.train.dxdt, rowsDrawn) };
    }
    const result = update(params, state, batch);
    const trainLoss = result.loss;
    if (!result.finite) {
      const quantity = Number.isFinite(trainLoss) ? 'gradient' : 'loss';
      const what = quantity === 'gradient' ? 'a gradient' : `the loss (${trainLoss})`;
      const detail = `${what} became non-finite at step ${step}; kept the parameters of step ${step - 1}`;
      const divergence = new TrainingDivergedError(step, quantity, params, history, detail);
      const stopped = finish(options, params, history, 'diverged', detail, step - 1);
      if (options.onDiverged === 'throw') throw divergence;
      return { ...stopped, divergence };
    }
    params = result.params;
    state = result.state;
    history.trainLoss.push(trainLoss);
    const evaluate = data.test !== undefined && (step % evalEvery === 0 || step === steps);
    const testLoss = evaluate ? testLossOf(params, data.test as TrainSplit) : undefined;
    if (testLoss !== undefined) {
      history.testStep.push(step);
      history.testLoss.push(testLoss);
    }
    options.onStep?.({ step, steps, trainLoss, testLoss, elapsedMs: performance.now() - started });
    if (options.checkpoint && step % options.checkpoint.every === 0 && step < steps) {
      options.checkpoint.save(params, { ...modelDescription(model), step, trainLoss });
    }
  }
  return finish(options, params, history, 'completed', `completed ${steps} steps`, steps);
}

function finish(
  options: TrainOptions,
  params: MlpParams,
  history: TrainHistory,
  status: TrainResult['status'],
  message: string,
  stepsDone: number,
): TrainResult {
  if (options.checkpoint) {
    options.checkpoint.save(params, { ...modelDescription(options.model), step: stepsDone, status });
  }
  return { params, history, status, message, stepsDone };
}

/**
 * What a checkpoint records of the model: for any learned model of this library, the metadata of
 * the model-file format (kind, architecture, periodic coordinates), so a checkpoint file is a model
 * file that `loadModel` and `liouville simulate --params` read; for a model of the user's own, its kind.
 */
function modelDescription(model: FieldModel): Record<string, JsonValue> {
  if (!isSavableModel(model)) return { model: model.kind };
  return modelFileMeta(model) as unknown as Record<string, JsonValue>;
}
