// Compiled programs whose matrix products run on two threads (@liouville/linalg/node's
// useMatmulThreads(2)): each entry of a product is computed by the same instructions whichever
// thread runs it, so jit's results stay bit-identical to eager evaluation (Object.is per element),
// in float64 and float32, through the reverse pass (whose products multiply by transposes).
import * as L from '@liouville/linalg';
import type { DType, Tensor } from '@liouville/linalg';
import { matmulThreadsReady, useMatmulThreads } from '@liouville/linalg/node';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { type Value, grad, jit, matmul, mean, square, sub, tanh } from '../src/index.js';

afterAll(() => useMatmulThreads(1));

/** A tensor of `shape` with values in [-1, 1) from a seeded linear congruential generator. */
function seeded(shape: number[], seed: number, dtype: DType): Tensor {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return L.cast(new L.Tensor(data, shape), dtype);
}

function expectSameBits(actual: readonly Tensor[], expected: readonly Tensor[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((t, j) => {
    const [x, y] = [t.data, expected[j].data];
    expect(x.length).toBe(y.length);
    for (let i = 0; i < y.length; i++) {
      if (!Object.is(x[i], y[i])) expect.fail(`output ${j}, entry ${i}: got ${x[i]}, expected ${y[i]}`);
    }
  });
}

describe('jit with matrix products on two threads', () => {
  test.each(['float64', 'float32'] as const)(
    'a two-layer tanh network’s gradient equals eager bit for bit (%s)',
    async (dtype) => {
      useMatmulThreads(2);
      await matmulThreadsReady();
      // Batches and widths whose products reach, or not, the 2²¹ multiply-adds that are split.
      const sizes = fc.tuple(fc.integer({ min: 64, max: 500 }), fc.integer({ min: 32, max: 200 }), fc.integer());
      fc.assert(
        fc.property(sizes, ([batch, width, seed]) => {
          const x = seeded([batch, width], seed, dtype);
          const y = seeded([batch, width], seed + 1, dtype);
          const params = [seeded([width, width], seed + 2, dtype), seeded([width, width], seed + 3, dtype)];
          const loss = (p: Value[]) => mean(square(sub(matmul(tanh(matmul(x, p[0])), p[1]), y)));
          expectSameBits(jit(grad(loss))(params) as Tensor[], grad(loss)(params) as Tensor[]);
        }),
        { numRuns: 12 },
      );
    },
  );
});
