import type { ButcherTableau } from './butcherTableau.js';
import { type ImplicitRungeKuttaMethod, implicitRungeKutta } from './collocation.js';

/** The 1-stage Gauss–Legendre tableau: X = x₀ + dt/2 f(X), x₁ = x₀ + dt f(X). */
export const implicitMidpointTableau: ButcherTableau = {
  name: 'implicitMidpoint',
  order: 2,
  a: [[1 / 2]],
  b: [1],
  c: [1 / 2],
};

/**
 * The implicit midpoint rule x₁ = x₀ + dt J∇H((x₀ + x₁)/2): order 2, symplectic, symmetric
 * (Hairer, Lubich & Wanner, GNI, 2nd ed., §I.1.3 and Theorem VI.3.5). One state or a batch.
 *
 * @example
 * ```ts
 * import { type Value, add, mul, square, sum } from '@liouville/ad';
 * import { type GeneralSystem, implicitMidpoint } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * // H = p²(1 + q²)/2 does not split into T(p) + V(q): the explicit splitting methods reject it
 * // in their type, implicit methods accept any system.
 * const system: GeneralSystem = {
 *   kind: 'general',
 *   dim: 1,
 *   H: (q: Value, p: Value) => sum(mul(0.5, mul(square(p), add(1, square(q)))), -1),
 * };
 * implicitMidpoint(system, 0.1)({ q: tensor([1]), p: tensor([1]) }); // { q: [1.2111], p: [0.9002] }
 * ```
 */
export const implicitMidpoint: ImplicitRungeKuttaMethod = implicitRungeKutta(implicitMidpointTableau);
