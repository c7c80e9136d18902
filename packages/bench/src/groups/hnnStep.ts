// One training step of a Hamiltonian Neural Network at the reference's size: the model of
// @liouville/hamiltonian, hnnModel({ inputDim: 2 }) (MLP 2→200→200→2, tanh, no output bias; the
// second output is H, as in the reference code greydanus/hamiltonian-nn), a batch of 750, the
// loss mean‖J∇ₓH − y‖² (fieldLoss), its parameter gradient and an Adam update. The in-run
// baseline is the same step derived by hand in plain float64 JavaScript (handHnn.ts).
import { type Value, valueAndGrad } from '@liouville/ad';
import { type InputGradientMode, type TrainStep, compileTrainStep, fieldLoss } from '@liouville/hamiltonian';
import { type DType, type Tensor, tensor, useFusedMultiplyAdd } from '@liouville/linalg';
import { enableRelaxedSimd, matmulThreadsReady, useMatmulThreads } from '@liouville/linalg/node';
import { type AdamState, type MlpParams, adam } from '@liouville/nn';
import { type Case, type Group, defineCase, defineGroup } from '../harness.js';
import { handHnnStep } from './handHnn.js';
import { HNN_BATCH, INPUT_DIM, LEARNING_RATE, handSetup, hnnBatch, hnnSetup } from './hnnData.js';
import { jaxHnnCase, tfjsHnnCase, torchHnnCase } from '../peers/hnnPeers.js';
import { TFJS_NO_FLOAT64, TFJS_NO_FORWARD } from '../peers/tfjs.js';
import { CaseUnavailableError, unavailableCase } from '../unavailable.js';

export { HNN_BATCH, handSetup, hnnBatch, hnnSetup } from './hnnData.js';

/**
 * Median ms per step of the reference PyTorch 1.13 CPU code, 1 thread, from another run: the
 * `microbenchmark_ms` of the reference data's hnn_reference_results.json ('minimal T=1').
 */
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
    note: `PyTorch ${dtype} ${reference} ms in hnn_reference_results.json (another run)`,
  });
}

/** A training loop's state for the compiled step of `train`. */
interface JitStep {
  step: TrainStep<AdamState>;
  batch: { x: Tensor; dxdt: Tensor };
  params: MlpParams;
  state: AdamState;
}

/**
 * The compiled step of train, traced and compiled by one first call, with its products on `threads`
 * threads and, with `fma`, the fused multiply-add of the matmul kernels (useFusedMultiplyAdd).
 */
async function jitStepSetup(dtype: DType, threads: 1 | 2, fma: boolean): Promise<JitStep> {
  if (fma && !enableRelaxedSimd()) {
    throw new CaseUnavailableError('this engine has no WebAssembly relaxed SIMD (relaxed_madd)');
  }
  const { model, params } = hnnSetup('reverse', dtype);
  const { x, y } = hnnBatch();
  const optimiser = adam({ lr: LEARNING_RATE });
  const batch = { x: tensor(x, [HNN_BATCH, INPUT_DIM], dtype), dxdt: tensor(y, [HNN_BATCH, INPUT_DIM], dtype) };
  const s: JitStep = { step: compileTrainStep(model, optimiser), batch, params, state: optimiser.init(params) };
  if (threads === 2) {
    useMatmulThreads(2);
    await matmulThreadsReady();
  }
  try {
    if (fma) useFusedMultiplyAdd(true);
    s.step(params, s.state, batch); // the program (and its arena) is made here, with the settings of now
  } finally {
    useMatmulThreads(1); // the other rows keep one thread
    useFusedMultiplyAdd(false); // and the unfused kernels
  }
  return s;
}

/**
 * The compiled step of @liouville/hamiltonian's train (traced and compiled in setup); with 2
 * threads, its large matrix products are cut into chunks of rows shared with a helper thread
 * (@liouville/linalg/node's useMatmulThreads); with `fma`, its matrix products use the fused
 * multiply-add (useFusedMultiplyAdd, after enableRelaxedSimd).
 */
function liouvilleJitCase(dtype: DType, threads: 1 | 2 = 1, fma = false): Case<JitStep> {
  const target = dtype === 'float64' ? '1.5' : '2';
  const fmaNote = fma ? ', with the fused multiply-add of the matmul kernels (useFusedMultiplyAdd(true))' : '';
  return defineCase({
    name: `Liouville ${dtype}, jit${fma ? ', fma' : ''}${threads === 2 ? ', 2 threads' : ''}`,
    setup: () => jitStepSetup(dtype, threads, fma),
    fn: (s) => {
      const result = s.step(s.params, s.state, s.batch);
      s.params = result.params;
      s.state = result.state;
      return result.loss;
    },
    note:
      threads === 2
        ? `as the jit row${fmaNote}, matrix products of at least 2²¹ multiply-adds on two threads (useMatmulThreads(2)); time / reference is against PyTorch ${dtype} on 1 thread (target at most ${target}×)`
        : `train's step (compileTrainStep): valueAndGrad and Adam as one jitted program${fmaNote}; time / reference is against PyTorch ${dtype} (target at most ${target}×)`,
  });
}

/** ms per HNN training step: Liouville in float64/float32 and both input-gradient modes, and the peers, against the hand-written step. */
export const hnnStepGroup: Group = defineGroup({
  name: 'hnn-step',
  description:
    `One HNN training step at the spring task's configuration: MLP 2→200→200→2 tanh (H = output 2, as the reference code's ` +
    `hnnModel({ inputDim: 2 })), batch ${HNN_BATCH}, loss mean‖J∇ₓH − y‖², parameter gradient, Adam lr 1e-3; every row starts ` +
    'from the same parameters and batch. PyTorch rows are timed inside the Python process (one request per sample, same rounds). ' +
    'Rows marked 2 threads: Liouville with its large matrix products shared by rows with a helper thread (useMatmulThreads(2)), ' +
    'PyTorch with torch.set_num_threads(2) and a 2-thread BLAS in a process of its own (OMP_WAIT_POLICY=PASSIVE). ' +
    'Rows marked fma: the matmul kernels with relaxed SIMD fused multiply-adds (useFusedMultiplyAdd, opt-in; bits machine-dependent). ' +
    `For context, from another run (hnn_reference_results.json, PyTorch 1.13 CPU, 1 thread): ${PYTORCH_REFERENCE_MS.float64} ms float64, ${PYTORCH_REFERENCE_MS.float32} ms float32.`,
  metric: { unit: 'steps/s', perOp: 1 },
  budgetMs: 2000,
  compareTo: (name) => {
    const dtype = name.toLowerCase().includes('float32') ? 'float32' : 'float64';
    return /^Liouville .*, jit(, fma)?(, 2 threads)?$/.test(name)
      ? `PyTorch ${dtype}, 1 thread`
      : `Liouville ${dtype}, input gradient reverse`;
  },
  compareLabel: 'Liouville reverse, same dtype (jit rows: PyTorch on 1 thread, same dtype)',
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
    liouvilleJitCase('float64', 2),
    liouvilleJitCase('float32', 2),
    liouvilleJitCase('float64', 1, true),
    liouvilleJitCase('float32', 1, true),
    liouvilleJitCase('float64', 2, true),
    liouvilleJitCase('float32', 2, true),
    torchHnnCase('float64'),
    torchHnnCase('float32'),
    torchHnnCase('float64', 2),
    torchHnnCase('float32', 2),
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
