import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  type Tensor,
  max,
  mean,
  min,
  reducedShape,
  sum,
  tensor,
  zeros,
} from '../src/index.js';
import { count, expectSameValues, ravel, shapeArb, tensorOfShape, unravel } from './helpers.js';

/**
 * Reference reduction: visit every input element, find its output slot by dropping (or zeroing)
 * the reduced axes of its multi-index, and fold it in.
 */
function naiveReduce(
  x: Tensor,
  axes: number[],
  keepDims: boolean,
  initial: number,
  combine: (acc: number, v: number) => number,
): { shape: number[]; values: number[] } {
  const reduced = (axis: number) => axes.includes(axis);
  const shape = x.shape.flatMap((d, axis) => (reduced(axis) ? (keepDims ? [1] : []) : [d]));
  const values = new Array<number>(count(shape)).fill(initial);
  for (let flat = 0; flat < x.size; flat++) {
    const index = unravel(flat, x.shape);
    const outIndex = index.flatMap((i, axis) => (reduced(axis) ? (keepDims ? [0] : []) : [i]));
    const slot = ravel(outIndex, shape);
    values[slot] = combine(values[slot], x.data[flat]);
  }
  return { shape, values };
}

/**
 * A tensor of small integers with a random subset of its axes, written with random signs (axis
 * or axis − rank), or undefined for "all axes". Sums of at most 256 integers of size ≤ 100 are
 * exact in float64 whatever the order, so sum and mean must match the reference exactly.
 */
const caseArb = (minDim: number) =>
  shapeArb({ minRank: 0, maxRank: 4, minDim, maxDim: 4 }).chain((shape) =>
    fc.record({
      x: tensorOfShape(shape, { integer: true, bound: 100 }),
      axes: fc.option(
        fc
          .subarray(shape.map((_, i) => i))
          .chain((axes) => fc.tuple(...axes.map((a) => fc.constantFrom(a, a - shape.length)))),
        { nil: undefined },
      ),
      keepDims: fc.boolean(),
    }),
  );

type Reduction = (x: Tensor, axes?: number | readonly number[], options?: { keepDims?: boolean }) => Tensor;
const reductions: Array<[string, Reduction, number, (acc: number, v: number) => number, number]> = [
  ['sum', sum, 0, (acc, v) => acc + v, 0],
  ['max', max, Number.NEGATIVE_INFINITY, Math.max, 1],
  ['min', min, Number.POSITIVE_INFINITY, Math.min, 1],
];

describe.each(reductions)('%s', (_name, reduce, initial, combine, minDim) => {
  test('matches an index-by-index reference over random axes, with and without keepDims', () => {
    fc.assert(
      fc.property(caseArb(minDim), ({ x, axes, keepDims }) => {
        const normalized = axes === undefined ? x.shape.map((_, i) => i) : axes.map((a) => (a < 0 ? a + x.rank : a));
        const expected = naiveReduce(x, normalized, keepDims, initial, combine);
        const out = reduce(x, axes, { keepDims });
        expect(out.shape).toEqual(expected.shape);
        expectSameValues(out.data, expected.values);
      }),
    );
  });

  test('accepts a single axis number', () => {
    const x = tensor([
      [1, 5, 3],
      [4, 2, 6],
    ]);
    const expected = naiveReduce(x, [1], false, initial, combine);
    expectSameValues(reduce(x, 1).data, expected.values);
    expectSameValues(reduce(x, -1).data, expected.values);
  });

  test('keeps float32', () => {
    expect(reduce(tensor([1, 2], undefined, 'float32')).dtype).toBe('float32');
  });

  test('rejects an out-of-range axis naming it', () => {
    expect(() => reduce(zeros([2, 3]), 2)).toThrow(InvalidArgumentError);
    expect(() => reduce(zeros([2, 3]), 2)).toThrow(/axis: expected an integer in \[-2, 2\), got 2/);
  });

  test('rejects a repeated axis', () => {
    expect(() => reduce(zeros([2, 3]), [1, -1])).toThrow(InvalidArgumentError);
  });
});

describe('sum', () => {
  test('accumulates float32 input in float64', () => {
    // In float32, 2²⁴ + 1 rounds back to 2²⁴ twice; in float64 the sum 2²⁴ + 2 is exact and is a float32.
    expect(sum(tensor([2 ** 24, 1, 1], undefined, 'float32')).item()).toBe(2 ** 24 + 2);
  });

  test('is 0 over an empty axis', () => {
    expect(sum(zeros([0, 3]), 0).toFlatArray()).toEqual([0, 0, 0]);
  });
});

describe('max', () => {
  test('throws a ShapeError over an empty axis', () => {
    expect(() => max(zeros([0, 3]), 0)).toThrow(ShapeError);
    expect(() => max(zeros([0, 3]), 0)).toThrow(/\[0, 3\]/);
  });

  test('propagates NaN', () => {
    expect(max(tensor([1, Number.NaN, 3])).item()).toBeNaN();
  });
});

describe('min', () => {
  test('propagates NaN', () => {
    expect(min(tensor([1, Number.NaN, 3])).item()).toBeNaN();
  });
});

describe('mean', () => {
  test('equals the reference sum divided by the number of reduced elements', () => {
    fc.assert(
      fc.property(caseArb(1), ({ x, axes, keepDims }) => {
        const normalized = axes === undefined ? x.shape.map((_, i) => i) : axes.map((a) => (a < 0 ? a + x.rank : a));
        const n = normalized.reduce((p, a) => p * x.shape[a], 1);
        const expected = naiveReduce(x, normalized, keepDims, 0, (acc, v) => acc + v);
        const out = mean(x, axes, { keepDims });
        expect(out.shape).toEqual(expected.shape);
        // The sums are exact (see caseArb), so the single division rounds identically.
        expectSameValues(
          out.data,
          expected.values.map((s) => s / n),
        );
      }),
    );
  });
});

describe('reducedShape', () => {
  test('drops or keeps the reduced axes', () => {
    expect(reducedShape([2, 3, 4], [0, 2], false)).toEqual([3]);
    expect(reducedShape([2, 3, 4], [0, 2], true)).toEqual([1, 3, 1]);
  });
});
