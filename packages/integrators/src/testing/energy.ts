import { type Value, primalTensor } from '@liouville/ad';
import { InvalidArgumentError, Tensor } from '@liouville/linalg';
import { checkSteps, integrate } from '../rollout.js';
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

/** Row i of a stacked [N, ...] tensor as a plain tensor of the remaining shape. */
function rowOf(x: Tensor, i: number): Tensor {
  const size = x.size / x.shape[0];
  return new Tensor(x.data.subarray(i * size, (i + 1) * size), x.shape.slice(1));
}

/**
 * The energies of the N states of a trajectory ([N, ...shape of a state]), `per` numbers each:
 * H evaluated once on the whole stack when it returns one energy per state (as the catalogue's
 * energies, written over leading batch axes, do), else state by state.
 */
function energiesAlong(H: (q: Value, p: Value) => Value, q: Tensor, p: Tensor, per: number): ArrayLike<number> {
  const rows = q.shape[0];
  const stacked = primalTensor(H(q, p));
  if (stacked.shape[0] === rows && stacked.size === rows * per) return stacked.data;
  const out = new Float64Array(rows * per);
  for (let i = 0; i < rows; i++) out.set(energies(H, { q: rowOf(q, i), p: rowOf(p, i) }), i * per);
  return out;
}

/** The largest |H(x) − H₀| of one state, from its `start.length` energies at `offset`; ∞ for NaN. */
function maxDeviation(now: ArrayLike<number>, offset: number, start: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < start.length; i++) {
    const d = Math.abs(now[offset + i] - start[i]);
    if (Number.isNaN(d)) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, d);
  }
  return worst;
}

/**
 * Steps rolled out per call of `integrate` (compiled into one loop when the step traces): bounds
 * the memory of the saved states, and every full chunk reuses one compiled program.
 */
const CHUNK = 10_000;

/** max |H − H₀| over steps 1…half and half+1…steps, the states rolled out in chunks. */
function halfMaxima(
  step: Step,
  H: (q: Value, p: Value) => Value,
  state0: State,
  steps: number,
): { firstHalf: number; secondHalf: number; half: number } {
  const h0 = energies(H, state0);
  const half = Math.floor(steps / 2);
  let firstHalf = 0;
  let secondHalf = 0;
  let state = state0;
  for (let done = 0; done < steps; ) {
    const n = Math.min(CHUNK, steps - done);
    const { q, p, final } = integrate(step, state, { steps: n });
    const e = energiesAlong(H, primalTensor(q), primalTensor(p), h0.length);
    // Row 0 is the chunk's start, already counted; rows 1…n are steps done + 1 … done + n.
    for (let i = 1; i <= n; i++) {
      const deviation = maxDeviation(e, i * h0.length, h0);
      if (done + i <= half) firstHalf = Math.max(firstHalf, deviation);
      else secondHalf = Math.max(secondHalf, deviation);
    }
    state = final;
    done += n;
  }
  return { firstHalf, secondHalf, half };
}

/**
 * Asserts the long-time energy behaviour of a symplectic method (Hairer, Lubich & Wanner, GNI
 * 2nd ed., Thm. IX.8.1: the energy error stays O(dt^p) over exponentially long times, without
 * drift): the largest |H − H₀| over the second half of `steps` steps is at most `ratio` (1.5)
 * times that over the first half, every step counted. A drifting error grows and fails. Returns
 * both maxima. The states come from `integrate` (a compiled loop when the step traces, the same
 * bits as stepping), and H reads them stacked, [N, ...shape of a state], when it returns one
 * energy per state (as energies written over leading batch axes do), else state by state.
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
  const { firstHalf, secondHalf, half } = halfMaxima(step, H, state0, steps);
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
