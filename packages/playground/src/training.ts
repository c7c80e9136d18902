import { type Value, primalTensor, valueAndGrad } from '@liouville/ad';
import {
  type FieldModel,
  type TrainSplit,
  baselineModel,
  fieldLoss,
  hnnModel,
  splitLossValue,
} from '@liouville/hamiltonian';
import {
  InvalidArgumentError,
  type RandomKey,
  checkFinitePositive,
  checkPositiveInteger,
  randomKey,
  splitKey,
} from '@liouville/linalg';
import { type AdamState, type MlpParams, type Optimizer, adam, sampleBatch, takeRows } from '@liouville/nn';
import { type SystemChoice, trueTimeDerivative } from './systems.js';

/** What a training run is built from; every random draw comes from `seed`. */
export interface TrainingConfig {
  readonly seed: number;
  /** Phase-space points in the training split (the test split has a quarter as many). */
  readonly points: number;
  readonly hiddenDim: number;
  /** Adam's learning rate. */
  readonly lr: number;
  /** Rows per update, drawn afresh each step. */
  readonly batchSize: number;
}

/** The defaults of the page: small enough that a few hundred steps of both models take seconds. */
export const DEFAULT_TRAINING: TrainingConfig = { seed: 0, points: 400, hiddenDim: 48, lr: 3e-3, batchSize: 100 };

/** One model being trained: its parameters, optimiser state and loss curves. */
export interface ModelRun {
  readonly model: FieldModel;
  params: MlpParams;
  state: AdamState;
  readonly trainLoss: number[];
  readonly testLoss: number[];
}

/** The HNN and the baseline trained side by side on the same data and the same minibatches. */
export interface Training {
  readonly choice: SystemChoice;
  readonly data: { readonly train: TrainSplit; readonly test: TrainSplit };
  readonly hnn: ModelRun;
  readonly baseline: ModelRun;
  readonly optimiser: Optimizer<AdamState>;
  /** Updates applied to each model so far. */
  step: number;
  key: RandomKey;
  readonly batchSize: number;
}

function split(choice: SystemChoice, key: RandomKey, n: number): TrainSplit {
  const x = choice.sample(key, n);
  return { x, dxdt: trueTimeDerivative(choice, x) };
}

/**
 * A fresh training run: data drawn from the system's region with exact time derivatives, an HNN
 * (Greydanus, Dzamba & Yosinski 2019) and the baseline MLP of the same width, both with Adam.
 */
export function createTraining(choice: SystemChoice, config: TrainingConfig = DEFAULT_TRAINING): Training {
  checkPositiveInteger('createTraining: points', config.points);
  checkPositiveInteger('createTraining: hiddenDim', config.hiddenDim);
  checkPositiveInteger('createTraining: batchSize', config.batchSize);
  checkFinitePositive('createTraining: lr', config.lr);
  const [trainKey, testKey, initKey, batchKey] = splitKey(randomKey(config.seed), 4);
  const inputDim = 2 * choice.system.dim;
  const optimiser = adam({ lr: config.lr });
  const run = (model: FieldModel): ModelRun => {
    const params = model.init(initKey);
    return { model, params, state: optimiser.init(params), trainLoss: [], testLoss: [] };
  };
  return {
    choice,
    data: {
      train: split(choice, trainKey, config.points),
      test: split(choice, testKey, Math.max(1, Math.round(config.points / 4))),
    },
    hnn: run(hnnModel({ inputDim, hiddenDim: config.hiddenDim })),
    baseline: run(baselineModel({ inputDim, hiddenDim: config.hiddenDim })),
    optimiser,
    step: 0,
    key: batchKey,
    batchSize: Math.min(config.batchSize, config.points),
  };
}

function update(training: Training, run: ModelRun, batch: TrainSplit): void {
  const loss = fieldLoss(run.model);
  const [value, grads] = valueAndGrad((p: MlpParams<Value>) => loss(p, batch.x, batch.dxdt))(run.params);
  const lossValue = primalTensor(value).item();
  if (!Number.isFinite(lossValue)) {
    throw new InvalidArgumentError(`training (${run.model.kind})`, 'a finite loss', lossValue);
  }
  const next = training.optimiser.update(grads, run.state, run.params);
  run.params = next.params;
  run.state = next.state;
  run.trainLoss.push(lossValue);
}

/** One Adam update of both models on the same fresh minibatch; the test loss every `evalEvery` steps. */
export function trainStep(training: Training, evalEvery = 10): void {
  const [next, draw] = splitKey(training.key, 2);
  training.key = next;
  const { x, dxdt } = training.data.train;
  const rows = sampleBatch(draw, x.shape[0], training.batchSize);
  const batch = { x: takeRows(x, rows), dxdt: takeRows(dxdt, rows) };
  update(training, training.hnn, batch);
  update(training, training.baseline, batch);
  training.step += 1;
  if (training.step % evalEvery === 0) {
    for (const run of [training.hnn, training.baseline]) {
      run.testLoss.push(splitLossValue(run.model, run.params, training.data.test));
    }
  }
}
