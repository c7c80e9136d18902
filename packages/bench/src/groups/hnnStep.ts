// One training step of a Hamiltonian Neural Network at the reference's size: the model of
// @liouville/hamiltonian, hnnModel({ inputDim: 2 }) (MLP 2→200→200→2, tanh, no output bias; the
// second output is H, as in the reference code greydanus/hamiltonian-nn), a batch of 750, the
// loss mean‖J∇ₓH − y‖² (fieldLoss), its parameter gradient and an Adam update. The in-run
// baseline is the same step derived by hand in plain float64 JavaScript (handHnn.ts).
import { type Value, valueAndGrad } from '@liouville/ad';
import { type InputGradientMode, type TrainStep, compileTrainStep, fieldLoss } from '@liouville/hamiltonian';
import { type DType, type Tensor, tensor } from '@liouville/linalg';
import { type AdamState, type MlpParams, adam } from '@liouville/nn';
import { type Case, type Group, defineCase, defineGroup } from '../harness.js';
import { handHnnStep } from './handHnn.js';
import { HNN_BATCH, INPUT_DIM, LEARNING_RATE, handSetup, hnnBatch, hnnSetup } from './hnnData.js';
import { jaxHnnCase, tfjsHnnCase, torchHnnCase } from '../peers/hnnPeers.js';
import { TFJS_NO_FLOAT64, TFJS_NO_FORWARD } from '../peers/tfjs.js';
import { unavailableCase } from '../unavailable.js';

export { HNN_BATCH, handSetup, hnnBatch, hnnSetup } from './hnnData.js';

/** Median ms per step of the reference PyTorch 1.13 CPU code, 1 thread (REFERENCE.md): another run, not this one. */
export const PYTORCH_REFERENCE_MS = { float64: 16.3, float32: 8.3 } as const;

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

function liouvilleCase(mode: InputGradientMode, dtype: DType): Case<LiouvilleStep> {
  const reference = PYTORCH_REFERENCE_MS[dtype];
  return defineCase({
    name: `Liouville ${dtype}, input gradient ${mode}`,
    setup: liouvilleSetup(mode, dtype),
    fn: liouvilleHnnStep,
    note: `PyTorch ${dtype} ${reference} ms in REFERENCE.md (another run)`,
  });
}

/** A training loop's state for the compiled step of `train`. */
interface JitStep {
  step: TrainStep<AdamState>;
  batch: { x: Tensor; dxdt: Tensor };
  params: MlpParams;
  state: AdamState;
}

/** The compiled step of @liouville/hamiltonian's train (traced and compiled in setup). */
function liouvilleJitCase(dtype: DType): Case<JitStep> {
  return defineCase({
    name: `Liouville ${dtype}, jit`,
    setup: () => {
      const { model, params } = hnnSetup('reverse', dtype);
      const { x, y } = hnnBatch();
      const optimiser = adam({ lr: LEARNING_RATE });
      const batch = { x: tensor(x, [HNN_BATCH, INPUT_DIM], dtype), dxdt: tensor(y, [HNN_BATCH, INPUT_DIM], dtype) };
      const s: JitStep = { step: compileTrainStep(model, optimiser), batch, params, state: optimiser.init(params) };
      s.step(params, s.state, batch);
      return s;
    },
    fn: (s) => {
      const result = s.step(s.params, s.state, s.batch);
      s.params = result.params;
      s.state = result.state;
      return result.loss;
    },
    note: `train's step (compileTrainStep): valueAndGrad and Adam as one jitted program; time / reference is against PyTorch ${dtype} (target at most ${dtype === 'float64' ? '1.5' : '2'}×)`,
  });
}

/** ms per HNN training step: Liouville in float64/float32 and both input-gradient modes, and the peers, against the hand-written step. */
export const hnnStepGroup: Group = defineGroup({
  name: 'hnn-step',
  description:
    `One HNN training step at the spring task's configuration: MLP 2→200→200→2 tanh (H = output 2, as the reference code's ` +
    `hnnModel({ inputDim: 2 })), batch ${HNN_BATCH}, loss mean‖J∇ₓH − y‖², parameter gradient, Adam lr 1e-3; every row starts ` +
    'from the same parameters and batch. PyTorch rows are timed inside the Python process (one request per sample, same rounds). ' +
    `For context, from another run (REFERENCE.md, PyTorch 1.13 CPU, 1 thread): ${PYTORCH_REFERENCE_MS.float64} ms float64, ${PYTORCH_REFERENCE_MS.float32} ms float32.`,
  metric: { unit: 'steps/s', perOp: 1 },
  budgetMs: 2000,
  compareTo: (name) => {
    const dtype = name.toLowerCase().includes('float32') ? 'float32' : 'float64';
    return name.endsWith(', jit') && name.startsWith('Liouville')
      ? `PyTorch ${dtype}, 1 thread`
      : `Liouville ${dtype}, input gradient reverse`;
  },
  compareLabel: 'Liouville reverse, same dtype (jit rows: PyTorch, same dtype)',
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
    liouvilleJitCase('float64'),
    liouvilleJitCase('float32'),
    torchHnnCase('float64'),
    torchHnnCase('float32'),
    jaxHnnCase('float64', false),
    jaxHnnCase('float64', true),
    jaxHnnCase('float32', false),
    jaxHnnCase('float32', true),
    tfjsHnnCase('cpu', 'exp form'),
    tfjsHnnCase('wasm', 'exp form'),
    tfjsHnnCase('cpu', 'tf.tanh'),
    unavailableCase('tfjs float64', TFJS_NO_FLOAT64),
    unavailableCase('tfjs, input gradient forward', TFJS_NO_FORWARD),
  ],
});
