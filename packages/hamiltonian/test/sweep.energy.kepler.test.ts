import { type ExtendedState, type Step, rk4, taoExtended } from '@liouville/integrators';
import { expectBoundedEnergyError } from '@liouville/integrators/testing';
import { describe, expect, test } from 'vitest';
import { kepler, keplerInitialState } from '../src/index.js';
import { anyMethodTable, closedFormEnergy, separableMethodTable } from './helpers.js';

// Long-time energy behaviour on the Kepler problem H = |p|²/2 − 1/|q| (μ = 1), from periapsis of
// the orbit with eccentricity 0.5: r = 0.5 there, 1.5 at apoapsis, H = −0.5, period 2π. A
// symplectic method conserves a modified energy H̃ = H + O(dt^r) over exponentially long times
// (Hairer, Lubich & Wanner, GNI 2nd ed., Thm. IX.8.1 and §I.2.3), so |H − H₀| oscillates once
// per orbit, peaking at periapsis, without drift: over 1e5 steps the largest error in the second
// half is within 1.5× that of the first (measured: ratios 0.9999–1.0001 for every method).
//
// dt = 1/16 (≈ 100 steps per orbit; 1e5 steps ≈ 990 orbits) resolves periapsis, where the
// angular velocity |q × p|/r² = 3.46 turns the orbit by 0.22 rad per step (even Yoshida's
// eighth-order method, whose sub-steps reach 2.4·dt, stays on the orbit), and it keeps the most
// accurate method's error at 2.5e-11 (kahanLi8), above the random walk of rounding (~√N·s·ε·|∇H|
// ≈ 2e-12 after N = 1e5 steps of s = 17 stages), so every ratio measures truncation error, not
// rounding; each test asserts that (first-half maximum ≥ 1e-11). At dt = 0.02 the eighth-order
// methods are at rounding level (~1e-14) and the ratio is noise (measured 3.1 for kahanLi8).
const system = kepler();
const start = keplerInitialState(0.5);
const H = closedFormEnergy(system);
const dt = 1 / 16;
const steps = 100_000;
// 1e5 steps take 1.4–19 s per explicit method and 53–56 s per implicit one under vitest on a 2-core
// machine busy with other work (measured; the eighth-order methods are the slowest explicit ones),
// so the default 60 s per test would turn machine load into failures.
const LONG = 10 * 60_000;
const LONGER = 30 * 60_000;

describe.each(separableMethodTable)('%s', (_name, method) => {
  test(
    'keeps the Kepler (e = 0.5) energy error bounded, without drift, over 1e5 steps',
    () => {
      const { firstHalf, secondHalf } = expectBoundedEnergyError(method(system, dt), H, start, steps);
      expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
      expect(firstHalf).toBeGreaterThanOrEqual(1e-11);
      // Bounded well below |H| = 0.5: the orbit stays bound and elliptic.
      expect(secondHalf).toBeLessThan(0.1);
    },
    LONG,
  );
});

// The implicit symplectic methods solve their stage equations at every step by simplified Newton
// iterations (one AD Jacobian per step, about four residuals; see newton.ts).
const implicitTable = anyMethodTable.filter(([, m]) => m.info.implicit && m.info.symplectic);

describe.each(implicitTable)('%s', (_name, method) => {
  test(
    'keeps the Kepler energy error bounded, without drift, over 1e5 steps',
    () => {
      const { firstHalf, secondHalf } = expectBoundedEnergyError(method(system, dt), H, start, steps);
      expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
      expect(firstHalf).toBeGreaterThanOrEqual(1e-11);
      // Measured: 6.5e-3 (implicit midpoint), 2.3e-6 (gaussLegendre4), 5.3e-9 (gaussLegendre6), ratios 1.0000.
    },
    LONGER,
  );
});

describe('taoExtended', () => {
  test(
    'keeps the Kepler energy error bounded over 1e5 steps with the copies carried along',
    () => {
      // Symplectic on the extended phase space; its own step size dt = 0.01 for the binding
      // constant ω = 20 (2ω·dt ≲ 0.4, see TaoOptions): 1e5 steps ≈ 160 orbits. Measured: ratio 1.005,
      // error 3.3e-4.
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
    'lets the Kepler energy drift over 1e5 steps: the second half errs more than 1.5× the first',
    () => {
      // RK4's energy error grows linearly (it loses energy at every periapsis passage), ≈ 1.4e-7 per
      // step at dt = 1/16, so the second half's maximum is about twice the first's (measured: 7.2e-3,
      // then 1.45e-2, 2.01): the drift dwarfs the per-orbit oscillation, clearly above 1.5.
      const { ratio, firstHalf, secondHalf } = expectBoundedEnergyError(rk4(system, dt), H, start, steps, {
        ratio: Number.POSITIVE_INFINITY,
      });
      expect(secondHalf).toBeGreaterThan(1.5 * firstHalf);
      expect(ratio).toBeGreaterThan(1.8);
    },
    LONG,
  );
});
