import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ShapeError, dot, matmul, matmulKernelNT, outer, scalar, tensor, zeros } from '../src/index.js';
import {
  broadcastShapesArb,
  expectSameValues,
  naiveBatched,
  naiveMatmul,
  tensorOfShape,
  withMatmulBackend,
} from './helpers.js';

// Both kernels (wasm and js) accumulate each float64 entry of C as Σₚ a_ip·b_pj in the order
// p = 0, 1, ..., k−1 starting from 0, exactly as the naive triple loop does, and neither JavaScript
// nor WebAssembly fuses multiply-adds, so the results must be bit-identical for arbitrary doubles:
// any difference is a tiling or indexing error. (Kernel-level properties: matmul-kernels.test.ts.)

const dim = fc.integer({ min: 1, max: 9 }); // 1..9 crosses the 4×4 tile edges at 4 and 8

describe('matmul', () => {
  test('matches the naive triple loop for m, k, n in 1..9', () => {
    const arb = fc.tuple(dim, dim, dim).chain(([m, k, n]) => fc.tuple(tensorOfShape([m, k]), tensorOfShape([k, n])));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const [m, k] = a.shape;
        const n = b.shape[1];
        const c = matmul(a, b);
        expect(c.shape).toEqual([m, n]);
        expectSameValues(c.data, naiveMatmul(a.data, b.data, m, k, n));
      }),
      { numRuns: 200 },
    );
  });

  test('broadcasts batch axes like NumPy', () => {
    const arb = fc
      .tuple(broadcastShapesArb(2, { maxRank: 3, maxDim: 3 }), dim, dim, dim)
      .chain(([[aBatch, bBatch], m, k, n]) =>
        fc.tuple(tensorOfShape([...aBatch, m, k]), tensorOfShape([...bBatch, k, n])),
      );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const expected = naiveBatched(a, b);
        const c = matmul(a, b);
        expect(c.shape).toEqual(expected.shape);
        expectSameValues(c.data, expected.values);
      }),
    );
  });

  test('treats a 1-D left operand as a row and a 1-D right operand as a column, dropping their axes', () => {
    const arb = fc
      .tuple(dim, dim, dim)
      .chain(([m, k, n]) =>
        fc.tuple(tensorOfShape([k]), tensorOfShape([m, k]), tensorOfShape([k, n]), tensorOfShape([k])),
      );
    fc.assert(
      fc.property(arb, ([u, a, b, v]) => {
        const [m, k] = a.shape;
        const n = b.shape[1];
        const left = matmul(u, b);
        expect(left.shape).toEqual([n]);
        expectSameValues(left.data, naiveMatmul(u.data, b.data, 1, k, n));
        const right = matmul(a, v);
        expect(right.shape).toEqual([m]);
        expectSameValues(right.data, naiveMatmul(a.data, v.data, m, k, 1));
        const both = matmul(u, v);
        expect(both.shape).toEqual([]);
        expectSameValues(both.data, naiveMatmul(u.data, v.data, 1, k, 1));
      }),
    );
  });

  test('throws a ShapeError naming both shapes when the inner dimensions differ', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.integer({ min: 1, max: 8 }), (m, k, n, shift) => {
        const a = zeros([m, k]);
        const b = zeros([k + shift, n]);
        expect(() => matmul(a, b)).toThrow(ShapeError);
        expect(() => matmul(a, b)).toThrow(`matmul: inner dimensions differ: [${m}, ${k}] · [${k + shift}, ${n}]`);
      }),
    );
  });

  test('throws a ShapeError when the batch axes do not broadcast', () => {
    expect(() => matmul(zeros([2, 3, 3]), zeros([4, 3, 3]))).toThrow(ShapeError);
  });

  test('rejects rank-0 operands', () => {
    expect(() => matmul(scalar(1), zeros([2, 2]))).toThrow(ShapeError);
  });

  test('keeps float32', () => {
    const arb = fc
      .tuple(dim, dim, dim)
      .chain(([m, k, n]) =>
        fc.tuple(tensorOfShape([m, k], { dtype: 'float32' }), tensorOfShape([k, n], { dtype: 'float32' })),
      );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        expect(matmul(a, b).dtype).toBe('float32');
      }),
    );
  });

  test('with the js backend, rounds each float32 entry once', () => {
    // The wasm backend accumulates float32 in float32 instead; see matmul-kernels.test.ts.
    const arb = fc
      .tuple(dim, dim, dim)
      .chain(([m, k, n]) =>
        fc.tuple(tensorOfShape([m, k], { dtype: 'float32' }), tensorOfShape([k, n], { dtype: 'float32' })),
      );
    withMatmulBackend('js', () =>
      fc.assert(
        fc.property(arb, ([a, b]) => {
          const c = matmul(a, b);
          expect(c.dtype).toBe('float32');
          const [m, k] = a.shape;
          expectSameValues(c.data, naiveMatmul(a.data, b.data, m, k, b.shape[1]).map(Math.fround));
        }),
      ),
    );
  });

  test('gives zeros for an empty inner dimension', () => {
    expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('matmulKernelNT', () => {
  test('multiplies by a transposed right operand at the given offsets', () => {
    // C = A·Btᵀ with A = [[1, 2], [3, 4]] and Bt = [[5, 6], [7, 8]], both stored after one padding slot.
    const a = new Float64Array([0, 1, 2, 3, 4]);
    const bt = new Float64Array([0, 5, 6, 7, 8]);
    const c = new Float64Array(5);
    matmulKernelNT(a, 1, bt, 1, c, 1, 2, 2, 2);
    expect(Array.from(c)).toEqual([0, 17, 23, 39, 53]);
  });
});

describe('dot', () => {
  test('matches the naive sum of products', () => {
    const arb = fc.integer({ min: 0, max: 20 }).chain((n) => fc.tuple(tensorOfShape([n]), tensorOfShape([n])));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const d = dot(a, b);
        expect(d.shape).toEqual([]);
        expectSameValues(d.data, naiveMatmul(a.data, b.data, 1, a.size, 1));
      }),
    );
  });

  test('throws a ShapeError naming both shapes for unequal lengths or non-vectors', () => {
    expect(() => dot(zeros([2]), zeros([3]))).toThrow('dot: expected two vectors of equal length, got [2] and [3]');
    expect(() => dot(zeros([2, 1]), zeros([2]))).toThrow(ShapeError);
  });
});

describe('outer', () => {
  test('has entries aᵢ·bⱼ', () => {
    const arb = fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
      .chain(([m, n]) => fc.tuple(tensorOfShape([m]), tensorOfShape([n])));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const o = outer(a, b);
        expect(o.shape).toEqual([a.size, b.size]);
        expectSameValues(o.data, naiveMatmul(a.data, b.data, a.size, 1, b.size));
      }),
    );
  });

  test('throws a ShapeError for non-vectors', () => {
    expect(() => outer(zeros([2, 2]), zeros([2]))).toThrow('outer: expected two vectors, got [2, 2] and [2]');
  });

  test('keeps float32', () => {
    expect(outer(tensor([1], undefined, 'float32'), tensor([2], undefined, 'float32')).dtype).toBe('float32');
  });
});
