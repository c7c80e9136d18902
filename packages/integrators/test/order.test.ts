import { type Value, add, primalTensor, square, sqrt, sum } from '@liouville/ad';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arbitraryState, expectOrder } from '../src/testing/index.js';
import { harmonicExact, harmonicOscillator, methodTable, orderDts } from './helpers.js';

/** Distance of a state from the origin, √(q² + p²). */
const radius = (s: { q: Value; p: Value }): number => primalTensor(sqrt(sum(add(square(s.q), square(s.p))))).item();

// On the oscillator the exact flow is a rotation and every method is linear, so the global error
// is proportional to |x₀|; states with 0.5 ≤ |x₀| ≤ 1.5 keep every error between 1e-11 and 1e-2
// at the step sizes of `orderDts` (chosen there), and the fitted slope must be within 0.2 of
// the declared order (DESIGN.md §4.6).
describe.each(methodTable)('%s', (name, method) => {
  test('converges at its declared order on the harmonic oscillator', () => {
    const oscillator = harmonicOscillator();
    const states = arbitraryState(1, { scale: 1.5 }).filter((s) => radius(s) >= 0.5 && radius(s) <= 1.5);
    fc.assert(
      fc.property(states, (state0) => {
        const { order } = expectOrder(method, oscillator, state0, harmonicExact(state0), {
          tEnd: 10,
          dts: orderDts[name],
          minError: 1e-11,
        });
        expect(Math.abs(order - method.info.order)).toBeLessThanOrEqual(0.2);
      }),
      { numRuns: 2 },
    );
  });
});
