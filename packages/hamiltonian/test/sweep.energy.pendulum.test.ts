import { type ExtendedState, type State, type Step, rk4, taoExtended } from '@liouville/integrators';
import { expectBoundedEnergyError } from '@liouville/integrators/testing';
import { tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { pendulum } from '../src/index.js';
import { anyMethodTable, closedFormEnergy, separableMethodTable } from './helpers.js';

// Long-time energy behaviour on the pendulum H = p²/2 + 1 − cos q (m = l = g = 1). A symplectic
// method conserves a modified energy H̃ = H + O(dt^r) over exponentially long times (Hairer,
// Lubich & Wanner, GNI 2nd ed., Thm. IX.8.1), so |H − H₀| oscillates without drift: over 1e5
// steps its largest value in the second half is within 1.5× that of the first (measured: ratios
// 1.0000–1.0025 for every method; the margin covers where the oscillation's peaks fall).
//
// The start (q, p) = (0, 1.5) has H = 1.125, a libration of amplitude 2 asin(0.75) ≈ 1.70 rad,
// far from the harmonic regime, with period 4K(0.75²) ≈ 7.64. dt = 0.2 (≈ 38 steps per period,
// 1e5 steps ≈ 2600 periods) keeps even the most accurate method's energy error at 3.4e-11
// (kahanLi8), well above the random walk of rounding (~√N·s·ε ≈ 6e-13 after N = 1e5 steps of
// s = 17 stages): so for every method the ratio measures the truncation error's behaviour, not
// rounding's growth, and each test asserts that (first-half maximum ≥ 1e-11). The energy is read
// from the closed form (helpers), independent of the code under test and cheap to read 1e5 times.
const system = pendulum();
const start: State = { q: tensor([0]), p: tensor([1.5]) };
const H = closedFormEnergy(system);
const dt = 0.2;
const steps = 100_000;
// 1e5 steps take 1.0–12 s per explicit method and 38–41 s per implicit one under vitest on a 2-core
// machine busy with other work (measured; the eighth-order methods are the slowest explicit ones),
// so the default 60 s per test would turn machine load into failures.
const LONG = 10 * 60_000;
const LONGER = 30 * 60_000;

describe.each(separableMethodTable)('%s', (_name, method) => {
  test(
    'keeps the pendulum energy error bounded, without drift, over 1e5 steps',
    () => {
      const { firstHalf, secondHalf } = expectBoundedEnergyError(method(system, dt), H, start, steps);
      expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
      expect(firstHalf).toBeGreaterThanOrEqual(1e-11);
      // Bounded at the size of the modified energy's offset, O(dt^r), far below the energy's
      // distance to the separatrix (H = 2), where the motion would change character.
      expect(secondHalf).toBeLessThan(0.2);
    },
    LONG,
  );
});

// The implicit symplectic methods solve their stage equations at every step by simplified Newton
// iterations (one AD Jacobian per step, about four residuals; see newton.ts).
const implicitTable = anyMethodTable.filter(([, m]) => m.info.implicit && m.info.symplectic);

describe.each(implicitTable)('%s', (_name, method) => {
  test(
    'keeps the pendulum energy error bounded, without drift, over 1e5 steps',
    () => {
      const { firstHalf, secondHalf } = expectBoundedEnergyError(method(system, dt), H, start, steps);
      expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
      expect(firstHalf).toBeGreaterThanOrEqual(1e-11);
      // Measured: 2.1e-3 (implicit midpoint), 2.0e-6 (gaussLegendre4), 5.3e-9 (gaussLegendre6), ratios 1.0000.
    },
    LONGER,
  );
});

describe('taoExtended', () => {
  test(
    'keeps the pendulum energy error bounded over 1e5 steps with the copies carried along',
    () => {
      // Symplectic on the extended phase space (q, x, p, y), so its modified energy is conserved
      // too. Its own step size: with the binding constant ω = 20, Tao's error bound needs
      // 2ω·dt ≲ 0.4 (see TaoOptions), so dt = 0.01 (1e5 steps ≈ 130 periods). Measured: ratio
      // 1.000, error 5.5e-5.
      const extended = taoExtended(system, 0.01);
      const step: Step = (s) => extended(s as ExtendedState);
      const carried: ExtendedState = { ...start, x: start.q, y: start.p };
      const { firstHalf, secondHalf } = expectBoundedEnergyError(step, H, carried, steps);
      expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
      expect(firstHalf).toBeGreaterThanOrEqual(1e-11);
    },
    LONG,
  );
});

describe('rk4', () => {
  test(
    'lets the pendulum energy drift over 1e5 steps: the second half errs more than 1.5× the first',
    () => {
      // RK4 is not symplectic: its energy error grows linearly in time (≈ 5.4e-7 per step here),
      // so the second half's maximum is about twice the first's (measured: 2.7e-2, then 5.4e-2, 1.98). At
      // dt = 0.2 the drift (≈ 0.03 per half) dwarfs the O(dt⁴) oscillation, so the ratio is
      // clearly above 1.5.
      const { ratio, firstHalf, secondHalf } = expectBoundedEnergyError(rk4(system, dt), H, start, steps, {
        ratio: Number.POSITIVE_INFINITY,
      });
      expect(secondHalf).toBeGreaterThan(1.5 * firstHalf);
      expect(ratio).toBeGreaterThan(1.8);
    },
    LONG,
  );
});
