import { type Value, primalTensor } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';
import { checkSteps } from '../rollout.js';
import type { State, Step } from '../system.js';
import { PropertyCheckError } from './check.js';

/** What `expectBoundedEnergyError` measured. */
export interface EnergyErrorMeasurement {
  /** max |H(x_k) − H(x_0)| over the first half of the steps. */
  readonly firstHalf: number;
  /** max |H(x_k) − H(x_0)| over the second half. */
  readonly secondHalf: number;
  /** secondHalf / firstHalf. */
  readonly ratio: number;
}

function energies(H: (q: Value, p: Value) => Value, state: State): Float64Array | Float32Array {
  return primalTensor(H(state.q, state.p)).data;
}

function maxDeviation(now: ArrayLike<number>, start: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < now.length; i++) {
    const d = Math.abs(now[i] - start[i]);
    if (Number.isNaN(d)) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, d);
  }
  return worst;
}

/**
 * Asserts the long-time energy behaviour of a symplectic method (Hairer, Lubich & Wanner, GNI
 * 2nd ed., Thm. IX.8.1: the energy error stays O(dt^p) over exponentially long times, without
 * drift): the largest |H − H₀| over the second half of `steps` steps is at most `ratio` (1.5)
 * times that over the first half. A drifting error grows and fails. Returns both maxima.
 */
export function expectBoundedEnergyError(
  step: Step,
  H: (q: Value, p: Value) => Value,
  state0: State,
  steps: number,
  options: { readonly ratio?: number } = {},
): EnergyErrorMeasurement {
  checkSteps('expectBoundedEnergyError: steps', steps);
  if (steps < 2)
    throw new InvalidArgumentError('expectBoundedEnergyError: steps', 'at least 2 steps (two halves)', steps);
  const allowed = options.ratio ?? 1.5;
  const h0 = energies(H, state0);
  const half = Math.floor(steps / 2);
  let firstHalf = 0;
  let secondHalf = 0;
  let state = state0;
  for (let k = 1; k <= steps; k++) {
    state = step(state);
    const e = maxDeviation(energies(H, state), h0);
    if (k <= half) firstHalf = Math.max(firstHalf, e);
    else secondHalf = Math.max(secondHalf, e);
  }
  const ratio = secondHalf === 0 ? 0 : secondHalf / firstHalf;
  if (!(ratio <= allowed)) {
    throw new PropertyCheckError(
      'expectBoundedEnergyError',
      ratio,
      allowed,
      `the energy error grows: max |H − H₀| is ${firstHalf.toExponential(3)} over steps 1…${half} and ${secondHalf.toExponential(3)} over steps ${half + 1}…${steps}, a ratio ${ratio.toFixed(3)} > ${allowed}`,
    );
  }
  return { firstHalf, secondHalf, ratio };
}
