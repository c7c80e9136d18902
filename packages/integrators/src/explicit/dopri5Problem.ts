import {
  InvalidArgumentError,
  LiouvilleError,
  NonFiniteError,
  ShapeError,
  Tensor,
  checkFinitePositive,
  checkPositiveInteger,
  formatShape,
} from '@liouville/linalg';
import { EPS } from './controller.js';

/** The problem `dopri5` solves: options, results, errors and the validation of its arguments. */

/** Options of `dopri5`, named as SciPy's solve_ivp. */
export interface Dopri5Options {
  /** Relative tolerance (default 1e-6); between 100·ε ≈ 2.2e-14 and 1. */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-9); > 0 (a tiny value gives pure relative control). */
  readonly atol?: number;
  /** Report the solution exactly at these times (by dense output), ordered in the direction of integration. */
  readonly tEval?: readonly number[] | Tensor;
  /** Maximum number of attempted steps (default 1e6). */
  readonly maxSteps?: number;
  /** Initial step size (> 0); chosen automatically by default. */
  readonly firstStep?: number;
}

/** The solution at the output times and the work statistics. */
export interface Dopri5Result {
  /** Output times [N]: tEval, or t0 and every accepted step's end. */
  readonly t: Tensor;
  /** The solution at those times, [N, ...shape of y0]. */
  readonly y: Tensor;
  /** Evaluations of f. */
  readonly nfev: number;
  /** Attempted steps = naccepted + nrejected. */
  readonly nsteps: number;
  readonly naccepted: number;
  readonly nrejected: number;
}

/** The solver needed more than maxSteps steps to reach the end of tSpan. */
export class MaxStepsExceededError extends LiouvilleError {
  override name = 'MaxStepsExceededError';
  constructor(
    readonly maxSteps: number,
    /** The time reached. */
    readonly t: number,
    readonly tSpan: readonly [number, number],
  ) {
    super(
      `dopri5: maxSteps: ${maxSteps} steps reached at t = ${t} before the end of tSpan [${tSpan[0]}, ${tSpan[1]}]; raise maxSteps or loosen rtol/atol`,
    );
  }
}

/** The step size fell below what float64 can resolve at t (a singularity or extreme stiffness). */
export class StepSizeTooSmallError extends LiouvilleError {
  override name = 'StepSizeTooSmallError';
  constructor(
    readonly t: number,
    readonly h: number,
  ) {
    super(`dopri5: step size ${h} at t = ${t} is too small to make progress in float64 (singularity or stiffness?)`);
  }
}

/** The right-hand side on raw arrays. */
export type Rhs = (t: number, y: Float64Array) => Float64Array;

/** f on raw arrays, counting evaluations and checking each result's shape and finiteness. */
export function wrapRhs(f: (t: number, y: Tensor) => Tensor, shape: readonly number[], counter: { nfev: number }): Rhs {
  const size = shape.reduce((a, b) => a * b, 1);
  return (t, y) => {
    counter.nfev++;
    const out = f(t, new Tensor(y, [...shape]));
    if (
      !(out instanceof Tensor) ||
      out.size !== size ||
      out.shape.length !== shape.length ||
      out.shape.some((n, i) => n !== shape[i])
    ) {
      const given = out instanceof Tensor ? formatShape(out.shape) : String(out);
      throw new ShapeError(
        'dopri5',
        `f(t, y) must return a Tensor of the shape of y0, ${formatShape(shape)}; got ${given}`,
      );
    }
    const data = out.data instanceof Float64Array ? out.data : Float64Array.from(out.data);
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(data[i])) throw new NonFiniteError(`dopri5: f(t, y) returned NaN or Infinity at t = ${t}`);
    }
    return data;
  };
}

/** The validated options, defaults filled in. */
export interface Settings {
  rtol: number;
  atol: number;
  maxSteps: number;
  firstStep: number | undefined;
  tEval: number[] | null;
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function checkTEval(tEval: readonly number[] | Tensor, t0: number, t1: number): number[] {
  const times = tEval instanceof Tensor ? Array.from(tEval.data) : Array.from(tEval);
  const dir = Math.sign(t1 - t0);
  const inside = (t: number) => isFiniteNumber(t) && dir * (t - t0) >= 0 && dir * (t1 - t) >= 0;
  const ordered = times.every((t, i) => i === 0 || dir * (t - times[i - 1]) >= 0);
  if (!times.every(inside) || !ordered) {
    throw new InvalidArgumentError(
      'dopri5: tEval',
      `finite times inside tSpan [${t0}, ${t1}], ordered from t0 towards t1`,
      tEval,
    );
  }
  return times;
}

/** Validates the problem and options (InvalidArgumentError naming the argument otherwise). */
export function checkProblem(tSpan: readonly [number, number], y0: Tensor, options: Dopri5Options): Settings {
  const { rtol = 1e-6, atol = 1e-9, maxSteps = 1e6, firstStep, tEval } = options;
  if (!Array.isArray(tSpan) || tSpan.length !== 2 || !tSpan.every(isFiniteNumber) || tSpan[0] === tSpan[1]) {
    throw new InvalidArgumentError('dopri5: tSpan', 'two different finite times [t0, t1]', tSpan);
  }
  if (!(y0 instanceof Tensor) || y0.size === 0 || !Array.from(y0.data).every(Number.isFinite)) {
    throw new InvalidArgumentError('dopri5: y0', 'a non-empty Tensor of finite numbers', y0);
  }
  // Below ~100 ulps the rounding of the stage sums alone exceeds the tolerance (SciPy uses the same floor).
  if (!isFiniteNumber(rtol) || rtol < 100 * EPS || rtol > 1) {
    throw new InvalidArgumentError('dopri5: rtol', 'a relative tolerance in [100·ε ≈ 2.2e-14, 1]', rtol);
  }
  checkFinitePositive('dopri5: atol', atol);
  checkPositiveInteger('dopri5: maxSteps', maxSteps);
  const span = Math.abs(tSpan[1] - tSpan[0]);
  if (firstStep !== undefined && (!isFiniteNumber(firstStep) || firstStep <= 0 || firstStep > span)) {
    throw new InvalidArgumentError('dopri5: firstStep', `a step size in (0, ${span}]`, firstStep);
  }
  return { rtol, atol, maxSteps, firstStep, tEval: tEval === undefined ? null : checkTEval(tEval, tSpan[0], tSpan[1]) };
}
