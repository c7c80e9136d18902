import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, ShapeError, type Tensor, norm, tensor, zeros } from '../src/index.js';
import {
  count,
  expectRelClose,
  expectSameValues,
  ravel,
  shapeArb,
  tensorArb,
  tensorOfShape,
  unravel,
  valueArb,
} from './helpers.js';

/** Textbook norms, for inputs where the naive sum of squares neither overflows nor underflows. */
function naiveVectorNorm(values: number[], ord: number): number {
  if (ord === 1) return values.reduce((s, v) => s + Math.abs(v), 0);
  if (ord === Number.POSITIVE_INFINITY) return values.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  return Math.sqrt(values.reduce((s, v) => s + v * v, 0));
}

function column(a: Tensor, j: number): number[] {
  return Array.from({ length: a.shape[0] }, (_, i) => a.get(i, j));
}

function row(a: Tensor, i: number): number[] {
  return Array.from({ length: a.shape[1] }, (_, j) => a.get(i, j));
}

// Each side sums n terms of one sign (squares or magnitudes), so each is within γₙ ≈ n·u of the
// exact value, and the 2-norm's scaling, square root and final product add a few more roundings.
// Hence a relative tolerance of (n + 4)·ε covers both sides.
const relTol = (n: number) => (n + 4) * Number.EPSILON;

/** Entries in [−10, 10] that are 0 or ≥ 10⁻¹⁰ in magnitude, so naive squares stay normal numbers. */
const vectorArb = fc
  .integer({ min: 0, max: 30 })
  .chain((n) => tensorOfShape([n]).map((x) => tensor(Array.from(x.data, (v) => (Math.abs(v) < 1e-10 ? 0 : v)))));

describe('norm', () => {
  test.each([2, 1, Number.POSITIVE_INFINITY])('matches the textbook vector %s-norm', (ord) => {
    fc.assert(
      fc.property(vectorArb, (x) => {
        const expected = naiveVectorNorm(Array.from(x.data), ord);
        const got = norm(x, ord).item();
        if (expected === 0) expect(got).toBe(0);
        else expectRelClose(got, expected, relTol(x.size));
      }),
    );
  });

  test('defaults to the 2-norm for vectors and the Frobenius norm for matrices', () => {
    expect(norm(tensor([3, 4])).item()).toBe(5);
    expect(
      norm(
        tensor([
          [1, 2],
          [2, 4],
        ]),
      ).item(),
    ).toBe(5);
  });

  test('computes the Frobenius, 1- and ∞-norms of matrices', () => {
    fc.assert(
      fc.property(tensorArb({ minRank: 2, maxRank: 2, maxDim: 6 }, { noTiny: true }), (a) => {
        const [m, n] = a.shape;
        const fro = naiveVectorNorm(Array.from(a.data), 2);
        const one = Math.max(...Array.from({ length: n }, (_, j) => naiveVectorNorm(column(a, j), 1)));
        const inf = Math.max(...Array.from({ length: m }, (_, i) => naiveVectorNorm(row(a, i), 1)));
        for (const [ord, expected, terms] of [
          ['fro', fro, m * n],
          [1, one, m],
          [Number.POSITIVE_INFINITY, inf, n],
        ] as const) {
          const got = norm(a, ord).item();
          if (expected === 0) expect(got).toBe(0);
          else expectRelClose(got, expected, relTol(terms));
        }
      }),
    );
  });

  test('neither overflows nor underflows: ‖2ᵏx‖₂ = 2ᵏ‖x‖₂ exactly for |k| ≤ 1000', () => {
    // Entries are 0 or of magnitude in [2⁻¹⁰, 2¹⁰], so 2ᵏx stays in the normal range while its
    // squares would overflow or underflow. Scaling by a power of 2 is exact and the algorithm
    // divides by the largest magnitude first, so the scaled ratios and hence results are identical.
    const entry = fc.oneof(
      fc.constant(0),
      fc.tuple(fc.double({ min: 2 ** -10, max: 2 ** 10, noNaN: true }), fc.boolean()).map(([v, s]) => (s ? v : -v)),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: -1000, max: 1000 }),
        (values, k) => {
          const scale = 2 ** k;
          const scaled = norm(tensor(values.map((v) => v * scale))).item();
          expect(Number.isFinite(scaled)).toBe(true);
          expect(scaled).toBe(norm(tensor(values)).item() * scale);
        },
      ),
    );
  });

  test('handles entries whose squares overflow or underflow', () => {
    expectRelClose(norm(tensor([3e300, 4e300])).item(), 5e300, 2 * Number.EPSILON);
    expectRelClose(norm(tensor([3e-300, 4e-300])).item(), 5e-300, 2 * Number.EPSILON);
    expectRelClose(norm(tensor([[1e200, 1e200]])).item(), Math.SQRT2 * 1e200, 2 * Number.EPSILON);
    expect(norm(tensor([Number.MAX_VALUE, Number.MAX_VALUE])).item()).toBe(Number.POSITIVE_INFINITY);
  });

  test('returns Infinity for an infinite entry and NaN for a NaN entry', () => {
    expect(norm(tensor([1, Number.NEGATIVE_INFINITY])).item()).toBe(Number.POSITIVE_INFINITY);
    expect(norm(tensor([Number.NaN, 1])).item()).toBeNaN();
    expect(norm(tensor([1, Number.NaN]), 1).item()).toBeNaN();
    expect(norm(tensor([1, Number.NaN]), Number.POSITIVE_INFINITY).item()).toBeNaN();
  });

  test('is 0 for zero or empty vectors and matrices, and |x| for a scalar', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 2, minDim: 0 }), (s) => {
        expect(norm(zeros(s)).item()).toBe(0);
      }),
    );
    expect(norm(tensor(-3)).item()).toBe(3);
  });

  test('takes vector norms along an axis, with and without keepDims', () => {
    const arb = tensorArb({ minRank: 1, maxRank: 4, maxDim: 4 }, { noTiny: true }).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.integer({ min: -x.rank, max: x.rank - 1 }),
        fc.constantFrom(1, 2, Number.POSITIVE_INFINITY),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, axis, ord, keepDims]) => {
        const a = axis < 0 ? axis + x.rank : axis;
        const out = norm(x, ord, { axis, keepDims });
        const shape = x.shape.flatMap((d, i) => (i === a ? (keepDims ? [1] : []) : [d]));
        expect(out.shape).toEqual(shape);
        for (let flat = 0; flat < count(shape); flat++) {
          const index = unravel(flat, shape);
          const base = keepDims ? index : [...index.slice(0, a), 0, ...index.slice(a)];
          const line = Array.from(
            { length: x.shape[a] },
            (_, i) =>
              x.data[
                ravel(
                  base.map((v, d) => (d === a ? i : v)),
                  x.shape,
                )
              ],
          );
          const expected = naiveVectorNorm(line, ord);
          if (expected === 0) expect(out.data[flat]).toBe(0);
          else expectRelClose(out.data[flat], expected, relTol(line.length));
        }
      }),
    );
  });

  test('takes the 2-norm of all elements of a higher-rank tensor without an axis', () => {
    expect(norm(tensor([[[3]], [[4]]])).item()).toBe(5);
    expect(() => norm(zeros([2, 2, 2]), 1)).toThrow(ShapeError);
  });

  test('rejects unsupported orders naming the argument', () => {
    expect(() => norm(tensor([1, 2]), 3)).toThrow(InvalidArgumentError);
    expect(() => norm(tensor([1, 2]), 'fro')).toThrow(/^norm: ord: expected one of 1, 2, Infinity for a vector norm/);
    expect(() => norm(zeros([2, 2]), 2)).toThrow(/^norm: ord: expected one of 'fro', 1, Infinity for a matrix norm/);
    expect(() => norm(zeros([2, 2]), 1, { axis: 2 })).toThrow(/^norm: axis/);
  });

  test('keeps float32', () => {
    const x = tensor([3, 4], undefined, 'float32');
    expect(norm(x).dtype).toBe('float32');
    expectSameValues(norm(x).data, [5]);
    expect(norm(x, 1, { axis: 0 }).dtype).toBe('float32');
  });

  test('holds the triangle inequality and absolute homogeneity', () => {
    const values = { noTiny: true };
    const pair = fc
      .integer({ min: 1, max: 10 })
      .chain((n) =>
        fc.tuple(tensorOfShape([n], values), tensorOfShape([n], values), valueArb({ bound: 5, noTiny: true })),
      );
    fc.assert(
      fc.property(pair, ([x, y, c]) => {
        const n = x.size;
        for (const ord of [1, 2, Number.POSITIVE_INFINITY]) {
          const sum = tensor(Array.from(x.data, (v, i) => v + y.data[i]));
          const bound = norm(x, ord).item() + norm(y, ord).item();
          expect(norm(sum, ord).item()).toBeLessThanOrEqual(bound * (1 + relTol(n)));
          const scaled = tensor(Array.from(x.data, (v) => c * v));
          const expected = Math.abs(c) * norm(x, ord).item();
          expect(Math.abs(norm(scaled, ord).item() - expected)).toBeLessThanOrEqual(2 * relTol(n) * expected);
        }
      }),
    );
  });
});
