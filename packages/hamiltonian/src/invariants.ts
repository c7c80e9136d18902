import { type Value, add, mul, neg, reshape, stack, sub, sum } from '@liouville/ad';
import { type State, hamiltonianGradient } from '@liouville/integrators';
import { InvalidArgumentError } from '@liouville/linalg';
import { checkState } from './build.js';
import { component } from './systems/coordinates.js';
import type { Hamiltonian, ParticleHamiltonian } from './Hamiltonian.js';

/** The time derivative of a state under Hamilton's equations: q̇ = ∂H/∂p, ṗ = −∂H/∂q. */
export interface StateDerivative {
  readonly dq: Value;
  readonly dp: Value;
}

/** The energy H(q, p) of a state (shape []) or of each state of a batch (shape [B]). */
export function energy(h: Hamiltonian): (state: State) => Value {
  const operation = `energy(${h.name})`;
  return (state: State) => {
    const { q, p } = checkState(operation, h.dim, state);
    return h.kind === 'separable' ? add(h.T(p), h.V(q)) : h.H(q, p);
  };
}

/**
 * Hamilton's vector field at a state or batch: { dq: ∂H/∂p, dp: −∂H/∂q }, i.e. ẋ = J∇H(x) for
 * x = (q, p) and J = [[0, I], [−I, 0]] (Hairer, Lubich & Wanner, Geometric Numerical
 * Integration, 2nd ed., §VI.2).
 */
export function vectorField(h: Hamiltonian): (state: State) => StateDerivative {
  const operation = `vectorField(${h.name})`;
  return (state: State) => {
    const { q, p } = checkState(operation, h.dim, state);
    // One home for Hamilton's equations: the integrators' gradient (analytic when the system has
    // one, reverse-mode AD otherwise), which every method uses too.
    const { dHdq, dHdp } = hamiltonianGradient(h, q, p);
    return { dq: dHdp, dp: neg(dHdq) };
  };
}

/** Checks the system describes particles and returns the state's coordinates as [..., N, d]. */
function bodiesOf(operation: string, system: ParticleHamiltonian, state: State): { q: Value; p: Value } {
  const ok =
    system !== null &&
    typeof system === 'object' &&
    Number.isInteger(system.bodies) &&
    Number.isInteger(system.spatialDim);
  if (!ok)
    throw new InvalidArgumentError(
      `${operation}: system`,
      'a particle system (nBody, twoBody, threeBody, kepler)',
      system,
    );
  const { q, p } = checkState(`${operation}(${system.name})`, system.dim, state);
  const shape = [...q.shape.slice(0, -1), system.bodies, system.spatialDim];
  return { q: reshape(q, shape), p: reshape(p, shape) };
}

/**
 * Total linear momentum P = Σᵢ pᵢ of a particle system: shape [d] for one state, [B, d] for a
 * batch. Conserved by the N-body problem (translation invariance, Noether's theorem).
 */
export function linearMomentum(system: ParticleHamiltonian, state: State): Value {
  const { p } = bodiesOf('linearMomentum', system, state);
  return sum(p, -2);
}

/**
 * Total angular momentum L = Σᵢ qᵢ × pᵢ about the origin: in the plane the scalar
 * Σᵢ (xᵢp_{y,i} − yᵢp_{x,i}) (shape [] or [B]); in space the vector (shape [3] or [B, 3]).
 * Conserved by the N-body and Kepler problems (rotation invariance).
 */
export function angularMomentum(system: ParticleHamiltonian, state: State): Value {
  const { q, p } = bodiesOf('angularMomentum', system, state);
  const cross = (a: number, b: number): Value =>
    sum(sub(mul(component(q, a), component(p, b)), mul(component(q, b), component(p, a))), -1);
  if (system.spatialDim === 2) return cross(0, 1);
  if (system.spatialDim === 3) {
    return stack([cross(1, 2), cross(2, 0), cross(0, 1)], -1);
  }
  throw new InvalidArgumentError(
    `angularMomentum(${system.name}): system.spatialDim`,
    '2 or 3 (a cross product)',
    system.spatialDim,
  );
}
