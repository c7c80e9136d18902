// jit's algebraic simplification (src/jit/simplify.ts): chains of signs and unit factors that
// derivative rules leave behind are folded, and the compiled result keeps the eager value of every
// element — signed zeros, infinities and NaN included (Object.is per element).
import { type DType, type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Value, add, cos, div, grad, jit, makeJaxpr, mul, neg, scan, sin, sub, sum } from '../src/index.js';
import { type LoopEquation, type Program, isLoop } from '../src/jit/ir.js';

/** Values where a wrong identity shows: signed zeros, infinities, NaN, and ordinary numbers. */
const SPECIALS = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1, -1, 1e308, -5e-324];
const element = fc.oneof(fc.constantFrom(...SPECIALS), fc.double({ min: -4, max: 4, noNaN: true }));

function tensorOf(dtype: DType, length: number): fc.Arbitrary<Tensor> {
  return fc.array(element, { minLength: length, maxLength: length }).map((d) => tensor(d, [length], dtype));
}

function expectSameValues(actual: Value, expected: Value): void {
  const [a, e] = [actual as Tensor, expected as Tensor];
  expect(a.shape).toEqual(e.shape);
  expect(a.dtype).toBe(e.dtype);
  const differing = Array.from(a.data).findIndex((v, i) => !Object.is(v, e.data[i]));
  if (differing >= 0) expect([differing, a.data[differing]]).toEqual([differing, e.data[differing]]);
}

/** Each expression meets at least one identity of simplify.ts (and some several in a chain). */
const EXPRESSIONS: readonly [string, (x: Value, y: Value) => Value][] = [
  ['−(−x)', (x) => neg(neg(x))],
  ['1·x and x·1', (x) => add(mul(1, x), mul(x, 1))],
  ['(−1)·x and x·(−1)', (x, y) => sub(mul(-1, x), mul(y, -1))],
  ['(−1)·(−x)', (x) => mul(-1, neg(x))],
  ['x/1 and x/(−1)', (x, y) => add(div(x, 1), div(y, -1))],
  ['c·(−x) and (−x)·c', (x, y) => add(mul(0.3, neg(x)), mul(neg(y), -7.5))],
  ['−(c·x) and −(x·c)', (x, y) => sub(neg(mul(2.5, x)), neg(mul(y, -0.1)))],
  ['(−x)·(−y)', (x, y) => mul(neg(x), neg(y))],
  ['x + (−y), (−x) + y, x − (−y)', (x, y) => mul(add(x, neg(y)), sub(add(neg(x), y), neg(x)))],
  ['a kick: x + c·((−1)·(−sin y))', (x, y) => add(x, mul(-0.025, mul(-1, neg(sin(y)))))],
];

describe('jit algebraic simplification', () => {
  // Both backends: four elements compile to scalar code, 700 to loops over arrays.
  describe.each([4, 700])('on %i elements', (length) => {
    test.each(EXPRESSIONS)('%s: compiled equals eager for every value, specials included', (_, f) => {
      for (const dtype of ['float64', 'float32'] as const) {
        const compiled = jit(f);
        fc.assert(
          fc.property(tensorOf(dtype, length), tensorOf(dtype, length), (x, y) => {
            expectSameValues(compiled(x, y), f(x, y));
          }),
          { numRuns: length > 100 ? 15 : 60 },
        );
      }
    });
  });

  const primitives = (p: Program) => p.equations.map((e) => e.primitive);

  test('folds the signs and unit factors each identity names', () => {
    const x = tensor([0.5, -2]);
    const y = tensor([3, 0.25]);
    const jaxpr = (f: (x: Value, y: Value) => Value) => makeJaxpr(f)(x, y).program;
    expect(primitives(jaxpr((a) => neg(neg(a))))).toEqual([]);
    expect(primitives(jaxpr((a) => mul(1, a)))).toEqual([]);
    expect(primitives(jaxpr((a) => div(a, -1)))).toEqual(['neg']);
    expect(primitives(jaxpr((a) => mul(-1, neg(a))))).toEqual([]);
    expect(primitives(jaxpr((a, b) => mul(neg(a), neg(b))))).toEqual(['mul']);
    expect(primitives(jaxpr((a) => mul(0.3, neg(a))))).toEqual(['mul']);
    expect(primitives(jaxpr((a) => neg(mul(a, 0.3))))).toEqual(['mul']);
    expect(primitives(jaxpr((a, b) => add(a, neg(b))))).toEqual(['sub']);
    expect(primitives(jaxpr((a, b) => sub(a, neg(b))))).toEqual(['add']);
    // Where an identity would change a type it is not applied: 1·x broadcast to a larger shape.
    expect(primitives(makeJaxpr((a: Value) => mul(tensor([[1], [1]]), a))(x).program)).toEqual(['mul']);
    // Left alone: x + 0 (−0 + 0 is +0).
    expect(primitives(jaxpr((a) => add(a, 0)))).toEqual(['add']);
  });

  test('leaves a leapfrog kick with an AD force one multiplication and one addition', () => {
    // dV/dq of V = 1 − cos q traces as (−1)·(−sin q); the kick p − (dt/2)·dV/dq then holds a
    // negation and two multiplications where a hand-written kick has one multiplication.
    const force = grad((q: Value) => sum(sub(1, cos(q))));
    const step = (s: { q: Value; p: Value }) => {
      const p = sub(s.p, mul(0.025, force(s.q)));
      return { q: add(s.q, mul(0.05, p)), p };
    };
    const rollout = (s: { q: Value; p: Value }) => scan((x: typeof s) => [step(x), null] as const, s, 10)[0];
    const program = makeJaxpr(rollout)({ q: tensor([1]), p: tensor([0.3]) }).program;
    const body = (program.equations.find(isLoop) as LoopEquation).body;
    expect(primitives(body).filter((p) => p === 'neg')).toEqual([]);
    expect(primitives(body).sort()).toEqual(['add', 'mul', 'mul', 'sin', 'sub'].sort());
  });
});
