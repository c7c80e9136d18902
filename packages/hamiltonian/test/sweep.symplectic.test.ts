import { type Value, concat, jacfwd, primalTensor, slice } from '@liouville/ad';
import * as integrators from '@liouville/integrators';
import { type State, type Step, flow, leapfrog, rk4, stormerVerlet, taoExtended } from '@liouville/integrators';
import { symplecticDefect } from '@liouville/integrators/testing';
import { type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Hamiltonian } from '../src/index.js';
import { arbitrarySeparableSystem, arbitraryState, arbitrarySystem } from '../src/testing/index.js';
import { anyMethodTable, anyMethods, numbers, separableMethodTable, separableMethods } from './helpers.js';

// Tolerances. The Jacobian M of a step is exact (forward-mode AD through every sub-flow, and for
// implicit methods through the final Newton correction), so MᵀJM − J is rounding: each entry of
// the product is a sum of 4n products of entries of M, and M itself carries the rounding of
// s stages, so the defect is ≲ s·ε·max|Mᵢⱼ|². With max|M| ≲ 2 (the usual case here) that is
// ≲ 1e-14; the tolerance is 1e-12·max(1, max|Mᵢⱼ|²), i.e. DESIGN.md §4.6's absolute 1e-12 for
// a well-conditioned step, scaled for the rare near-collision state of Kepler or N-body, where
// one step stretches phase space by max|M| ~ 10² (measured: 661 on a radial Kepler orbit at
// dt = 0.2 with yoshida8, defect 7e-12 = 1.7e-17·|M|²).
const EXPLICIT = 1e-12;
// Implicit methods: Newton stops when ‖Δz‖ ≤ 1e-14·(1 + scale), and the derivative through the
// correction is the implicit-function one with the inverse Jacobian taken at the iterate before
// the last increment, so M is exact to ~1e-14·dt·‖∇³H‖ relative: ≲ 1e-13·|M|² in the defect.
// 1e-10 (as in the integrators' own tests) leaves a wide margin; measured ≤ 5e-16.
const IMPLICIT = 1e-10;

/** The Jacobian of a step at a state, [2n, 2n], by forward-mode AD of the flat step map. */
function jacobian(step: Step, state: State): Tensor {
  return primalTensor(jacfwd(flow(step))(concat([state.q, state.p], 0)) as Value);
}

/** max |MᵀJM − J| and the tolerance base·max(1, max|Mᵢⱼ|²) it is held to. */
function measure(step: Step, state: State, base: number): { defect: number; tol: number } {
  const M = jacobian(step, state);
  const size = Math.max(...Array.from(M.data, Math.abs));
  return { defect: symplecticDefect(M), tol: base * Math.max(1, size * size) };
}

/** A random system of `systems`, a safe state of it, a step size in [minDt, maxDt] and a direction. */
const caseOf = <S extends Hamiltonian>(systems: fc.Arbitrary<S>, minDt: number, maxDt: number) =>
  systems.chain((system) =>
    fc.record({
      system: fc.constant(system),
      state: arbitraryState(system),
      dt: fc.double({ min: minDt, max: maxDt, noNaN: true }),
      backward: fc.boolean(),
    }),
  );

describe('@liouville/integrators', () => {
  test('exports no method that the sweep leaves out', () => {
    const swept = new Set([...separableMethods, ...anyMethods].map((m) => m.info.name));
    const exported = Object.entries(integrators)
      .filter(([, v]) => typeof v === 'function' && 'info' in v)
      .map(([name]) => name);
    // stormerVerlet is leapfrog under its other name (tested below).
    expect(exported.filter((name) => !swept.has(name))).toEqual(['stormerVerlet']);
    expect(exported.length).toBe(swept.size + 1);
  });
});

describe('stormerVerlet', () => {
  test('is the leapfrog, so sweeping leapfrog covers it', () => {
    expect(stormerVerlet).toBe(leapfrog);
  });
});

describe.each(separableMethodTable)('%s', (_name, method) => {
  test('has a symplectic step map at random states of random separable catalogue systems', () => {
    fc.assert(
      fc.property(caseOf(arbitrarySeparableSystem(), 0.01, 0.2), ({ system, state, dt, backward }) => {
        const { defect, tol } = measure(method(system, dt, { backward }), state, EXPLICIT);
        expect(defect).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 20 },
    );
  });
});

const symplecticAny = anyMethodTable.filter(([, m]) => m.info.symplectic);

describe.each(symplecticAny)('%s', (_name, method) => {
  test('has a symplectic step map at random states of every catalogue system, the double pendulum included', () => {
    fc.assert(
      fc.property(caseOf(arbitrarySystem(), 0.01, 0.2), ({ system, state, dt, backward }) => {
        const { defect, tol } = measure(method(system, dt, { backward }), state, IMPLICIT);
        expect(defect).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 10 },
    );
  });

  test('has a symplectic step map on the double pendulum, the non-separable system', () => {
    fc.assert(
      fc.property(caseOf(arbitrarySystem({ only: ['doublePendulum'] }), 0.01, 0.2), ({ system, state, dt }) => {
        const { defect, tol } = measure(method(system, dt), state, IMPLICIT);
        expect(defect).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 5 },
    );
  });
});

describe('rk4', () => {
  test('fails the symplecticity check at random states of random systems (negative control)', () => {
    // RK4 is not symplectic: on a linear system det M = |R(iωdt)|² = 1 − (ωdt)⁶/72 + …, so the
    // defect grows as (ωdt)⁶; large steps, dt ∈ [0.3, 0.5], make it plain for the catalogue's
    // frequencies (parameters in [0.5, 2]). Measured over 60 random cases of each catalogue system:
    // the defect is ≥ 1.9e4× its tolerance (the slowest, a pendulum near q = π/2), so requiring
    // 100× leaves a margin of ~200 while still failing the check by two orders of magnitude.
    fc.assert(
      fc.property(caseOf(arbitrarySystem(), 0.3, 0.5), ({ system, state, dt }) => {
        const { defect, tol } = measure(rk4(system, dt), state, EXPLICIT);
        expect(defect).toBeGreaterThan(100 * tol);
      }),
      { numRuns: 20 },
    );
  });
});

describe('taoExtended', () => {
  test('is symplectic on the extended phase space (q, x; p, y) at random states of every catalogue system', () => {
    // A composition of exact flows (shears and a rotation): rounding only, as for the explicit
    // methods. The copy (x, y) starts near (q, p), as in a run that carries it along.
    const cases = arbitrarySystem().chain((system) =>
      fc.record({
        system: fc.constant(system),
        state: arbitraryState(system),
        offset: arbitraryState(system, { radius: 0.05 }),
        dt: fc.double({ min: 0.01, max: 0.1, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ system, state, offset, dt }) => {
        const n = system.dim;
        const step = taoExtended(system, dt);
        // The extended step as a map of (q, x, p, y): positions first, then their momenta.
        const map = (v: Value): Value => {
          const part = (k: number) => slice(v, [k * n], [(k + 1) * n]);
          const s = step({ q: part(0), x: part(1), p: part(2), y: part(3) });
          return concat([s.q, s.x, s.p, s.y], 0);
        };
        const [q, p, dq, dp] = [state.q, state.p, offset.q, offset.p].map(numbers);
        const v = tensor([...q, ...q.map((x, i) => x + dq[i]), ...p, ...p.map((y, i) => y + dp[i])]);
        const M = primalTensor(jacfwd(map)(v) as Value);
        const size = Math.max(...Array.from(M.data, Math.abs));
        expect(symplecticDefect(M)).toBeLessThanOrEqual(EXPLICIT * Math.max(1, size * size));
      }),
      { numRuns: 10 },
    );
  });
});
