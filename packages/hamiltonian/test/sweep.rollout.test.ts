import { type Value, add, cos, grad, mul, primalTensor, sin, square, sub, sum } from '@liouville/ad';
import {
  type GeneralMethod,
  type State,
  gaussLegendre4,
  implicitMidpoint,
  integrate,
  leapfrog,
  rk4,
  yoshida4,
} from '@liouville/integrators';
import { tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Hamiltonian, type SeparableHamiltonian, doublePendulum, pendulum, separable } from '../src/index.js';
import { arbitraryState } from '../src/testing/index.js';
import { numbers } from './helpers.js';

// Gradients through a rollout, by reverse-mode AD, against central finite differences
// (f(x + h) − f(x − h))/2h. The loss is O(1) and smooth, so the truncation error is
// h²|f‴|/6 ~ 1e-11 and the rounding error ~ε|f|/h ~ 1e-11 for h = 1e-5 (the step that balances
// them, (3ε)^(1/3) ≈ 1e-5); implicit methods add Newton's noise, ~1e-14/h ~ 1e-9. Agreement to
// rel 1e-6 (DESIGN.md §4.6) is therefore significant while leaving a margin of ≥ 1e3 (measured
// differences ≤ 1e-10 relative for every method here).
const h = 1e-5;
const REL = 1e-6;

const steps = 20;
const dt = 0.1;

/** A loss of a whole trajectory: Σₖ |q_k|² over the saved states plus Σ p at the end. */
function trajectoryLoss(method: GeneralMethod, system: Hamiltonian, state0: State): Value {
  const trajectory = integrate(method(system, dt), state0, { steps, dt });
  return add(sum(square(trajectory.q)), sum(trajectory.final.p));
}

/** Central difference of a scalar function of plain numbers, in coordinate i. */
function centralDifference(f: (x: number[]) => number, x: number[], i: number): number {
  const plus = x.map((v, j) => (j === i ? v + h : v));
  const minus = x.map((v, j) => (j === i ? v - h : v));
  return (f(plus) - f(minus)) / (2 * h);
}

function expectCloseToDifferences(ad: number[], fd: number[]): void {
  ad.forEach((a, i) => {
    expect(Math.abs(a - fd[i])).toBeLessThanOrEqual(REL * Math.max(1, Math.abs(fd[i])));
  });
}

/** The rollout gradient with respect to (q₀, p₀), by AD and by central differences. */
function initialStateGradients(method: GeneralMethod, system: Hamiltonian, state: State): [number[], number[]] {
  const n = system.dim;
  const g = grad((s: { q: Value; p: Value }) => trajectoryLoss(method, system, s))({ q: state.q, p: state.p });
  const f = (x: number[]) =>
    primalTensor(trajectoryLoss(method, system, { q: tensor(x.slice(0, n)), p: tensor(x.slice(n)) })).item();
  const x = [...numbers(state.q), ...numbers(state.p)];
  return [[...numbers(g.q), ...numbers(g.p)], x.map((_, i) => centralDifference(f, x, i))];
}

/**
 * The pendulum H = p²/2 + g(1 − cos q) with g a differentiable value captured by the energies,
 * its forces by AD or by the closed form g·sin q (which captures g too).
 */
function pendulumWithG(g: Value, forces: 'ad' | 'analytic'): SeparableHamiltonian {
  return separable({
    name: 'pendulum(g)',
    dim: 1,
    T: (p: Value) => mul(0.5, sum(square(p), -1)),
    V: (q: Value) => mul(g, sum(sub(1, cos(q)), -1)),
    ...(forces === 'analytic' ? { gradient: (q: Value, p: Value) => ({ dHdq: mul(g, sin(q)), dHdp: p }) } : {}),
  });
}

const methods = [
  ['leapfrog', leapfrog],
  ['yoshida4', yoshida4],
  ['implicitMidpoint', implicitMidpoint],
  ['gaussLegendre4', gaussLegendre4],
  ['rk4', rk4],
] as const;

describe.each(methods)('%s', (_name, separableOrAny) => {
  const method = separableOrAny as GeneralMethod; // every method here steps the separable pendulum

  test('has a rollout gradient in the initial state equal to central differences (catalogue pendulum)', () => {
    const system = pendulum({ g: 1.3 });
    fc.assert(
      fc.property(arbitraryState(system, { radius: 1.5 }), (state) => {
        const [ad, fd] = initialStateGradients(method, system, state);
        expectCloseToDifferences(ad, fd);
      }),
      { numRuns: 3 },
    );
  });

  test.each(['ad', 'analytic'] as const)(
    'has a rollout gradient in g, captured as a tensor, equal to central differences (forces by %s)',
    (forces) => {
      const start: State = { q: tensor([0.8]), p: tensor([-0.3]) };
      const loss = (g: Value) => trajectoryLoss(method, pendulumWithG(g, forces), start);
      const g0 = 1.3;
      const ad = primalTensor(grad(loss)(tensor(g0))).item();
      const fd = centralDifference((x) => primalTensor(loss(tensor(x[0]))).item(), [g0], 0);
      expectCloseToDifferences([ad], [fd]);
      // The analytic and AD forces give the same gradient to rounding (rel 1e-12, as any two AD paths).
      if (forces === 'analytic') {
        const viaAD = primalTensor(
          grad((g: Value) => trajectoryLoss(method, pendulumWithG(g, 'ad'), start))(tensor(g0)),
        );
        expect(Math.abs(ad - viaAD.item())).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ad)));
      }
    },
  );
});

describe('gaussLegendre4', () => {
  test('has a rollout gradient in the initial state of the double pendulum equal to central differences', () => {
    const system = doublePendulum();
    const state: State = { q: tensor([0.6, -0.4]), p: tensor([0.2, 0.5]) };
    const [ad, fd] = initialStateGradients(gaussLegendre4, system, state);
    expectCloseToDifferences(ad, fd);
  });
});
