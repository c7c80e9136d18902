// Bad input is refused with typed errors whose messages name what was expected and what was
// given; the opt-in checkFinite mode names the first primitive that produces NaN or Infinity,
// in a forward pass or inside a backward pass.
import { InvalidArgumentError, NonFiniteError, ShapeError, type Tensor, formatShape, tensor } from '@liouville/linalg';
import * as L from '@liouville/linalg';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import {
  StructureError,
  type Tree,
  type Value,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jit,
  jvp,
  log,
  mul,
  rowwiseGrad,
  setCheckFinite,
  sin,
  sqrt,
  sum,
  valueAndGrad,
  vjp,
  withCheckFinite,
} from '../src/index.js';
import { EXACT, expectClose, shapeArb, tensorArb } from './helpers.js';

/** Calls `body` and returns what it threw (failing the test if it did not throw). */
function thrown(body: () => unknown): Error {
  try {
    body();
  } catch (error) {
    return error as Error;
  }
  expect.unreachable('expected an error');
  throw new Error('unreachable');
}

describe('grad', () => {
  test('throws a ShapeError naming the shape when f returns a non-scalar', () => {
    fc.assert(
      fc.property(
        shapeArb(3, 3, 1).chain((shape) => tensorArb(shape)),
        (x) => {
          const error = thrown(() => grad((z: Value) => mul(z, 2))(x));
          expect(error).toBeInstanceOf(ShapeError);
          expect(error.message).toContain(formatShape(x.shape));
          expect(() => valueAndGrad((z: Value) => sin(z))(x)).toThrow(ShapeError);
        },
      ),
      { numRuns: 20 },
    );
  });

  test('throws a ShapeError when f returns a pytree', () => {
    const error = thrown(() => grad((z: Value) => [sum(z), sum(z)] as unknown as Value)(tensor([1, 2])));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toMatch(/pytree/);
  });

  test('throws a StructureError naming the path when a number stands where a pytree leaf is expected', () => {
    const f = (x: Tree) => sum(x as Value);
    const top = thrown(() => grad(f)(3 as unknown as Tree));
    expect(top).toBeInstanceOf(StructureError);
    expect(top.message).toMatch(/number/);
    const nested = thrown(() => grad(([a]: Value[]) => sum(a))([tensor([1]), 2] as unknown as Value[]));
    expect(nested).toBeInstanceOf(StructureError);
    expect(nested.message).toContain('x[1]');
    const inRecord = thrown(() =>
      jvp((x: { q: Value }) => sum(x.q), { q: tensor([1]) }, { q: 1 } as unknown as { q: Value }),
    );
    expect(inRecord).toBeInstanceOf(StructureError);
    expect(inRecord.message).toContain('v.q');
    expect(() => hessian(f)({ a: 1.5 } as unknown as Tree)).toThrow(StructureError);
    expect(() => jacrev(f)([1] as unknown as Tree)).toThrow(StructureError);
    expect(() => vjp(f, 0 as unknown as Tree)).toThrow(StructureError);
  });

  test('throws a StructureError, not a TypeError, for objects that are not records', () => {
    const error = thrown(() => grad(() => tensor(0))(new Map() as unknown as Tree));
    expect(error).toBeInstanceOf(StructureError);
    expect(error.message).toMatch(/Map/);
  });

  test('accepts a record created without a prototype', () => {
    const x = Object.assign(Object.create(null) as Record<string, Tensor>, { a: tensor([1, 2]), b: tensor(3) });
    const g = grad((t: Record<string, Value>) => sum(mul(t.a, t.b)))(x);
    expectClose(g, { a: tensor([3, 3]), b: tensor(3) }, EXACT, 'grad');
  });
});

describe('jvp', () => {
  test('throws a StructureError naming both shapes when the tangent has another shape', () => {
    fc.assert(
      fc.property(
        fc.tuple(shapeArb(), shapeArb()).filter(([a, b]) => formatShape(a) !== formatShape(b)),
        ([sx, sv]) => {
          const x = tensor(new Array(sx.reduce((p, n) => p * n, 1)).fill(1), sx);
          const v = tensor(new Array(sv.reduce((p, n) => p * n, 1)).fill(1), sv);
          const error = thrown(() => jvp(sin, x, v));
          expect(error).toBeInstanceOf(StructureError);
          expect(error.message).toContain(`must have shape ${formatShape(sx)}`);
          expect(error.message).toContain(`got ${formatShape(sv)}`);
          expect(() => hvp((z: Value) => sum(sin(z)), x, v)).toThrow(StructureError);
        },
      ),
      { numRuns: 20 },
    );
  });

  test('throws a StructureError naming the expected and given structures', () => {
    const x = { a: tensor([1]), b: tensor([2]) };
    const f = (t: { a: Value; b: Value }) => mul(t.a, t.b);
    const missing = thrown(() => jvp(f, x, { a: tensor([1]) } as unknown as typeof x));
    expect(missing).toBeInstanceOf(StructureError);
    expect(missing.message).toContain('{a: value, b: value}');
    expect(missing.message).toContain('got {a: value}');
    const array = thrown(() => jvp(f, x, [tensor([1]), tensor([2])] as unknown as typeof x));
    expect(array).toBeInstanceOf(StructureError);
    expect(array.message).toContain('got [value, value]');
  });
});

describe('vjp', () => {
  test('pullback throws a StructureError naming both shapes for a cotangent of the wrong shape', () => {
    const [, pullback] = vjp((z: Value) => mul(z, 2), tensor([1, 2]));
    const error = thrown(() => pullback(tensor([1, 2, 3])));
    expect(error).toBeInstanceOf(StructureError);
    expect(error.message).toContain('[2]');
    expect(error.message).toContain('[3]');
  });

  test('pullback throws a StructureError for a cotangent of the wrong structure', () => {
    const [, pullback] = vjp((z: Value) => [mul(z, 2), sin(z)], tensor([1, 2]));
    const error = thrown(() => pullback([tensor([1, 1])]));
    expect(error).toBeInstanceOf(StructureError);
    expect(error.message).toContain('[value, value]');
  });
});

describe('rowwiseGrad', () => {
  test('refuses an unknown mode, a non-matrix input and a function that does not map rows to numbers', () => {
    expect(() => rowwiseGrad(sum, { mode: 'sideways' as 'forward' })).toThrow(InvalidArgumentError);
    expect(() => rowwiseGrad((z: Value) => sum(z, 1))(tensor([1, 2]))).toThrow(ShapeError);
    for (const mode of ['forward', 'reverse'] as const) {
      const error = thrown(() =>
        rowwiseGrad((z: Value) => sin(z), { mode })(
          tensor([
            [1, 2],
            [3, 4],
            [5, 6],
          ]),
        ),
      );
      expect(error).toBeInstanceOf(ShapeError);
      expect(error.message).toContain('[3, 2] to [3, 2]');
    }
  });
});

describe('withCheckFinite', () => {
  afterEach(() => {
    setCheckFinite(false);
  });

  test('throws a NonFiniteError naming log for log(−1)', () => {
    const error = thrown(() => withCheckFinite(() => log(tensor([-1]))));
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toContain("'log'");
  });

  test('names the primitive of a backward pass that produces Infinity: grad of √x at 0', () => {
    // Forward, √0 = 0 is finite; the rule's 0.5 / √x divides by zero in the backward pass.
    const error = thrown(() => withCheckFinite(() => grad((z: Value) => sum(sqrt(z)))(tensor([0, 1]))));
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toContain("'div'");
    expect(error.message).toContain("inside the reverse rule of 'sqrt'");
  });

  test('names the primitive in a forward-mode pass: jvp of log at 0', () => {
    const error = thrown(() => withCheckFinite(() => jvp(log, tensor([0]), tensor([1]))));
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toContain("'log'");
  });

  test('is off by default: NaN and Infinity pass through silently', () => {
    expect(Number.isNaN((log(tensor([-1])) as Tensor).data[0])).toBe(true);
    const g = grad((z: Value) => sum(sqrt(z)))(tensor([0, 1])) as Tensor;
    expect(g.toFlatArray()).toEqual([Number.POSITIVE_INFINITY, 0.5]);
    expect((jacfwd((z: Value) => log(z))(tensor([0])) as Tensor).toFlatArray()).toEqual([Number.POSITIVE_INFINITY]);
  });

  test('restores the previous setting even when the body throws', () => {
    expect(() => withCheckFinite(() => log(tensor([-1])))).toThrow(NonFiniteError);
    expect(() => log(tensor([-1]))).not.toThrow();
    expect(setCheckFinite(true)).toBe(false);
    expect(() => log(tensor([-1]))).toThrow(NonFiniteError);
    expect(setCheckFinite(false)).toBe(true);
  });

  test('returns the body’s result when everything is finite', () => {
    const g = withCheckFinite(() => grad((z: Value) => sum(sqrt(z)))(tensor([4])));
    expectClose(g, tensor([0.25]), EXACT, 'grad');
  });
});

describe('a differentiable value passed to a @liouville/linalg kernel', () => {
  test.each([
    ['sin', (x: Value) => L.sin(x as unknown as Tensor)],
    ['add', (x: Value) => L.add(x as unknown as Tensor, x as unknown as Tensor)],
    ['sum', (x: Value) => L.sum(x as unknown as Tensor)],
    ['reshape', (x: Value) => L.reshape(x as unknown as Tensor, [1])],
  ])('throws an InvalidArgumentError naming linalg.%s and pointing at @liouville/ad', (name, kernel) => {
    const message = new RegExp(`linalg\\.${name}: expected a Tensor \\(inside grad.*@liouville/ad's ${name}`);
    expect(() => grad((x: Value) => sum(kernel(x) as unknown as Value))(tensor([1]))).toThrow(message);
    expect(() => jvp((x: Value) => kernel(x) as unknown as Value, tensor([1]), tensor([1]))).toThrow(message);
    expect(() => jit((x: Value) => kernel(x) as unknown as Value)(tensor([1]))).toThrow(message);
  });
});
