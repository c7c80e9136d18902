import {
  type Value,
  add,
  concat,
  div,
  jit,
  mean,
  primalTensor,
  reshape,
  slice,
  square,
  sub,
  valueAndGrad,
} from '@liouville/ad';
import { leapfrog } from '@liouville/integrators';
import {
  InvalidArgumentError,
  type RandomKey,
  allFinite,
  randomKey,
  splitKey,
  checkPositiveInteger,
} from '@liouville/linalg';
import { type MlpParams, type Optimizer, adam, sampleBatch, takeRows, treeLeaves } from '@liouville/nn';
import type { TrajectorySegments } from './segments.js';
import type { SeparableHnnModel } from './separable.js';
import type { TrainHistory, TrainProgress, TrainResult } from './train.js';

/**
 * Training through the integrator, as the Symplectic Recurrent Neural Networks of Chen, Zhang,
 * Arjovsky & Bottou (ICLR 2020): from each segment's first observed state, leapfrog steps of the
 * learned separable H_θ predict the following observations, and the loss is their mean squared
 * error. Gradients flow back through every step (reverse mode over the forces' own reverse-mode
 * gradients), so no time derivative is ever estimated from the data.
 */

/** The observations of step k of every segment, [S, 2n]. */
function observationsAt(states: Value, k: number): Value {
  const [segments, , width] = states.shape;
  return reshape(slice(states, [0, k, 0], [segments, k + 1, width]), [segments, width]);
}

/**
 * The rollout loss of a separable model on segments [S, K + 1, 2n] observed every dt: the mean over
 * segments, steps k = 1…K and coordinates of (x̂_k − x_k)², x̂ stepped from x_0 by `substeps`
 * leapfrog steps of dt/substeps per observation interval.
 */
export function rolloutLoss(
  model: SeparableHnnModel,
  substeps = 1,
): (params: Readonly<MlpParams<Value>>, states: Value, dt: number) => Value {
  checkPositiveInteger('rolloutLoss: substeps', substeps);
  return (params, states, dt) => {
    const [segments, points, width] = states.shape;
    if (width !== model.inputDim || points < 2) {
      throw new InvalidArgumentError(
        'rolloutLoss: segments.states',
        `[S, K + 1 >= 2, ${model.inputDim}]`,
        states.shape,
      );
    }
    const n = width / 2;
    const step = leapfrog(model.system(params), dt / substeps);
    const x0 = observationsAt(states, 0);
    let state = { q: slice(x0, [0, 0], [segments, n]), p: slice(x0, [0, n], [segments, width]) };
    let total: Value | null = null;
    for (let k = 1; k < points; k++) {
      for (let s = 0; s < substeps; s++) state = step(state);
      const error = mean(square(sub(concat([state.q, state.p], 1), observationsAt(states, k))));
      total = total === null ? error : add(total, error);
    }
    return div(total as Value, points - 1);
  };
}

/** Options of `trainRollout`; defaults as `train` (Adam, lr 1e-3, every segment in every update). */
export interface RolloutTrainOptions {
  readonly model: SeparableHnnModel;
  readonly data: { readonly train: TrajectorySegments; readonly test?: TrajectorySegments };
  readonly steps: number;
  /** Leapfrog steps per observation interval (default 1). */
  readonly substeps?: number;
  /** Segments per update, drawn without replacement each step; default: all. */
  readonly batchSize?: number;
  // biome-ignore lint/suspicious/noExplicitAny: the optimiser's state type is its own business.
  readonly optimiser?: Optimizer<any>;
  readonly seed?: number;
  readonly params?: MlpParams;
  /** Evaluate the test loss every this many steps (and at the last); default 10. */
  readonly evalEvery?: number;
  readonly onStep?: (progress: TrainProgress) => void;
}

function positiveInteger(argument: string, value: number | undefined): void {
  if (value !== undefined) checkPositiveInteger(`trainRollout: ${argument}`, value);
}

/**
 * Fits a separable HNN to trajectory segments through leapfrog rollouts (Chen et al. 2020), with
 * Adam. The loss and its gradient run compiled (`jit`, the same bits as eager). Stops with status
 * 'diverged', keeping the last finite parameters, when a loss or gradient is not finite.
 */
export function trainRollout(options: RolloutTrainOptions): TrainResult {
  const { model, data, steps } = options;
  positiveInteger('steps', steps);
  positiveInteger('batchSize', options.batchSize);
  positiveInteger('evalEvery', options.evalEvery);
  const loss = rolloutLoss(model, options.substeps ?? 1);
  const { dt } = data.train;
  const lossAndGrad = jit((p: MlpParams<Value>, states: Value) =>
    valueAndGrad((q: MlpParams<Value>) => loss(q, states, dt))(p),
  );
  const testLoss = jit((p: MlpParams<Value>, states: Value) => loss(p, states, data.test?.dt ?? dt));
  const segments = data.train.states.shape[0];
  const batchSize = Math.min(options.batchSize ?? segments, segments);
  const [initKey, batchKey] = splitKey(randomKey(options.seed ?? 0), 2);
  const optimiser = options.optimiser ?? adam({ lr: 1e-3 });
  let params: MlpParams = options.params ?? model.init(initKey);
  let state = optimiser.init(params);
  let key: RandomKey = batchKey;
  const history: TrainHistory = { trainLoss: [], testStep: [], testLoss: [] };
  const started = performance.now();
  const evalEvery = options.evalEvery ?? 10;
  for (let step = 1; step <= steps; step++) {
    let batch = data.train.states;
    if (batchSize < segments) {
      const [next, draw] = splitKey(key, 2);
      key = next;
      batch = takeRows(batch, sampleBatch(draw, segments, batchSize));
    }
    const [value, grads] = lossAndGrad(params, batch) as [Value, MlpParams];
    const trainLoss = primalTensor(value).item();
    if (!Number.isFinite(trainLoss) || !treeLeaves(grads).every(({ leaf }) => allFinite(leaf))) {
      const message = `the loss or a gradient became non-finite at step ${step}; kept the parameters of step ${step - 1}`;
      return { params, history, status: 'diverged', message, stepsDone: step - 1 };
    }
    ({ params, state } = optimiser.update(grads, state, params));
    history.trainLoss.push(trainLoss);
    let test: number | undefined;
    if (data.test !== undefined && (step % evalEvery === 0 || step === steps)) {
      test = primalTensor(testLoss(params, data.test.states) as Value).item();
      history.testStep.push(step);
      history.testLoss.push(test);
    }
    options.onStep?.({ step, steps, trainLoss, testLoss: test, elapsedMs: performance.now() - started });
  }
  return { params, history, status: 'completed', message: `completed ${steps} steps`, stepsDone: steps };
}
