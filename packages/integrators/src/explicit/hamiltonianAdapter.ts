import { primalTensor } from '@liouville/ad';
import type { Tensor } from '@liouville/linalg';
import { assertState, assertSystem } from '../forces.js';
import { jitWhenHot } from '../hot.js';
import { hamiltonianVectorField, joinPhase, splitPhase } from '../phaseSpace.js';
import type { State, System } from '../system.js';
import type { Dopri5Options, Dopri5Result } from './dopri5Problem.js';
import { dopri5 } from './dopri5Solver.js';

/** A reference trajectory of a Hamiltonian system: q and p are [N, ...shape of state0.q]. */
export interface HamiltonianSolution extends Omit<Dopri5Result, 'y'> {
  readonly q: Tensor;
  readonly p: Tensor;
}

/**
 * Integrates Hamilton's equations ẋ = J∇H(x) (∇H by AD) with `dopri5` from one state or a batch
 * ([B, dim], integrated together with one step size). A non-symplectic reference: accuracy comes
 * from the tolerances, not from geometric structure.
 */
export function solveHamiltonian(
  system: System,
  state0: State,
  tSpan: readonly [number, number],
  options: Dopri5Options = {},
): HamiltonianSolution {
  assertSystem(system, 'solveHamiltonian');
  assertState(system, state0, 'solveHamiltonian');
  // The field runs thousands of times: compiled after its first calls (the same bits).
  const field = jitWhenHot(hamiltonianVectorField(system));
  const x0 = primalTensor(joinPhase(state0.q, state0.p));
  const { y, ...rest } = dopri5((_t, x) => primalTensor(field(x)), tSpan, x0, options);
  const { q, p } = splitPhase(y, system.dim);
  return { ...rest, q: primalTensor(q), p: primalTensor(p) };
}
