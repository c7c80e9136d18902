// vmap composed with the differentiation transformations, in both orders and nested: each batched
// result is compared with the same derivative taken example by example and stacked. Where the
// batched and the per-example computations run the same operations on the same numbers the
// comparison is bit for bit; the Jacobian and Hessian identities compare two AD paths that sum in
// different orders, within the DESIGN.md tolerance for that (exactFor: 1e-12 relative).
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, test } from 'vitest';
import {
  type Tree,
  type Value,
  add,
  cast,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  matmul,
  mul,
  reshape,
  rowwiseGrad,
  sin,
  square,
  sub,
  sum,
  tanh,
  vmap,
} from '../src/index.js';
import { type MlpParams, doubleIn, exactFor, expectClose, mapTree, mlp, mlpParamsArb, tensorArb } from './helpers.js';
import { expectSameBits, expectTreeBits, rows, stackTrees } from './vmap-helpers.js';

/** The identity as a batch of basis vectors of length n. */
const basis = (n: number): Tensor => L.eye(n);

/** A smooth function of a vector with every kind of coupling: f(x) = Σ sin(x)·x² + (Σ x)². */
const smooth = (x: Value): Value => add(sum(mul(sin(x), square(x))), square(sum(x)));
/** A vector-valued one, [n] → [n]: tanh(x)·Σx. */
const vectorValued = (x: Value): Value => mul(tanh(x), sum(x));

const N = 2;
const H = 5;
const batchOf = (size: number, n: number) => tensorArb([size, n], doubleIn([-1.5, 1.5]));

/** Squared error of the network's output on one example. */
const exampleLoss = (theta: MlpParams, x: Value, y: Value): Value => square(sub(mlp(theta, x), y));

describe('vmap with grad', () => {
  test('vmap(grad(loss)) gives the per-example gradients of an MLP loss, bit for bit, in float64 and float32', () => {
    fc.assert(
      fc.property(
        mlpParamsArb(N, H),
        fc.integer({ min: 1, max: 4 }).chain((b) => fc.tuple(batchOf(b, N), tensorArb([b]))),
        fc.constantFrom('float64', 'float32'),
        (theta64, [xs64, ys64], dtype) => {
          const theta = mapTree(theta64 as Tree, (t) => L.cast(t, dtype)) as MlpParams;
          const [xs, ys] = [L.cast(xs64, dtype), L.cast(ys64, dtype)];
          const perExample = (t: MlpParams, x: Value, y: Value) => grad((p: MlpParams) => exampleLoss(p, x, y))(t);
          const batched = vmap(perExample, [null, 0, 0])(theta, xs, ys);
          const ysRows = rows(ys);
          const stacked = stackTrees(rows(xs).map((x, b) => perExample(theta, x, ysRows[b]) as Tree));
          expectTreeBits(batched as Tree, stacked);
        },
      ),
      { numRuns: 20 },
    );
  });

  test('grad of a sum over vmap equals each row’s gradient, stacked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((b) => batchOf(b, 3)),
        (xs) => {
          const g = grad((x: Value) => sum(vmap(smooth)(x)))(xs);
          expectTreeBits(g, stackTrees(rows(xs).map((x) => grad(smooth)(x))));
        },
      ),
      { numRuns: 20 },
    );
  });

  test('rowwiseGrad equals vmap(grad) of the row function', () => {
    fc.assert(
      fc.property(mlpParamsArb(N, H), batchOf(4, N), (theta, xs) => {
        const forward = rowwiseGrad((x: Value) => mlp(theta, x))(xs);
        const batched = vmap(grad((x: Value) => mlp(theta, x)))(xs);
        expectClose(batched, forward, exactFor(forward as Tensor), 'vmap(grad) vs rowwiseGrad');
      }),
      { numRuns: 15 },
    );
  });

  test('a value closed over from the batch meets grad as a constant: d/dy (x·y) = x per example', () => {
    const xs = tensor([2, -3, 0.5]);
    const g = vmap((x: Value) => grad((y: Value) => mul(x, square(y)))(tensor(1.5)))(xs);
    expectSameBits(g, tensor([6, -9, 1.5]));
  });

  test('the HNN parameter gradient through the input gradient batches per example (reverse over forward over batch)', () => {
    fc.assert(
      fc.property(mlpParamsArb(N, H), batchOf(3, N), batchOf(3, N), (theta, xs, targets) => {
        // One example is one row [1, 2]: the loss of the symplectic gradient field against a target.
        const loss = (t: MlpParams, x: Value, target: Value): Value => {
          const field = rowwiseGrad((z: Value) => mlp(t, z))(reshape(x, [1, N]));
          return sum(square(sub(matmul(field, tensor([0, -1, 1, 0], [2, 2])), reshape(target, [1, N]))));
        };
        const perExample = (t: MlpParams, x: Value, target: Value) => grad((p: MlpParams) => loss(p, x, target))(t);
        const batched = vmap(perExample, [null, 0, 0])(theta, xs, targets);
        const targetRows = rows(targets);
        const stacked = stackTrees(rows(xs).map((x, b) => perExample(theta, x, targetRows[b]) as Tree));
        expectTreeBits(batched as Tree, stacked);
      }),
      { numRuns: 10 },
    );
  });
});

describe('vmap with forward mode', () => {
  test('jacfwd equals vmap of jvp over the basis vectors (out axis last)', () => {
    fc.assert(
      fc.property(tensorArb([4], doubleIn([-1.5, 1.5])), (x) => {
        const viaVmap = vmap((v: Value) => jvp(vectorValued, x, v)[1] as Value, 0, -1)(basis(4));
        const jac = jacfwd(vectorValued)(x) as Tensor;
        expectClose(viaVmap, jac, exactFor(jac), 'vmap(jvp) vs jacfwd');
      }),
      { numRuns: 20 },
    );
  });

  test('jvp of vmap equals the per-example jvps stacked', () => {
    fc.assert(
      fc.property(batchOf(3, 4), batchOf(3, 4), (xs, vs) => {
        const [y, dy] = jvp(vmap(vectorValued), xs, vs);
        const vRows = rows(vs);
        const each = rows(xs).map((x, b) => jvp(vectorValued, x, vRows[b]));
        expectSameBits(y as Value, L.stack(each.map(([p]) => p as Tensor)));
        expectSameBits(dy as Value, L.stack(each.map(([, t]) => t as Tensor)));
      }),
      { numRuns: 20 },
    );
  });

  test('vmap(jacfwd) and vmap(jacrev) equal the per-example Jacobians stacked', () => {
    fc.assert(
      fc.property(batchOf(3, 3), (xs) => {
        const each = rows(xs);
        const forward = vmap(jacfwd(vectorValued) as (x: Value) => Value)(xs);
        expectTreeBits(forward, L.stack(each.map((x) => jacfwd(vectorValued)(x) as Tensor)));
        const reverse = vmap(jacrev(vectorValued) as (x: Value) => Value)(xs);
        expectTreeBits(reverse, L.stack(each.map((x) => jacrev(vectorValued)(x) as Tensor)));
      }),
      { numRuns: 15 },
    );
  });

  test('vmap of hvp equals the per-direction products, and over the basis gives the Hessian', () => {
    fc.assert(
      fc.property(tensorArb([3], doubleIn([-1.5, 1.5])), batchOf(4, 3), (x, directions) => {
        const batched = vmap((v: Value) => hvp(smooth, x, v) as Value)(directions);
        expectSameBits(batched, L.stack(rows(directions).map((v) => hvp(smooth, x, v) as Tensor)));
        const hess = hessian(smooth)(x) as Tensor;
        expectClose(
          vmap((v: Value) => hvp(smooth, x, v) as Value)(basis(3)),
          hess,
          exactFor(hess),
          'vmap(hvp) vs hessian',
        );
      }),
      { numRuns: 15 },
    );
  });
});

describe('vmap nested and mixed', () => {
  test('vmap(vmap(grad)) over a grid of points equals the pointwise gradients', () => {
    fc.assert(
      fc.property(tensorArb([2, 3, 2], doubleIn([-1.5, 1.5])), (grid) => {
        const batched = vmap(vmap(grad(smooth)))(grid);
        const expected = L.stack(rows(grid).map((plane) => L.stack(rows(plane).map((x) => grad(smooth)(x) as Tensor))));
        expectSameBits(batched, expected);
      }),
      { numRuns: 10 },
    );
  });

  test('grad through a cast inside vmap returns the input dtype', () => {
    const xs = tensor([0.5, 1, 1.5, 2], [2, 2], 'float32');
    const g = vmap(grad((x: Value) => sum(square(cast(x, 'float64')))))(xs);
    expectSameBits(g, tensor([1, 2, 3, 4], [2, 2], 'float32'));
  });
});
