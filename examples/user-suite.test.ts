// How a user drops Liouville's property checks into their own test suite: here, a system the
// user wrote themselves (a quartic oscillator) against two of the library's integrators.
// Runs with the rest of the tests (`pnpm test`).
import { type Value, mul, pow, square, sum } from '@liouville/ad';
import { separable } from '@liouville/hamiltonian';
import { leapfrog, yoshida4 } from '@liouville/integrators';
import { arbitraryState, arbitraryStepSize, expectReversible, expectSymplectic } from '@liouville/integrators/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

const quartic = separable({
  name: 'quartic',
  dim: 2,
  T: (p: Value) => mul(0.5, sum(square(p), -1)),
  V: (q: Value) => mul(0.25, sum(pow(q, 4), -1)),
});

describe.each([
  ['leapfrog', leapfrog],
  ['yoshida4', yoshida4],
])('%s on my quartic oscillator', (_name, method) => {
  test('is symplectic at any state and step size', () => {
    fc.assert(
      fc.property(arbitraryState(2), arbitraryStepSize(0.01, 0.2), (state, dt) => {
        // expectSymplectic throws (with the measured defect) unless ‖MᵀJM − J‖ ≤ 1e-12
        expect(expectSymplectic(method(quartic, dt), state)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 20 },
    );
  });

  test('returns to its start when stepped forward then backward', () => {
    fc.assert(
      fc.property(arbitraryState(2), arbitraryStepSize(0.01, 0.2), (state, dt) => {
        expect(expectReversible(method, quartic, state, dt, 1e-12)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 20 },
    );
  });
});
