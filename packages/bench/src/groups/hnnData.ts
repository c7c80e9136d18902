// The data of one HNN training step, shared by the Liouville cases, the hand-written baseline and
// the peers, so that every row of the hnn-step group starts from the same parameters and batch.
import type { FieldModel, InputGradientMode } from '@liouville/hamiltonian';
import { hnnModel } from '@liouville/hamiltonian';
import { type DType, randomKey } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import { uniformArray } from './deterministic.js';
import { type HandHnn, handHnn } from './handHnn.js';

/** Rows per step, as in the reference's training scripts. */
export const HNN_BATCH = 750;
/** Input dimension (q, p). */
export const INPUT_DIM = 2;
/** Hidden width of both layers. */
export const HNN_HIDDEN = 200;
/** Adam's learning rate. */
export const LEARNING_RATE = 1e-3;

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

/** Names of the parameters, in the layout of @liouville/nn's mlp: W0 [2, 200], b0, W1 [200, 200], b1, W2 [200, 2]. */
export const HNN_PARAM_NAMES = ['W0', 'b0', 'W1', 'b1', 'W2'] as const;

/** The initial parameters (float64, seed 0) as plain arrays with their shapes, for the peers. */
export function hnnInitialArrays(): Record<(typeof HNN_PARAM_NAMES)[number], { data: Float64Array; shape: number[] }> {
  const { params } = hnnSetup('reverse', 'float64');
  const entry = (name: (typeof HNN_PARAM_NAMES)[number]) => ({
    data: Float64Array.from(params[name].data),
    shape: [...params[name].shape],
  });
  return { W0: entry('W0'), b0: entry('b0'), W1: entry('W1'), b1: entry('b1'), W2: entry('W2') };
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
