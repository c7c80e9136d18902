// vmap against its definition: vmap(f)(xs) is f applied to each example and the results stacked.
// The batching rules run the same elementwise operations on the same numbers in the same order
// (reductions fold each output slot in row-major order whatever the batch axis), so the results
// are compared bit for bit, in float64 and float32, for every primitive.
import * as L from '@liouville/linalg';
import { type DType, InvalidArgumentError, ShapeError, type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type AxisSpec,
  StructureError,
  type Value,
  add,
  matmul,
  mul,
  primalTensor,
  sin,
  sum,
  vmap,
} from '../src/index.js';
import { vmapCases } from './vmap-cases.js';
import { expectSameBits } from './vmap-helpers.js';

/** A tensor of `shape` and `dtype` taking consecutive elements of the pool from `offset`, wrapping around. */
function fromPool(shape: readonly number[], dtype: DType, pool: readonly number[], offset: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => pool[(offset + i) % pool.length]),
    shape,
    dtype,
  );
}

/** How one property run batches the arguments: which are batched, along which axis, and the output axis. */
const batchingArb = (element: fc.Arbitrary<number>) =>
  fc.record({
    size: fc.integer({ min: 1, max: 3 }),
    dtype: fc.constantFrom<DType>('float64', 'float32'),
    // Sometimes each argument gets its own dtype: promotion, and weak typing of rank-0 examples.
    mixed: fc.option(fc.array(fc.constantFrom<DType>('float64', 'float32'), { minLength: 4, maxLength: 4 }), {
      nil: undefined,
    }),
    batched: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    axisSeeds: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    negativeAxes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    outSeed: fc.nat(),
    pool: fc.array(element, { minLength: 61, maxLength: 61 }),
  });

type Batching = fc.Arbitrary<ReturnType<typeof batchingArb> extends fc.Arbitrary<infer T> ? T : never>;

describe('vmap', () => {
  describe.each(vmapCases)('$name', (c) => {
    test('equals the function applied to each example, stacked, bit for bit, in float64, float32 and mixed', () => {
      fc.assert(
        fc.property(c.draw, batchingArb(c.element) as Batching, (draw, run) => {
          const count = draw.shapes.length;
          // At least one argument is batched: the first, when the draw batches none.
          const batched = draw.shapes.map(
            (_, i) => run.batched[i] || (i === 0 && !run.batched.slice(0, count).some(Boolean)),
          );
          let offset = 0;
          const examples = draw.shapes.map((shape, i) =>
            Array.from({ length: batched[i] ? run.size : 1 }, () => {
              const t = fromPool(shape, run.mixed?.[i] ?? run.dtype, run.pool, offset);
              offset += t.size + 1;
              return t;
            }),
          );
          const inAxes: (number | null)[] = draw.shapes.map((shape, i) => {
            if (!batched[i]) return null;
            const axis = run.axisSeeds[i] % (shape.length + 1);
            return run.negativeAxes[i] ? axis - (shape.length + 1) : axis;
          });
          const inputs = examples.map((list, i) => {
            const axis = inAxes[i];
            return axis === null ? list[0] : L.stack(list, axis);
          });
          const outputs = Array.from({ length: run.size }, (_, b) =>
            primalTensor(draw.f(...examples.map((list, i) => (batched[i] ? list[b] : list[0])))),
          );
          const outAxis = run.outSeed % (outputs[0].rank + 1);
          const actual = vmap(draw.f, inAxes, outAxis)(...inputs);
          expectSameBits(
            actual,
            L.stack(outputs, outAxis),
            `${c.name} ${JSON.stringify({ inAxes, outAxis, params: draw.params })}`,
          );
        }),
        { numRuns: 40 },
      );
    });
  });

  test('keeps a weakly typed scalar example weak: a float32 vector times batched float64 scalars stays float32', () => {
    const xs = tensor([0.1, 0.2, 0.3], [3], 'float32');
    const scales = tensor([1 / 3, Math.PI, -2.5]);
    const actual = vmap((s: Value, x: Value) => mul(x, s), [0, null])(scales, xs);
    const expected = L.stack([0, 1, 2].map((b) => L.mul(xs, L.scalar(scales.data[b]))));
    expectSameBits(actual, expected);
  });
});

describe('vmap axes', () => {
  const xs = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const rowSum = (x: Value) => sum(x);

  test('maps over several arguments with one axis each, and a shared argument with null', () => {
    const w = tensor([1, -1, 2], [3]);
    const ys = tensor([10, 20, 30, 40, 50, 60], [3, 2]);
    const f = (x: Value, scale: Value, y: Value) => add(mul(x, scale), y);
    const actual = vmap(f, [0, null, 1])(xs, w, ys);
    expectSameBits(actual, tensor([11, 28, 56, 24, 35, 72], [2, 3]));
  });

  test('takes a record spec that is a prefix of a pytree argument', () => {
    const params = { w: tensor([1, 2, 3], [3]), b: tensor([0.5, -0.5], [2]) };
    const f = (p: { w: Value; b: Value }) => add(sum(mul(p.w, p.w)), p.b);
    const actual = vmap(f, [{ w: null, b: 0 }])(params);
    expectSameBits(actual, tensor([14.5, 13.5], [2]));
  });

  test('places each output leaf on its own axis, and repeats an output that does not depend on the batch', () => {
    const f = (x: Value) => ({ same: tensor([7, 8]), scaled: mul(x, 2) });
    const actual = vmap(f, 0, { same: 1, scaled: -1 })(xs) as { same: Value; scaled: Value };
    expectSameBits(actual.same, tensor([7, 7, 8, 8], [2, 2]));
    expectSameBits(actual.scaled, tensor([2, 8, 4, 10, 6, 12], [3, 2]));
    const kept = vmap(f, 0, { same: null, scaled: 0 })(xs) as { same: Value; scaled: Value };
    expectSameBits(kept.same, tensor([7, 8]));
  });

  test('nests: vmap(vmap(f)) maps over two axes', () => {
    const grid = tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3]);
    expectSameBits(vmap(vmap((x: Value) => sin(x)))(grid), L.sin(grid));
    const outer = vmap((a: Value) => vmap((b: Value) => mul(a, b))(tensor([1, 10, 100])))(tensor([2, 3]));
    expectSameBits(outer, tensor([2, 20, 200, 3, 30, 300], [2, 3]));
  });

  test('rejects batched arguments of different batch sizes, naming both', () => {
    const f = (a: Value, b: Value) => add(a, b);
    const call = () => vmap(f)(tensor([1, 2]), tensor([1, 2, 3]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/argument\[1\] has length 3 .* but argument\[0\] has 2/);
  });

  test('rejects an axis outside the argument, naming the argument and the allowed range', () => {
    expect(() => vmap(rowSum, 2)(xs)).toThrow(InvalidArgumentError);
    expect(() => vmap(rowSum, -3)(xs)).toThrow(/inAxes for argument\[0\]: expected an axis in \[-2, 2\)/);
    expect(() => vmap(rowSum, 0)(tensor(1))).toThrow(/a rank-0 value has no axis/);
    expect(() => vmap(rowSum, 1.5)).toThrow(InvalidArgumentError);
    expect(() => vmap(rowSum, 0, 2)(xs)).toThrow(/outAxes for output: expected an axis in \[-1, 1\)/);
  });

  test('rejects specs that do not fit the arguments', () => {
    expect(() => vmap(rowSum, [0, 0])(xs)).toThrow(/one entry per argument/);
    expect(() => vmap(rowSum, { x: 0 } as AxisSpec)(xs)).toThrow(InvalidArgumentError);
    expect(() => vmap((p: { a: Value }) => p.a, [{ b: 0 }])({ a: xs })).toThrow(StructureError);
    expect(() => vmap(rowSum, 'x' as unknown as AxisSpec)).toThrow(InvalidArgumentError);
  });

  test('rejects a call where nothing is batched, and a null out axis for a batched output', () => {
    expect(() => vmap(rowSum, null)(xs)).toThrow(/at least one batched input/);
    expect(() => vmap(rowSum, 0, null)(xs)).toThrow(/outAxes for output: expected an axis \(the output depends/);
  });

  test('reports a shape error of one example in the batched computation', () => {
    expect(() => vmap((x: Value) => matmul(x, tensor([1, 2])))(xs)).toThrow(ShapeError);
  });
});
