import { type Value, add, mul, sin, sub } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type SeparableSystem,
  type SplittingScheme,
  type State,
  leapfrog,
  splittingMethod,
  splittingScheme,
  substeps,
  symplecticEuler,
  symplecticEulerQ,
} from '../src/index.js';
import { arbitraryState, arbitraryStepSize, maxAbsDifference } from '../src/testing/index.js';
import { pendulum, state } from './helpers.js';

const valid: SplittingScheme = { name: 'test', order: 2, symmetric: true, a: [0.5, 0.5], b: [1] };

/** Random coefficient lists normalised so they sum to exactly 1 up to rounding (≤ 1e-15 here). */
const coefficients = (length: number) =>
  fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: length, maxLength: length }).map((xs) => {
    const total = xs.reduce((s, x) => s + x, 0);
    const scaled = xs.map((x) => x / total);
    // Put the rounding remainder on the last coefficient so the sum is 1 to the last bit.
    scaled[length - 1] = 1 - scaled.slice(0, -1).reduce((s, x) => s + x, 0);
    return scaled;
  });

describe('splittingScheme', () => {
  test('accepts coefficients that sum to 1 and rejects any perturbation of at least 1e-12', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(coefficients(n), coefficients(n))),
        fc.double({ min: 1e-12, max: 1, noNaN: true }),
        ([a, b], delta) => {
          expect(splittingScheme({ name: 'random', order: 1, symmetric: false, a, b, firstKick: false }).a).toEqual(a);
          const perturbed = [...a];
          perturbed[0] += delta;
          expect(() => splittingScheme({ name: 'random', order: 1, symmetric: false, a: perturbed, b })).toThrow(
            InvalidArgumentError,
          );
          expect(() =>
            splittingScheme({ name: 'random', order: 1, symmetric: false, a, b: b.map((x) => x * (1 + delta)) }),
          ).toThrow(/random: b: expected coefficients summing to 1/);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('names the coefficient list and the sum when consistency fails', () => {
    expect(() => splittingScheme({ ...valid, a: [0.5, 0.4] })).toThrow(
      'test: a: expected coefficients summing to 1 (consistency), to 1e-14, got "a sum of 0.9"',
    );
  });

  test('rejects lengths that do not alternate', () => {
    expect(() => splittingScheme({ ...valid, a: [0.25, 0.25, 0.5], b: [1] })).toThrow(
      /test: a, b: expected a.length = b.length or b.length \+ 1/,
    );
    expect(() => splittingScheme({ ...valid, a: [1], b: [0.25, 0.25, 0.5], firstKick: true })).toThrow(
      /b.length = a.length or a.length \+ 1 \(kicks lead\)/,
    );
  });

  test('rejects empty, non-finite and non-array coefficients', () => {
    expect(() => splittingScheme({ ...valid, a: [] })).toThrow(
      /test: a: expected a non-empty array of finite coefficients/,
    );
    expect(() => splittingScheme({ ...valid, b: [Number.NaN] })).toThrow(InvalidArgumentError);
    expect(() => splittingScheme({ ...valid, b: [0.5, Number.POSITIVE_INFINITY] })).toThrow(InvalidArgumentError);
    expect(() => splittingScheme({ ...valid, a: 1 as never })).toThrow(InvalidArgumentError);
  });

  test('rejects a bad name or order', () => {
    expect(() => splittingScheme({ ...valid, name: '' })).toThrow(/splittingScheme: name/);
    expect(() => splittingScheme({ ...valid, order: 1.5 })).toThrow(
      /test: order: expected a positive integer, got 1.5/,
    );
    expect(() => splittingScheme({ ...valid, order: 0 })).toThrow(InvalidArgumentError);
  });

  test('rejects a symmetric flag that contradicts the sequence of sub-flows', () => {
    expect(() => splittingScheme({ ...valid, symmetric: false })).toThrow(
      /test: symmetric: expected true \(the sequence of sub-flows is a palindrome\)/,
    );
    expect(() => splittingScheme({ name: 'euler', order: 1, symmetric: true, a: [1], b: [1] })).toThrow(
      /expected false/,
    );
  });

  test('returns a frozen copy that later edits of the input cannot change', () => {
    const a = [0.5, 0.5];
    const scheme = splittingScheme({ ...valid, a });
    a[0] = 7;
    expect(scheme.a).toEqual([0.5, 0.5]);
    expect(Object.isFrozen(scheme)).toBe(true);
  });
});

describe('substeps', () => {
  test('alternates the two kinds, drops zero steps and merges neighbours of one kind', () => {
    const scheme = splittingScheme({ name: 'merged', order: 1, symmetric: false, a: [0.25, 0, 0.75], b: [0, 1, 0] });
    // D¼ K0 D0 K1 D¾ K0 → D¼ K1 D¾
    expect(substeps(scheme)).toEqual([
      { kind: 'drift', c: 0.25 },
      { kind: 'kick', c: 1 },
      { kind: 'drift', c: 0.75 },
    ]);
  });

  test('starts with a kick when firstKick is set', () => {
    expect(substeps(leapfrog.scheme).map((s) => s.kind)).toEqual(['kick', 'drift', 'kick']);
  });
});

describe('splittingMethod', () => {
  const system = pendulum(2);

  test('steps as the textbook formulas of symplectic Euler (kick then drift, and drift then kick)', () => {
    fc.assert(
      fc.property(arbitraryState(2, { scale: 3 }), arbitraryStepSize(0.01, 0.5), ({ q, p }, h) => {
        const p1 = sub(p, mul(h, sin(q)));
        const kd = symplecticEuler(system, h)({ q, p });
        // Same operations in the same order as the method: equal to the last bit, allow 1 ulp-scale.
        expect(maxAbsDifference('test', kd.p, p1)).toBeLessThanOrEqual(1e-15);
        expect(maxAbsDifference('test', kd.q, add(q, mul(h, p1)))).toBeLessThanOrEqual(1e-15);
        const q1 = add(q, mul(h, p));
        const dk = symplecticEulerQ(system, h)({ q, p });
        expect(maxAbsDifference('test', dk.q, q1)).toBeLessThanOrEqual(1e-15);
        expect(maxAbsDifference('test', dk.p, sub(p, mul(h, sin(q1))))).toBeLessThanOrEqual(1e-15);
      }),
      { numRuns: 20 },
    );
  });

  test('declares what its scheme says, and is symplectic, explicit and separable-only', () => {
    const method = splittingMethod(valid);
    expect(method.info).toEqual({
      name: 'test',
      order: 2,
      symplectic: true,
      symmetric: true,
      requires: 'separable',
      implicit: false,
    });
    expect(method.scheme).toEqual({ ...valid, firstKick: false });
  });

  test('shares the force between consecutive steps (first same as last) without changing results', () => {
    let evaluations = 0;
    const counted: SeparableSystem = {
      ...system,
      V: (q: Value) => {
        evaluations++;
        return system.V(q);
      },
    };
    const step = leapfrog(counted, 0.1);
    const fresh = leapfrog(system, 0.1);
    let x: State = state([0.3, 0.6], [0.5, 0.1]);
    let y = x;
    for (let k = 0; k < 10; k++) {
      x = step(x);
      y = fresh(y);
    }
    // Ten kick–drift–kick steps need eleven forces, not twenty.
    expect(evaluations).toBe(11);
    expect(maxAbsDifference('test', x.q, y.q)).toBe(0);
    expect(maxAbsDifference('test', x.p, y.p)).toBe(0);
  });

  test('gives the same result for a state however often and in whatever order it is stepped', () => {
    fc.assert(
      fc.property(arbitraryState(2), arbitraryState(2), (s1, s2) => {
        const step = leapfrog(system, 0.2);
        const first = step(s1);
        step(s2);
        step(first);
        const again = step(s1);
        expect(maxAbsDifference('test', again.q, first.q)).toBe(0);
        expect(maxAbsDifference('test', again.p, first.p)).toBe(0);
      }),
      { numRuns: 20 },
    );
  });
});
