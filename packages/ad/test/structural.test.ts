// First derivatives of the structural functions (reshape, transpose, broadcasting, slicing,
// joining, reductions, matmul, where, ...) over random shapes and parameters: the scalar loss
// Σ w ⊙ op(x) with random weights w probes every output element.
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Tree,
  type Value,
  cast,
  concat,
  grad,
  jacfwd,
  jacrev,
  jvp,
  matmul,
  mul,
  stopGradient,
  sum,
  transposeLast2,
} from '../src/index.js';
import { type Probe, structuralCases } from './structural-cases.js';
import {
  EXACT,
  POOL_SIZE,
  exactFor,
  expectClose,
  expectFirstOrderPaths,
  fillLike,
  poolArb,
  tensorArb,
  weighted,
} from './helpers.js';

const RUNS = 25;

/** The scalar loss Σ w ⊙ op(x), with w drawn from the pool in the shape of op(x). */
function lossOf({ x, op }: Probe, pool: readonly number[]): (z: Tree) => Value {
  const f = op as (z: Tree) => Value;
  const out = f(x);
  expect(out.size).toBeLessThanOrEqual(POOL_SIZE);
  const w = fillLike(out as Tensor, pool);
  return (z) => weighted(f(z), w);
}

describe.each(structuralCases)('$name', ({ probe }) => {
  test('grad matches central finite differences and every other differentiation path', () => {
    fc.assert(
      fc.property(probe, poolArb, (p, pool) => {
        expectFirstOrderPaths(lossOf(p, pool), p.x, fillLike(p.x, pool, 128));
      }),
      { numRuns: RUNS },
    );
  });

  test('the full Jacobian by batched forward mode equals the one by reverse mode', () => {
    fc.assert(
      fc.property(probe, (p) => {
        const f = p.op as (z: Tree) => Value;
        const forward = jacfwd(f)(p.x);
        expectClose(forward, jacrev(f)(p.x), exactFor(forward), 'jacfwd vs jacrev');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('matmul', () => {
  test('gradients of Σ W ⊙ (A·B) are W·Bᵀ and Aᵀ·W', () => {
    const dims = fc.tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
    );
    fc.assert(
      fc.property(
        dims.chain(([m, k, n]) => fc.tuple(tensorArb([m, k]), tensorArb([k, n]), tensorArb([m, n]))),
        ([a, b, w]) => {
          const [ga, gb] = grad(([p, q]: Value[]) => weighted(matmul(p, q), w))([a, b]);
          const expectedA = L.matmul(w, L.transpose(b));
          const expectedB = L.matmul(L.transpose(a), w);
          expectClose(ga, expectedA, exactFor(expectedA), 'dA');
          expectClose(gb, expectedB, exactFor(expectedB), 'dB');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a 1-D left operand acts as a row vector and a 1-D right operand as a column vector', () => {
    const a = tensor([1, 2, 3]);
    const m = tensor([
      [1, 0],
      [2, 1],
      [0, 3],
    ]);
    // f(a) = Σ (a·M) = Σᵢ aᵢ Σⱼ Mᵢⱼ, so ∇f = M·1 = [1, 3, 3].
    expectClose(grad((z: Value) => sum(matmul(z, m)))(a), tensor([1, 3, 3]), EXACT, 'row vector');
    // g(b) = Σ (Mᵀ·b) = Σⱼ Σᵢ Mᵢⱼ bᵢ, so ∇g = M·1 as well.
    expectClose(grad((z: Value) => sum(matmul(transposeLast2(m), z)))(a), tensor([1, 3, 3]), EXACT, 'column vector');
  });
});

describe('stopGradient', () => {
  test('cuts the derivative: d/dx Σ x ⊙ stopGradient(x) = x', () => {
    fc.assert(
      fc.property(tensorArb([4]), (x) => {
        const loss = (z: Value) => sum(mul(z, stopGradient(z)));
        expectClose(grad(loss)(x), x, EXACT, 'grad');
        expectClose(jacfwd(loss)(x), x, EXACT, 'jacfwd');
      }),
      { numRuns: 20 },
    );
  });
});

describe('concat', () => {
  test('gives no cotangent to constant pieces and the right slices to the variable ones', () => {
    const c = tensor([10, 20]);
    const x = tensor([1, 2, 3]);
    const w = tensor([1, 2, 3, 4, 5, 6, 7]);
    const loss = (z: Value) => weighted(concat([c, z, c]), w);
    expectClose(grad(loss)(x), tensor([3, 4, 5]), EXACT, 'grad');
    const [, ydot] = jvp(loss, x, tensor([1, 1, 1]));
    expectClose(ydot, 12, EXACT, 'jvp');
  });
});

describe('cast', () => {
  test('casts the cotangent back to the input dtype', () => {
    const x = tensor([0.5, -1.25, 2]);
    const g = grad((z: Value) => sum(mul(cast(z, 'float32'), 3)))(x) as Tensor;
    expect(g.dtype).toBe('float64');
    expectClose(g, tensor([3, 3, 3]), EXACT, 'grad');
  });
});
