import { type Value, add, mul, square, stack, sub, sum } from '@liouville/ad';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { SeparableHamiltonian } from '../Hamiltonian.js';
import { component } from './coordinates.js';
import { type Parameter, parameterNumbers } from './parameters.js';
import { finiteParameter, optionsObject } from './validate.js';

/** Options of `henonHeiles`. */
export interface HenonHeilesOptions {
  /** Strength λ of the cubic coupling (any finite number, default 1: the original system), or a scalar value of @liouville/ad. */
  readonly lambda?: Parameter;
}

/**
 * The Hénon–Heiles system, a star in an axisymmetric galactic potential (dim 2):
 *   H = (p₁² + p₂²)/2 + (q₁² + q₂²)/2 + λ(q₁²q₂ − q₂³/3)
 * (M. Hénon & C. Heiles, "The applicability of the third integral of motion: some numerical
 * experiments", Astron. J. 69, 73–79, 1964; λ = 1 there). Bounded motion needs H < 1/(6λ²).
 */
export function henonHeiles(options?: HenonHeilesOptions): SeparableHamiltonian {
  const opts = optionsObject('henonHeiles', options);
  const lambda = finiteParameter('henonHeiles', 'lambda', opts.lambda ?? 1);
  const system = separable({
    name: 'henonHeiles',
    dim: 2,
    T: (p: Value) => mul(0.5, sum(square(p), -1)),
    V: (q: Value) => {
      const q1 = component(q, 0);
      const q2 = component(q, 1);
      const cubic = sub(mul(square(q1), q2), mul(1 / 3, mul(square(q2), q2)));
      return add(mul(0.5, sum(square(q), -1)), mul(lambda, cubic));
    },
    params: parameterNumbers({ lambda }),
  });
  // ∂V/∂q = q + λ(2q₁q₂, q₁² − q₂²), ∂T/∂p = p.
  const gradient = separableGradient(
    (q) => {
      const q1 = component(q, 0);
      const q2 = component(q, 1);
      const coupling = stack([mul(2, mul(q1, q2)), sub(square(q1), square(q2))], -1);
      return add(q, mul(lambda, coupling));
    },
    (p) => p,
  );
  return withGradient(system, gradient);
}
