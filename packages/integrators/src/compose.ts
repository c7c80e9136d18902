import { InvalidArgumentError, checkPositiveInteger } from '@liouville/linalg';
import {
  type Substep,
  type SplittingMethod,
  accurateSum,
  isPalindrome,
  schemeOf,
  splittingMethod,
  substeps,
} from './splitting.js';
import {
  type GeneralMethod,
  type Method,
  type MethodInfo,
  type SeparableMethod,
  type State,
  type Step,
  type StepOptions,
  type System,
  signedStep,
} from './system.js';

/** Composition weights must sum to 1 to this absolute tolerance (consistency). */
const CONSISTENCY_TOL = 1e-14;

function checkComposition(method: Method, gammas: readonly number[], name: string, order: number): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError('compose: name', 'a non-empty string', name);
  if (typeof method !== 'function' || typeof method.info !== 'object') {
    throw new InvalidArgumentError(`${name}: method`, 'an integration method (a function with info)', method);
  }
  if (!method.info.symmetric) {
    throw new InvalidArgumentError(
      `${name}: method`,
      'a symmetric method (compositions raise the order of symmetric methods)',
      method.info.name,
    );
  }
  if (
    !Array.isArray(gammas) ||
    gammas.length === 0 ||
    !gammas.every((g) => typeof g === 'number' && Number.isFinite(g))
  ) {
    throw new InvalidArgumentError(`${name}: gammas`, 'a non-empty array of finite weights', gammas);
  }
  const total = accurateSum(gammas);
  if (Math.abs(total - 1) > CONSISTENCY_TOL) {
    throw new InvalidArgumentError(
      `${name}: gammas`,
      `weights summing to 1 (consistency), to ${CONSISTENCY_TOL}`,
      `a sum of ${total}`,
    );
  }
  checkPositiveInteger(`${name}: order`, order);
}

/** A splitting method composed with weights is again a splitting: its sub-flows, scaled and merged. */
function composeSplitting(
  method: SplittingMethod,
  gammas: readonly number[],
  name: string,
  order: number,
  symmetric: boolean,
): SplittingMethod {
  const base = substeps(method.scheme);
  const sequence: Substep[] = gammas.flatMap((g) => base.map((s) => ({ kind: s.kind, c: g * s.c })));
  return splittingMethod(schemeOf({ name, order, symmetric }, sequence));
}

/** Any other method: the steps Φ_{γ_s dt} ∘ … ∘ Φ_{γ_1 dt} taken one after another. */
function composeSteps(method: Method, gammas: readonly number[], info: MethodInfo): Method {
  const composed = (system: System, dt: number, options: StepOptions = {}): Step => {
    const h = signedStep(info.name, dt, options);
    // A negative weight is a step backward in time: methods take dt > 0 and a direction.
    const steps = gammas
      .filter((g) => g !== 0)
      .map((g) => (method as GeneralMethod)(system, Math.abs(g * h), { backward: g * h < 0 }));
    return (state: State) => steps.reduce((s, step) => step(s), state);
  };
  return Object.assign(composed, { info });
}

/**
 * θ = 1/(2 − 2^{1/3}): the outer weight of the fourth-order triple jump θΦ ∘ (1 − 2θ)Φ ∘ θΦ of a
 * symmetric second-order Φ (Yoshida, Phys. Lett. A 150, 1990; Hairer, Lubich & Wanner, GNI 2nd
 * ed., §II.4). Shared by the splitting methods and Tao's fourth-order step.
 */
export const TRIPLE_JUMP = 1 / (2 - 2 ** (1 / 3));

/**
 * The composition Ψ_dt = Φ_{γ_s dt} ∘ … ∘ Φ_{γ_1 dt} of a symmetric method Φ with weights γ
 * (Σγ = 1): with palindromic γ satisfying the order conditions it raises the order, as in
 * Yoshida's triple jump and Suzuki's fractal (Yoshida, Phys. Lett. A 150, 1990; Suzuki, Phys.
 * Lett. A 146, 1990; Hairer, Lubich & Wanner, GNI 2nd ed., §II.4 and §V.3). `order` is the
 * order the weights achieve; the property tests hold it to that claim.
 */
export function compose(method: GeneralMethod, gammas: readonly number[], name: string, order: number): GeneralMethod;
export function compose(
  method: SeparableMethod,
  gammas: readonly number[],
  name: string,
  order: number,
): SeparableMethod;
export function compose(method: Method, gammas: readonly number[], name: string, order: number): Method {
  checkComposition(method, gammas, name, order);
  const symmetric = isPalindrome(gammas, (g) => g);
  if ('scheme' in method && method.scheme !== undefined) {
    return composeSplitting(method as SplittingMethod, gammas, name, order, symmetric);
  }
  const { symplectic, requires, implicit } = method.info;
  return composeSteps(method, [...gammas], Object.freeze({ name, order, symplectic, symmetric, requires, implicit }));
}
