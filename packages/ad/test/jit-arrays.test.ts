// jit's array backend (programs over tensors larger than the scalar backend's 64 elements) against
// eager evaluation. The compiled loops compute every element with the eager kernel's expression,
// round float32 results where a store into a Float32Array rounds, sum in float64 in row-major
// order from 0 as linalg's reduce does, and multiply matrices with linalg's own kernels, so every
// comparison here is bitwise (Object.is per element: NaN equals NaN, −0 differs from 0), in float64
// and float32. Shapes have 100 to 5000 elements; values come from a seeded generator with NaN, ±0,
// ±∞ and huge and tiny magnitudes mixed in.
import * as L from '@liouville/linalg';
import type { DType, Shape, Tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Tree,
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
  grad,
  greater,
  greaterEqual,
  heaviside,
  hvp,
  jacfwd,
  jit,
  less,
  lessEqual,
  log,
  log1p,
  makeJaxpr,
  matmul,
  max,
  mean,
  mul,
  mulAdd,
  neg,
  pad,
  pow,
  relu,
  reshape,
  rowwiseGrad,
  scan,
  sigmoid,
  sign,
  sin,
  slice,
  softplus,
  sqrt,
  square,
  stopGradient,
  sub,
  sum,
  tanh,
  transpose,
  transposeLast2,
  valueAndGrad,
  where,
} from '../src/index.js';
import { laneStatistics } from '../src/jit/arrayBackend.js';
import { planMemory } from '../src/jit/arrayMemory.js';
import { Scheduler } from '../src/jit/arraySchedule.js';
import { type MlpParams, leaves, mlp } from './helpers.js';

const DTYPES: readonly DType[] = ['float64', 'float32'];

/** Asserts two pytrees have the same structure, shapes, dtypes and bits. */
function expectSameBits(actual: Tree, expected: Tree): void {
  const a = leaves(actual);
  const e = leaves(expected);
  expect(a.length).toBe(e.length);
  a.forEach((x, i) => {
    expect(x.shape).toEqual(e[i].shape);
    expect(x.dtype).toBe(e[i].dtype);
    for (let j = 0; j < x.size; j++) {
      if (!Object.is(x.data[j], e[i].data[j]))
        expect.fail(`leaf ${i}, element ${j}: got ${x.data[j]}, expected ${e[i].data[j]}`);
    }
  });
}

/** A small seeded generator (mulberry32): the values of a test tensor follow from its seed alone. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e-300, 1, -1];

/** A tensor of `shape` whose values follow from `seed`: mostly in [−scale, scale], 1 in 50 special. */
function seeded(shape: Shape, seed: number, dtype: DType = 'float64', scale = 3, specials = true): Tensor {
  const next = generator(seed);
  const data = new Float64Array(L.sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    data[i] = specials && next() < 0.02 ? SPECIAL[Math.floor(next() * SPECIAL.length)] : (2 * next() - 1) * scale;
  }
  return L.cast(new L.Tensor(data, shape), dtype);
}

/** Shapes of rank 1 to 3 with 100 to 5000 elements. */
const largeShapeArb: fc.Arbitrary<number[]> = fc.oneof(
  fc.integer({ min: 100, max: 5000 }).map((n) => [n]),
  fc
    .integer({ min: 2, max: 100 })
    .chain((a) => fc.integer({ min: Math.ceil(100 / a), max: Math.floor(5000 / a) }).map((b) => [a, b])),
  fc
    .tuple(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 12 }))
    .chain(([a, b]) =>
      fc.integer({ min: Math.ceil(100 / (a * b)), max: Math.floor(5000 / (a * b)) }).map((c) => [a, b, c]),
    ),
);

/** A shape that broadcasts to `target`: a suffix of it with some axes set to 1. */
const broadcastableArb = (target: Shape) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: target.length }),
      fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length }),
    )
    .map(([rank, ones]) => target.slice(target.length - rank).map((n, i) => (ones[i] ? 1 : n)));

const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });

const UNARY: [string, (x: Value) => Value][] = [
  ['neg', neg],
  ['exp', exp],
  ['expm1', expm1],
  ['log', log],
  ['log1p', log1p],
  ['sqrt', sqrt],
  ['square', square],
  ['sin', sin],
  ['cos', cos],
  ['tanh', tanh],
  ['abs', abs],
  ['sign', sign],
  ['sigmoid', sigmoid],
  ['softplus', softplus],
  ['relu', relu],
  ['heaviside', heaviside],
];

const BINARY: [string, (a: Value, b: Value) => Value][] = [
  ['add', add],
  ['sub', sub],
  ['mul', mul],
  ['div', div],
  ['pow', pow],
  ['greater', greater],
  ['greaterEqual', greaterEqual],
  ['less', less],
  ['lessEqual', lessEqual],
  ['equal', equal],
];

describe('jit on large tensors', () => {
  describe.each(DTYPES)('%s', (dtype) => {
    test.each(UNARY)('%s and its gradient equal eager evaluation bit for bit', (_name, f) => {
      fc.assert(
        fc.property(largeShapeArb, seedArb, (shape, seed) => {
          const x = seeded(shape, seed, dtype);
          const w = seeded(shape, seed + 1, dtype, 1, false);
          const loss = (z: Value) => sum(mul(f(z), w));
          expectSameBits(jit(f)(x), f(x));
          expectSameBits(jit(grad(loss))(x), grad(loss)(x));
        }),
        { numRuns: 8 },
      );
    });

    test.each(BINARY)('%s with broadcasting either way equals eager evaluation bit for bit', (_name, f) => {
      fc.assert(
        fc.property(
          largeShapeArb.chain((s) => fc.tuple(fc.constant(s), broadcastableArb(s), fc.boolean())),
          seedArb,
          ([shape, small, swap], seed) => {
            const a = seeded(shape, seed, dtype);
            const b = seeded(small, seed + 1, dtype);
            const [x, y] = swap ? [b, a] : [a, b];
            expectSameBits(jit(f)(x, y), f(x, y));
            // A rank-0 float64 operand is weakly typed; a float64 tensor promotes a float32 one.
            const c = seeded([], seed + 2);
            expectSameBits(jit(f)(x, c), f(x, c));
            expectSameBits(jit(f)(x, L.cast(y, 'float64')), f(x, L.cast(y, 'float64')));
          },
        ),
        { numRuns: 8 },
      );
    });

    test('where, mulAdd (fused and broadcast) and cast equal eager evaluation bit for bit', () => {
      fc.assert(
        fc.property(
          largeShapeArb.chain((s) => fc.tuple(fc.constant(s), broadcastableArb(s), broadcastableArb(s))),
          seedArb,
          ([shape, s1, s2], seed) => {
            const [a, b, c, d] = [shape, s1, shape, s2].map((s, i) => seeded(s, seed + i, dtype));
            const condition = (p: Value, q: Value) => where(greater(p, 0), p, q);
            expectSameBits(jit(condition)(a, b), condition(a, b));
            expectSameBits(jit(where)(L.greater(b, L.scalar(0)), a, c), where(L.greater(b, L.scalar(0)), a, c));
            expectSameBits(jit(mulAdd)(a, c, c, a), mulAdd(a, c, c, a));
            expectSameBits(jit(mulAdd)(a, b, c, d), mulAdd(a, b, c, d));
            const other = dtype === 'float64' ? 'float32' : 'float64';
            const roundTrip = (z: Value) => cast(mul(cast(z, other), 3), dtype);
            expectSameBits(jit(roundTrip)(a), roundTrip(a));
          },
        ),
        { numRuns: 10 },
      );
    });

    test('sum, max and mean over any axes, ending a fused chain, equal eager evaluation bit for bit', () => {
      const axesArb = (rank: number) =>
        fc.tuple(
          fc.subarray(
            Array.from({ length: rank }, (_, i) => i),
            { minLength: 1 },
          ),
          fc.boolean(),
        );
      fc.assert(
        fc.property(
          largeShapeArb.chain((s) => fc.tuple(fc.constant(s), axesArb(s.length))),
          seedArb,
          ([shape, [axes, keepDims]], seed) => {
            const x = seeded(shape, seed, dtype, 3, false);
            const y = seeded(shape, seed + 1, dtype, 3, seed % 2 === 0);
            const f = (u: Value, v: Value) => {
              const z = add(mul(sin(u), v), 0.5);
              return [sum(z, axes, { keepDims }), max(z, axes, { keepDims }), mean(square(z), axes), sum(z)];
            };
            expectSameBits(jit(f)(x, y), f(x, y));
          },
        ),
        { numRuns: 25 },
      );
    });

    test('data movement read in place by fused loops, and returned, equals eager evaluation bit for bit', () => {
      fc.assert(
        fc.property(
          largeShapeArb.filter((s) => s.length >= 2),
          seedArb,
          fc.integer({ min: 0, max: 5 }),
          (shape, seed, cut) => {
            const x = seeded(shape, seed, dtype);
            const r = shape.length;
            const reversed = shape.map((_, a) => r - 1 - a);
            const starts = shape.map((n) => Math.min(cut, n - 1));
            const ends = shape.map((n, a) => Math.max(starts[a] + 1, n - cut));
            const f = (u: Value) => {
              const t = transpose(u, reversed);
              const moved = add(transpose(exp(t), reversed), u); // a transpose of a fused value
              const flat = reshape(moved, [-1]);
              const column = broadcastTo(reshape(sum(u, r - 1), [...shape.slice(0, -1), 1]), shape);
              const block = slice(mul(u, column), starts, ends);
              const padded = pad(block, shape, starts);
              const joined = concat([u, padded], 0);
              return [t, flat, mul(flat, 2), block, padded, joined, sum(transposeLast2(mul(stopGradient(u), u)), 0)];
            };
            expectSameBits(jit(f)(x), f(x));
          },
        ),
        { numRuns: 15 },
      );
    });

    test('a copy of a view made while a fused loop of the same shape is pending leaves that loop intact', () => {
      fc.assert(
        fc.property(fc.integer({ min: 10, max: 70 }), seedArb, (n, seed) => {
          const [x, w] = [seeded([n, n], seed, dtype), seeded([n, n], seed + 1, dtype)];
          // concat runs its eager kernel on arrays: the transpose is copied while tanh·w is pending.
          const f = (u: Value, v: Value) => concat([transpose(u), mul(tanh(u), v)], 1);
          expectSameBits(jit(f)(x, w), f(x, w));
        }),
        { numRuns: 5 },
      );
    });

    test('matmul with transposed, batched and vector operands, and its gradient, equals eager bit for bit', () => {
      const dims = fc.tuple(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
      );
      fc.assert(
        fc.property(dims, fc.integer({ min: 1, max: 3 }), seedArb, ([m, k, n], batch, seed) => {
          const a = seeded([m, k], seed, dtype, 2, false);
          const b = seeded([k, n], seed + 1, dtype, 2, false);
          const at = seeded([k, m], seed + 2, dtype, 2, false);
          const bt = seeded([n, k], seed + 3, dtype, 2, false);
          const stacked = seeded([batch, m, k], seed + 4, dtype, 2, false);
          const v = seeded([k], seed + 5, dtype, 2, false);
          const f = (p: Value, q: Value, pt: Value, qt: Value, s: Value, u: Value) => [
            matmul(p, q),
            matmul(transpose(pt), q),
            matmul(p, transpose(qt)),
            matmul(transpose(pt), transpose(qt)),
            matmul(s, q),
            matmul(transposeLast2(matmul(s, q)), s),
            matmul(p, u),
            matmul(u, q),
            matmul(tanh(p), q),
          ];
          expectSameBits(jit(f)(a, b, at, bt, stacked, v), f(a, b, at, bt, stacked, v));
          // [m, k]ᵀᵀ·[k, n]·[n, k]: the reverse pass multiplies by transposes of every factor.
          const loss = (ps: Value[]) => sum(tanh(matmul(matmul(transpose(ps[0]), ps[1]), ps[2])));
          expectSameBits(jit(grad(loss))([at, b, bt]), grad(loss)([at, b, bt]));
        }),
        { numRuns: 20 },
      );
    });

    test('weights closed over (constants a product reads, kept in its memory) give eager bits on every call', () => {
      // A learned field at one state, as a rollout calls it thousands of times: the constants are
      // copied once when compiled, so later calls must still read them whole and unchanged.
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 20, max: 90 }), seedArb, (rows, width, seed) => {
          const w1 = seeded([2, width], seed, dtype, 1, false);
          const w2 = seeded([width, width], seed + 1, dtype, 1, false);
          const b2 = seeded([width], seed + 2, dtype, 1, false);
          const field = (x: Value) => {
            const energy = (z: Value) => sum(tanh(add(matmul(tanh(matmul(z, w1)), w2), b2)));
            return grad(energy)(x);
          };
          const compiled = jit(field);
          for (let call = 0; call < 3; call++) {
            const x = seeded([rows, 2], seed + 3 + call, dtype, 1, false);
            expectSameBits(compiled(x), field(x));
          }
        }),
        { numRuns: 10 },
      );
    });

    test('random fused chains over broadcast operands equal eager evaluation bit for bit', () => {
      const ops: ((u: Value, v: Value) => Value)[] = [
        (u, v) => add(u, v),
        (u, v) => mul(sin(u), v),
        (u, v) => div(u, add(square(v), 1)),
        (u) => tanh(u),
        (u, v) => where(less(u, v), u, neg(v)),
        (u) => mul(u, 0.5),
        (u, v) => mulAdd(u, u, v, v),
        (u) => sigmoid(u),
      ];
      fc.assert(
        fc.property(
          largeShapeArb.chain((s) => fc.tuple(fc.constant(s), broadcastableArb(s))),
          fc.array(fc.integer({ min: 0, max: ops.length - 1 }), { minLength: 1, maxLength: 12 }),
          seedArb,
          ([shape, small], chain, seed) => {
            const x = seeded(shape, seed, dtype);
            const y = seeded(small, seed + 1, dtype);
            const f = (u: Value, v: Value) => {
              let z = u;
              const kept: Value[] = [];
              chain.forEach((op, i) => {
                z = ops[op](z, v);
                if (i % 3 === 2) kept.push(z);
              });
              return [z, sum(z), ...kept];
            };
            expectSameBits(jit(f)(x, y), f(x, y));
          },
        ),
        { numRuns: 30 },
      );
    });
  });
});

/** Parameters of the n → h → h → 1 tanh network of helpers.ts's `mlp`, seeded, scaled by 1/√fan_in. */
function mlpParams(n: number, h: number, seed: number, dtype: DType): Record<keyof MlpParams, Tensor> {
  const layer = (shape: Shape, fanIn: number, k: number) =>
    seeded(shape, seed + k, dtype, 1.5 / Math.sqrt(fanIn), false);
  return {
    W1: layer([h, n], n, 0),
    b1: layer([h], 1, 1),
    W2: layer([h, h], h, 2),
    b2: layer([h], 1, 3),
    W3: layer([h], h, 4),
  };
}

const ROWS = 300;
const WIDTH = 32;

/** m rows and n columns (1 to 45: every remainder of the lanes) with m·n > 256, past the scalar backend's tensors (scalarBackend.ts). */
const laneShapeArb = fc
  .integer({ min: 1, max: 45 })
  .chain((n) => fc.tuple(fc.integer({ min: Math.ceil(257 / n), max: Math.ceil(257 / n) + 30 }), fc.constant(n)));

describe('fused loops compiled to WebAssembly SIMD', () => {
  // Loops over arrays of a program's memory (between products) run as WebAssembly with two float64
  // or four float32 lanes (arrayLanes.ts). Shapes with 1 to 45 columns give every remainder of the
  // lanes; the bias and the weights are arguments, so their copies in that memory are refreshed on
  // every call; the numbers 2 and 0.5 are float32, 0.1 is not (its loops stay in JavaScript).
  const lanesProgram =
    (scale: number) =>
    (x: Value, w: Value, b: Value, w2: Value): Value[] => {
      // e is a program output computed by a loop in JavaScript (exp), then read by a loop of its own.
      const e = exp(mul(x, 0.001));
      const y = add(matmul(x, w), matmul(e, w));
      const z = sub(mul(add(y, b), y), div(y, 2));
      const u = add(sqrt(abs(z)), neg(square(mul(y, scale))));
      // a·b + c·d: operands of two shapes (each product rounded, in both dtypes), and of one shape.
      const v = add(mulAdd(y, b, z, y), mulAdd(y, z, u, y));
      const columns = sum(u, 0);
      const rows = sum(u, 1);
      const largest = max(z, 1);
      return [
        matmul(u, w2),
        matmul(v, w2),
        matmul(reshape(columns, [1, -1]), w2),
        rows,
        largest,
        sum(z),
        e,
        matmul(mul(e, 0.5), w),
      ];
    };

  describe.each(DTYPES)('%s', (dtype) => {
    test('products, elementwise chains, row and column sums and maxima give eager bits', () => {
      fc.assert(
        fc.property(
          laneShapeArb,
          fc.integer({ min: 1, max: 12 }),
          fc.constantFrom(0.5, 0.1),
          seedArb,
          ([m, n], k, scale, seed) => {
            const x = seeded([m, k], seed, dtype);
            const w = seeded([k, n], seed + 1, dtype);
            const w2 = seeded([n, 3], seed + 3, dtype);
            const f = lanesProgram(scale);
            const compiled = jit(f);
            const before = laneStatistics.kernels;
            for (let call = 0; call < 2; call++) {
              const b = seeded([n], seed + 2 + 10 * call, dtype);
              expectSameBits(compiled(x, w, b, w2), f(x, w, b, w2));
            }
            // A loop of at least 64 elements whose numbers are float32 runs as WebAssembly.
            if (m * n >= 64 && (scale === 0.5 || dtype === 'float64'))
              expect(laneStatistics.kernels).toBeGreaterThan(before);
            const loss = (p: Value[]) => sum(lanesProgram(scale)(p[0], p[1], p[2], p[3])[0]);
            const args = [x, w, seeded([n], seed + 2, dtype, 3, false), w2];
            expectSameBits(jit(grad(loss))(args), grad(loss)(args));
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});

describe('sines and cosines in fused loops compiled to WebAssembly SIMD', () => {
  // linalg's emitSinCos in the loops gives the bits of sinOf and cosOf: sin and cos of one argument
  // share a reduction; y·10⁶ puts most arguments beyond 2²⁰, where both take the engine's own
  // Math.sin and Math.cos (imported by the module), and the specials give ±∞ and NaN.
  describe.each(DTYPES)('%s', (dtype) => {
    test('give eager bits, lane by lane, for every lane remainder', () => {
      fc.assert(
        fc.property(laneShapeArb, fc.integer({ min: 1, max: 12 }), seedArb, ([m, n], k, seed) => {
          const x = seeded([m, k], seed, dtype);
          const w = seeded([k, n], seed + 1, dtype);
          const w2 = seeded([n, 3], seed + 2, dtype);
          const f = (a: Value, b: Value, c: Value) => {
            const y = matmul(a, b);
            const s = add(mul(sin(y), cos(y)), sub(sin(mul(y, 1e6)), cos(neg(y))));
            return [s, matmul(s, c)];
          };
          const before = laneStatistics.kernels;
          expectSameBits(jit(f)(x, w, w2), f(x, w, w2));
          expect(laneStatistics.kernels).toBeGreaterThan(before);
        }),
        { numRuns: 40 },
      );
    });
  });
});

describe('jit of derivatives of a network on a batch', () => {
  const J = L.tensor([
    [0, 1],
    [-1, 0],
  ]);
  describe.each(DTYPES)('%s', (dtype) => {
    const data = (seed: number) => ({
      x: seeded([ROWS, 2], seed, dtype, 2, false),
      y: seeded([ROWS], seed + 1, dtype, 1, false),
    });

    test('grad, hvp and jacfwd of grad of an MLP 2→32→32→1 on 300 rows equal eager evaluation bit for bit', () => {
      fc.assert(
        fc.property(seedArb, (seed) => {
          const { x, y } = data(seed);
          const theta = mlpParams(2, WIDTH, seed + 2, dtype);
          const v = mlpParams(2, WIDTH, seed + 9, dtype);
          const loss = (t: MlpParams) => mean(square(sub(mlp(t, x), y)));
          expectSameBits(jit(grad(loss))(theta), grad(loss)(theta));
          const hv = (t: MlpParams, u: MlpParams) => hvp(loss, t, u);
          expectSameBits(jit(hv)(theta, v), hv(theta, v));
          // The Hessian block of the last layer: 64 directions pushed forward through the gradient.
          const last = (p: { W3: Value; b2: Value }) => grad((q: typeof p) => loss({ ...theta, ...q }))(p);
          const block = { W3: theta.W3, b2: theta.b2 };
          expectSameBits(jit(jacfwd(last))(block), jacfwd(last)(block));
        }),
        { numRuns: 3 },
      );
    });

    test.each(['forward', 'reverse'] as const)(
      'valueAndGrad of the HNN loss (input gradient %s) on 300 rows equals eager evaluation bit for bit',
      (mode) => {
        fc.assert(
          fc.property(seedArb, (seed) => {
            const x = seeded([ROWS, 2], seed, dtype, 2, false);
            const target = seeded([ROWS, 2], seed + 1, dtype, 1, false);
            const theta = mlpParams(2, WIDTH, seed + 2, dtype);
            const loss = (t: MlpParams) => {
              const field = matmul(rowwiseGrad((z: Value) => mlp(t, z), { mode })(x), transpose(L.cast(J, dtype)));
              return mean(sum(square(sub(field, target)), 1));
            };
            expectSameBits(jit(valueAndGrad(loss))(theta), valueAndGrad(loss)(theta));
          }),
          { numRuns: 3 },
        );
      },
    );
  });
});

describe('the compiled program’s memory', () => {
  test('reused buffers never change outputs already returned, and a later call gives its own results', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const { x, y } = {
          x: seeded([ROWS, 2], seed, 'float64', 2, false),
          y: seeded([ROWS], seed + 1, 'float64', 1, false),
        };
        const loss = (t: MlpParams) => mean(square(sub(mlp(t, x), y)));
        const step = jit((t: MlpParams) => [grad(loss)(t), tanh(matmul(x, transposeLast2(t.W1)))]);
        const [t1, t2] = [mlpParams(2, WIDTH, seed + 2, 'float64'), mlpParams(2, WIDTH, seed + 3, 'float64')];
        const first = step(t1);
        const kept = leaves(first).map((leaf) => L.tensor(Array.from(leaf.data), [...leaf.shape]));
        const second = step(t2);
        for (const [i, leaf] of leaves(first).entries()) expectSameBits(leaf, kept[i]);
        expectSameBits(second, [grad(loss)(t2), L.tanh(L.matmul(x, L.transpose(t2.W1 as Tensor)))]);
        expectSameBits(step(t1), first);
      }),
      { numRuns: 5 },
    );
  });

  test('outputs are fresh arrays: never an input, a constant or an earlier output', () => {
    const x = seeded([40, 30], 5);
    const c = seeded([40, 30], 6);
    const f = jit((u: Value) => [u, reshape(u, [1200]), transpose(u), c, mul(u, 2), slice(u, [1, 0], [40, 30])]);
    const first = leaves(f(x));
    const second = leaves(f(x));
    expectSameBits(first, [
      x,
      L.reshape(x, [1200]),
      L.transpose(x),
      c,
      L.mul(x, L.scalar(2)),
      L.slice(x, [1, 0], [40, 30]),
    ]);
    for (const out of [...first, ...second]) {
      expect(out.data.buffer).not.toBe(x.data.buffer);
      expect(out.data.buffer).not.toBe(c.data.buffer);
    }
    for (const [i, out] of first.entries()) expect(out.data.buffer).not.toBe(second[i].data.buffer);
  });

  test('no two values whose lifetimes overlap share a buffer, and values that do not overlap do', () => {
    fc.assert(
      fc.property(seedArb, fc.boolean(), (seed, reverse) => {
        const x = seeded([ROWS, 2], seed, 'float64', 2, false);
        const theta = mlpParams(2, WIDTH, seed + 2, 'float64');
        const loss = (t: MlpParams) =>
          sum(rowwiseGrad((z: Value) => mlp(t, z), { mode: reverse ? 'reverse' : 'forward' })(x));
        const { program } = makeJaxpr(grad(loss))(theta);
        const schedule = new Scheduler(program).run();
        const plan = planMemory(schedule);
        const live = new Map<number, [number, number]>();
        schedule.steps.forEach((step, i) => {
          for (const v of plan.writes[i]) live.set(v.id, [i, i]);
          for (const v of step.reads) {
            const span = live.get(v.id);
            if (span !== undefined) span[1] = i;
          }
        });
        const pooled = [...plan.storage].filter(([, s]) => s.kind === 'pooled') as [
          number,
          { buffer: number; size: number },
        ][];
        for (const [a, sa] of pooled) {
          expect(plan.buffers[sa.buffer].capacity).toBeGreaterThanOrEqual(sa.size);
          for (const [b, sb] of pooled) {
            if (a >= b || sa.buffer !== sb.buffer) continue;
            const [[a0, a1], [b0, b1]] = [live.get(a), live.get(b)] as [number, number][];
            expect(
              a1 < b0 || b1 < a0,
              `values ${a} [${a0}, ${a1}] and ${b} [${b0}, ${b1}] share buffer ${sa.buffer}`,
            ).toBe(true);
          }
        }
        expect(plan.buffers.length).toBeLessThan(pooled.length);
      }),
      { numRuns: 4 },
    );
  });
});

describe('jit on either matmul backend', () => {
  test.each(DTYPES)(
    'uses the kernel eager evaluation uses, also when the backend changes after compiling (%s)',
    (dtype) => {
      const before = L.getMatmulBackend();
      try {
        const f = (a: Value, b: Value) => tanh(matmul(transpose(a), tanh(matmul(a, b))));
        const compiled = jit(f);
        const [a, b] = [seeded([60, 40], 1, dtype, 2, false), seeded([40, 50], 2, dtype, 2, false)];
        for (const backend of L.availableMatmulBackends()) {
          L.setMatmulBackend(backend);
          // float32 products accumulate in float32 on 'wasm' and in float64 on 'js': the bits follow the backend.
          expectSameBits(compiled(a, b), f(a, b));
          expectSameBits(jit(f)(a, b), f(a, b));
        }
      } finally {
        L.setMatmulBackend(before);
      }
    },
  );
});

describe('jit of scan with large carries', () => {
  test.each(DTYPES)('runs the compiled body per iteration with the eager bits (%s)', (dtype) => {
    fc.assert(
      fc.property(largeShapeArb, fc.integer({ min: 1, max: 20 }), seedArb, (shape, length, seed) => {
        const q0 = seeded(shape, seed, dtype, 2, false);
        const p0 = seeded(shape, seed + 1, dtype, 2, false);
        const k = seeded(shape, seed + 2, dtype, 1, false);
        type State = { q: Value; p: Value };
        const step = (s: State): readonly [State, Value[]] => {
          const p = sub(s.p, mul(mul(k, sin(s.q)), 0.01));
          const q = add(s.q, mul(p, 0.01));
          return [{ q, p }, [q, sum(square(p))]];
        };
        const rollout = (s: State) => scan(step, s, length);
        expectSameBits(jit(rollout)({ q: q0, p: p0 }), rollout({ q: q0, p: p0 }));
      }),
      { numRuns: 6 },
    );
  });
});
