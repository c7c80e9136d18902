import type { Value } from '@liouville/ad';
import { assertState, assertSystem } from '../forces.js';
import { isSymmetricTableau, isSymplecticTableau } from '../implicit/butcherTableau.js';
import { hamiltonianVectorField, joinPhase, splitPhase } from '../phaseSpace.js';
import { type MethodInfo, type State, type Step, type StepOptions, type System, signedStep } from '../system.js';
import { explicitStep, valueOps } from './stepper.js';
import type { ExplicitTableau } from './tableau.js';

/** An explicit Runge–Kutta method on Hamilton's equations: a `GeneralMethod` that carries its tableau. */
export type ExplicitRungeKuttaMethod = ((system: System, dt: number, options?: StepOptions) => Step) & {
  readonly info: MethodInfo;
  readonly tableau: ExplicitTableau;
};

/** One step of the tableau's method for the autonomous ẋ = f(x); differentiable (@liouville/ad functions only). */
export function explicitRungeKuttaStep(tableau: ExplicitTableau, f: (x: Value) => Value, h: number, x: Value): Value {
  return explicitStep(valueOps, tableau, (_t, y) => f(y), 0, x, h).next;
}

/**
 * The explicit Runge–Kutta method of a tableau on Hamilton's equations ẋ = J∇H(x), for any
 * system, one state ([dim]) or a batch ([B, dim]). Explicit methods are neither symplectic nor
 * symmetric (Hairer, Lubich & Wanner, GNI, 2nd ed., §VI.4); `info` says so from the tableau.
 *
 * @example
 * ```ts
 * import { explicitRungeKutta, explicitTableau } from '@liouville/integrators';
 *
 * // Heun's method, order 2: k₂ = f(x₀ + h k₁), x₁ = x₀ + h/2·(k₁ + k₂). Coefficients as fractions.
 * const heun = explicitRungeKutta(
 *   explicitTableau({ name: 'heun', order: 2, a: [[], [[1, 1]]], b: { numerators: [1, 1], denominator: 2 }, c: [[0, 1], [1, 1]] }),
 * );
 * heun.info; // { name: 'heun', order: 2, symplectic: false, symmetric: false, requires: 'any', implicit: false }
 * ```
 */
export function explicitRungeKutta(tableau: ExplicitTableau): ExplicitRungeKuttaMethod {
  const { name, order } = tableau;
  const info: MethodInfo = {
    name,
    order,
    symplectic: isSymplecticTableau(tableau),
    symmetric: isSymmetricTableau(tableau),
    requires: 'any',
    implicit: false,
  };
  const method = (system: System, dt: number, options: StepOptions = {}): Step => {
    assertSystem(system, name);
    const h = signedStep(name, dt, options);
    const f = hamiltonianVectorField(system);
    return (state: State): State => {
      assertState(system, state, name);
      return splitPhase(explicitRungeKuttaStep(tableau, f, h, joinPhase(state.q, state.p)), system.dim);
    };
  };
  return Object.assign(method, { info, tableau });
}
