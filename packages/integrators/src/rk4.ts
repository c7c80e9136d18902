import { type Value, add, mul } from '@liouville/ad';
import { hamiltonianVectorField, joinPhase, splitPhase } from './implicit/phaseSpace.js';
import { assertState, assertSystem } from './forces.js';
import {
  type GeneralMethod,
  type MethodInfo,
  type State,
  type Step,
  type StepOptions,
  type System,
  signedStep,
} from './system.js';

const info: MethodInfo = {
  name: 'rk4',
  order: 4,
  symplectic: false,
  symmetric: false,
  requires: 'any',
  implicit: false,
};

/** x + h·v, the stage update of an explicit Runge–Kutta method. */
const axpy = (x: Value, h: number, v: Value): Value => add(x, mul(h, v));

/**
 * One classical Runge–Kutta step of order 4 for ẋ = f(x) (Kutta 1901; Hairer, Nørsett & Wanner,
 * Solving ODEs I, §II.1, Table 1.2). Differentiable: built from @liouville/ad functions only.
 */
export function rk4Step(f: (x: Value) => Value, h: number, x: Value): Value {
  const k1 = f(x);
  const k2 = f(axpy(x, h / 2, k1));
  const k3 = f(axpy(x, h / 2, k2));
  const k4 = f(axpy(x, h, k3));
  return axpy(x, h / 6, add(add(k1, mul(2, add(k2, k3))), k4));
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
export const rk4: GeneralMethod = Object.assign(
  (system: System, dt: number, options: StepOptions = {}): Step => {
    assertSystem(system, 'rk4');
    const h = signedStep('rk4', dt, options);
    const f = hamiltonianVectorField(system);
    return (state: State): State => {
      assertState(system, state, 'rk4');
      return splitPhase(rk4Step(f, h, joinPhase(state.q, state.p)), system.dim);
    };
  },
  { info },
);
