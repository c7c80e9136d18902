import { describe, expect, test } from 'vitest';
import { expectBoundedEnergyError } from '../src/testing/index.js';
import { energyOf, methodTable, orderDts, pendulum, state } from './helpers.js';

// Symplectic methods conserve a modified energy H̃ = H + O(dt^p) over exponentially long times
// (Hairer, Lubich & Wanner, GNI 2nd ed., Thm. IX.8.1), so |H − H₀| oscillates without drift: its
// maximum over the second half of a run is no larger than over the first half, up to the 1.5
// margin for where the oscillation's peaks happen to fall. The pendulum from q = 0, p = 1.2 has
// period 4K(0.36) ≈ 7.0.
const system = pendulum();
const H = energyOf(system);
const start = state([0], [1.2]);

// Every method, over 1000 steps (≈ 14–57 periods) at its largest asymptotic step size
// (`orderDts`): large enough that the energy error (measured ≥ 1e-9 for all) stands far above rounding,
// so the ratio measures the method. The 1e5-step run is in energy-long.test.ts.
describe.each(methodTable)('%s', (name, method) => {
  test('keeps the energy error bounded over 1000 steps on the pendulum', () => {
    const dt = orderDts[name][0];
    const { firstHalf, secondHalf } = expectBoundedEnergyError(method(system, dt), H, start, 1000);
    expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
    expect(firstHalf).toBeGreaterThan(1e-10);
  });
});
