import { type Value, concat, neg, slice } from '@liouville/ad';
import { hamiltonianGradient } from './forces.js';
import type { State, System } from './system.js';

/**
 * Phase-space helpers shared by the methods that work on any system: the packing of (q, p) into
 * one vector x = (q, p), and Hamilton's equations ẋ = J ∇H(x) with ∇H from the system's
 * analytic gradient or from AD (see forces.ts).
 */

// The gradient of H lives with the other forces: the system's analytic gradient, or AD.
export { hamiltonianGradient };

/** Splits x = (q, p) of shape [..., 2·dim] into q and p of shape [..., dim]. */
export function splitPhase(x: Value, dim: number): State {
  const lead = x.shape.slice(0, -1);
  const zeros = lead.map(() => 0);
  return {
    q: slice(x, [...zeros, 0], [...lead, dim]),
    p: slice(x, [...zeros, dim], [...lead, 2 * dim]),
  };
}

/** Joins q and p of shape [..., dim] into x = (q, p) of shape [..., 2·dim]. */
export function joinPhase(q: Value, p: Value): Value {
  return concat([q, p], q.shape.length - 1);
}

/** Hamilton's equations as a first-order system, x ↦ ẋ = J ∇H(x) = (∂H/∂p, −∂H/∂q), row by row. */
export function hamiltonianVectorField(system: System): (x: Value) => Value {
  return (x: Value) => {
    const { q, p } = splitPhase(x, system.dim);
    const { dHdq, dHdp } = hamiltonianGradient(system, q, p);
    return joinPhase(dHdp, neg(dHdq));
  };
}
