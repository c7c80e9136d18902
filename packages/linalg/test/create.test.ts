import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  InvalidArgumentError,
  LiouvilleError,
  ShapeError,
  Tensor,
  arange,
  eye,
  fromNdarray,
  full,
  linspace,
  ones,
  scalar,
  tensor,
  zeros,
} from '../src/index.js';
import { count, expectAllClose, expectSameValues, shapeArb, tensorArb, unravel } from './helpers.js';

/** A nested array of random shape (all axes ≥ 1 long), built from its shape and flat values. */
const nestedArb = shapeArb({ minRank: 1, maxRank: 4 }).chain((shape) =>
  fc
    .array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: count(shape), maxLength: count(shape) })
    .map((flat) => {
      const build = (axis: number, offset: number): unknown[] =>
        Array.from({ length: shape[axis] }, (_, i) => {
          const stride = count(shape.slice(axis + 1));
          return axis === shape.length - 1 ? flat[offset + i] : build(axis + 1, offset + i * stride);
        });
      return { shape, flat, nested: build(0, 0) as number[] };
    }),
);

describe('tensor', () => {
  test('infers the shape of nested arrays and stores them row-major', () => {
    fc.assert(
      fc.property(nestedArb, ({ shape, flat, nested }) => {
        const t = tensor(nested);
        expect(t.shape).toEqual(shape);
        expect(t.dtype).toBe('float64');
        expectSameValues(t.data, flat);
      }),
    );
  });

  test('round-trips nested arrays through toArray', () => {
    fc.assert(
      fc.property(nestedArb, ({ nested }) => {
        expect(tensor(nested).toArray()).toEqual(nested);
      }),
    );
  });

  test('accepts a flat array with an explicit shape', () => {
    fc.assert(
      fc.property(tensorArb({ maxRank: 4, minDim: 0 }), (x) => {
        const y = tensor(Array.from(x.data), x.shape);
        expect(y.shape).toEqual(x.shape);
        expectSameValues(y.data, x.data);
      }),
    );
  });

  test('takes float32 from a Float32Array and copies its input', () => {
    const source = new Float32Array([1.5, 2.5]);
    const t = tensor(source);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2]);
    source[0] = 99;
    expect(t.get(0)).toBe(1.5);
  });

  test('rounds values to float32 when asked', () => {
    expect(tensor([0.1], undefined, 'float32').get(0)).toBe(Math.fround(0.1));
  });

  test('makes a rank-0 tensor from a number', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(2.5);
  });

  test('handles empty axes', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).toArray()).toEqual([[], []]);
  });

  test('rejects ragged nested arrays with a ShapeError', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([1, [2]] as never)).toThrow(ShapeError);
    expect(() => tensor([[1], 2] as never)).toThrow(ShapeError);
    expect(() => tensor([[[1, 2]], [[3]]])).toThrow(ShapeError);
  });

  test('rejects a value count that does not match the shape', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/\[2, 2\]/);
  });

  test('rejects negative or fractional shape entries naming the shape', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 3 }),
        fc.nat(),
        fc.oneof(
          fc.integer({ min: -5, max: -1 }),
          fc.double({ min: 0.1, max: 4.9 }).filter((v) => !Number.isInteger(v)),
        ),
        (shape, pick, bad) => {
          const s = [...shape];
          s[pick % s.length] = bad;
          expect(() => tensor([1], s)).toThrow(InvalidArgumentError);
          expect(() => tensor([1], s)).toThrow(/^shape: expected an array of non-negative integers/);
        },
      ),
    );
  });

  test('rejects an unknown dtype naming the argument', () => {
    expect(() => tensor([1], undefined, 'int32' as never)).toThrow(InvalidArgumentError);
    expect(() => tensor([1], undefined, 'int32' as never)).toThrow(
      /^dtype: expected 'float64' or 'float32', got "int32"/,
    );
  });

  test('rejects nested arrays together with an explicit shape', () => {
    expect(() => tensor([[1, 2]], [2])).toThrow(InvalidArgumentError);
  });
});

describe('Tensor', () => {
  test('checks that data length matches the shape', () => {
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(ShapeError);
  });

  test('reads elements with get, including negative indices', () => {
    fc.assert(
      fc.property(tensorArb({ minRank: 1 }), fc.nat(), (x, pick) => {
        const flat = pick % x.size;
        const index = unravel(flat, x.shape);
        expect(x.get(...index)).toBe(x.data[flat]);
        expect(x.get(...index.map((i, axis) => i - x.shape[axis]))).toBe(x.data[flat]);
      }),
    );
  });

  test('rejects out-of-range or wrong-length indices', () => {
    const x = zeros([2, 3]);
    expect(() => x.get(0)).toThrow(InvalidArgumentError);
    expect(() => x.get(2, 0)).toThrow(/get: index\[0\]/);
    expect(() => x.get(0, 1.5)).toThrow(/get: index\[1\]/);
  });

  test('item returns the only element and rejects larger tensors', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => zeros([2]).item()).toThrow(ShapeError);
  });

  test('keeps a private copy of its shape', () => {
    const shape = [2, 3];
    const x = new Tensor(new Float64Array(6), shape);
    shape[0] = 99;
    expect(x.shape).toEqual([2, 3]);
    expect(x.shape).not.toBe(shape);
  });

  test('round-trips through ndarray views', () => {
    fc.assert(
      fc.property(tensorArb({ minRank: 1, maxRank: 3 }), (x) => {
        const y = fromNdarray(x.toNdarray());
        expect(y.shape).toEqual(x.shape);
        expect(y.data).not.toBe(x.data);
        expectSameValues(y.data, x.data);
      }),
    );
  });

  test('reports its strides, rank and a readable summary', () => {
    const x = zeros([2, 3, 4]);
    expect(x.rank).toBe(3);
    expect(x.strides).toEqual([12, 4, 1]);
    expect(tensor([[1, 2]]).toString()).toBe('Tensor(float64 [1, 2]: [[1,2]])');
  });
});

describe('fromNdarray', () => {
  test('copies a transposed (strided) view into contiguous row-major order', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(fromNdarray(x.toNdarray().transpose(1, 0)).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
});

describe('scalar', () => {
  test('makes a rank-0 tensor', () => {
    const s = scalar(3, 'float32');
    expect(s.shape).toEqual([]);
    expect(s.dtype).toBe('float32');
    expect(s.toArray()).toBe(3);
  });
});

describe('full', () => {
  test('fills every element', () => {
    fc.assert(
      fc.property(shapeArb({ minDim: 0 }), fc.double({ noNaN: true }), (shape, value) => {
        const t = full(shape, value);
        expect(t.shape).toEqual(shape);
        expect(Array.from(t.data).every((v) => Object.is(v, value))).toBe(true);
      }),
    );
  });

  // Regression: a fill value of −0 compared equal to 0 and the fill was skipped, leaving +0.
  test('keeps the sign of a negative-zero fill value', () => {
    expect(Object.is(full([2], -0).get(1), -0)).toBe(true);
  });
});

describe('zeros', () => {
  test('makes zeros of the given shape and dtype', () => {
    const t = zeros([2, 3], 'float32');
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('rejects a negative size naming the shape', () => {
    expect(() => zeros([2, -1])).toThrow(InvalidArgumentError);
    expect(() => zeros([2, -1])).toThrow(/^shape: .*got \[2, -1\]/);
  });
});

describe('ones', () => {
  test('makes ones of the given shape', () => {
    expect(ones([2, 2]).toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });
});

describe('eye', () => {
  test('has ones exactly on the main diagonal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (n, m) => {
        const t = eye(n, m);
        expect(t.shape).toEqual([n, m]);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(t.get(i, j)).toBe(i === j ? 1 : 0);
      }),
    );
  });

  test('rejects a negative order naming the argument', () => {
    expect(() => eye(-1)).toThrow(InvalidArgumentError);
    expect(() => eye(-1)).toThrow(/^eye: n, m/);
  });
});

describe('arange', () => {
  test('counts from start by step strictly before stop', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    expect(arange(3, 0).size).toBe(0);
  });

  test('rejects a zero or non-finite step naming it', () => {
    expect(() => arange(0, 1, 0)).toThrow(/^arange: step/);
    expect(() => arange(0, Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe('linspace', () => {
  const finite = fc.double({ min: -1e3, max: 1e3, noNaN: true });

  test('spaces num values evenly and hits both ends exactly', () => {
    fc.assert(
      fc.property(finite, finite, fc.integer({ min: 2, max: 50 }), (a, b, num) => {
        const t = linspace(a, b, num);
        expect(t.size).toBe(num);
        expectSameValues([t.get(0), t.get(num - 1)], [a, b]);
        // Both sides are a + (b − a)·i/(num − 1) up to four roundings, each at most u·2M with
        // M = max(|a|, |b|) and u = ε/2, so they differ by at most 8·u·2M = 8εM. In the subnormal
        // range roundings are absolute (2⁻¹⁰⁷⁵ each), and the step's is multiplied by i < num.
        const expected = Array.from({ length: num }, (_, i) => a + ((b - a) * i) / (num - 1));
        const M = Math.max(Math.abs(a), Math.abs(b));
        expectAllClose(t.data, expected, 8 * Number.EPSILON * M + (num + 4) * Number.MIN_VALUE);
      }),
    );
  });

  test('rejects a negative count naming it', () => {
    expect(() => linspace(0, 1, -1)).toThrow(InvalidArgumentError);
    expect(() => linspace(0, 1, -1)).toThrow(/^linspace: num/);
  });
});

describe('LiouvilleError', () => {
  test('is the base class of every typed error', () => {
    expect(new ShapeError('op', 'm')).toBeInstanceOf(LiouvilleError);
    expect(new InvalidArgumentError('x', 'y', 1)).toBeInstanceOf(LiouvilleError);
    expect(new ShapeError('op', 'm')).toBeInstanceOf(Error);
    expect(new ShapeError('op', 'm').name).toBe('ShapeError');
  });
});

describe('InvalidArgumentError', () => {
  test('names the argument, the expectation and the given value', () => {
    const e = new InvalidArgumentError('dt', 'a positive number', -1);
    expect(e.message).toBe('dt: expected a positive number, got -1');
    expect(e.argument).toBe('dt');
  });
});
