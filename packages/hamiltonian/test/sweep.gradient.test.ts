import { type Value, concat, grad, jacfwd, primalTensor, slice, sum } from '@liouville/ad';
import type { State } from '@liouville/integrators';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Hamiltonian, HamiltonianGradient } from '../src/index.js';
import { arbitraryState, arbitrarySystem, catalogueNames } from '../src/testing/index.js';
import { expectClose, numbers } from './helpers.js';

// Every catalogue system carries an analytic gradient, which the integrators use instead of AD.
// It must agree with AD of the energies: both evaluate the same smooth functions in a different
// order, so they differ by a few ulps of the terms summed (states and parameters O(1), bodies
// kept apart by the arbitraries); rel 1e-12 (DESIGN.md §4.6) leaves a margin of ~10³.
const REL = 1e-12;

/** ∂H/∂q and ∂H/∂p by reverse-mode AD of the energies, never through the system's `gradient`. */
function adGradient(system: Hamiltonian, q: Value, p: Value): HamiltonianGradient {
  if (system.kind === 'separable') {
    return { dHdq: grad((x: Value) => sum(system.V(x)))(q), dHdp: grad((x: Value) => sum(system.T(x)))(p) };
  }
  const g = grad((x: { q: Value; p: Value }) => sum(system.H(x.q, x.p)))({ q, p });
  return { dHdq: g.q, dHdp: g.p };
}

function analytic(system: Hamiltonian, state: State): HamiltonianGradient {
  expect(system.gradient).toBeTypeOf('function');
  return (system.gradient as NonNullable<Hamiltonian['gradient']>)(state.q, state.p);
}

function expectAgreement(system: Hamiltonian, state: State): void {
  const mine = analytic(system, state);
  const ad = adGradient(system, state.q, state.p);
  expect(mine.dHdq.shape).toEqual(state.q.shape);
  expect(mine.dHdp.shape).toEqual(state.p.shape);
  expectClose([...numbers(mine.dHdq), ...numbers(mine.dHdp)], [...numbers(ad.dHdq), ...numbers(ad.dHdp)], REL);
}

describe.each(catalogueNames)('%s', (name) => {
  const systems = arbitrarySystem({ only: [name] });

  test('has an analytic gradient equal to the AD gradient of its energy at one state', () => {
    const cases = systems.chain((system) => fc.record({ system: fc.constant(system), state: arbitraryState(system) }));
    fc.assert(
      fc.property(cases, ({ system, state }) => {
        expectAgreement(system, state);
      }),
      { numRuns: 50 },
    );
  });

  test('has an analytic gradient equal to the AD gradient for a batch of states', () => {
    const cases = systems.chain((system) =>
      fc.record({ system: fc.constant(system), state: arbitraryState(system, { batch: 4 }) }),
    );
    fc.assert(
      fc.property(cases, ({ system, state }) => {
        expectAgreement(system, state);
      }),
      { numRuns: 20 },
    );
  });

  test('has an analytic gradient that differentiates again: its Jacobian is the AD Hessian', () => {
    // Written with the functions of @liouville/ad, the gradient can be traced: its forward-mode
    // Jacobian in x = (q, p) must equal that of the AD gradient (the Hessian of H), which
    // symplecticity checks and Newton's method rely on. Same rounding argument, rel 1e-12.
    const cases = systems.chain((system) => fc.record({ system: fc.constant(system), state: arbitraryState(system) }));
    fc.assert(
      fc.property(cases, ({ system, state }) => {
        const x = concat([state.q, state.p], 0);
        const mine = hessianOf(system.dim, (q, p) => analytic(system, { q, p }))(x);
        const ad = hessianOf(system.dim, (q, p) => adGradient(system, q, p))(x);
        expect(mine.shape).toEqual([2 * system.dim, 2 * system.dim]);
        expectClose(numbers(mine), numbers(ad), REL);
      }),
      { numRuns: 10 },
    );
  });
});

/** The Jacobian of x = (q, p) ↦ (∂H/∂q, ∂H/∂p) by forward-mode AD: the Hessian of H, [2n, 2n]. */
function hessianOf(n: number, gradient: (q: Value, p: Value) => HamiltonianGradient): (x: Value) => Value {
  const field = (x: Value) => {
    const { dHdq, dHdp } = gradient(slice(x, [0], [n]), slice(x, [n], [2 * n]));
    return concat([dHdq, dHdp], 0);
  };
  return (x) => primalTensor(jacfwd(field)(x) as Value);
}
