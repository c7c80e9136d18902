import { type Value, concat, grad, neg, slice, sum } from '@liouville/ad';
import type { State, System } from '../system.js';

/**
 * Phase-space helpers shared by the methods that work on any system: the packing of (q, p) into
 * one vector x = (q, p), and Hamilton's equations ẋ = J ∇H(x) with ∇H from AD.
 */

/** ∂H/∂q and ∂H/∂p at (q, p) by reverse-mode AD; rows of a batch are independent states. */
export function hamiltonianGradient(system: System, q: Value, p: Value): { dHdq: Value; dHdp: Value } {
  if (system.kind === 'separable') {
    // H = T(p) + V(q): the two partial derivatives are the gradients of the two parts.
    return { dHdq: grad((x: Value) => sum(system.V(x)))(q), dHdp: grad((x: Value) => sum(system.T(x)))(p) };
  }
  // Summing the energies of a batch gives every row's gradient in one backward pass.
  const [dHdq, dHdp] = grad(([x, y]: Value[]) => sum(system.H(x, y)))([q, p]) as Value[];
  return { dHdq, dHdp };
}

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
