import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ShapeError,
  type Tensor,
  abs,
  add,
  allFinite,
  assertSameShape,
  cast,
  cos,
  div,
  equal,
  exp,
  expm1,
  formatShape,
  greater,
  greaterEqual,
  heaviside,
  less,
  lessEqual,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  resultDType,
  reshape,
  scalar,
  sigmoid,
  sign,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  tan,
  tanh,
  tanhOf,
  tensor,
  where,
  zeros,
} from '../src/index.js';
import {
  broadcastShapesArb,
  expectAllClose,
  expectSameValues,
  incompatibleShapesArb,
  naiveElementwise,
  tensorArb,
  tensorOfShape,
} from './helpers.js';

// Every kernel evaluates the same IEEE-754 expression as its reference on the same inputs, so the
// comparisons with the naive references below are exact: any difference is an indexing error.

type Binary = (a: Tensor, b: Tensor) => Tensor;
const binaryOps: Array<[string, Binary, (x: number, y: number) => number]> = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['pow', pow, Math.pow],
  ['maximum', maximum, (x, y) => Math.max(x, y)],
  ['minimum', minimum, (x, y) => Math.min(x, y)],
  ['greater', greater, (x, y) => Number(x > y)],
  ['greaterEqual', greaterEqual, (x, y) => Number(x >= y)],
  ['less', less, (x, y) => Number(x < y)],
  ['lessEqual', lessEqual, (x, y) => Number(x <= y)],
  ['equal', equal, (x, y) => Number(x === y)],
];

/** Two broadcast-compatible tensors; small integers make equal/greater ties common. */
const broadcastPairArb = fc
  .tuple(broadcastShapesArb(2, { maxRank: 4, minDim: 0, maxDim: 3 }), fc.boolean())
  .chain(([[sa, sb], integer]) =>
    fc.tuple(tensorOfShape(sa, { integer, bound: 3 }), tensorOfShape(sb, { integer, bound: 3 })),
  );

describe.each(binaryOps)('%s', (name, op, reference) => {
  test('matches an index-by-index reference under broadcasting', () => {
    fc.assert(
      fc.property(broadcastPairArb, ([a, b]) => {
        const expected = naiveElementwise([a, b], reference);
        const out = op(a, b);
        expect(out.shape).toEqual(expected.shape);
        expectSameValues(out.data, expected.values);
      }),
    );
  });

  test('throws a ShapeError naming both shapes when they do not broadcast', () => {
    fc.assert(
      fc.property(incompatibleShapesArb, ([sa, sb]) => {
        const a = zeros(sa);
        const b = zeros(sb);
        expect(() => op(a, b)).toThrow(ShapeError);
        expect(() => op(a, b)).toThrow(`${name}: cannot broadcast shapes ${formatShape(sa)} and ${formatShape(sb)}`);
      }),
    );
  });

  test('keeps float32 and rounds each result once', () => {
    fc.assert(
      fc.property(broadcastShapesArb(2, { maxRank: 3 }), ([sa, sb]) => {
        const a = tensor(
          Array.from({ length: sa.reduce((p, d) => p * d, 1) }, (_, i) => Math.fround(0.1 * (i + 1))),
          sa,
          'float32',
        );
        const b = tensor(
          Array.from({ length: sb.reduce((p, d) => p * d, 1) }, (_, i) => Math.fround(1.7 - 0.3 * i)),
          sb,
          'float32',
        );
        const out = op(a, b);
        expect(out.dtype).toBe('float32');
        expectSameValues(out.data, naiveElementwise([a, b], (x, y) => Math.fround(reference(x, y))).values);
      }),
    );
  });
});

describe('mul by a one-element 1', () => {
  const specials = tensor([0, -0, 1.5, -2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN], [7]);

  test('returns the other operand, equal bit for bit to the product', () => {
    for (const one of [scalar(1), tensor([1]), tensor([1], [1, 1])]) {
      const shaped = reshape(specials, one.rank === 2 ? [1, 7] : [7]);
      expect(mul(one, shaped)).toBe(shaped);
      expect(mul(shaped, one)).toBe(shaped);
      expectSameValues(
        mul(one, shaped).data,
        Array.from(shaped.data, (x) => x * 1),
      );
    }
  });

  test('computes the product when the one would change the shape or the dtype', () => {
    const x = tensor([1.5, -2, 3], [3], 'float32');
    const widened = mul(tensor([1], [1, 1]), x);
    expect(widened.shape).toEqual([1, 3]);
    const promoted = mul(tensor([1]), x);
    expect(promoted.dtype).toBe('float64');
    expect(promoted).not.toBe(x);
    // A rank-0 one adopts float32 (weak typing), so it may return x itself.
    expect(mul(scalar(1), x)).toBe(x);
    // Only an exact 1 is elided: the next double above 1 is multiplied.
    expect(mul(tensor([1 + Number.EPSILON]), tensor([3])).data[0]).toBe(3 * (1 + Number.EPSILON));
    expect(3 * (1 + Number.EPSILON)).not.toBe(3);
  });
});

describe('maximum', () => {
  test('propagates NaN from either operand', () => {
    expect(maximum(tensor([Number.NaN, 1]), tensor([1, Number.NaN])).toFlatArray()).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('minimum', () => {
  test('propagates NaN from either operand', () => {
    expect(minimum(tensor([Number.NaN, 1]), tensor([1, Number.NaN])).toFlatArray()).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('resultDType', () => {
  test('lets a rank-0 operand adopt the other dtype and otherwise promotes to float64', () => {
    const f32 = tensor([1, 2], undefined, 'float32');
    expect(resultDType(f32, scalar(2))).toBe('float32');
    expect(resultDType(scalar(2), f32)).toBe('float32');
    expect(resultDType(f32, tensor([1, 2]))).toBe('float64');
    expect(mul(f32, scalar(2)).dtype).toBe('float32');
  });
});

type Unary = (x: Tensor) => Tensor;
const unaryOps: Array<[string, Unary, (x: number) => number]> = [
  ['neg', neg, (x) => -x],
  ['abs', abs, Math.abs],
  ['sign', sign, Math.sign],
  ['exp', exp, Math.exp],
  ['expm1', expm1, Math.expm1],
  ['log', log, Math.log],
  ['log1p', log1p, Math.log1p],
  ['sqrt', sqrt, Math.sqrt],
  ['square', square, (x) => x * x],
  ['reciprocal', reciprocal, (x) => 1 / x],
  ['sin', sin, Math.sin],
  ['cos', cos, Math.cos],
  ['tan', tan, Math.tan],
  // Liouville's own tanh, within 2 ulp of Math.tanh (test/tanh.test.ts).
  ['tanh', tanh, tanhOf],
  // biome-ignore lint/complexity/useMathMinMax: relu maps NaN to 0, unlike Math.max(x, 0)
  ['relu', relu, (x) => (x > 0 ? x : 0)],
  ['heaviside', heaviside, (x) => (x > 0 ? 1 : 0)],
];

describe.each(unaryOps)('%s', (_name, op, reference) => {
  test('matches Math elementwise and keeps the shape', () => {
    fc.assert(
      fc.property(tensorArb({ maxRank: 3, minDim: 0 }, { bound: 50 }), (x) => {
        const out = op(x);
        expect(out.shape).toEqual(x.shape);
        expectSameValues(out.data, Array.from(x.data, reference));
      }),
    );
  });

  test('keeps float32', () => {
    const x = tensor([0.25, 0.5, 2], undefined, 'float32');
    const out = op(x);
    expect(out.dtype).toBe('float32');
    expectSameValues(
      out.data,
      Array.from(x.data, (v) => Math.fround(reference(v))),
    );
  });
});

// Moderate arguments: the textbook formulas are each a few correctly rounded operations (exp,
// log1p within 1 ulp in V8), and both functions are well conditioned there (condition ≤ |x| for
// sigmoid, ≤ 1 for softplus), so the stable and textbook forms agree to a few ulps; 1e-14 ≈ 45ε.
const moderate = fc.double({ min: -30, max: 30, noNaN: true });

describe('sigmoid', () => {
  test('agrees with 1 / (1 + e^−x) for moderate x', () => {
    fc.assert(
      fc.property(moderate, (x) => {
        const expected = 1 / (1 + Math.exp(-x));
        expectAllClose([sigmoid(scalar(x)).item()], [expected], 1e-14 * expected);
      }),
    );
  });

  test('stays finite and correct at |x| = 1000', () => {
    // σ(1000) = 1 − e⁻¹⁰⁰⁰ rounds to 1; σ(−1000) = e⁻¹⁰⁰⁰ ≈ 5e−435 underflows to 0.
    expect(sigmoid(tensor([1000, -1000])).toFlatArray()).toEqual([1, 0]);
    expect(allFinite(sigmoid(tensor([1000, -1000, 1e308, -1e308])))).toBe(true);
  });

  test('keeps full relative accuracy deep in the left tail', () => {
    // σ(−700) = e⁻⁷⁰⁰/(1 + e⁻⁷⁰⁰) and 1 + e⁻⁷⁰⁰ = 1 exactly, so the answer is e⁻⁷⁰⁰ to 1 ulp.
    expectAllClose([sigmoid(scalar(-700)).item()], [Math.exp(-700)], 2 * Number.EPSILON * Math.exp(-700));
  });

  test('satisfies σ(−x) = 1 − σ(x)', () => {
    fc.assert(
      fc.property(moderate, (x) => {
        // Both sides are within a few ulps of numbers ≤ 1, so the absolute gap is a few ε.
        expectAllClose([sigmoid(scalar(-x)).item()], [1 - sigmoid(scalar(x)).item()], 4 * Number.EPSILON);
      }),
    );
  });
});

describe('softplus', () => {
  test('agrees with log(1 + e^x) for moderate x', () => {
    fc.assert(
      fc.property(moderate, (x) => {
        const expected = Math.log1p(Math.exp(x));
        expectAllClose([softplus(scalar(x)).item()], [expected], 1e-14 * expected);
      }),
    );
  });

  test('stays finite and correct at |x| = 1000', () => {
    // softplus(1000) = 1000 + log1p(e⁻¹⁰⁰⁰) rounds to 1000; softplus(−1000) ≈ e⁻¹⁰⁰⁰ underflows to 0,
    // where the textbook formula gives log(1 + ∞) = ∞ for x = 1000.
    expect(softplus(tensor([1000, -1000])).toFlatArray()).toEqual([1000, 0]);
    expect(Math.log1p(Math.exp(1000))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('where', () => {
  test('selects elementwise under three-way broadcasting', () => {
    const arb = broadcastShapesArb(3, { maxRank: 3, maxDim: 3 }).chain(([sc, sa, sb]) =>
      fc.tuple(tensorOfShape(sc, { integer: true, bound: 1 }), tensorOfShape(sa), tensorOfShape(sb)),
    );
    fc.assert(
      fc.property(arb, ([c, a, b]) => {
        const expected = naiveElementwise([c, a, b], (ci, ai, bi) => (ci !== 0 ? ai : bi));
        const out = where(c, a, b);
        expect(out.shape).toEqual(expected.shape);
        expectSameValues(out.data, expected.values);
      }),
    );
  });

  test('throws a ShapeError for incompatible shapes', () => {
    expect(() => where(zeros([2]), zeros([3]), zeros([1]))).toThrow(ShapeError);
  });
});

describe('cast', () => {
  test('rounds to float32 to nearest and returns the same tensor for the same dtype', () => {
    fc.assert(
      fc.property(tensorArb({ maxRank: 2 }, { bound: 1e6 }), (x) => {
        const y = cast(x, 'float32');
        expect(y.dtype).toBe('float32');
        expectSameValues(y.data, Array.from(x.data, Math.fround));
        expect(cast(x, 'float64')).toBe(x);
      }),
    );
  });
});

describe('assertSameShape', () => {
  test('throws a ShapeError naming both shapes when they differ', () => {
    expect(() => assertSameShape('op', zeros([2, 3]), zeros([3, 2]))).toThrow('op: shapes differ: [2, 3] and [3, 2]');
    expect(() => assertSameShape('op', zeros([2]), zeros([2]))).not.toThrow();
  });
});

describe('allFinite', () => {
  test('is false exactly when some element is NaN or infinite', () => {
    expect(allFinite(tensor([1, 2]))).toBe(true);
    expect(allFinite(tensor([1, Number.NaN]))).toBe(false);
    expect(allFinite(tensor([Number.NEGATIVE_INFINITY]))).toBe(false);
    expect(allFinite(zeros([0]))).toBe(true);
  });
});
