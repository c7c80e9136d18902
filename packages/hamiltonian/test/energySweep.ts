// The long-time energy sweep shared by sweep.energy.*.test.ts: every symplectic method (explicit
// and implicit), Tao's extended method and the RK4 control, over 1e5 steps of one problem.

import { type ExtendedState, type State, type Step, rk4, taoExtended } from '@liouville/integrators';
import { expectBoundedEnergyError } from '@liouville/integrators/testing';
import { describe, expect, test } from 'vitest';
import type { SeparableHamiltonian } from '../src/index.js';
import { anyMethodTable, closedFormEnergy, separableMethodTable } from './helpers.js';

/** One problem of the sweep; the test file that declares it explains its choices. */
export interface EnergySweepProblem {
  /** Named in the test titles, e.g. 'pendulum'. */
  readonly label: string;
  readonly system: SeparableHamiltonian;
  readonly start: State;
  /** The step of every method but Tao's. */
  readonly dt: number;
  /** Tao's step: with its binding constant ω = 20 it needs 2ω·dt ≲ 0.4 (see TaoOptions). */
  readonly taoDt: number;
  /** An error no explicit method may reach: beyond it the motion would change character. */
  readonly bound: number;
}

const STEPS = 100_000;

/**
 * A symplectic method conserves a modified energy H̃ = H + O(dt^r) over exponentially long times
 * (Hairer, Lubich & Wanner, GNI 2nd ed., Thm. IX.8.1), so |H − H₀| oscillates without drift: the
 * largest error of the second half of the run is within 1.5× that of the first (the margin
 * covers where the oscillation's peaks fall). Each test also asserts that the first half's error
 * is ≥ 1e-11, above the random walk of rounding, so the ratio measures truncation, not rounding.
 * RK4, not symplectic, must drift: its second half errs more than 1.5× its first.
 *
 * expectBoundedEnergyError rolls the states out with `integrate` (compiled loops of 1e4 steps,
 * the same bits as stepping) and reads the closed-form energy of the whole trajectory from its
 * arrays. Measured under vitest on a 2-core machine busy with other work: 0.05–0.4 s per explicit
 * method and 1–12 s per implicit one (compiled Newton pieces; gaussLegendre6 on Kepler, whose
 * 12×12 Jacobian blocks are beyond the scalar-unrolled backend, is the slowest). The timeouts
 * leave a wide margin for heavier load.
 */
export function describeEnergySweep(problem: EnergySweepProblem): void {
  const { label, system, start, dt } = problem;
  const H = closedFormEnergy(system);
  const LONG = 2 * 60_000;
  const LONGER = 5 * 60_000;
  const expectNoDrift = ({ firstHalf, secondHalf }: { firstHalf: number; secondHalf: number }) => {
    expect(secondHalf).toBeLessThanOrEqual(1.5 * firstHalf);
    expect(firstHalf).toBeGreaterThanOrEqual(1e-11);
  };

  describe.each(separableMethodTable)('%s', (_name, method) => {
    test(
      `keeps the ${label} energy error bounded, without drift, over 1e5 steps`,
      () => {
        const result = expectBoundedEnergyError(method(system, dt), H, start, STEPS);
        expectNoDrift(result);
        expect(result.secondHalf).toBeLessThan(problem.bound);
      },
      LONG,
    );
  });

  const implicitTable = anyMethodTable.filter(([, m]) => m.info.implicit && m.info.symplectic);
  describe.each(implicitTable)('%s', (_name, method) => {
    test(
      `keeps the ${label} energy error bounded, without drift, over 1e5 steps`,
      () => expectNoDrift(expectBoundedEnergyError(method(system, dt), H, start, STEPS)),
      LONGER,
    );
  });

  describe('taoExtended', () => {
    test(
      `keeps the ${label} energy error bounded over 1e5 steps with the copies carried along`,
      () => {
        // Symplectic on the extended phase space (q, x, p, y), so its modified energy is conserved too.
        const extended = taoExtended(system, problem.taoDt);
        const step: Step = (s) => extended(s as ExtendedState);
        const carried: ExtendedState = { ...start, x: start.q, y: start.p };
        expectNoDrift(expectBoundedEnergyError(step, H, carried, STEPS));
      },
      LONG,
    );
  });

  describe('rk4', () => {
    test(
      `lets the ${label} energy drift over 1e5 steps: the second half errs more than 1.5× the first`,
      () => {
        const { ratio, firstHalf, secondHalf } = expectBoundedEnergyError(rk4(system, dt), H, start, STEPS, {
          ratio: Number.POSITIVE_INFINITY,
        });
        expect(secondHalf).toBeGreaterThan(1.5 * firstHalf);
        // A linear drift doubles the maximum from one half to the next.
        expect(ratio).toBeGreaterThan(1.8);
      },
      LONG,
    );
  });
}
