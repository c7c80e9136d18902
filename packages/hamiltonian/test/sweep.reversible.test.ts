import { expectReversible } from '@liouville/integrators/testing';
import { tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Hamiltonian, pendulum, twoBody } from '../src/index.js';
import { arbitrarySeparableSystem, arbitraryState, arbitrarySystem } from '../src/testing/index.js';
import { anyMethodTable, separableMethodTable } from './helpers.js';

// Tolerances. An explicit symmetric method is a palindrome of exact sub-flows, so the backward
// step undoes the forward one sub-flow by sub-flow and only rounding remains. That rounding is
// carried through the Jacobians of the sub-flows after it, so it grows with the number of
// sub-flows and with dt: yoshida8 (15 sub-flows, coefficients up to ±1.77) missed its start by
// 1.5e-12 at dt = 0.2 on a fast two-body state (the regression test below), while with
// dt ≤ 0.1 the worst of 300 random cases per method was 4.4e-16. So steps are drawn from
// [0.01, 0.1], where 1e-12 absolute (DESIGN.md §4.6) holds with a wide margin. An implicit one solves its stage equations to ‖Δz‖ ≤ 1e-14·(1 + ‖x‖) and
// corrects once more (quadratic convergence leaves ~‖Δz‖²); the update x₁ = x₀ + Σ dᵢZᵢ with
// |dᵢ| ≤ 4 then bounds the round trip by ~1e-13·(1 + ‖x‖∞) ≤ 3e-13 for these states (‖x‖∞ ≤ 1.25):
// the solver's 1e-12 (measured ≤ 2e-16).
const EXPLICIT = 1e-12;
const IMPLICIT = 1e-12;

const caseOf = <S extends Hamiltonian>(systems: fc.Arbitrary<S>) =>
  systems.chain((system) =>
    fc.record({
      system: fc.constant(system),
      state: arbitraryState(system),
      dt: fc.double({ min: 0.01, max: 0.1, noNaN: true }),
    }),
  );

describe.each(separableMethodTable.filter(([, m]) => m.info.symmetric))('%s', (_name, method) => {
  test('returns to the start after a step and a backward step, at random states of random separable systems', () => {
    fc.assert(
      fc.property(caseOf(arbitrarySeparableSystem()), ({ system, state, dt }) => {
        expect(expectReversible(method, system, state, dt, EXPLICIT)).toBeLessThanOrEqual(EXPLICIT);
      }),
      { numRuns: 30 },
    );
  });
});

describe.each(anyMethodTable.filter(([, m]) => m.info.symmetric))('%s', (_name, method) => {
  test('returns to the start after a step and a backward step, at random states of every catalogue system', () => {
    fc.assert(
      fc.property(caseOf(arbitrarySystem()), ({ system, state, dt }) => {
        expect(expectReversible(method, system, state, dt, IMPLICIT)).toBeLessThanOrEqual(IMPLICIT);
      }),
      { numRuns: 10 },
    );
  });
});

// Negative controls: a method declared non-symmetric must miss the start by far more than the
// tolerance. The state is fixed away from the equilibrium, where every method is trivially
// reversible (q = p = 0 is a fixed point), and dt = 0.3: the round trip of a non-symmetric
// method misses by a power of dt, smallest for RK4, whose R(z)R(−z) = 1 + O(z⁶) (measured:
// 2.8e-6 for RK4, ≥ 2e-4 for the others), over 100× the threshold 1e-8 and 1e4× the tolerance.
const nonSymmetric = [...separableMethodTable, ...anyMethodTable].filter(([, m]) => !m.info.symmetric);

describe.each(nonSymmetric)('%s', (_name, method) => {
  test('misses the start after a step and a backward step, as a non-symmetric method (negative control)', () => {
    const start = { q: tensor([1]), p: tensor([0.5]) };
    const error = expectReversible(method, pendulum(), start, 0.3, Number.POSITIVE_INFINITY);
    expect(error).toBeGreaterThan(1e-8);
  });
});

describe('yoshida8 (regression)', () => {
  test('the round trip at dt = 0.2 on a fast two-body state stays within rounding amplified by its 15 sub-flows', () => {
    const method = separableMethodTable.find(([name]) => name === 'yoshida8')?.[1];
    if (method === undefined) throw new Error('yoshida8 missing from the method table');
    const system = twoBody({ masses: [0.5000000000000014, 0.5000000000000001], G: 0.7032958276156099 });
    const state = { q: tensor([1, 0, -1, 1.2246467991473532e-16]), p: tensor([0.9657565100976369, 0, 0, 0]) };
    // measured 1.46e-12: rounding amplified through the sub-flows, far from the O(dt) miss a
    // non-palindromic coefficient list would leave (≈ 1e-1 here)
    expect(expectReversible(method, system, state, 0.19932213151703862, 1e-11)).toBeLessThanOrEqual(1e-11);
  });
});
