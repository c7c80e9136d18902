// One training step of a Hamiltonian Neural Network at the reference's size: the model of
// @liouville/hamiltonian, hnnModel({ inputDim: 2 }) (MLP 2→200→200→2, tanh, no output bias; the
// second output is H, as in the reference code greydanus/hamiltonian-nn), a batch of 750, the
// loss mean‖J∇ₓH − y‖² (fieldLoss), its parameter gradient and an Adam update. The in-run
// baseline is the same step derived by hand in plain float64 JavaScript (handHnn.ts).
import { type Value, valueAndGrad } from '@liouville/ad';
import { type FieldModel, type InputGradientMode, fieldLoss, hnnModel } from '@liouville/hamiltonian';
import { type DType, type Tensor, randomKey, tensor } from '@liouville/linalg';
import { type AdamState, type MlpParams, adam } from '@liouville/nn';
import { type Case, type Group, defineCase, defineGroup } from '../harness.js';
import { uniformArray } from './deterministic.js';
import { type HandHnn, handHnn, handHnnStep } from './handHnn.js';

/** Rows per step, as in the reference's training scripts. */
export const HNN_BATCH = 750;
const INPUT_DIM = 2;
const LEARNING_RATE = 1e-3;

/** Median ms per step of the reference PyTorch 1.13 CPU code, 1 thread (REFERENCE.md): another run, not this one. */
export const PYTORCH_REFERENCE_MS = { float64: 16.3, float32: 8.3 } as const;

/**
 * A batch of the reference's pendulum task: x = (q, p) uniform in [−1, 1]², targets its
 * Hamiltonian field for H = 3(1 − cos q) + p² (the reference code's pendulum): (2p, −3 sin q).
 */
export function hnnBatch(): { x: Float64Array; y: Float64Array } {
  const x = uniformArray(HNN_BATCH * INPUT_DIM, 21);
  const y = new Float64Array(x.length);
  for (let b = 0; b < HNN_BATCH; b++) {
    const q = x[2 * b];
    const p = x[2 * b + 1];
    y[2 * b] = 2 * p;
    y[2 * b + 1] = -3 * Math.sin(q);
  }
  return { x, y };
}

/** The model with the given input-gradient mode and dtype, and its initial parameters (seed 0). */
export function hnnSetup(mode: InputGradientMode, dtype: DType): { model: FieldModel; params: MlpParams } {
  const model = hnnModel({ inputDim: INPUT_DIM, inputGradient: mode, dtype });
  return { model, params: model.init(randomKey(0)) };
}

/** A training loop's state: parameters and optimiser state carried from one step to the next. */
interface LiouvilleStep {
  loss: (params: MlpParams<Value>, x: Value, dxdt: Value) => Value;
  x: Tensor;
  y: Tensor;
  params: MlpParams;
  state: AdamState;
  optimiser: ReturnType<typeof adam>;
}

/** One step with Liouville: valueAndGrad of fieldLoss with respect to the parameters, then adam.update. */
export function liouvilleHnnStep(s: LiouvilleStep): Value {
  const [value, grads] = valueAndGrad((p: MlpParams<Value>) => s.loss(p, s.x, s.y))(s.params);
  const next = s.optimiser.update(grads, s.state, s.params);
  s.params = next.params;
  s.state = next.state;
  return value;
}

function liouvilleSetup(mode: InputGradientMode, dtype: DType): () => LiouvilleStep {
  return () => {
    const { model, params } = hnnSetup(mode, dtype);
    const { x, y } = hnnBatch();
    const optimiser = adam({ lr: LEARNING_RATE });
    return {
      loss: fieldLoss(model),
      x: tensor(x, [HNN_BATCH, INPUT_DIM], dtype),
      y: tensor(y, [HNN_BATCH, INPUT_DIM], dtype),
      params,
      state: optimiser.init(params),
      optimiser,
    };
  };
}

/** The hand-written step over the same initial parameters (float64) and data. */
export function handSetup(): HandHnn {
  const { params } = hnnSetup('reverse', 'float64');
  const { x, y } = hnnBatch();
  const arrays = {
    W0: params.W0.data as Float64Array,
    b0: params.b0.data as Float64Array,
    W1: params.W1.data as Float64Array,
    b1: params.b1.data as Float64Array,
    W2: params.W2.data as Float64Array,
  };
  return handHnn(arrays, x, y, INPUT_DIM, { lr: LEARNING_RATE, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
}

function liouvilleCase(mode: InputGradientMode, dtype: DType): Case<LiouvilleStep> {
  const reference = PYTORCH_REFERENCE_MS[dtype];
  return defineCase({
    name: `Liouville ${dtype}, input gradient ${mode}`,
    setup: liouvilleSetup(mode, dtype),
    fn: liouvilleHnnStep,
    note: `PyTorch ${dtype} ${reference} ms (other run, REFERENCE.md)`,
  });
}

/** ms per HNN training step, Liouville in float64/float32 and both input-gradient modes, against the hand-written step. */
export const hnnStepGroup: Group = defineGroup({
  name: 'hnn-step',
  description:
    `One HNN training step: hnnModel({ inputDim: 2 }) = MLP 2→200→200→2 tanh (H = output 2, as the reference code), ` +
    `batch ${HNN_BATCH}, loss mean‖J∇ₓH − y‖², parameter gradient, Adam. For context only, from another run ` +
    `(REFERENCE.md, PyTorch 1.13 CPU, 1 thread): ${PYTORCH_REFERENCE_MS.float64} ms float64, ${PYTORCH_REFERENCE_MS.float32} ms float32 — not a same-run ratio.`,
  metric: { unit: 'steps/s', perOp: 1 },
  budgetMs: 8000,
  baseline: defineCase({
    name: 'hand-derived plain JS, float64',
    setup: handSetup,
    fn: handHnnStep,
    note: 'Float64Array loops, gradient derived by hand',
  }),
  cases: [
    liouvilleCase('forward', 'float64'),
    liouvilleCase('reverse', 'float64'),
    liouvilleCase('forward', 'float32'),
    liouvilleCase('reverse', 'float32'),
  ],
});
