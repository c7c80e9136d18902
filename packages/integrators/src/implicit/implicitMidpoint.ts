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
 */
export const implicitMidpoint: ImplicitRungeKuttaMethod = implicitRungeKutta(implicitMidpointTableau);
