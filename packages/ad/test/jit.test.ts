// jit against eager evaluation. Compiled code runs the eager kernels' per-element expressions in
// the same order, so every comparison here is bitwise (Object.is per element: NaN equals NaN,
// −0 differs from 0), in float64 and float32, for plain functions and for every AD nesting.
import * as L from '@liouville/linalg';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  ConcretizationError,
  type Tree,
  type Value,
  add,
  cos,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jit,
  jvp,
  makeJaxpr,
  mul,
  primalTensor,
  sin,
  square,
  sum,
  tanh,
  vjp,
  vmap,
} from '../src/index.js';
import { setCodegenAllowed } from '../src/jit/compile.js';
import { binaryCases, unaryCases } from './cases.js';
import { leaves, mapTree, shapeArb, tensorArb } from './helpers.js';
import { structuralCases } from './structural-cases.js';

/** Asserts two pytrees have the same structure, shapes, dtypes and bits. */
function expectSameBits(actual: Tree, expected: Tree): void {
  const a = leaves(actual);
  const e = leaves(expected);
  expect(a.length).toBe(e.length);
  a.forEach((x, i) => {
    expect(x.shape).toEqual(e[i].shape);
    expect(x.dtype).toBe(e[i].dtype);
    const same = Array.from(x.data).every((v, j) => Object.is(v, e[i].data[j]));
    if (!same) expect(Array.from(x.data)).toEqual(Array.from(e[i].data));
    expect(same).toBe(true);
  });
}

const DTYPES = ['float64', 'float32'] as const;

/** A random weight tensor contracts an output to a scalar, so `grad` applies to any function. */
const contract = (f: (x: Value) => Value, w: Tensor) => (x: Value) => sum(mul(f(x), w));

describe('jit', () => {
  describe.each(unaryCases)('of $name', ({ f, element }) => {
    test.each(DTYPES)('equals eager evaluation, its grad, hvp and jvp∘grad bit for bit (%s)', (dtype) => {
      fc.assert(
        fc.property(
          shapeArb().chain((s) => fc.tuple(tensorArb(s, element), tensorArb(s), tensorArb(s))),
          ([x0, w0, v0]) => {
            const [x, w, v] = [x0, w0, v0].map((t) => L.cast(t, dtype));
            const g = contract(f, w);
            expectSameBits(jit(f)(x), f(x));
            expectSameBits(jit(grad(g))(x), grad(g)(x));
            expectSameBits(jit((z: Value, u: Value) => hvp(g, z, u))(x, v), hvp(g, x, v));
            expectSameBits(jit((z: Value) => jvp(grad(g), z, v))(x), jvp(grad(g), x, v));
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe.each(binaryCases)('of $name', ({ f, a, b }) => {
    test.each(DTYPES)('equals eager evaluation and its derivatives with broadcasting bit for bit (%s)', (dtype) => {
      fc.assert(
        fc.property(
          shapeArb().chain((s) =>
            fc.tuple(fc.constant(s), shapeArb(2, 3)).chain(([sa, sb0]) => {
              // The second operand broadcasts against the first: trailing axes of size 1 or equal.
              const sb = sb0.map((n, i) => (i < sa.length && n !== 1 ? (sa[sa.length - sb0.length + i] ?? n) : n));
              const compatible =
                sb.length <= sa.length ? sb.map((n, i) => (n === 1 ? 1 : sa[sa.length - sb.length + i])) : sa;
              return fc.tuple(tensorArb(sa, a), tensorArb(compatible, b));
            }),
          ),
          ([x0, y0]) => {
            const [x, y] = [x0, y0].map((t) => L.cast(t, dtype));
            const out = f(x, y);
            const w = L.ones(out.shape, dtype);
            const loss = ([u, v]: Value[]) => sum(mul(f(u, v), w));
            expectSameBits(jit(f)(x, y), out);
            expectSameBits(jit(grad(loss))([x, y]), grad(loss)([x, y]));
            expectSameBits(jit(hessian(loss))([x, y]), hessian(loss)([x, y]));
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe.each(structuralCases)('of $name', ({ probe }) => {
    test.each(DTYPES)('equals eager evaluation, reverse and forward mode bit for bit (%s)', (dtype) => {
      fc.assert(
        fc.property(probe, fc.integer({ min: 1, max: 1000 }), (p0, seed) => {
          const p = { ...p0, x: mapTree(p0.x, (leaf) => L.cast(leaf, dtype)) };
          const op = p.op as (x: Tree) => Value;
          const y = op(p.x);
          const w = L.cast(L.randomNormal(L.randomKey(seed), y.shape), dtype);
          const loss = (x: Tree) => sum(mul(op(x), w));
          expectSameBits(jit(op)(p.x), y);
          expectSameBits(jit(grad(loss))(p.x), grad(loss)(p.x));
          expectSameBits(jit(jacfwd(op))(p.x), jacfwd(op)(p.x));
          expectSameBits(jit(jacrev(op))(p.x), jacrev(op)(p.x));
        }),
        { numRuns: 12 },
      );
    });
  });

  test('compiles grad∘grad, a vjp pullback and a third derivative like eager evaluation', () => {
    const f = (x: Value) => sum(mul(sin(x), square(x)));
    const x = tensor([0.3, -1.2, 2.0]);
    const v = tensor([1, 0.5, -2]);
    const third = (z: Value) => grad((u: Value) => sum(hvp(f, u, v)))(z);
    expectSameBits(jit(third)(x), third(x));
    const pull = (z: Value) => vjp((u: Value) => tanh(mul(u, u)), z)[1](v);
    expectSameBits(jit(pull)(x), pull(x));
    const gg = (z: Value) => grad((u: Value) => sum(grad(f)(u)))(z);
    expectSameBits(jit(gg)(x), gg(x));
  });

  test('traces once per signature and again for a new shape or dtype', () => {
    let traces = 0;
    const f = jit((x: Tree) => {
      traces++;
      return L.isTensor(x) || !('a' in (x as object)) ? mul(x as Value, 2) : (x as { a: Value }).a;
    });
    f(tensor([1, 2]));
    f(tensor([3, 4]));
    expect(traces).toBe(1);
    expectSameBits(f(tensor([1, 2, 3])), tensor([2, 4, 6]));
    expect(traces).toBe(2);
    f(L.cast(tensor([1, 2]), 'float32'));
    expect(traces).toBe(3);
    f({ a: tensor([1]) });
    expect(traces).toBe(4);
    f(tensor([5, 6]));
    expect(traces).toBe(4);
  });

  test('keys static arguments by value and re-traces for a new one', () => {
    let traces = 0;
    const scale = jit(
      (x: Value, k: number) => {
        traces++;
        return mul(x, k);
      },
      { static: [1] },
    );
    expectSameBits(scale(tensor([1, 2]), 3), tensor([3, 6]));
    expectSameBits(scale(tensor([5, 7]), 3), tensor([15, 21]));
    expect(traces).toBe(1);
    expectSameBits(scale(tensor([1, 2]), -1), tensor([-1, -2]));
    expect(traces).toBe(2);
  });

  test('traces through when called inside another transformation, with the same results', () => {
    const f = (x: Value) => sum(mul(sin(x), cos(x)));
    const jf = jit(f);
    const x = tensor([0.1, 0.7, -2]);
    expectSameBits(grad(jf)(x), grad(f)(x));
    expectSameBits(jvp(jf, x, tensor([1, 2, 3])), jvp(f, x, tensor([1, 2, 3])));
    expectSameBits(jit((z: Value) => grad(jf)(z))(x), grad(f)(x));
  });

  test('composes with vmap in both orders, and with grad inside vmap, bit for bit', () => {
    const f = (x: Value) => sum(mul(sin(x), square(x)));
    const xs = L.tensor([
      [0.3, -1.2, 2],
      [1.5, 0.25, -0.75],
      [0, 2.5, -3],
      [0.1, 0.2, 0.3],
    ]);
    expectSameBits(jit(vmap(f))(xs), vmap(f)(xs));
    expectSameBits(vmap(jit(f))(xs), vmap(f)(xs));
    expectSameBits(jit(vmap(grad(f)))(xs), vmap(grad(f))(xs));
    expectSameBits(grad((z: Value) => sum(vmap(jit(f))(z)))(xs), grad((z: Value) => sum(vmap(f)(z)))(xs));
  });

  test.each([
    ['item()', (x: Value) => (x as unknown as Tensor).item()],
    ['toArray()', (x: Value) => (x as unknown as Tensor).toArray()],
    ['primalTensor', (x: Value) => primalTensor(x)],
    ['a comparison in an if', (x: Value) => ((x as unknown as number) > 0 ? x : x)],
  ])('throws a ConcretizationError for %s on a traced value', (_name, use) => {
    const f = jit((x: Value) => add(use(x) as Value, 1));
    expect(() => f(tensor([1]))).toThrow(ConcretizationError);
    expect(() => f(tensor([1]))).toThrow(/no concrete value.*static/);
    // Inside grad, the value is a tape node over the traced value: the same error.
    const g = jit(grad((x: Value) => sum(use(x) as Value)));
    expect(() => g(tensor([1]))).toThrow(ConcretizationError);
  });

  test('prints its program like a jaxpr', () => {
    const text = makeJaxpr((x: Value) => sum(mul(sin(x), square(x))))(tensor([1, 2, 3])).toString();
    expect(text).toBe(
      [
        '{ lambda a:f64[3] . let',
        '    b:f64[3] = sin a',
        '    c:f64[3] = square a',
        '    d:f64[3] = mul b c',
        '    e:f64[] = sum[axes=[0] keepDims=false] d',
        '  in (e) }',
      ].join('\n'),
    );
  });

  describe('where code generation is forbidden', () => {
    afterEach(() => setCodegenAllowed(undefined));
    test('runs on the eager kernels with the same bits and warns once', () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      setCodegenAllowed(false);
      const f = (x: Value) => sum(mul(sin(x), square(x)));
      const x = tensor([0.3, -1.2, 2.0]);
      expectSameBits(jit(grad(f))(x), grad(f)(x));
      expectSameBits(jit(f)(x), f(x));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/Content Security Policy/);
      warn.mockRestore();
    });
  });
});
