import * as L from '@liouville/linalg';
import { type Tensor, randomKey, randomNormal, splitKey } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Value, grad, hessian, jacfwd, jacrev, jvp, mul, mulAdd, sum } from '../src/index.js';

const close = (got: Value | unknown, want: Tensor, rel = 1e-12) => {
  const g = got as Tensor;
  expect(g.shape).toEqual(want.shape);
  const scale = Math.max(1, ...Array.from(want.data, Math.abs));
  for (let i = 0; i < want.size; i++) expect(Math.abs(g.data[i] - want.data[i])).toBeLessThanOrEqual(rel * scale);
};

// Random operands: shapes [n] for a, b, c, d, or (broadcasting) b and d as [1] and c as [2, n].
const operands = fc
  .tuple(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 6 }), fc.boolean())
  .map(([seed, n, broadcast]) => {
    const keys = splitKey(randomKey(seed), 5);
    const shapes = broadcast ? [[n], [1], [2, n], [1]] : [[n], [n], [n], [n]];
    const [a, b, c, d] = shapes.map((s, i) => randomNormal(keys[i], s));
    const w = randomNormal(keys[4], broadcast ? [2, n] : [n]);
    return { a, b, c, d, w };
  });

describe('mulAdd', () => {
  test('equals a·b + c·d, fused or broadcast', () => {
    fc.assert(
      fc.property(operands, ({ a, b, c, d }) => {
        close(mulAdd(a, b, c, d), L.add(L.mul(a, b), L.mul(c, d)), 1e-15);
      }),
    );
  });

  test('has the closed-form gradient ∂/∂a Σ w·(ab + cd) = Σ w·b (summed to a’s shape), in both modes', () => {
    fc.assert(
      fc.property(operands, ({ a, b, c, d, w }) => {
        const f = ([p, q, r, s]: Value[]) => sum(mul(w, mulAdd(p, q, r, s)));
        const sumTo = (x: Tensor, shape: readonly number[]) => {
          const axes = x.shape
            .map((_, i) => i)
            .filter((i) => i < x.rank - shape.length || shape[i - (x.rank - shape.length)] === 1);
          return L.reshape(L.sum(x, axes), shape);
        };
        const want = [
          sumTo(L.mul(w, L.broadcastTo(b, w.shape)), a.shape),
          sumTo(L.mul(w, L.broadcastTo(a, w.shape)), b.shape),
          sumTo(L.mul(w, L.broadcastTo(d, w.shape)), c.shape),
          sumTo(L.mul(w, L.broadcastTo(c, w.shape)), d.shape),
        ];
        const reverse = grad(f)([a, b, c, d]) as Tensor[];
        const forward = jacfwd(f)([a, b, c, d]) as Tensor[];
        want.forEach((g, i) => {
          close(reverse[i], g);
          close(forward[i], g);
        });
      }),
      { numRuns: 30 },
    );
  });

  test('second derivatives agree across forward-over-reverse and reverse-over-reverse', () => {
    fc.assert(
      fc.property(operands, ({ a, b, c, d, w }) => {
        // a quartic in a: Σ w·(a·a·b + c·d) has a non-trivial Hessian in a
        const f = (x: Value) => sum(mul(w, mulAdd(mul(x, x), b, c, d)));
        close(hessian(f)(a), jacrev(grad(f))(a) as Tensor);
      }),
      { numRuns: 20 },
    );
  });

  test('is the product rule of mul: jvp of x·y equals ẋ·y + x·ẏ', () => {
    const [x, y, tx, ty] = splitKey(randomKey(7), 4).map((k) => randomNormal(k, [5]));
    const [, tangent] = jvp(([p, q]: Value[]) => mul(p, q), [x, y], [tx, ty]);
    close(tangent, L.add(L.mul(tx, y), L.mul(x, ty)), 1e-15);
  });
});
