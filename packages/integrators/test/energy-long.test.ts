import { describe, expect, test } from 'vitest';
import { leapfrog } from '../src/index.js';
import { expectBoundedEnergyError } from '../src/testing/index.js';
import { energyOf, pendulum, state } from './helpers.js';

// Symplectic methods conserve a modified energy H̃ = H + O(dt^p) over exponentially long times
// (Hairer, Lubich & Wanner, GNI 2nd ed., Thm. IX.8.1), so |H − H₀| oscillates without drift. Over
// 1e5 steps of dt = 0.1 (≈ 1400 periods of the pendulum from q = 0, p = 1.2) its maximum over the
// second half stays within 1.5× that over the first half, the margin covering where the
// oscillation's peaks happen to fall.
const system = pendulum();
const H = energyOf(system);
const start = state([0], [1.2]);

describe('leapfrog', () => {
  test('keeps the energy error bounded, without drift, over 1e5 steps on the pendulum', () => {
    const { firstHalf, secondHalf } = expectBoundedEnergyError(leapfrog(system, 0.1), H, start, 100_000, {
      ratio: 1.5,
    });
    // Bounded, of the size the modified energy predicts (O(dt²): measured 1.6e-3), and not grown.
    expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
    expect(secondHalf).toBeLessThan(1e-2);
  });
});
