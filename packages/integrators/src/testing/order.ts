import { InvalidArgumentError } from '@liouville/linalg';
import { integrate, resolveSpan } from '../rollout.js';
import type { State } from '../system.js';
import { PropertyCheckError, maxAbsDifference } from './check.js';
import type { MethodFor } from './reversible.js';

/** Options of `expectOrder`. */
export interface OrderOptions {
  /** Time at which the global error is measured; a whole number of every step size. */
  readonly tEnd: number;
  /** Step sizes, at least two distinct ones, all in the asymptotic regime. */
  readonly dts: readonly number[];
  /** Allowed |measured − declared| (default 0.2). */
  readonly tolerance?: number;
  /**
   * Smallest error that counts as a measurement (default 1e-12): below it rounding, not
   * truncation, dominates and the fitted slope would mean nothing, so the check refuses it.
   */
  readonly minError?: number;
}

/** What `expectOrder` measured. */
export interface OrderMeasurement {
  /** The fitted slope of log(error) against log(dt). */
  readonly order: number;
  /** Global error max |x(tEnd) − exact(tEnd)| per step size. */
  readonly errors: readonly number[];
  readonly dts: readonly number[];
}

/** The least-squares slope of y against x. */
export function leastSquaresSlope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

function checkOptions(options: OrderOptions): void {
  const { dts } = options;
  if (!Array.isArray(dts) || dts.length < 2 || new Set(dts).size !== dts.length) {
    throw new InvalidArgumentError('expectOrder: dts', 'at least two distinct step sizes', dts);
  }
}

/** The global error at tEnd of one rollout with step size dt. */
function globalError<S>(
  method: MethodFor<S>,
  system: S,
  state0: State,
  exact: State,
  tEnd: number,
  dt: number,
): number {
  const { steps } = resolveSpan({ tEnd, dt });
  // One compiled loop when the step traces (the same bits as stepping), keeping only the end.
  const state = integrate(method(system, dt), state0, { steps }, { saveEvery: steps }).final;
  return Math.max(maxAbsDifference('expectOrder', state.q, exact.q), maxAbsDifference('expectOrder', state.p, exact.p));
}

/**
 * Measures the empirical global order of a method: the least-squares slope of log(error) against
 * log(dt), error = max |x_N − x(tEnd)| for each step size (Hairer, Nørsett & Wanner, Solving
 * ODEs I, §II.4), and asserts it is within `tolerance` (0.2) of the declared `method.info.order`.
 * Returns the measurement; throws a PropertyCheckError listing the errors otherwise.
 */
export function expectOrder<S>(
  method: MethodFor<S>,
  system: S,
  state0: State,
  exact: (t: number) => State,
  options: OrderOptions,
): OrderMeasurement {
  checkOptions(options);
  const { tEnd, dts, tolerance = 0.2, minError = 1e-12 } = options;
  const reference = exact(tEnd);
  const errors = dts.map((dt) => globalError(method, system, state0, reference, tEnd, dt));
  const table = dts.map((dt, i) => `dt = ${dt}: ${errors[i].toExponential(3)}`).join('; ');
  const name = method.info.name;
  errors.forEach((e, i) => {
    if (!(e >= minError)) {
      throw new PropertyCheckError(
        'expectOrder',
        e,
        minError,
        `${name}: error ${e} at dt = ${dts[i]} is below ${minError}, where rounding dominates; use larger steps (${table})`,
      );
    }
  });
  const order = leastSquaresSlope(dts.map(Math.log), errors.map(Math.log));
  const declared = method.info.order;
  if (!(Math.abs(order - declared) <= tolerance)) {
    throw new PropertyCheckError(
      'expectOrder',
      order,
      tolerance,
      `${name}: measured order ${order.toFixed(3)} differs from the declared ${declared} by more than ${tolerance} (${table})`,
    );
  }
  return { order, errors, dts: [...dts] };
}
