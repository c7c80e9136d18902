import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbitraryState, arbitraryStepSize, expectSymplectic } from '../src/testing/index.js';
import { henonHeiles, methodTable } from './helpers.js';

// The Jacobian M of one step is exact (forward-mode AD), so MᵀJM − J is pure rounding: a step of
// s sub-flows accumulates about s·ε·|M|² in each entry; with |x| ≤ 1, dt ≤ 0.3 and |M| ≲ 2 on
// Hénon–Heiles that is ≲ 1e-13 for the 17-stage methods (measured: ≤ 7e-16), inside the 1e-12
// of DESIGN.md §4.6.
describe.each(methodTable)('%s', (_name, method) => {
  test('has a symplectic step map, max |MᵀJM − J| ≤ 1e-12, at random states and step sizes', () => {
    fc.assert(
      fc.property(arbitraryState(2), arbitraryStepSize(0.01, 0.3), fc.boolean(), (state, dt, backward) => {
        const defect = expectSymplectic(method(henonHeiles, dt, { backward }), state, 1e-12);
        expect(defect).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 5 },
    );
  });
});
