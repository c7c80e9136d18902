import type { Value } from '@liouville/ad';
import type { GradientFn, HamiltonianGradient } from '@liouville/integrators';
import type { Hamiltonian } from '../Hamiltonian.js';

/**
 * The analytic gradient of a separable H = T(p) + V(q) from its two parts, dHdq = V′(q) and
 * dHdp = T′(p). Each field is computed when it is read: a kick of a splitting method reads only
 * dHdq and a drift only dHdp (see the integrators' GradientFn), so neither pays for the other.
 * Both must be written with the differentiable functions of @liouville/ad.
 */
export function separableGradient(dVdq: (q: Value) => Value, dTdp: (p: Value) => Value): GradientFn {
  return (q: Value, p: Value): HamiltonianGradient => new LazySeparableGradient(q, p, dVdq, dTdp);
}

/**
 * The two fields of a separable gradient, each computed when read. A class rather than an
 * object literal with getters: the literal allocates two accessor closures per call, which on
 * one-degree-of-freedom states cost as much as the force itself.
 */
class LazySeparableGradient implements HamiltonianGradient {
  constructor(
    private readonly q: Value,
    private readonly p: Value,
    private readonly dVdq: (q: Value) => Value,
    private readonly dTdp: (p: Value) => Value,
  ) {}

  get dHdq(): Value {
    return this.dVdq(this.q);
  }

  get dHdp(): Value {
    return this.dTdp(this.p);
  }
}

/**
 * A catalogue system with its analytic gradient attached (a frozen copy). The builders'
 * `gradient` option wraps a user's gradient in shape checks that read both fields on every call;
 * the catalogue's own gradients skip that wrapper, so a kick or a drift computes only the field
 * it reads, and they are checked instead against AD at single states and batches by the tests.
 */
export function withGradient<H extends Hamiltonian>(system: H, gradient: GradientFn): H {
  const withIt: H = { ...system, gradient };
  return Object.freeze(withIt);
}
