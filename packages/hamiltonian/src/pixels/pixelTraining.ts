import { type Tree, type Value, primalTensor, valueAndGrad } from '@liouville/ad';
import { type RandomKey, allFinite, randomKey, splitKey, checkPositiveInteger } from '@liouville/linalg';
import { type MlpParams, type Optimizer, adam, sampleBatch, treeLeaves } from '@liouville/nn';
import type { TrainHistory } from '../learned/train.js';
import { type PixelPendulumData, pixelRows } from './pixelDataset.js';
import { type PixelModel, type PixelParamTree, type PixelParams, pixelLoss } from './pixelModel.js';

/** Options of `trainPixelModel` (defaults: the reference's experiment-pixels/train.py). */
export interface PixelTrainOptions {
  readonly model: PixelModel;
  readonly data: PixelPendulumData;
  /** Adam steps (default 10 000). */
  readonly steps?: number;
  /** Rows per step, drawn afresh each step (default 200). */
  readonly batchSize?: number;
  /** Default: Adam, learning rate 1e-3, L2 weight decay 1e-5 (the reference's). */
  // biome-ignore lint/suspicious/noExplicitAny: the optimiser's state is its own business.
  readonly optimiser?: Optimizer<any>;
  readonly seed?: number;
  /** Evaluate the loss of a random test batch every this many steps (default 200, as the reference prints). */
  readonly evalEvery?: number;
  readonly params?: PixelParamTree;
  readonly onStep?: (progress: { step: number; steps: number; trainLoss: number; testLoss?: number }) => void;
}

/** The outcome of `trainPixelModel`. */
export interface PixelTrainResult {
  readonly params: PixelParamTree;
  readonly history: TrainHistory;
  readonly status: 'completed' | 'diverged';
  readonly message: string;
  readonly stepsDone: number;
}

function positive(name: string, value: number): number {
  return checkPositiveInteger(`trainPixelModel: ${name}`, value);
}

/** A batch of rows of a split: inputs and their successors one frame later. */
function batchOf(model: PixelModel, data: PixelPendulumData, split: Int32Array, key: RandomKey, size: number) {
  const rows = Array.from(sampleBatch(key, split.length, Math.min(size, split.length)), (i) => split[i]);
  const dtype = model.options.dtype;
  return { x: pixelRows(data, rows, false, dtype), next: pixelRows(data, rows, true, dtype) };
}

/**
 * Trains the autoencoder and its latent model jointly on the reference's loss (`pixelModel`),
 * with fresh random minibatches; stops with status 'diverged', keeping the last finite
 * parameters, at the first non-finite loss or gradient. Same seed, same bits.
 */
export function trainPixelModel(options: PixelTrainOptions): PixelTrainResult {
  const { model, data } = options;
  const steps = positive('steps', options.steps ?? 10_000);
  const batchSize = positive('batchSize', options.batchSize ?? 200);
  const evalEvery = positive('evalEvery', options.evalEvery ?? 200);
  const [initKey, batchKey, testKey] = splitKey(randomKey(options.seed ?? 0), 3);
  const optimiser = options.optimiser ?? adam({ lr: 1e-3, weightDecay: 1e-5 });
  let params: PixelParamTree = options.params ?? model.init(initKey);
  let state = optimiser.init(params as unknown as MlpParams);
  const history: TrainHistory = { trainLoss: [], testStep: [], testLoss: [] };
  const lossOf = (x: Value, next: Value) => (p: Tree) => pixelLoss(model, p as unknown as PixelParams, x, next);
  const [trainKeys, testKeys] = [splitKey(batchKey, steps), splitKey(testKey, steps)];
  for (let step = 1; step <= steps; step++) {
    const { x, next } = batchOf(model, data, data.train, trainKeys[step - 1], batchSize);
    const [value, grads] = valueAndGrad(lossOf(x, next))(params as unknown as Tree);
    const trainLoss = primalTensor(value).item();
    const finite = treeLeaves(grads as unknown as MlpParams).every(({ leaf }) => allFinite(leaf));
    if (!Number.isFinite(trainLoss) || !finite) {
      const message = `the loss or a gradient became non-finite at step ${step}; kept the parameters of step ${step - 1}`;
      return { params, history, status: 'diverged', message, stepsDone: step - 1 };
    }
    const updated = optimiser.update(grads as unknown as MlpParams, state, params as unknown as MlpParams);
    params = updated.params as unknown as PixelParamTree;
    state = updated.state;
    history.trainLoss.push(trainLoss);
    let testLoss: number | undefined;
    if (step % evalEvery === 0 || step === steps) {
      const test = batchOf(model, data, data.test, testKeys[step - 1], batchSize);
      testLoss = primalTensor(pixelLoss(model, params as PixelParams, test.x, test.next)).item();
      history.testStep.push(step);
      history.testLoss.push(testLoss);
    }
    options.onStep?.({ step, steps, trainLoss, testLoss });
  }
  return { params, history, status: 'completed', message: `completed ${steps} steps`, stepsDone: steps };
}
