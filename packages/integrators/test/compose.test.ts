import { InvalidArgumentError, zeros } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type SeparableMethod,
  type SeparableSystem,
  type StepOptions,
  compose,
  leapfrog,
  symplecticEuler,
} from '../src/index.js';
import { arbitraryState, arbitraryStepSize, expectReversible, maxAbsDifference } from '../src/testing/index.js';
import { henonHeiles } from './helpers.js';

/** The leapfrog without its coefficient data, so compose must take the generic step-by-step path. */
const opaqueLeapfrog: SeparableMethod = Object.assign(
  (system: SeparableSystem, dt: number, options?: StepOptions) => leapfrog(system, dt, options),
  {
    info: leapfrog.info,
  },
);

const w1 = 1 / (2 - 2 ** (1 / 3));
const tripleJump = [w1, 1 - 2 * w1, w1];

describe('compose', () => {
  test('as coefficient data agrees with composing the steps one after another', () => {
    const asData = compose(leapfrog, tripleJump, 'tripleJump', 4);
    const asSteps = compose(opaqueLeapfrog, tripleJump, 'tripleJump', 4);
    expect('scheme' in asData).toBe(true);
    expect('scheme' in asSteps).toBe(false);
    fc.assert(
      fc.property(arbitraryState(2), arbitraryStepSize(0.01, 0.3), fc.boolean(), (x, dt, backward) => {
        const a = asData(henonHeiles, dt, { backward })(x);
        const b = asSteps(henonHeiles, dt, { backward })(x);
        // Merged kicks add their coefficients before multiplying the force (p − (a+b)·h·f versus
        // p − a·h·f − b·h·f): a few roundings of terms of size |γ|·h·|f| ≲ 2, so 1e-14 absolute.
        expect(maxAbsDifference('compose', a.q, b.q)).toBeLessThanOrEqual(1e-14);
        expect(maxAbsDifference('compose', a.p, b.p)).toBeLessThanOrEqual(1e-14);
      }),
      { numRuns: 20 },
    );
  });

  test('merges neighbouring kicks: a triple jump of kick–drift–kick needs four kicks, not six', () => {
    const method = compose(leapfrog, tripleJump, 'tripleJump', 4) as typeof leapfrog;
    expect(method.scheme.b).toHaveLength(4);
    expect(method.scheme.a).toEqual(tripleJump);
    expect(method.scheme.firstKick).toBe(true);
  });

  test('declares the given name and order, and inherits the rest from the method', () => {
    expect(compose(opaqueLeapfrog, tripleJump, 'tripleJump', 4).info).toEqual({
      name: 'tripleJump',
      order: 4,
      symplectic: true,
      symmetric: true,
      requires: 'separable',
      implicit: false,
    });
  });

  test('is symmetric exactly when the weights are a palindrome', () => {
    const lopsided = compose(opaqueLeapfrog, [0.3, 0.7], 'lopsided', 2);
    expect(lopsided.info.symmetric).toBe(false);
    expect(compose(leapfrog, [0.3, 0.7], 'lopsided', 2).info.symmetric).toBe(false);
    // Not just a flag: stepping forward and back misses the start by O(dt³) (here ~1e-4).
    fc.assert(
      // States in motion (|p| > 0.3), away from the equilibria, which every method maps to themselves.
      fc.property(
        arbitraryState(2).filter((s) => maxAbsDifference('speed', s.p, zeros([2])) > 0.3),
        (s) => {
          expect(() => expectReversible(lopsided, henonHeiles, s, 0.3, 1e-12)).toThrow(
            /lopsided: stepping dt = 0.3 forward then backward misses the start/,
          );
        },
      ),
      { numRuns: 5 },
    );
  });

  test('rejects a method that is not symmetric', () => {
    expect(() => compose(symplecticEuler, tripleJump, 'bad', 4)).toThrow(InvalidArgumentError);
    expect(() => compose(symplecticEuler, tripleJump, 'bad', 4)).toThrow(
      /bad: method: expected a symmetric method.*got "symplecticEuler"/,
    );
  });

  test('rejects weights that do not sum to 1, are empty or are not finite', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 10, noNaN: true }), (delta) => {
        expect(() => compose(leapfrog, [w1, 1 - 2 * w1 + delta, w1], 'bad', 4)).toThrow(
          /bad: gammas: expected weights summing to 1/,
        );
      }),
      { numRuns: 20 },
    );
    expect(() => compose(leapfrog, [], 'bad', 4)).toThrow(/bad: gammas: expected a non-empty array of finite weights/);
    expect(() => compose(leapfrog, [0.5, Number.NaN, 0.5], 'bad', 4)).toThrow(InvalidArgumentError);
  });

  test('rejects a bad name or order', () => {
    expect(() => compose(leapfrog, tripleJump, '', 4)).toThrow(/compose: name/);
    expect(() => compose(leapfrog, tripleJump, 'bad', 0)).toThrow(/bad: order: expected a positive integer, got 0/);
  });
});
