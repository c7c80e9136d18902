import { zeros } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbitraryState, arbitraryStepSize, expectReversible, maxAbsDifference } from '../src/testing/index.js';
import { henonHeiles, methodTable } from './helpers.js';

const symmetric = methodTable.filter(([, m]) => m.info.symmetric);
const nonSymmetric = methodTable.filter(([, m]) => !m.info.symmetric);

/** States in motion, |p| > 0.3: away from the equilibria (p = 0), which every method maps to themselves. */
const moving = arbitraryState(2).filter((s) => maxAbsDifference('speed', s.p, zeros([2])) > 0.3);

// Forward then backward undoes every sub-flow in reverse order, so only rounding remains: about
// s·ε·|x| for s sub-flows, ≲ 1e-14 with |x| ≤ 1; 1e-12 leaves room without hiding an O(dt³) defect.
describe.each(symmetric)('%s', (_name, method) => {
  test('steps back to the start with { backward: true } to 1e-12 (time reversibility)', () => {
    fc.assert(
      fc.property(arbitraryState(2), arbitraryStepSize(0.01, 0.3), (state, dt) => {
        expect(expectReversible(method, henonHeiles, state, dt, 1e-12)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 10 },
    );
  });
});

// The control: a method that declares itself not symmetric is measurably not reversible, its
// defect O(dt^{p+1}) ≳ 1e-6 at dt ≥ 0.1 for p ≤ 3, so the check above is not vacuous.
describe.each(nonSymmetric)('%s', (_name, method) => {
  test('misses the start by far more than rounding when stepped forward then backward', () => {
    fc.assert(
      fc.property(moving, arbitraryStepSize(0.1, 0.3), (state, dt) => {
        expect(() => expectReversible(method, henonHeiles, state, dt, 1e-10)).toThrow(/misses the start/);
      }),
      { numRuns: 10 },
    );
  });
});
