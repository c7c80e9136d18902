import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  type Tensor,
  broadcastTo,
  concat,
  formatShape,
  pad,
  reshape,
  slice,
  stack,
  tensor,
  transpose,
  zeros,
} from '../src/index.js';
import {
  broadcastRead,
  broadcastableTo,
  count,
  expectSameValues,
  incompatibleShapesArb,
  permutationArb,
  ravel,
  shapeArb,
  tensorArb,
  tensorOfShape,
  unravel,
} from './helpers.js';

// Shape manipulation only moves numbers, so every comparison here is exact.

/** Σ xᵢyᵢ in a fixed order; with small integers it is exact, so adjointness can be checked with ===. */
function inner(x: Tensor, y: Tensor): number {
  let acc = 0;
  for (let i = 0; i < x.size; i++) acc += x.data[i] * y.data[i];
  return acc;
}

describe('reshape', () => {
  test('keeps the elements in row-major order and infers one −1 entry', () => {
    fc.assert(
      fc.property(tensorArb({ minRank: 1, maxRank: 4 }), fc.nat(), fc.nat(), (x, shufflePick, holePick) => {
        // Target: the same lengths rotated, one of them replaced by −1.
        const rotate = shufflePick % x.rank;
        const target = [...x.shape.slice(rotate), ...x.shape.slice(0, rotate)];
        const withHole = target.map((d, i) => (i === holePick % target.length ? -1 : d));
        const y = reshape(x, withHole);
        expect(y.shape).toEqual(target);
        expectSameValues(y.data, x.data);
        expect(reshape(x, [-1]).shape).toEqual([x.size]);
      }),
    );
  });

  test('throws a ShapeError naming both shapes when the sizes differ', () => {
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(ShapeError);
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow('reshape: cannot reshape [2, 3] (6 elements) to [4, 2]');
    expect(() => reshape(zeros([2, 3]), [-1, 4])).toThrow('reshape: cannot reshape [2, 3] to [-1, 4]');
  });

  test('rejects more than one −1 and other negative lengths naming the shape', () => {
    expect(() => reshape(zeros([2, 3]), [-1, -1])).toThrow(InvalidArgumentError);
    expect(() => reshape(zeros([2, 3]), [-1, -1])).toThrow(/^reshape: shape: expected at most one -1/);
    expect(() => reshape(zeros([2, 3]), [-2, -3])).toThrow(/^reshape: shape:/);
  });
});

describe('transpose', () => {
  test('matches an index-by-index reference for random permutations', () => {
    const arb = tensorArb({ maxRank: 4 }).chain((x) => fc.tuple(fc.constant(x), permutationArb(x.rank)));
    fc.assert(
      fc.property(arb, ([x, perm]) => {
        const out = transpose(x, perm);
        expect(out.shape).toEqual(perm.map((a) => x.shape[a]));
        for (let flat = 0; flat < out.size; flat++) {
          const j = unravel(flat, out.shape);
          const i = new Array<number>(x.rank);
          perm.forEach((axis, k) => {
            i[axis] = j[k];
          });
          expect(out.data[flat]).toBe(x.data[ravel(i, x.shape)]);
        }
      }),
    );
  });

  test('reverses the axes by default and is an involution on matrices', () => {
    fc.assert(
      fc.property(tensorArb({ minRank: 2, maxRank: 2, maxDim: 40 }), (x) => {
        const t = transpose(x);
        expect(t.shape).toEqual([x.shape[1], x.shape[0]]);
        for (let i = 0; i < x.shape[0]; i++) for (let j = 0; j < x.shape[1]; j++) expect(t.get(j, i)).toBe(x.get(i, j));
        expectSameValues(transpose(t).data, x.data);
      }),
      { numRuns: 30 },
    );
  });

  test('keeps float32', () => {
    expect(transpose(zeros([2, 3, 4], 'float32'), [2, 0, 1]).dtype).toBe('float32');
  });

  test('rejects something that is not a permutation naming it', () => {
    expect(() => transpose(zeros([2, 3]), [0, 0])).toThrow(InvalidArgumentError);
    expect(() => transpose(zeros([2, 3]), [0])).toThrow(/^transpose: permutation/);
  });
});

/** A tensor and a valid block [starts, ends) inside it. */
const blockArb = tensorArb({ maxRank: 4, minDim: 1, maxDim: 5 }, { integer: true, bound: 9 }).chain((x) =>
  fc
    .tuple(...x.shape.map((d) => fc.tuple(fc.integer({ min: 0, max: d }), fc.integer({ min: 0, max: d }))))
    .map((pairs) => ({
      x,
      starts: pairs.map(([a, b]) => Math.min(a, b)),
      ends: pairs.map(([a, b]) => Math.max(a, b)),
    })),
);

describe('slice', () => {
  test('matches an index-by-index reference', () => {
    fc.assert(
      fc.property(blockArb, ({ x, starts, ends }) => {
        const out = slice(x, starts, ends);
        expect(out.shape).toEqual(starts.map((s, i) => ends[i] - s));
        for (let flat = 0; flat < out.size; flat++) {
          const index = unravel(flat, out.shape).map((i, axis) => i + starts[axis]);
          expect(out.data[flat]).toBe(x.data[ravel(index, x.shape)]);
        }
      }),
    );
  });

  test('counts negative indices from the end', () => {
    expect(slice(tensor([0, 1, 2, 3, 4]), [-3], [-1]).toArray()).toEqual([2, 3]);
  });

  test('rejects an out-of-range block naming the axis', () => {
    expect(() => slice(zeros([2, 3]), [0, 2], [2, 4])).toThrow(InvalidArgumentError);
    expect(() => slice(zeros([2, 3]), [0, 2], [2, 4])).toThrow(/^slice: range on axis 1/);
    expect(() => slice(zeros([2, 3]), [0], [2])).toThrow(/^slice: starts, ends/);
  });
});

describe('pad', () => {
  test('is the adjoint of slice: ⟨slice(x), y⟩ = ⟨x, pad(y)⟩', () => {
    const arb = blockArb.chain((c) =>
      fc.tuple(
        fc.constant(c),
        tensorOfShape(
          c.starts.map((s, i) => c.ends[i] - s),
          { integer: true, bound: 9 },
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([{ x, starts, ends }, y]) => {
        const padded = pad(y, x.shape, starts);
        expect(padded.shape).toEqual(x.shape);
        expect(inner(slice(x, starts, ends), y)).toBe(inner(x, padded));
      }),
    );
  });

  test('places x at the offset and fills zeros elsewhere', () => {
    expect(pad(tensor([[1, 2]]), [2, 4], [1, 1]).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 1, 2, 0],
    ]);
  });

  test('throws a ShapeError naming both shapes when x does not fit', () => {
    expect(() => pad(zeros([2, 2]), [3, 3], [0, 2])).toThrow(ShapeError);
    expect(() => pad(zeros([2, 2]), [3, 3], [0, 2])).toThrow('pad: cannot place [2, 2] at [0, 2] inside [3, 3]');
  });

  // Regression: too few starts used to reach ndarray-ops, which threw an untyped Error.
  test('throws a ShapeError when starts has the wrong length', () => {
    expect(() => pad(zeros([2, 2]), [4, 4], [1])).toThrow(ShapeError);
    expect(() => pad(zeros([2, 2]), [4, 4], [1, 1, 1])).toThrow(ShapeError);
  });
});

describe('concat', () => {
  const partsArb = fc
    .tuple(
      shapeArb({ minRank: 1, maxRank: 3 }),
      fc.nat(),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
    )
    .chain(([shape, pick, lengths]) => {
      const axis = pick % shape.length;
      const shapes = lengths.map((n) => shape.map((d, i) => (i === axis ? n : d)));
      return fc.tuple(fc.constant(axis), fc.tuple(...shapes.map((s) => tensorOfShape(s))));
    });

  test('matches an index-by-index reference along a random axis', () => {
    fc.assert(
      fc.property(partsArb, ([axis, parts]) => {
        const out = concat(parts, axis);
        const offsets = parts.map((_, p) => parts.slice(0, p).reduce((n, t) => n + t.shape[axis], 0));
        expect(out.shape[axis]).toBe(parts.reduce((n, t) => n + t.shape[axis], 0));
        for (let flat = 0; flat < out.size; flat++) {
          const index = unravel(flat, out.shape);
          let p = 0;
          for (let q = 0; q < parts.length; q++) if (index[axis] >= offsets[q] && parts[q].shape[axis] > 0) p = q;
          const local = index.map((i, a) => (a === axis ? i - offsets[p] : i));
          expect(out.data[flat]).toBe(parts[p].data[ravel(local, parts[p].shape)]);
        }
      }),
    );
  });

  test('copies long rows (bulk copies) and mixed dtypes exactly', () => {
    // Rows of 64 or more numbers are copied with TypedArray.set (copyBox.ts); the small shapes of
    // the property above never reach that path.
    const a = tensor(
      Array.from({ length: 2 * 70 }, (_, i) => i + 0.5),
      [2, 70],
      'float32',
    );
    const b = tensor(
      Array.from({ length: 2 * 80 }, (_, i) => -i / 3),
      [2, 80],
    );
    const joined = concat([a, b], 1);
    expect(joined.dtype).toBe('float64');
    for (let r = 0; r < 2; r++) {
      expectSameValues(joined.data.slice(r * 150, r * 150 + 70), a.data.slice(r * 70, r * 70 + 70));
      expectSameValues(joined.data.slice(r * 150 + 70, (r + 1) * 150), b.data.slice(r * 80, (r + 1) * 80));
    }
    const cut = slice(joined, [1, 5], [2, 140]);
    expectSameValues(cut.data, joined.data.slice(150 + 5, 150 + 140));
    const padded = pad(cut, [3, 200], [2, 10]);
    expectSameValues(padded.data.slice(2 * 200 + 10, 2 * 200 + 145), cut.data);
    expect(inner(padded, padded)).toBe(inner(cut, cut));
  });

  test('promotes to float64 unless every part is float32', () => {
    expect(concat([zeros([1], 'float32'), zeros([1], 'float32')]).dtype).toBe('float32');
    expect(concat([zeros([1], 'float32'), zeros([1])]).dtype).toBe('float64');
  });

  test('throws a ShapeError listing the shapes when they differ off the axis', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(ShapeError);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow('concat: shapes [2, 3], [2, 4] differ off axis 0');
  });

  test('rejects an empty list naming the argument', () => {
    expect(() => concat([])).toThrow(/^concat: tensors: expected at least one tensor/);
  });
});

describe('stack', () => {
  test('puts the i-th tensor at index i of the new axis', () => {
    const arb = fc
      .tuple(shapeArb({ maxRank: 3 }), fc.integer({ min: 1, max: 4 }), fc.nat())
      .chain(([shape, n, pick]) =>
        fc.tuple(
          fc.constant(pick % (shape.length + 1)),
          fc.array(tensorOfShape(shape), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(arb, ([axis, parts]) => {
        const out = stack(parts, axis);
        const shape = parts[0].shape;
        expect(out.shape).toEqual([...shape.slice(0, axis), parts.length, ...shape.slice(axis)]);
        for (let flat = 0; flat < out.size; flat++) {
          const index = unravel(flat, out.shape);
          const local = index.filter((_, a) => a !== axis);
          expect(out.data[flat]).toBe(parts[index[axis]].data[ravel(local, shape)]);
        }
      }),
    );
  });

  test('throws a ShapeError when the shapes differ', () => {
    expect(() => stack([zeros([2]), zeros([3])])).toThrow('stack: shapes differ: [2], [3]');
  });
});

describe('broadcastTo', () => {
  test('matches the broadcasting reference', () => {
    const arb = shapeArb({ maxRank: 4, minDim: 0, maxDim: 3 }).chain((target) =>
      fc.tuple(
        fc.constant(target),
        broadcastableTo(target).chain((s) => tensorOfShape(s)),
      ),
    );
    fc.assert(
      fc.property(arb, ([target, x]) => {
        const out = broadcastTo(x, target);
        expect(out.shape).toEqual(target);
        expectSameValues(
          out.data,
          Array.from({ length: count(target) }, (_, flat) => broadcastRead(x, unravel(flat, target))),
        );
      }),
    );
  });

  test('throws a ShapeError naming both shapes when x does not broadcast to the target', () => {
    fc.assert(
      fc.property(incompatibleShapesArb, ([sa, sb]) => {
        expect(() => broadcastTo(zeros(sa), sb)).toThrow(ShapeError);
        expect(() => broadcastTo(zeros(sa), sb)).toThrow(`${formatShape(sa)} and ${formatShape(sb)}`);
      }),
    );
    // Broadcasting may not shrink: [3] → [1] and [2, 3] → [3] are rejected.
    expect(() => broadcastTo(zeros([3]), [1])).toThrow(ShapeError);
    expect(() => broadcastTo(zeros([2, 3]), [3])).toThrow('broadcastTo: cannot broadcast [2, 3] to [3]');
  });
});
