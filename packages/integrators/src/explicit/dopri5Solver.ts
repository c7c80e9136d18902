import { NonFiniteError, type Tensor } from '@liouville/linalg';
import { EPS, initialStep, nextStepSize, weightedRms } from './controller.js';
import { Recorder } from './denseOutput.js';
import {
  type Dopri5Options,
  type Dopri5Result,
  MaxStepsExceededError,
  type Rhs,
  type Settings,
  StepSizeTooSmallError,
  checkProblem,
  wrapRhs,
} from './dopri5Problem.js';
import { dopri5Tableau } from './dopri5Tableau.js';
import { arrayOps, explicitStep } from './stepper.js';

/** The DOPRI5 driver: attempted steps of the tableau, accepted or rejected by the controller. */

const errorWeights = (dopri5Tableau.embedded as NonNullable<typeof dopri5Tableau.embedded>).error;

/** One attempted step: the 7 stage slopes (k[6] = f(t + h, y₁), FSAL), y₁ and the error estimate h Σ eᵢkᵢ. */
function attemptStep(rhs: Rhs, t: number, y: Float64Array, k1: Float64Array, h: number) {
  const { slopes, next } = explicitStep(arrayOps, dopri5Tableau, rhs, t, y, h, k1);
  const error = arrayOps.combine(new Float64Array(y.length), h, errorWeights, slopes);
  return { yNew: next, k: slopes, error };
}

interface Progress {
  t: number;
  y: Float64Array;
  k1: Float64Array;
  /** Unsigned size of the next step. */
  h: number;
}

/** The step loop: accept or reject, adapt h, hand accepted steps to the recorder. */
function integrate(
  rhs: Rhs,
  start: Progress,
  tSpan: readonly [number, number],
  settings: Settings,
  recorder: Recorder,
) {
  const t1 = tSpan[1];
  const dir = Math.sign(t1 - tSpan[0]);
  let { t, y, k1, h } = start;
  let naccepted = 0;
  let nrejected = 0;
  let rejected = false;
  while (dir * (t1 - t) > 0) {
    if (naccepted + nrejected >= settings.maxSteps) throw new MaxStepsExceededError(settings.maxSteps, t, tSpan);
    if (!(h > 10 * EPS * Math.abs(t))) throw new StepSizeTooSmallError(t, dir * h);
    // Stretch a step that would end within 1% of t1 so it lands on t1 exactly (as dopri5.f does).
    const last = 1.01 * h >= dir * (t1 - t);
    if (last) h = dir * (t1 - t);
    const step = attemptStep(rhs, t, y, k1, dir * h);
    const err = weightedRms(step.error, y, step.yNew, settings);
    if (Number.isNaN(err)) throw new NonFiniteError(`dopri5: the solution overflowed near t = ${t}`);
    if (err <= 1) {
      const tNew = last ? t1 : t + dir * h;
      recorder.accept(t, y, step, dir * h, tNew);
      [t, y, k1] = [tNew, step.yNew, step.k[6]];
      naccepted++;
    } else nrejected++;
    h = nextStepSize(h, err, rejected);
    rejected = err > 1;
  }
  return { nsteps: naccepted + nrejected, naccepted, nrejected };
}

/**
 * Solves y' = f(t, y) on tSpan by the explicit Runge–Kutta pair of Dormand & Prince, order 5(4),
 * with FSAL, local extrapolation, step size control and order-4 dense output (Dormand & Prince,
 * J. Comput. Appl. Math. 6, 1980; Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.4–II.6),
 * API like SciPy's solve_ivp. Plain tensors in and out; not differentiable.
 *
 * @example
 * ```ts
 * import { dopri5 } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * // y'' = −y written as y' = (y₁, −y₀), from y(0) = (0, 1): y₀(t) = sin t.
 * const { t, y, nfev } = dopri5((_t, y) => tensor([y.get(1), -y.get(0)]), [0, Math.PI], tensor([0, 1]), {
 *   rtol: 1e-10,
 *   atol: 1e-12,
 *   tEval: [Math.PI / 2, Math.PI],
 * });
 * // t = [π/2, π], y ≈ [[1, 0], [0, −1]] (errors about 1e-11). For a Hamiltonian system use
 * // solveHamiltonian(system, state0, tSpan, options), which takes ∇H by AD.
 * ```
 */
export function dopri5(
  f: (t: number, y: Tensor) => Tensor,
  tSpan: readonly [number, number],
  y0: Tensor,
  options: Dopri5Options = {},
): Dopri5Result {
  const settings = checkProblem(tSpan, y0, options);
  const [t0, t1] = tSpan;
  const dir = Math.sign(t1 - t0);
  const counter = { nfev: 0 };
  const rhs = wrapRhs(f, y0.shape, counter);
  const y = Float64Array.from(y0.data);
  const k1 = rhs(t0, y);
  const h = settings.firstStep ?? initialStep(rhs, t0, y, k1, dir, Math.abs(t1 - t0), settings);
  const recorder = new Recorder(settings.tEval, dir, t0, y);
  const stats = integrate(rhs, { t: t0, y, k1, h }, tSpan, settings, recorder);
  return { ...recorder.tensors(y0.shape), nfev: counter.nfev, ...stats };
}
