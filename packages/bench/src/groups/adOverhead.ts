// The fixed cost of one differentiable operation, measured where the arithmetic is negligible:
// a chain of CHAIN_OPS elementwise operations (alternately x·a and x + b) on a tensor of shape
// [3], then a sum, at each level of the algebra (DESIGN.md §2): plain tensors, under jvp (Dual),
// under grad (tape Node, forward and backward), and the two nestings used by HNN training.
// Plain JavaScript loops over Float64Array(3) give the limit of what the engine can do.
import * as AD from '@liouville/ad';
import * as L from '@liouville/linalg';
import { type Group, defineCase, defineGroup } from '../harness.js';
import {
  type ChainProblem,
  jaxChainRows,
  tfjsChainRows,
  tfjsChainUnavailable,
  torchChainRows,
} from '../peers/overheadPeers.js';

/** Operations per call. With 1000, the median time of one call in µs reads as ns per operation. */
export const CHAIN_OPS = 1000;

const WIDTH = 3;
/** Close to 1 so that neither the values nor the derivatives (0.999⁵⁰⁰ ≈ 0.6) under- or overflow. */
const A = [0.999, 1.001, 0.998];
const B = [0.25, -0.5, 0.125];
const X0 = [0.3, -1.2, 2.1];
const V0 = [1, 0.5, -0.25];

/** x ↦ Σ (((x·a + b)·a + b)…), CHAIN_OPS operations then a sum, with the free functions of @liouville/ad. */
export function adChain(a: L.Tensor, b: L.Tensor): (x: AD.Value) => AD.Value {
  return (x) => {
    let y = x;
    for (let k = 0; k < CHAIN_OPS; k += 2) y = AD.add(AD.mul(y, a), b);
    return AD.sum(y);
  };
}

/** The same chain with the tensor functions of @liouville/linalg: no dispatch, no derivatives. */
function linalgChain(x: L.Tensor, a: L.Tensor, b: L.Tensor): L.Tensor {
  let y = x;
  for (let k = 0; k < CHAIN_OPS; k += 2) y = L.add(L.mul(y, a), b);
  return L.sum(y);
}

/** The chain as JavaScript would write it with immutable arrays: a new Float64Array(3) per operation. */
export function jsAllocatingChain(x: Float64Array, a: Float64Array, b: Float64Array): number {
  let y = x;
  for (let k = 0; k < CHAIN_OPS; k += 2) {
    const t = new Float64Array(WIDTH);
    for (let i = 0; i < WIDTH; i++) t[i] = y[i] * a[i];
    const u = new Float64Array(WIDTH);
    for (let i = 0; i < WIDTH; i++) u[i] = t[i] + b[i];
    y = u;
  }
  return y[0] + y[1] + y[2];
}

/** The chain updating one scratch array in place: the limit, no allocation at all. */
function jsInPlaceChain(x: Float64Array, a: Float64Array, b: Float64Array, scratch: Float64Array): number {
  scratch.set(x);
  for (let k = 0; k < CHAIN_OPS; k += 2) {
    for (let i = 0; i < WIDTH; i++) scratch[i] = scratch[i] * a[i];
    for (let i = 0; i < WIDTH; i++) scratch[i] = scratch[i] + b[i];
  }
  return scratch[0] + scratch[1] + scratch[2];
}

function jsOperands() {
  return {
    x: Float64Array.from(X0),
    a: Float64Array.from(A),
    b: Float64Array.from(B),
    scratch: new Float64Array(WIDTH),
  };
}

/** Tensors of the chain, built once per case, outside the timed closure. */
function tensorOperands() {
  const a = L.tensor(A);
  const b = L.tensor(B);
  const f = adChain(a, b);
  return {
    x: L.tensor(X0),
    v: L.tensor(V0),
    a,
    b,
    f,
    gradF: AD.grad(f),
    // Reverse over reverse: the gradient of x ↦ Σ ∇f(x), a Node of a Node on every operation.
    gradGradF: AD.grad((x: AD.Value) => AD.sum(AD.grad(f)(x))),
    // Compiled (traced and compiled at the first call, in the warm-up): the chain and its gradient
    // as straight-line code, with no per-operation cost left.
    jitF: AD.jit(f),
    jitGradF: AD.jit(AD.grad(f)),
  };
}

/** The Liouville row each peer row is compared with, by the level after ': ' in the peer row's name. */
const OURS_BY_LEVEL: Record<string, string> = {
  plain: 'ad ops on Tensor',
  'jit plain': 'jit of the chain',
  jvp: 'jvp (Dual)',
  grad: 'grad (Node)',
  'jit grad': 'jit of grad',
  'jvp of grad': 'jvp of grad (forward over reverse)',
  'grad of grad': 'grad of grad (reverse over reverse)',
};

/** The chain for the peers: the same numbers and length. */
const PEER_CHAIN: ChainProblem = { ops: CHAIN_OPS, x: X0, v: V0, a: A, b: B };

/** ns per operation at each level of the algebra, against the same chain in plain JavaScript updating one array in place. */
export const adOverheadGroup: Group = defineGroup({
  name: 'ad-overhead',
  description: `One call = a chain of ${CHAIN_OPS} elementwise ops (x·a, + b alternately) on shape [${WIDTH}] float64 (float32 for tfjs), then a sum: median/op in µs reads as ns per operation. PyTorch rows are timed inside the Python process (no Python-to-Node call in the sample), in the same rounds.`,
  metric: { unit: 'Mop/s', perOp: CHAIN_OPS, scale: 1e-6 },
  budgetMs: 700,
  compareTo: (name) => OURS_BY_LEVEL[name.split(': ')[1] ?? ''],
  compareLabel: 'Liouville, same level',
  baseline: defineCase({
    name: 'plain JS, in place',
    setup: jsOperands,
    fn: ({ x, a, b, scratch }) => jsInPlaceChain(x, a, b, scratch),
    note: 'the limit: no allocation',
  }),
  cases: [
    defineCase({
      name: 'plain JS, new Float64Array(3) per op',
      setup: jsOperands,
      fn: ({ x, a, b }) => jsAllocatingChain(x, a, b),
      note: 'immutable values',
    }),
    defineCase({
      name: 'linalg Tensor ops',
      setup: tensorOperands,
      fn: ({ x, a, b }) => linalgChain(x, a, b),
      note: 'no dispatch',
    }),
    defineCase({
      name: 'ad ops on Tensor',
      setup: tensorOperands,
      fn: ({ x, f }) => f(x),
      note: 'level 0: plain tensors',
    }),
    defineCase({
      name: 'jvp (Dual)',
      setup: tensorOperands,
      fn: ({ x, v, f }) => AD.jvp(f, x, v),
      note: 'forward mode',
    }),
    defineCase({
      name: 'grad (Node)',
      setup: tensorOperands,
      fn: ({ x, gradF }) => gradF(x),
      note: 'tape forward + backward',
    }),
    defineCase({
      name: 'jvp of grad (forward over reverse)',
      setup: tensorOperands,
      fn: ({ x, v, gradF }) => AD.jvp(gradF, x, v),
      note: 'as hvp',
    }),
    defineCase({
      name: 'grad of grad (reverse over reverse)',
      setup: tensorOperands,
      fn: ({ x, gradGradF }) => gradGradF(x),
    }),
    defineCase({
      name: 'jit of the chain',
      setup: tensorOperands,
      fn: ({ x, jitF }) => jitF(x),
      note: 'compiled once: no per-operation cost left',
    }),
    defineCase({
      name: 'jit of grad',
      setup: tensorOperands,
      fn: ({ x, jitGradF }) => jitGradF(x),
      note: 'the gradient compiled once',
    }),
    ...torchChainRows(PEER_CHAIN),
    ...jaxChainRows(PEER_CHAIN),
    ...tfjsChainRows(PEER_CHAIN, 'cpu'),
    ...tfjsChainRows(PEER_CHAIN, 'wasm'),
    ...tfjsChainUnavailable(),
  ],
});
