// The linear solve as a differentiable primitive: values against linalg's LU solve matrix by
// matrix, derivatives against closed forms built with linalg's inverse and against central
// differences (also through a Hessian, as a Lagrangian network's loss uses it), and the same bits
// under jit and vmap. The generic paths (every AD mode, second derivatives, jit of grad/jacfwd/
// jacrev) also run over random shapes in the structural cases (structural-cases.ts, 'solve').
import * as L from '@liouville/linalg';
import { ShapeError, SingularMatrixError, type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Value,
  add,
  grad,
  hessian,
  jacfwd,
  jit,
  makeJaxpr,
  matmul,
  mul,
  primalTensor,
  reshape,
  slice,
  solve,
  sum,
  tanh,
  transposeLast2,
  vmap,
} from '../src/index.js';
import { EXACT, FD, expectClose, fdGrad, tensorArb } from './helpers.js';
import { expectSameBits, rows } from './vmap-helpers.js';

/**
 * A random n×n matrix plus 7·I: with elements in [−2, 2] and n ≤ 3 every row's diagonal (≥ 5)
 * exceeds the sum of the rest (≤ 4), so it is nonsingular with ‖A⁻¹‖∞ ≤ 1 (strict diagonal
 * dominance), and the comparisons below need no allowance for ill-conditioning.
 */
const dominant = (r: Tensor): Tensor => L.add(r, L.mul(L.eye(r.shape[r.shape.length - 1]), L.scalar(7)));

/** A batch of well-conditioned systems: a [batch…, n, n] and b [batch…, n, k]. */
const systemArb = fc
  .record({
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    n: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ batch, n, k }) => fc.tuple(tensorArb([...batch, n, n]).map(dominant), tensorArb([...batch, n, k])));

/** The matrices of a batch [..., r, c], as a list of r×c tensors (row-major order of the batch). */
function matrices(x: Tensor): Tensor[] {
  const [r, c] = x.shape.slice(-2);
  const count = x.size / (r * c);
  return Array.from({ length: count }, (_, i) =>
    L.tensor(Array.from(x.data.subarray(i * r * c, (i + 1) * r * c)), [r, c]),
  );
}

describe('solve', () => {
  test('solves every matrix of a batch exactly as linalg solves it alone', () => {
    fc.assert(
      fc.property(systemArb, ([a, b]) => {
        const x = primalTensor(solve(a, b));
        expect(x.shape).toEqual(b.shape);
        const bs = matrices(b);
        matrices(a).forEach((m, i) => {
          expectSameBits(matrices(x)[i], L.solve(m, bs[i]));
        });
      }),
      { numRuns: 50 },
    );
  });

  test('broadcasts batch axes (one matrix against many right-hand sides) and takes a vector b', () => {
    const a = dominant(
      tensor([
        [1, 2],
        [-1, 0.5],
      ]),
    );
    const b = tensor([
      [[1], [2]],
      [[3], [-4]],
      [[0.5], [0]],
    ]);
    const x = primalTensor(solve(a, b));
    expect(x.shape).toEqual([3, 2, 1]);
    // The residual a·x − b of a well-conditioned 2×2 system is a few ulps of |b| ≤ 4.
    expectClose(L.matmul(a, x), b, EXACT, 'a·x');
    const v = primalTensor(solve(a, tensor([1, 2])));
    expect(v.shape).toEqual([2]);
    expectSameBits(v, L.reshape(primalTensor(solve(a, tensor([[1], [2]]))), [2]));
    const many = primalTensor(solve(L.stack([a, L.mul(a, L.scalar(2))]), tensor([1, 2])));
    expect(many.shape).toEqual([2, 2]);
  });

  test('rejects non-square matrices, mismatched right-hand sides and singular matrices by name', () => {
    expect(() => solve(L.zeros([2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => solve(L.zeros([2, 3]), tensor([1, 2]))).toThrow(/solve.*square/);
    expect(() => solve(L.eye(2), tensor([1, 2, 3]))).toThrow(/solve.*b must have shape \[2\]/);
    expect(() => solve(L.eye(2), L.zeros([3, 2]))).toThrow(ShapeError);
    expect(() => solve(L.zeros([2, 2, 2]), L.zeros([3, 2, 1]))).toThrow(ShapeError);
    expect(() =>
      solve(
        tensor([
          [1, 2],
          [2, 4],
        ]),
        tensor([1, 1]),
      ),
    ).toThrow(SingularMatrixError);
  });

  test('has the gradients b̄ = A⁻ᵀw and Ā = −A⁻ᵀw xᵀ of ⟨w, A⁻¹b⟩ (closed form by linalg inv)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(tensorArb([n, n]), tensorArb([n, 2]), tensorArb([n, 2]))),
        ([r, b, w]) => {
          const a = L.add(r, L.mul(L.eye(r.shape[0]), L.scalar(9)));
          const [ga, gb] = grad(([u, v]: Value[]) => sum(mul(solve(u, v), w)))([a, b]) as Tensor[];
          const inverseT = L.transpose(L.inv(a));
          const x = L.matmul(L.inv(a), b);
          const expectedB = L.matmul(inverseT, w);
          expectClose(gb, expectedB, EXACT, 'b̄');
          expectClose(ga, L.neg(L.matmul(expectedB, L.transpose(x))), EXACT, 'Ā');
        },
      ),
      { numRuns: 50 },
    );
  });

  test('differentiates through a Hessian it solves with (a Newton step), matching central differences', () => {
    // f_θ(x) = Σ tanh(θ₀x + θ₁x²) + |x|²: its Hessian is diagonal with entries
    // 2 + 2θ₁sech²z − 2 tanh z sech²z (θ₀ + 2θ₁x)² ≥ 2 − 0.6 − 0.77·1.12 > 0 for the θ and x below,
    // so the Newton step s(θ) = (∇²f)⁻¹∇f exists; its θ-gradient is a third derivative taken
    // through the solve's own rules.
    const f = (theta: Value) => (x: Value) => {
      const [t0, t1] = [reshape(slice(theta, [0], [1]), []), reshape(slice(theta, [1], [2]), [])];
      return add(sum(tanh(add(mul(t0, x), mul(t1, mul(x, x))))), sum(mul(x, x)));
    };
    const x0 = tensor([0.3, -0.7, 1.1]);
    const w = tensor([1, -2, 0.5]);
    const newton = (theta: Value) => {
      const h = hessian(f(theta))(x0) as Value;
      const g = grad(f(theta))(x0);
      return sum(mul(solve(h, g), w));
    };
    const theta = tensor([0.4, -0.3]);
    expectClose(grad(newton)(theta), fdGrad(newton, theta), FD, 'θ-gradient of the Newton step');
  });

  test('compiles under jit to the eager bits: small programs (scalar code) and large ones', () => {
    const f = ([a, b]: Value[]) => sum(tanh(solve(a, matmul(b, transposeLast2(b)))));
    for (const [batch, n] of [
      [[], 2],
      [[3], 3],
      [[40], 3],
    ] as const) {
      const a = dominant(L.randomUniform(L.randomKey(n), [...batch, n, n], { low: -2, high: 2 }));
      const b = L.randomNormal(L.randomKey(7), [...batch, n, n]);
      expectSameBits(primalTensor(jit(f)([a, b])), primalTensor(f([a, b])));
      const [ga, gb] = jit(grad(f))([a, b]) as Tensor[];
      const [ea, eb] = grad(f)([a, b]) as Tensor[];
      expectSameBits(ga, ea);
      expectSameBits(gb, eb);
      const g = (u: Value) => solve(u, b);
      expectSameBits(primalTensor(jit(jacfwd(g))(a)), primalTensor(jacfwd(g)(a)));
    }
    expect(makeJaxpr((a: Value) => solve(a, tensor([1, 2])))(L.eye(2)).toString()).toMatch(/= solve /);
  });

  test('batches under vmap to the bits of each example, derivatives included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(tensorArb([3, n, n]).map(dominant), tensorArb([n]))),
        ([as, b]) => {
          const loss = (a: Value) => sum(tanh(solve(a, b)));
          const batched = primalTensor(vmap(grad(loss))(as));
          const each = L.stack(rows(as).map((a) => primalTensor(grad(loss)(a))));
          expectSameBits(batched, each);
        },
      ),
      { numRuns: 30 },
    );
  });
});
