// Structural functions (reshape, transpose, broadcasting, slicing, joining, reductions, matmul,
// where, ...): each case draws an input pytree together with the function's random parameters.
// Every derivative property runs over every case (describe.each).
import * as L from '@liouville/linalg';
import type { Shape } from '@liouville/linalg';
import fc from 'fast-check';
import {
  type Tree,
  type Value,
  add,
  broadcastTo,
  concat,
  dot,
  matmul,
  max,
  mean,
  outer,
  pad,
  reshape,
  slice,
  solve,
  stack,
  sum,
  sumToShape,
  transpose,
  transposeLast2,
  where,
} from '../src/index.js';
import {
  broadcastableShapeArb,
  distinctTensorArb,
  permutationArb,
  shapeArb,
  sizeOfShape,
  tensorArb,
} from './helpers.js';

/** A differentiable function of a pytree with the parameters it was drawn with. */
export interface Probe {
  x: Tree;
  op: (x: never) => Value;
  params: unknown;
}

/** A structural function and the arbitrary of its probes. */
export interface StructuralCase {
  name: string;
  probe: fc.Arbitrary<Probe>;
}

const probe = <X extends Tree>(x: X, op: (x: X) => Value, params: unknown): Probe => ({
  x,
  op: op as (x: never) => Value,
  params,
});

/** A random subset of the axes of a rank-r tensor (undefined: all axes), with keepDims. */
const axesArb = (rank: number) =>
  fc.tuple(fc.option(fc.subarray(Array.from({ length: rank }, (_, i) => i)), { nil: undefined }), fc.boolean());

/** Ranges start < end on each axis, the start written negatively (from the end) on some axes. */
const rangesArb = (shape: Shape) =>
  fc.tuple(
    ...shape.map((n) =>
      fc
        .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }), fc.boolean())
        .map(([s, len, negative]) => {
          const end = Math.min(n, s + len);
          return [negative ? s - n : s, end] as const;
        }),
    ),
  );

/**
 * Operands of a batched matmul: batch shapes that broadcast against each other (each a
 * broadcastable suffix of one common batch shape), and sometimes a 1-D operand on either side.
 */
const matmulArb = fc
  .record({
    batch: shapeArb(2, 2),
    m: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 3 }),
    vectorA: fc.boolean(),
    vectorB: fc.boolean(),
  })
  .chain(({ batch, m, k, n, vectorA, vectorB }) =>
    fc.tuple(broadcastableShapeArb(batch), broadcastableShapeArb(batch)).chain(([ba, bb]) => {
      const sa = vectorA ? [k] : [...ba, m, k];
      const sb = vectorB ? [k] : [...bb, k, n];
      return fc.tuple(tensorArb(sa), tensorArb(sb));
    }),
  );

/**
 * Operands of a batched solve: a [..., n, n] and b [..., n, k] (or b a vector [n]) with batch shapes
 * broadcasting against each other. The probe solves with a + 7·I: elements lie in [−2, 2] and
 * n ≤ 3, so each row's diagonal (≥ 5) exceeds the rest of the row (≤ 4) — strictly diagonally
 * dominant, ‖(a + 7I)⁻¹‖∞ ≤ 1 — and the finite differences of the solution stay as accurate as
 * those of the other cases.
 */
const solveArb = fc
  .record({
    batch: shapeArb(2, 2),
    n: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 2 }),
    vectorB: fc.boolean(),
  })
  .chain(({ batch, n, k, vectorB }) =>
    fc
      .tuple(broadcastableShapeArb(batch), broadcastableShapeArb(batch))
      .chain(([ba, bb]) => fc.tuple(tensorArb([...ba, n, n]), tensorArb(vectorB ? [n] : [...bb, n, k]))),
  );

export const structuralCases: StructuralCase[] = [
  {
    name: 'reshape',
    probe: shapeArb().chain((shape) =>
      fc.tuple(tensorArb(shape), fc.constantFrom('flat', 'reversed', 'column', 'inferred')).map(([x, kind]) => {
        const n = x.size;
        const last = shape.length === 0 ? 1 : shape[shape.length - 1];
        const target =
          kind === 'flat' ? [n] : kind === 'reversed' ? [...shape].reverse() : kind === 'column' ? [n, 1] : [-1, last];
        return probe(x, (v: Value) => reshape(v, target), { target });
      }),
    ),
  },
  {
    name: 'transpose',
    probe: shapeArb().chain((shape) =>
      fc
        .tuple(tensorArb(shape), permutationArb(shape.length))
        .map(([x, perm]) => probe(x, (v: Value) => transpose(v, perm), { perm })),
    ),
  },
  {
    name: 'transposeLast2',
    probe: shapeArb(3, 3, 2).chain((shape) =>
      tensorArb(shape).map((x) => probe(x, (v: Value) => transposeLast2(v), {})),
    ),
  },
  {
    name: 'broadcastTo',
    probe: shapeArb().chain((target) =>
      broadcastableShapeArb(target)
        .chain((s) => tensorArb(s))
        .map((x) => probe(x, (v: Value) => broadcastTo(v, target), { target })),
    ),
  },
  {
    name: 'slice',
    probe: shapeArb(3, 4).chain((shape) =>
      fc.tuple(tensorArb(shape), rangesArb(shape)).map(([x, ranges]) => {
        const starts = ranges.map(([s]) => s);
        const ends = ranges.map(([, e]) => e);
        return probe(x, (v: Value) => slice(v, starts, ends), { starts, ends });
      }),
    ),
  },
  {
    name: 'pad',
    probe: shapeArb().chain((shape) =>
      fc
        .tuple(
          tensorArb(shape),
          fc.tuple(...shape.map(() => fc.integer({ min: 0, max: 2 }))),
          fc.tuple(...shape.map(() => fc.integer({ min: 0, max: 2 }))),
        )
        .map(([x, before, after]) => {
          const target = shape.map((n, i) => n + before[i] + after[i]);
          return probe(x, (v: Value) => pad(v, target, before), { target, starts: before });
        }),
    ),
  },
  {
    name: 'concat',
    probe: shapeArb(3, 3, 1).chain((shape) =>
      fc
        .tuple(
          fc.integer({ min: 0, max: shape.length - 1 }),
          fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
        )
        .chain(([axis, lengths, negativeAxis]) =>
          fc.tuple(...lengths.map((len) => tensorArb(shape.map((n, i) => (i === axis ? len : n))))).map((xs) => {
            const ax = negativeAxis ? axis - shape.length : axis;
            return probe(xs, (vs: Value[]) => concat(vs, ax), { axis: ax });
          }),
        ),
    ),
  },
  {
    name: 'stack',
    probe: shapeArb(2).chain((shape) =>
      fc
        .tuple(fc.integer({ min: -(shape.length + 1), max: shape.length }), fc.integer({ min: 1, max: 3 }))
        .chain(([axis, count]) =>
          fc
            .array(tensorArb(shape), { minLength: count, maxLength: count })
            .map((xs) => probe(xs, (vs: Value[]) => stack(vs, axis), { axis })),
        ),
    ),
  },
  {
    name: 'sum',
    probe: shapeArb().chain((shape) =>
      fc
        .tuple(tensorArb(shape), axesArb(shape.length))
        .map(([x, [axes, keepDims]]) => probe(x, (v: Value) => sum(v, axes, { keepDims }), { axes, keepDims })),
    ),
  },
  {
    name: 'mean',
    probe: shapeArb().chain((shape) =>
      fc
        .tuple(tensorArb(shape), axesArb(shape.length))
        .map(([x, [axes, keepDims]]) => probe(x, (v: Value) => mean(v, axes, { keepDims }), { axes, keepDims })),
    ),
  },
  // Elements pairwise ≥ 0.05 apart, so the maximiser of every group is unique and stays so
  // within the finite-difference step.
  {
    name: 'max',
    probe: shapeArb().chain((shape) =>
      fc
        .tuple(distinctTensorArb(shape), axesArb(shape.length))
        .map(([x, [axes, keepDims]]) => probe(x, (v: Value) => max(v, axes, { keepDims }), { axes, keepDims })),
    ),
  },
  {
    name: 'matmul',
    probe: matmulArb.map(([a, b]) => probe([a, b], ([u, v]: Value[]) => matmul(u, v), { a: a.shape, b: b.shape })),
  },
  {
    name: 'solve',
    probe: solveArb.map(([a, b]) => {
      const shift = L.mul(L.eye(a.shape[a.shape.length - 1]), L.scalar(7));
      return probe([a, b], ([u, v]: Value[]) => solve(add(u, shift), v), { a: a.shape, b: b.shape });
    }),
  },
  {
    name: 'where',
    probe: shapeArb().chain((out) =>
      fc
        .tuple(broadcastableShapeArb(out), broadcastableShapeArb(out), broadcastableShapeArb(out))
        .chain(([sc, sa, sb]) =>
          fc
            .tuple(
              fc.array(fc.boolean(), { minLength: sizeOfShape(sc), maxLength: sizeOfShape(sc) }),
              tensorArb(sa),
              tensorArb(sb),
            )
            .map(([bits, a, b]) => {
              const condition = L.tensor(
                bits.map((bit) => (bit ? 1 : 0)),
                sc,
              );
              return probe([a, b], ([u, v]: Value[]) => where(condition, u, v), { condition: bits });
            }),
        ),
    ),
  },
  {
    name: 'dot',
    probe: fc
      .integer({ min: 1, max: 5 })
      .chain((n) => fc.tuple(tensorArb([n]), tensorArb([n])))
      .map(([a, b]) => probe([a, b], ([u, v]: Value[]) => dot(u, v), {})),
  },
  {
    name: 'outer',
    probe: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([m, n]) => fc.tuple(tensorArb([m]), tensorArb([n])))
      .map(([a, b]) => probe([a, b], ([u, v]: Value[]) => outer(u, v), {})),
  },
  {
    name: 'sumToShape',
    probe: shapeArb().chain((shape) =>
      fc
        .tuple(tensorArb(shape), broadcastableShapeArb(shape))
        .map(([x, target]) => probe(x, (v: Value) => sumToShape(v, target), { target })),
    ),
  },
];
