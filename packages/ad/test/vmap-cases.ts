// One case per primitive for the vmap tests: each draws the shapes of one example's arguments and
// the function applied to them (with its random parameters). The vmap properties run over every
// case (describe.each), so a primitive without a case here is a primitive whose batching rule is
// never checked: `casesByPrimitive` is typed to require one.
import { type Shape, eye } from '@liouville/linalg';
import fc from 'fast-check';
import {
  type Primitive,
  type Value,
  abs,
  add,
  broadcastTo,
  cast,
  concat,
  cos,
  div,
  equal,
  exp,
  expm1,
  greater,
  greaterEqual,
  heaviside,
  less,
  lessEqual,
  log,
  log1p,
  matmul,
  max,
  mul,
  mulAdd,
  neg,
  pad,
  pow,
  relu,
  reshape,
  sigmoid,
  sign,
  sin,
  slice,
  softplus,
  solve,
  sqrt,
  square,
  stopGradient,
  sub,
  sum,
  tanh,
  transpose,
  where,
} from '../src/index.js';
import { broadcastableShapeArb, doubleIn, permutationArb, shapeArb } from './helpers.js';

/** One example's argument shapes and the function of them under test. */
export interface Draw {
  shapes: Shape[];
  f: (...xs: Value[]) => Value;
  /** The function's random parameters, printed with a failing example. */
  params?: unknown;
}

/** A primitive's case: how to draw a function of it, and the elements its arguments take. */
export interface VmapCase {
  name: string;
  draw: fc.Arbitrary<Draw>;
  element: fc.Arbitrary<number>;
}

const ANY = doubleIn([-3, 3]);
const POSITIVE = doubleIn([0.25, 3]);
/** Small integers, so comparisons meet ties and `where` conditions meet zeros. */
const TIES = fc.integer({ min: -2, max: 2 });

const one = (f: (x: Value) => Value): fc.Arbitrary<Draw> => shapeArb().map((s) => ({ shapes: [s], f: f as Draw['f'] }));

/** Two operands whose shapes broadcast (either may be the lower-rank one). */
const two = (f: (a: Value, b: Value) => Value): fc.Arbitrary<Draw> =>
  fc.tuple(shapeArb(), fc.boolean()).chain(([target, swap]) =>
    broadcastableShapeArb(target).map((other) => ({
      shapes: swap ? [other, target] : [target, other],
      f: f as Draw['f'],
    })),
  );

/** A random subset of the axes (undefined: all) with keepDims. */
const reduction = (f: typeof sum): fc.Arbitrary<Draw> =>
  shapeArb().chain((s) =>
    fc.tuple(fc.option(fc.subarray(s.map((_, i) => i)), { nil: undefined }), fc.boolean()).map(([axes, keepDims]) => ({
      shapes: [s],
      f: (x: Value) => f(x, axes, { keepDims }),
      params: { axes, keepDims },
    })),
  );

const unary = (name: Primitive, f: (x: Value) => Value, element: fc.Arbitrary<number> = ANY): VmapCase => ({
  name,
  draw: one(f),
  element,
});

const binary = (name: Primitive, f: (a: Value, b: Value) => Value, element: fc.Arbitrary<number> = ANY): VmapCase => ({
  name,
  draw: two(f),
  element,
});

/** matmul operands with broadcast leading axes, sometimes a vector on either side. */
const matmulDraw: fc.Arbitrary<Draw> = fc
  .record({
    batch: shapeArb(2, 2),
    m: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 3 }),
    vectorA: fc.boolean(),
    vectorB: fc.boolean(),
  })
  .chain(({ batch, m, k, n, vectorA, vectorB }) =>
    fc.tuple(broadcastableShapeArb(batch), broadcastableShapeArb(batch)).map(([ba, bb]) => ({
      shapes: [vectorA ? [k] : [...ba, m, k], vectorB ? [k] : [...bb, k, n]],
      f: matmul as Draw['f'],
    })),
  );

/**
 * solve operands with broadcast leading axes, b sometimes a vector. The matrix is shifted by 10·I:
 * with n ≤ 3 and elements in [−3, 3] each row's diagonal (≥ 7) outweighs the rest of the row (≤ 6),
 * so every drawn matrix is nonsingular (strict diagonal dominance).
 */
const solveDraw: fc.Arbitrary<Draw> = fc
  .record({
    batch: shapeArb(2, 2),
    n: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    vectorB: fc.boolean(),
  })
  .chain(({ batch, n, k, vectorB }) =>
    fc.tuple(broadcastableShapeArb(batch), broadcastableShapeArb(batch)).map(([ba, bb]) => ({
      shapes: [[...ba, n, n], vectorB ? [n] : [...bb, n, k]],
      f: ((a: Value, b: Value) => solve(add(a, mul(eye(n), 10)), b)) as Draw['f'],
    })),
  );

const reshapeDraw: fc.Arbitrary<Draw> = shapeArb().chain((s) =>
  fc.constantFrom('flat', 'reversed', 'column').map((kind) => {
    const n = s.reduce((a, b) => a * b, 1);
    const target = kind === 'flat' ? [n] : kind === 'reversed' ? [...s].reverse() : [n, 1];
    return { shapes: [s], f: (x: Value) => reshape(x, target), params: { target } };
  }),
);

const transposeDraw: fc.Arbitrary<Draw> = shapeArb().chain((s) =>
  permutationArb(s.length).map((perm) => ({ shapes: [s], f: (x: Value) => transpose(x, perm), params: { perm } })),
);

const broadcastDraw: fc.Arbitrary<Draw> = shapeArb().chain((target) =>
  broadcastableShapeArb(target).map((s) => ({
    shapes: [s],
    f: (x: Value) => broadcastTo(x, target),
    params: { target },
  })),
);

const sliceDraw: fc.Arbitrary<Draw> = shapeArb(3, 4).chain((s) =>
  fc
    .tuple(...s.map((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }))))
    .map((ranges) => {
      const starts = ranges.map(([start]) => start);
      const ends = ranges.map(([start, len], i) => Math.min(s[i], start + len));
      return { shapes: [s], f: (x: Value) => slice(x, starts, ends), params: { starts, ends } };
    }),
);

const padDraw: fc.Arbitrary<Draw> = shapeArb().chain((s) =>
  fc
    .tuple(
      fc.tuple(...s.map(() => fc.integer({ min: 0, max: 2 }))),
      fc.tuple(...s.map(() => fc.integer({ min: 0, max: 2 }))),
    )
    .map(([before, after]) => {
      const target = s.map((n, i) => n + before[i] + after[i]);
      return { shapes: [s], f: (x: Value) => pad(x, target, before), params: { target, before } };
    }),
);

const concatDraw: fc.Arbitrary<Draw> = shapeArb(3, 3, 1).chain((s) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: s.length - 1 }),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }),
    )
    .map(([axis, lengths]) => ({
      shapes: lengths.map((len) => s.map((n, i) => (i === axis ? len : n))),
      f: (...xs: Value[]) => concat(xs, axis),
      params: { axis },
    })),
);

/** Three operands broadcasting to one shape: the condition and the two branches. */
const whereDraw: fc.Arbitrary<Draw> = shapeArb().chain((target) =>
  fc
    .tuple(broadcastableShapeArb(target), broadcastableShapeArb(target), broadcastableShapeArb(target))
    .map(([c, a, b]) => ({ shapes: [c, a, b], f: where as Draw['f'] })),
);

/** Four operands: one shared shape (linalg's fused loop), or shapes that only broadcast (its fallback). */
const mulAddDraw: fc.Arbitrary<Draw> = fc
  .tuple(shapeArb(), fc.boolean())
  .chain(([target, same]) =>
    (same
      ? fc.constant([target, target, target, target])
      : fc.tuple(...[0, 1, 2, 3].map(() => broadcastableShapeArb(target)))
    ).map((shapes) => ({ shapes: shapes as Shape[], f: mulAdd as Draw['f'] })),
  );

/** One case per primitive; the mapped type makes a missing primitive a compile error. */
export const casesByPrimitive: { [K in Primitive]: VmapCase } = {
  neg: unary('neg', neg),
  exp: unary('exp', exp),
  expm1: unary('expm1', expm1),
  log: unary('log', log, POSITIVE),
  log1p: unary('log1p', log1p, POSITIVE),
  sqrt: unary('sqrt', sqrt, POSITIVE),
  square: unary('square', square),
  sin: unary('sin', sin),
  cos: unary('cos', cos),
  tanh: unary('tanh', tanh),
  abs: unary('abs', abs),
  sign: unary('sign', sign, TIES),
  sigmoid: unary('sigmoid', sigmoid),
  softplus: unary('softplus', softplus),
  relu: unary('relu', relu, TIES),
  heaviside: unary('heaviside', heaviside, TIES),
  add: binary('add', add),
  sub: binary('sub', sub),
  mul: binary('mul', mul),
  div: binary('div', div, POSITIVE),
  pow: binary('pow', pow, POSITIVE),
  greater: binary('greater', greater, TIES),
  greaterEqual: binary('greaterEqual', greaterEqual, TIES),
  less: binary('less', less, TIES),
  lessEqual: binary('lessEqual', lessEqual, TIES),
  equal: binary('equal', equal, TIES),
  mulAdd: { name: 'mulAdd', draw: mulAddDraw, element: ANY },
  sum: { name: 'sum', draw: reduction(sum), element: ANY },
  max: { name: 'max', draw: reduction(max), element: TIES },
  reshape: { name: 'reshape', draw: reshapeDraw, element: ANY },
  transpose: { name: 'transpose', draw: transposeDraw, element: ANY },
  broadcastTo: { name: 'broadcastTo', draw: broadcastDraw, element: ANY },
  slice: { name: 'slice', draw: sliceDraw, element: ANY },
  pad: { name: 'pad', draw: padDraw, element: ANY },
  concat: { name: 'concat', draw: concatDraw, element: ANY },
  matmul: { name: 'matmul', draw: matmulDraw, element: ANY },
  solve: { name: 'solve', draw: solveDraw, element: ANY },
  where: { name: 'where', draw: whereDraw, element: TIES },
  stopGradient: unary('stopGradient', stopGradient),
  cast: {
    name: 'cast',
    draw: fc
      .tuple(shapeArb(), fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'>)
      .map(([s, dtype]) => ({ shapes: [s], f: (x: Value) => cast(x, dtype), params: { dtype } })),
    element: ANY,
  },
};

/** Every case, in the order of the primitive list. */
export const vmapCases: VmapCase[] = Object.values(casesByPrimitive);
