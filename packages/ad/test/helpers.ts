// Shared fixtures for the @liouville/ad tests: central finite differences (the independent truth
// for derivatives), tolerance-aware comparison of tensors and pytrees, fast-check arbitraries of
// shapes and tensors, and the small networks several test files differentiate.
import { type Shape, Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type Input,
  type Tree,
  type Value,
  Tracer,
  add,
  grad,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  matmul,
  mul,
  primalTensor,
  sum,
  tanh,
  transposeLast2,
  valueAndGrad,
  vjp,
} from '../src/index.js';

/** An elementwise tolerance: |actual − expected| ≤ rel·max(|actual|, |expected|) + abs. */
export interface Tolerance {
  rel: number;
  abs: number;
}

/**
 * Two derivatives that should agree to rounding: AD against a closed form, or two AD paths
 * (DESIGN.md §4.6). Both sides are short chains of correctly rounded operations on O(1)
 * numbers, so they differ by a few ulps: 1e-12 relative leaves three orders of magnitude of
 * headroom; the absolute floor (≈ 50 ulps of 1) only matters where a result is exactly or
 * nearly zero after cancellation.
 */
export const EXACT: Tolerance = { rel: 1e-12, abs: 1e-14 };

/**
 * The step of the central differences, relative to max(1, |x|). The error of
 * (f(x + h) − f(x − h)) / 2h is truncation h²·|f'''|/6 plus rounding ≈ ε·|f|/h. With h = 1e-5 on
 * the O(1)-scaled losses of these tests (|f|, |f'''| ≲ 10²) both terms are ≲ 1e-8, which sits near
 * the optimum h ≈ (3ε|f|/|f'''|)^{1/3} ≈ 1e-5.
 */
export const FD_STEP = 1e-5;

/**
 * AD against central differences with FD_STEP: the differences carry an absolute error ≲ 1e-8
 * (see FD_STEP), so 1e-6 relative with a 1e-7 absolute floor holds with margin, while a wrong
 * rule (an error of the size of the derivative itself) fails by orders of magnitude.
 */
export const FD: Tolerance = { rel: 1e-6, abs: 1e-7 };

/**
 * Two AD paths (or AD and a closed form) whose results are sums accumulated in different
 * orders: the entries here are sums of at most ~100 products of O(1) numbers, and reordering
 * such a sum moves it by ≲ k·ε·Σ|terms| ≲ 1e-13, so the absolute floor is 1e-12 times the
 * largest entry (at least 1).
 */
export function exactFor(expected: Tree | number): Tolerance {
  const e = typeof expected === 'number' ? tensor(expected) : expected;
  const largest = Math.max(1, ...leaves(e).flatMap((t) => t.toFlatArray().map(Math.abs)));
  return { rel: 1e-12, abs: 1e-12 * largest };
}

// ---------------------------------------------------------------------------------------------
// Pytrees, walked here independently of the library's flatten/unflatten.

/** The plain tensor of a value that must not be a tracer (a result of a finished transformation). */
export function plain(v: Value | number): Tensor {
  if (typeof v === 'number') return tensor(v);
  expect(v, 'expected a plain Tensor, got a tracer').not.toBeInstanceOf(Tracer);
  return v as Tensor;
}

/** The single number of a rank-0 value. */
export function num(v: Value | number): number {
  return typeof v === 'number' ? v : primalTensor(v).item();
}

/** A description of a tree's structure and leaf shapes, for structural equality. */
export function structure(tree: Tree): string {
  if (tree instanceof Tensor || tree instanceof Tracer) return `[${tree.shape.join(',')}]`;
  if (Array.isArray(tree)) return `(${tree.map(structure).join(' ')})`;
  const record = tree as Record<string, Tree>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${k}:${structure(record[k])}`)
    .join(' ')}}`;
}

/** The leaves of a tree, records in sorted key order, as plain tensors. */
export function leaves(tree: Tree): Tensor[] {
  if (tree instanceof Tensor || tree instanceof Tracer) return [plain(tree)];
  if (Array.isArray(tree)) return tree.flatMap(leaves);
  const record = tree as Record<string, Tree>;
  return Object.keys(record)
    .sort()
    .flatMap((k) => leaves(record[k]));
}

/** A tree of the same structure with each leaf replaced. */
export function mapTree<T extends Tree>(tree: T, f: (leaf: Tensor, index: number) => Tensor): T {
  let index = 0;
  const walk = (node: Tree): Tree => {
    if (node instanceof Tensor || node instanceof Tracer) return f(plain(node), index++);
    if (Array.isArray(node)) return node.map(walk);
    const record = node as Record<string, Tree>;
    const out: Record<string, Tree> = {};
    for (const k of Object.keys(record).sort()) out[k] = walk(record[k]);
    return out;
  };
  return walk(tree) as T;
}

/** x + h·v leafwise (h a number). */
export function axpy<T extends Tree>(x: T, h: number, v: T): T {
  const vs = leaves(v);
  return mapTree(x, (leaf, i) => {
    const out = new Float64Array(leaf.size);
    for (let e = 0; e < leaf.size; e++) out[e] = leaf.data[e] + h * vs[i].data[e];
    return new Tensor(out, leaf.shape);
  });
}

/** Σ over leaves of ⟨a, b⟩, in plain arithmetic. */
export function inner(a: Tree, b: Tree): number {
  const bs = leaves(b);
  let total = 0;
  leaves(a).forEach((leaf, i) => {
    for (let e = 0; e < leaf.size; e++) total += leaf.data[e] * bs[i].data[e];
  });
  return total;
}

// ---------------------------------------------------------------------------------------------
// Comparison.

/**
 * Asserts two trees have the same structure, shapes and (elementwise, within `tol`) values.
 * The failure message names the worst element.
 */
export function expectClose(actual: Tree | number, expected: Tree | number, tol: Tolerance, label = 'value'): void {
  const a = typeof actual === 'number' ? tensor(actual) : actual;
  const e = typeof expected === 'number' ? tensor(expected) : expected;
  expect(structure(a), `${label}: structure`).toBe(structure(e));
  const as = leaves(a);
  const es = leaves(e);
  let worst = { excess: 0, message: '' };
  as.forEach((leaf, i) => {
    for (let k = 0; k < leaf.size; k++) {
      const x = leaf.data[k];
      const y = es[i].data[k];
      const allowed = tol.rel * Math.max(Math.abs(x), Math.abs(y)) + tol.abs;
      const err = Math.abs(x - y);
      const excess = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err - allowed;
      if (excess > worst.excess) {
        worst = {
          excess,
          message: `${label}: leaf ${i} element ${k}: got ${x}, expected ${y} (|diff| ${err} > ${allowed})`,
        };
      }
    }
  });
  expect(worst.message, worst.message).toBe('');
}

// ---------------------------------------------------------------------------------------------
// Finite differences.

/** The rank-0 result of a scalar function as a number. */
function evalScalar(f: (x: never) => Value | number, x: Tree): number {
  return num((f as (x: Tree) => Value | number)(x));
}

/**
 * The gradient of a scalar function by central differences, one coordinate at a time, with
 * step h = step·max(1, |xᵢ|). The step actually taken, (x + h) − (x − h), is used as the
 * denominator so that the rounding of x ± h does not enter the quotient.
 */
export function fdGrad<X extends Tree>(f: (x: X) => Value | number, x: X, step = FD_STEP): X {
  return mapTree(x, (leaf, i) => {
    const out = new Float64Array(leaf.size);
    for (let e = 0; e < leaf.size; e++) {
      const h = step * Math.max(1, Math.abs(leaf.data[e]));
      const perturbed = (sign: number): X => {
        let index = 0;
        return mapTree(x, (l) => {
          const j = index++;
          if (j !== i) return l;
          const data = Float64Array.from(l.data);
          data[e] += sign * h;
          return new Tensor(data, l.shape);
        });
      };
      const plus = perturbed(1);
      const minus = perturbed(-1);
      const taken = leaves(plus)[i].data[e] - leaves(minus)[i].data[e];
      out[e] = (evalScalar(f, plus) - evalScalar(f, minus)) / taken;
    }
    return new Tensor(out, leaf.shape);
  });
}

/** The directional derivative (f(x + hv) − f(x − hv)) / 2h of a tree-valued function. */
export function fdDirectional<X extends Tree, Y extends Tree>(f: (x: X) => Y, x: X, v: X, h = FD_STEP): Y {
  const plus = f(axpy(x, h, v));
  const minus = f(axpy(x, -h, v));
  const ms = leaves(minus);
  return mapTree(plus, (p, i) => {
    const out = new Float64Array(p.size);
    for (let e = 0; e < p.size; e++) out[e] = (p.data[e] - ms[i].data[e]) / (2 * h);
    return new Tensor(out, p.shape);
  });
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** A closed interval of values. */
export type Domain = readonly [number, number];

/** Doubles in a domain (no NaN, no infinities). */
export function doubleIn([min, max]: Domain): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Doubles with |x| in [min, max] and either sign: away from the kink of abs, relu, sign. */
export function awayFromZero(min = 0.1, max = 3): fc.Arbitrary<number> {
  return fc.tuple(doubleIn([min, max]), fc.boolean()).map(([m, negative]) => (negative ? -m : m));
}

/** Shapes of rank minRank..maxRank with every dimension in 1..maxDim. */
export function shapeArb(maxRank = 3, maxDim = 3, minRank = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** The number of elements of a shape. */
export function sizeOfShape(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A float64 tensor of the given shape with elements drawn by `element`. */
export function tensorArb(shape: Shape, element: fc.Arbitrary<number> = doubleIn([-2, 2])): fc.Arbitrary<Tensor> {
  const n = sizeOfShape(shape);
  return fc.array(element, { minLength: n, maxLength: n }).map((data) => tensor(data, shape));
}

/** A tensor whose elements are pairwise at least 0.05 apart (no near-ties for max). */
export function distinctTensorArb(shape: Shape): fc.Arbitrary<Tensor> {
  const n = sizeOfShape(shape);
  const order = Array.from({ length: n }, (_, i) => i);
  return fc
    .tuple(
      fc.shuffledSubarray(order, { minLength: n, maxLength: n }),
      fc.array(doubleIn([0, 0.05]), { minLength: n, maxLength: n }),
    )
    .map(([rank, jitter]) =>
      tensor(
        rank.map((r, i) => 0.1 * (r - n / 2) + jitter[i]),
        shape,
      ),
    );
}

/** A permutation of 0..n−1. */
export function permutationArb(n: number): fc.Arbitrary<number[]> {
  const order = Array.from({ length: n }, (_, i) => i);
  return fc.shuffledSubarray(order, { minLength: n, maxLength: n });
}

/** A shape that broadcasts to `target` under NumPy rules: a suffix of it, some dimensions set to 1. */
export function broadcastableShapeArb(target: Shape): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: target.length }),
      fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }),
    )
    .map(([rank, ones]) => target.slice(target.length - rank).map((n, i) => (ones[i] ? 1 : n)));
}

// ---------------------------------------------------------------------------------------------
// Small networks.

/** Parameters of a two-hidden-layer tanh network n → h → h → 1 (weights stored [out, in]). */
export type MlpParams = { W1: Value; b1: Value; W2: Value; b2: Value; W3: Value };

/** Sizes of the parameters of an n → h → h → 1 network. */
export function mlpShapes(n: number, h: number): Record<keyof MlpParams, number[]> {
  return { W1: [h, n], b1: [h], W2: [h, h], b2: [h], W3: [h] };
}

/**
 * Random parameters with entries scaled by 1/√fan_in (so pre-activations stay O(1) and tanh
 * is neither saturated nor linear).
 */
export function mlpParamsArb(n: number, h: number): fc.Arbitrary<MlpParams> {
  const shapes = mlpShapes(n, h);
  const layer = (shape: number[], fanIn: number) =>
    tensorArb(shape, doubleIn([-1.5 / Math.sqrt(fanIn), 1.5 / Math.sqrt(fanIn)]));
  return fc.record({
    W1: layer(shapes.W1, n),
    b1: layer(shapes.b1, 1),
    W2: layer(shapes.W2, h),
    b2: layer(shapes.b2, 1),
    W3: layer(shapes.W3, h),
  }) as fc.Arbitrary<MlpParams>;
}

/**
 * H_θ(x) = W3ᵀ tanh(W2 tanh(W1 x + b1) + b2), applied to each row of x: [B, n] → [B]
 * (or to one vector x: [n] → []).
 */
export function mlp(theta: MlpParams, x: Input): Value {
  const layer1 = tanh(add(matmul(x, transposeLast2(theta.W1)), theta.b1));
  const layer2 = tanh(add(matmul(layer1, transposeLast2(theta.W2)), theta.b2));
  return matmul(layer2, theta.W3);
}

/** Σ of all elements of a value weighted elementwise by w: a scalar loss probing every output. */
export function weighted(y: Value, w: Tensor): Value {
  return sum(mul(y, w));
}

// ---------------------------------------------------------------------------------------------
// Random fill: one pool of random numbers in [−1, 1] supplies weights and tangents of any shape.

/** Size of the pool of random weights; larger than every output in these tests. */
export const POOL_SIZE = 256;

/** A pool of random numbers in [−1, 1]. */
export const poolArb: fc.Arbitrary<number[]> = fc.array(doubleIn([-1, 1]), {
  minLength: POOL_SIZE,
  maxLength: POOL_SIZE,
});

/** A tensor of `shape` taking its elements from the pool, starting at `offset` (wrapping around). */
export function fromPool(shape: Shape, pool: readonly number[], offset = 0): Tensor {
  const n = sizeOfShape(shape);
  return tensor(
    Array.from({ length: n }, (_, i) => pool[(offset + i) % pool.length]),
    shape,
  );
}

/** A tree shaped like `tree` filled from the pool (leaves take consecutive stretches). */
export function fillLike<T extends Tree>(tree: T, pool: readonly number[], offset = 0): T {
  let position = offset;
  return mapTree(tree, (leaf) => {
    const out = fromPool(leaf.shape, pool, position);
    position += leaf.size;
    return out;
  });
}

/** ⟨a, b⟩ summed over the leaves of two trees, as a differentiable value. */
export function innerValue(a: Tree, b: Tree): Value {
  const as = treeValues(a);
  const bs = treeValues(b);
  return as.map((leaf, i) => sum(mul(leaf, bs[i]))).reduce((total, term) => add(total, term));
}

/** The leaves of a tree as values (tracers kept), records in sorted key order. */
function treeValues(tree: Tree): Value[] {
  if (tree instanceof Tensor || tree instanceof Tracer) return [tree];
  if (Array.isArray(tree)) return tree.flatMap(treeValues);
  const record = tree as Record<string, Tree>;
  return Object.keys(record)
    .sort()
    .flatMap((k) => treeValues(record[k]));
}

// ---------------------------------------------------------------------------------------------
// Whole-suite checks of one scalar loss.

/**
 * First derivatives of a scalar loss by every path: reverse `grad` against central differences,
 * then `valueAndGrad`, `vjp`, `jacrev`, batched forward `jacfwd` and `jvp` along v against `grad`.
 */
export function expectFirstOrderPaths<X extends Tree>(loss: (x: X) => Value, x: X, v: X): void {
  const g = grad(loss)(x);
  expectClose(g, fdGrad(loss, x), FD, 'grad vs central differences');
  const tol = exactFor(g);
  const [value, g2] = valueAndGrad(loss)(x);
  expect(num(value)).toBe(num(loss(x)));
  expectClose(g2, g, tol, 'valueAndGrad');
  const [y, pullback] = vjp(loss, x);
  expect(num(y as Value)).toBe(num(value));
  expectClose(pullback(tensor(1) as never), g, tol, 'vjp');
  expectClose(jacrev(loss)(x), g, tol, 'jacrev');
  expectClose(jacfwd(loss)(x), g, tol, 'jacfwd');
  const [y2, ydot] = jvp(loss, x, v);
  expect(num(y2 as Value)).toBe(num(value));
  expectClose(
    ydot as Value,
    inner(g, v),
    exactFor(leaves(g).reduce((s, t, i) => s + absInner(t, leaves(v)[i]), 0)),
    'jvp',
  );
}

/** Σ |aᵢ bᵢ|, the scale of the rounding error of ⟨a, b⟩. */
function absInner(a: Tensor, b: Tensor): number {
  let total = 0;
  for (let i = 0; i < a.size; i++) total += Math.abs(a.data[i] * b.data[i]);
  return total;
}

/**
 * Second derivatives of a scalar loss along v by every nesting of the two modes: forward over
 * reverse (`hvp`) against central differences of the gradient, then reverse over reverse
 * (grad of ⟨∇f, v⟩) and reverse over forward (grad of the jvp) against `hvp`.
 */
export function expectSecondOrderPaths<X extends Tree>(loss: (x: X) => Value, x: X, v: X): void {
  const hv = hvp(loss, x, v);
  expectClose(hv, fdDirectional(grad(loss), x, v), FD, 'hvp vs central differences of grad');
  const tol = exactFor(hv);
  expectClose(grad((z: X) => innerValue(grad(loss)(z), v))(x), hv, tol, 'reverse over reverse');
  expectClose(grad((z: X) => jvp(loss, z, v)[1] as Value)(x), hv, tol, 'reverse over forward');
}
