import type { Value } from '@liouville/ad';
import { rk4Tableau } from './explicit/classical.js';
import {
  type ExplicitRungeKuttaMethod,
  explicitRungeKutta,
  explicitRungeKuttaStep,
} from './explicit/explicitRungeKutta.js';

/**
 * One classical Runge–Kutta step of order 4 for ẋ = f(x), x + h/6·(k₁ + 2(k₂ + k₃) + k₄) (Kutta 1901;
 * Hairer, Nørsett & Wanner, Solving ODEs I, §II.1, Table 1.2). Differentiable: built from
 * @liouville/ad functions only.
 */
export function rk4Step(f: (x: Value) => Value, h: number, x: Value): Value {
  return explicitRungeKuttaStep(rk4Tableau, f, h, x);
}

/**
 * Classical RK4 on Hamilton's equations ẋ = J∇H(x): order 4, explicit, neither symplectic nor
 * symmetric, so energy drifts over long runs; the negative control of the geometric property
 * tests. Steps one state ([dim]) or a batch ([B, dim]).
 *
 * @example
 * ```ts
 * import { energy, kepler, keplerInitialState } from '@liouville/hamiltonian';
 * import { integrate, rk4 } from '@liouville/integrators';
 *
 * const orbit = kepler();
 * const { q, p } = integrate(rk4(orbit, 0.05), keplerInitialState(0.5), { steps: 10_000 }, { saveEvery: 100 });
 * energy(orbit)({ q, p }); // drifts away from H₀ = −0.5 (by 4e-4 after 10 000 steps), and keeps going
 * ```
 */
export const rk4: ExplicitRungeKuttaMethod = explicitRungeKutta(rk4Tableau);
