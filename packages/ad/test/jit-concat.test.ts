// concat compiled by jit's array backend (arrayConcat.ts): a copy loop into a planned buffer. A copy
// changes no bits, so every comparison with eager evaluation is bitwise (Object.is per element), in
// float64, float32 and mixed dtypes; parts are inputs, fused values, views (transposes, slices) and
// the same value twice. Outputs have more than 256 elements, so the array backend compiles them.
import * as L from '@liouville/linalg';
import type { DType, Shape, Tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Value, concat, grad, jit, makeJaxpr, mul, sin, slice, square, sum, transpose } from '../src/index.js';
import { Scheduler } from '../src/jit/arraySchedule.js';
import { FD, expectClose, fdGrad } from './helpers.js';

/** Asserts two tensors have the same shape, dtype and bits. */
function expectSameBits(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  for (let j = 0; j < actual.size; j++) {
    if (!Object.is(actual.data[j], expected.data[j]))
      expect.fail(`element ${j}: got ${actual.data[j]}, expected ${expected.data[j]}`);
  }
}

/** A tensor of `shape` with values in (−2, 2) drawn from a seeded linear congruential generator. */
function seeded(shape: Shape, seed: number, dtype: DType): Tensor {
  let s = seed >>> 0;
  const data = Float64Array.from({ length: L.sizeOf(shape) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
  return L.cast(new L.Tensor(data, shape), dtype);
}

/** A concatenation problem: the shape around the joined axis, the axis, each part's length along it, the dtypes. */
const problemArb = fc
  .record({
    rank: fc.integer({ min: 1, max: 3 }),
    dims: fc.array(fc.integer({ min: 2, max: 30 }), { minLength: 3, maxLength: 3 }),
    axisPick: fc.nat(),
    widths: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 2, maxLength: 6 }),
    dtypes: fc.constantFrom<DType[]>(['float64'], ['float32'], ['float64', 'float32']),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  })
  .map(({ rank, dims, axisPick, widths, dtypes, seed }) => {
    const axis = axisPick % rank;
    const around = dims.slice(0, rank);
    // Enough elements that the output has more than 256 (the scalar backend's limit): a longer
    // axis beside the joined one, or, in rank 1, longer parts.
    const others = around.filter((_, a) => a !== axis).reduce((n, d) => n * d, 1);
    const total = widths.reduce((n, w) => n + w, 0) + 1;
    const lead = Math.ceil(300 / (others * total));
    const grown = rank === 1 ? -1 : axis === 0 ? 1 : 0;
    const shapes = widths.map((w, k) =>
      around.map((n, a) => (a === axis ? (k === 0 ? w + 1 : w) * (rank === 1 ? lead : 1) : a === grown ? n * lead : n)),
    );
    const parts = shapes.map((s, k) => seeded(s, seed + k, dtypes[k % dtypes.length]));
    return { axis, parts };
  });

describe('jit of concat on large tensors', () => {
  test('equals eager evaluation bit for bit, for parts that are inputs, fused values, views and repeats', () => {
    fc.assert(
      fc.property(problemArb, ({ axis, parts }) => {
        const f = (...xs: Value[]) => {
          const r = xs[0].shape.length;
          const turned = transpose(transpose(xs[0], [...Array(r).keys()].reverse()), [...Array(r).keys()].reverse());
          const fused = xs.map((x, k) => (k % 2 === 1 ? mul(sin(x), 3) : x));
          const edge = xs[0].shape.map(() => 0);
          const sliced = slice(xs[0], edge, xs[0].shape);
          return [concat([turned, ...fused.slice(1), xs[0], sliced], axis), mul(concat(fused, axis), 2)];
        };
        expect(L.concat(parts, axis).size).toBeGreaterThan(256);
        const compiled = jit(f)(...parts) as Tensor[];
        const eager = f(...parts) as Tensor[];
        for (const [i, t] of compiled.entries()) expectSameBits(t, eager[i]);
        const { program } = makeJaxpr(f)(...parts);
        const steps = new Scheduler(program).run().steps;
        expect(steps.filter((s) => s.kind === 'concat').length).toBe(2);
        expect(steps.some((s) => s.kind === 'fallback')).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  test('its gradient equals eager bit for bit and central finite differences', () => {
    fc.assert(
      fc.property(
        problemArb.filter(({ parts }) => parts.every((p) => p.dtype === 'float64')),
        ({ axis, parts }) => {
          const [first, ...rest] = parts;
          const weights = seeded(L.concat([...parts, first], axis).shape, 7, 'float64');
          const loss = (x: Value) => sum(mul(square(concat([sin(x), ...rest, x], axis)), weights));
          expectSameBits(jit(grad(loss))(first) as Tensor, grad(loss)(first) as Tensor);
          expectClose(grad(loss)(first), fdGrad(loss, first), FD, 'grad vs central differences');
        },
      ),
      { numRuns: 5 },
    );
  });
});
