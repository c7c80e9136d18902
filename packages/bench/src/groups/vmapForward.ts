// Batched forward mode two ways: as built into the forward rules (a tangent carrying a leading
// axis of k directions, what `jacfwd` and `rowwiseGrad` do), and as `vmap` of `jvp` over the k
// directions (a batching level of its own under the forward level, as JAX writes `jacfwd`).
// Speedup > 1 means the vmap form is faster. These rows decided whether vmap replaces the
// tangent layout of the forward rules.
import {
  type Tree,
  type Value,
  flatten,
  primalTensor,
  grad,
  hessian,
  jacfwd,
  jvp,
  matmul,
  mean,
  mul,
  reshape,
  rowwiseGrad,
  sin,
  square,
  sub,
  sum,
  tanh,
  vmap,
} from '@liouville/ad';
import * as L from '@liouville/linalg';
import { type MlpParams, mlp } from '@liouville/nn';
import { type Group, defineCase, defineGroup } from '../harness.js';
import { uniformArray } from './deterministic.js';

/** A remark comparing the vmap form's result with the tangent layout's: their largest elementwise difference. */
function agreement(layoutResult: () => Tree, vmapResult: () => Tree): () => string {
  return () => {
    const a = flatten(layoutResult()).leaves.map(primalTensor);
    const b = flatten(vmapResult()).leaves.map(primalTensor);
    let worst = 0;
    a.forEach((t, i) => {
      for (let e = 0; e < t.size; e++) worst = Math.max(worst, Math.abs(t.data[e] - b[i].data[e]));
    });
    return `max |difference| from the tangent layout ${worst.toExponential(1)}`;
  };
}

/** The Jacobian of f at x as vmap of jvp over the basis directions, blocks [...outShape, ...inShape]. */
function jacfwdByVmap(f: (x: Value) => Value): (x: L.Tensor) => Value {
  return (x) => {
    const n = x.size;
    const directions = L.reshape(L.eye(n, n, x.dtype), [n, ...x.shape]);
    const columns = vmap((v: Value) => jvp(f, x, v)[1], 0, -1)(directions);
    return reshape(columns, [...columns.shape.slice(0, -1), ...x.shape]);
  };
}

/** rowwiseGrad's forward mode as vmap of jvp over the d coordinate directions of every row. */
function rowwiseGradByVmap(f: (x: Value) => Value): (x: Value) => Value {
  return (x) => {
    const [rows, d] = x.shape;
    const basis = L.zeros([d, rows, d], x.dtype);
    for (let j = 0; j < d; j++) for (let b = 0; b < rows; b++) basis.data[(j * rows + b) * d + j] = 1;
    const columns = vmap((v: Value) => jvp(f, x, v)[1], 0, -1)(basis);
    return reshape(columns, [rows, d]);
  };
}

/** f(x) = tanh(W·x) for a vector of n: a small dense vector field (a Newton residual's shape). */
function denseField(n: number): { f: (x: Value) => Value; x: L.Tensor } {
  const W = L.tensor(uniformArray(n * n, 31, -1 / Math.sqrt(n), 1 / Math.sqrt(n)), [n, n]);
  return { f: (x) => tanh(matmul(W, x)), x: L.tensor(uniformArray(n, 32), [n]) };
}

/** f(x) = Σ sin(x)·x², whose Hessian jacfwd(grad(f)) is the ad-cost function's. */
const sinSquare = (x: Value): Value => sum(mul(sin(x), square(x)));

/** A group timing the vmap form against the tangent layout on the same inputs, their agreement noted. */
function comparison<S>(
  name: string,
  description: string,
  budgetMs: number,
  setup: () => S,
  withLayout: (s: S) => Tree,
  withVmap: (s: S) => Tree,
): Group {
  const fixed = setup();
  return defineGroup({
    name: `vmap-forward ${name}`,
    description,
    budgetMs,
    baseline: defineCase({ name: 'tangent layout', setup, fn: withLayout }),
    cases: [
      defineCase({
        name: 'vmap of jvp',
        setup,
        fn: withVmap,
        note: agreement(
          () => withLayout(fixed),
          () => withVmap(fixed),
        ),
      }),
    ],
  });
}

const jacfwdGroup = (n: number): Group =>
  comparison(
    `jacfwd n=${n}`,
    `The Jacobian of x ↦ tanh(W·x) for x of ${n} float64 elements: jacfwd's batched tangents against vmap of jvp over the ${n} basis directions.`,
    1500,
    () => denseField(n),
    ({ f, x }) => jacfwd(f)(x),
    ({ f, x }) => jacfwdByVmap(f)(x),
  );

const hessianGroup = (n: number): Group =>
  comparison(
    `hessian n=${n}`,
    `The Hessian of Σ sin(x)·x² for x of ${n} float64 elements, forward over reverse: jacfwd(grad(f)) against vmap of jvp of grad(f).`,
    1500,
    () => ({ x: L.tensor(uniformArray(n, 33, -2, 2), [n]) }),
    ({ x }) => hessian(sinSquare)(x),
    ({ x }) => jacfwdByVmap(grad(sinSquare))(x),
  );

const ROWS = 750;
const SIZES = [2, 200, 200, 1];

interface HnnInputs {
  H: (params: MlpParams<Value>, x: Value) => Value;
  params: MlpParams;
  x: L.Tensor;
  y: L.Tensor;
}

/** An MLP 2→200→200→1 (tanh), its parameters and a batch of 750 rows with targets. */
function hnnInputs(): HnnInputs {
  const net = mlp({ sizes: SIZES, activation: 'tanh' });
  return {
    H: (p, x) => net.apply(p, x),
    params: net.init(L.randomKey(0)),
    x: L.tensor(uniformArray(ROWS * 2, 34), [ROWS, 2]),
    y: L.tensor(uniformArray(ROWS * 2, 35), [ROWS, 2]),
  };
}

type RowwiseGrad = (f: (x: Value) => Value) => (x: Value) => Value;

/** mean‖∇ₓH − y‖², the shape of the HNN loss, with a given input gradient. */
function lossWith(inputGrad: RowwiseGrad, s: HnnInputs): (p: MlpParams<Value>) => Value {
  return (p) => mean(square(sub(inputGrad((z) => s.H(p, z))(s.x), s.y)));
}

const layout: RowwiseGrad = (f) => rowwiseGrad(f);

const rowwiseGroup = comparison(
  'rowwiseGrad',
  `The input gradient of an MLP ${SIZES.join('→')} (tanh) on ${ROWS} rows, forward mode: rowwiseGrad's batched tangents against vmap of jvp over the 2 coordinate directions.`,
  2000,
  hnnInputs,
  (s) => layout((z) => s.H(s.params, z))(s.x),
  (s) => rowwiseGradByVmap((z) => s.H(s.params, z))(s.x),
);

const lossGradGroup = comparison(
  'hnn-loss-grad',
  `The parameter gradient of mean‖∇ₓH − y‖² for an MLP ${SIZES.join('→')} on ${ROWS} rows (reverse over forward, as an HNN step): the input gradient by rowwiseGrad's batched tangents against vmap of jvp.`,
  2000,
  hnnInputs,
  (s) => grad(lossWith(layout, s))(s.params),
  (s) => grad(lossWith(rowwiseGradByVmap, s))(s.params),
);

/** Batched forward mode, tangent layout against vmap of jvp. */
export const vmapForwardGroups: readonly Group[] = [
  jacfwdGroup(6),
  jacfwdGroup(200),
  hessianGroup(100),
  rowwiseGroup,
  lossGradGroup,
];
