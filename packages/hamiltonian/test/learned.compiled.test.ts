// `train` runs each update (loss, parameter gradient, optimiser step) as one compiled program and
// compiles the test loss. Compiled code computes the eager kernels' expressions in the eager order,
// so training must give the bits of the eager loop written here (valueAndGrad, optimiser.update,
// the loss evaluated as written), losses and parameters alike, and stop at the same step with the
// same message when a loss or a gradient turns non-finite.
import { type Value, add, mul, primalTensor, sqrt, sub, sum, valueAndGrad } from '@liouville/ad';
import { type DType, type Tensor, cast, matmul, randomKey, randomNormal, splitKey, tensor } from '@liouville/linalg';
import { type MlpParams, type Optimizer, adam, paramsEqual, sampleBatch, sgd, takeRows } from '@liouville/nn';
import { describe, expect, test } from 'vitest';
import {
  type FieldModel,
  type TrainSplit,
  baselineModel,
  fieldLoss,
  hnnModel,
  splitLossValue,
  train,
} from '../src/index.js';

/** Oscillator data (H = q² + p², ẋ = (2p, −2q)) in the given dtype. */
function oscillator(dtype: DType) {
  const split = (seed: number, rows: number): TrainSplit => {
    const x = cast(randomNormal(randomKey(seed), [rows, 2]), dtype);
    return {
      x,
      dxdt: matmul(
        x,
        cast(
          tensor([
            [0, -2],
            [2, 0],
          ]),
          dtype,
        ),
      ),
    };
  };
  return { train: split(10, 60), test: split(11, 30) };
}

interface Run {
  model: FieldModel;
  data: { train: TrainSplit; test?: TrainSplit };
  steps: number;
  // biome-ignore lint/suspicious/noExplicitAny: the optimiser's state type is its own business.
  optimiser: Optimizer<any>;
  batchSize?: number;
  seed: number;
}

/** The training loop written eagerly, as train did before it compiled its steps. */
function eagerTrain({ model, data, steps, optimiser, batchSize, seed }: Run) {
  const rows = data.train.x.shape[0];
  const size = Math.min(batchSize ?? rows, rows);
  const [initKey, batchKey] = splitKey(randomKey(seed), 2);
  const loss = fieldLoss(model);
  let params: MlpParams = model.init(initKey);
  let state = optimiser.init(params);
  let key = batchKey;
  const trainLoss: number[] = [];
  const testLoss: number[] = [];
  for (let step = 1; step <= steps; step++) {
    let batch = data.train;
    if (size < rows) {
      const [next, draw] = splitKey(key, 2);
      key = next;
      const drawn = sampleBatch(draw, rows, size);
      batch = { x: takeRows(data.train.x, drawn), dxdt: takeRows(data.train.dxdt, drawn) };
    }
    const [value, grads] = valueAndGrad((p: MlpParams<Value>) => loss(p, batch.x, batch.dxdt))(params);
    const finite = Object.values(grads as Record<string, Tensor>).every((g) => g.data.every(Number.isFinite));
    const lossValue = primalTensor(value).item();
    if (!Number.isFinite(lossValue) || !finite) return { params, trainLoss, testLoss, stoppedAt: step };
    ({ params, state } = optimiser.update(grads, state, params));
    trainLoss.push(lossValue);
    if (data.test !== undefined && (step % 10 === 0 || step === steps))
      testLoss.push(splitLossValue(model, params, data.test));
  }
  return { params, trainLoss, testLoss, stoppedAt: null };
}

function expectSameRun(run: Run): void {
  const compiled = train({ ...run, evalEvery: 10 });
  const eager = eagerTrain(run);
  expect(paramsEqual(compiled.params, eager.params)).toBe(true);
  expect(compiled.history.trainLoss).toEqual(eager.trainLoss);
  expect(compiled.history.testLoss).toEqual(eager.testLoss);
  expect(compiled.stepsDone).toBe(eager.stoppedAt === null ? run.steps : eager.stoppedAt - 1);
}

/** Adam without its compilable form: train compiles the loss and gradient and updates eagerly. */
function opaque<S>(optimiser: Optimizer<S>): Optimizer<S> {
  return { init: optimiser.init, update: optimiser.update };
}

describe('train, compiled', () => {
  test.each(['float64', 'float32'] as const)(
    'gives the bits of the eager loop with Adam, full batch and minibatches (%s)',
    (dtype) => {
      const data = oscillator(dtype);
      for (const mode of ['reverse', 'forward'] as const) {
        const model = hnnModel({ inputDim: 2, hiddenDim: 16, dtype, inputGradient: mode });
        expectSameRun({ model, data, steps: 12, optimiser: adam({ lr: 1e-2 }), seed: 2 });
        expectSameRun({ model, data, steps: 12, optimiser: adam({ lr: 1e-2 }), batchSize: 25, seed: 3 });
      }
    },
  );

  test('gives the bits of the eager loop with SGD, with AdamW, and with an optimiser it cannot compile', () => {
    const data = oscillator('float64');
    const baseline = baselineModel({ inputDim: 2, hiddenDim: 16 });
    const hnn = hnnModel({ inputDim: 2, hiddenDim: 16 });
    expectSameRun({ model: baseline, data, steps: 8, optimiser: sgd({ lr: 0.05, momentum: 0.9 }), seed: 4 });
    expectSameRun({ model: hnn, data, steps: 8, optimiser: adam({ lr: (t) => 0.02 / t, weightDecay: 1e-3 }), seed: 5 });
    expectSameRun({ model: hnn, data, steps: 8, optimiser: opaque(adam({ lr: 1e-2 })), batchSize: 20, seed: 6 });
  });

  test('stops with the eager step and message when a gradient turns non-finite while the loss stays finite', () => {
    const data = oscillator('float64');
    const hnn = hnnModel({ inputDim: 2, hiddenDim: 16 });
    // 0·Σ√(b0 − b0) adds nothing to the field, but its derivative is 0·(1/(2√0)) = 0·∞ = NaN.
    const model: FieldModel = {
      ...hnn,
      timeDerivative: (p, x) => add(hnn.timeDerivative(p, x), mul(0, sum(sqrt(sub(p.b0, p.b0))))),
    };
    for (const optimiser of [adam({ lr: 1e-2 }), opaque(adam({ lr: 1e-2 }))]) {
      const result = train({ model, data, steps: 3, optimiser, seed: 1 });
      expect(result.status).toBe('diverged');
      expect(result.stepsDone).toBe(0);
      expect(result.message).toBe('a gradient became non-finite at step 1; kept the parameters of step 0');
      expect(paramsEqual(result.params, model.init(splitKey(randomKey(1), 2)[0]))).toBe(true);
      expect(eagerTrain({ model, data, steps: 3, optimiser, seed: 1 }).stoppedAt).toBe(1);
    }
  });

  test('runs a model that reads numbers out of its input as written, with the same bits', () => {
    const data = oscillator('float64');
    const hnn = hnnModel({ inputDim: 2, hiddenDim: 16 });
    // A traced input has no numbers: compiling fails with a ConcretizationError, and train falls back.
    const model: FieldModel = {
      ...hnn,
      timeDerivative: (p, x) => mul(hnn.timeDerivative(p, x), primalTensor(x).data[0] > 100 ? 2 : 1),
    };
    expectSameRun({ model, data, steps: 5, optimiser: adam({ lr: 1e-2 }), seed: 7 });
  });
});
