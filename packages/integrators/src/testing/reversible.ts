import type { MethodInfo, State, Step, StepOptions } from '../system.js';
import { PropertyCheckError, maxAbsDifference } from './check.js';

/** A method applicable to systems of type S (a separable method with S separable, a general one with any). */
export type MethodFor<S> = ((system: S, dt: number, options?: StepOptions) => Step) & { readonly info: MethodInfo };

/**
 * Asserts time reversibility of a symmetric method (Hairer, Lubich & Wanner, GNI 2nd ed.,
 * Def. II.3.1 and §V.1): one step of dt followed by one step backward ({ backward: true }) returns
 * to the start, max |Φ_{−dt}(Φ_dt(x)) − x| ≤ tol over q and p. Returns the measured error.
 */
export function expectReversible<S>(method: MethodFor<S>, system: S, state: State, dt: number, tol = 1e-12): number {
  const there = method(system, dt)(state);
  const back = method(system, dt, { backward: true })(there);
  const error = Math.max(
    maxAbsDifference('expectReversible', back.q, state.q),
    maxAbsDifference('expectReversible', back.p, state.p),
  );
  if (!(error <= tol)) {
    throw new PropertyCheckError(
      'expectReversible',
      error,
      tol,
      `${method.info.name}: stepping dt = ${dt} forward then backward misses the start by ${error.toExponential(3)} (tolerance ${tol.toExponential(1)})`,
    );
  }
  return error;
}
