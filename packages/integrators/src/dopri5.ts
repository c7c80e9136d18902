import { primalTensor } from '@liouville/ad';
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
import { hamiltonianVectorField, joinPhase, splitPhase } from './implicit/phaseSpace.js';
import { assertState, assertSystem } from './forces.js';
import { jitWhenHot } from './hot.js';
import type { State, System } from './system.js';

/**
 * Adaptive Dormand–Prince 5(4) with dense output: a reference solver for datasets and for
 * checking other methods. It evaluates on plain tensors and is not differentiable.
 */

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

// Dormand & Prince, J. Comput. Appl. Math. 6 (1980) 19–26; Hairer, Nørsett & Wanner, Solving ODEs I,
// 2nd ed., §II.5, Table 5.2. Row i of A gives stage i + 1; the last row is the 5th-order solution
// (the FSAL property: its slope is the next step's first stage).
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A: number[][] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
// E = b(5th order) − b̂(4th order), so h·Σ Eᵢkᵢ estimates the local error (Hairer's dopri5.f).
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
// Dense output of order 4 (Hairer, Nørsett & Wanner, Solving ODEs I, §II.6; the coefficients d₁…d₇ of dopri5.f).
const D = [
  -12715105075 / 11282082432,
  0,
  87487479700 / 32700410799,
  -10690763975 / 1880347072,
  701980252875 / 199316789632,
  -1453857185 / 822651844,
  69997945 / 29380423,
];

const SAFETY = 0.9; // HNW I §II.4: aim slightly below the tolerance to avoid rejections
const FAC_MIN = 0.2; // never shrink by more than 5× per step ...
const FAC_MAX = 10; // ... or grow by more than 10× (dopri5.f defaults)
const EPS = 2 ** -52;

type Rhs = (t: number, y: Float64Array) => Float64Array;

/** f on raw arrays, counting evaluations and checking each result's shape and finiteness. */
function wrapRhs(f: (t: number, y: Tensor) => Tensor, shape: readonly number[], counter: { nfev: number }): Rhs {
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

/** y + h·Σⱼ cⱼ kⱼ over the stages with a nonzero coefficient. */
function combine(
  y: Float64Array,
  h: number,
  coefficients: readonly number[],
  k: readonly Float64Array[],
): Float64Array {
  const out = Float64Array.from(y);
  coefficients.forEach((c, j) => {
    if (c === 0) return;
    const kj = k[j];
    for (let i = 0; i < out.length; i++) out[i] += h * c * kj[i];
  });
  return out;
}

/** RMS of vᵢ / (atol + rtol·max(|yᵢ|, |ŷᵢ|)): HNW I, §II.4 (≤ 1 means within tolerance). */
function weightedRms(v: Float64Array, y: Float64Array, yHat: Float64Array, rtol: number, atol: number): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i] / (atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yHat[i])));
    acc += r * r;
  }
  return Math.sqrt(acc / Math.max(v.length, 1));
}

/** One attempted step: the 7 stage slopes (k[6] = f(t + h, y₁), FSAL), y₁ and the error estimate. */
function attemptStep(rhs: Rhs, t: number, y: Float64Array, k1: Float64Array, h: number) {
  const k: Float64Array[] = [k1];
  let yNew = y;
  for (let s = 1; s < 7; s++) {
    const ys = combine(y, h, A[s], k);
    if (s === 6) yNew = ys;
    k.push(rhs(t + C[s] * h, ys));
  }
  const error = combine(new Float64Array(y.length), h, E, k);
  return { yNew, k, error };
}

type Attempt = ReturnType<typeof attemptStep>;

/**
 * The order-4 continuous extension on a step [t, t + h] of DOPRI5, in Hairer's form
 * y(t + θh) = r₁ + θ(r₂ + (1−θ)(r₃ + θ(r₄ + (1−θ) r₅))) (HNW I, §II.6; dopri5.f, CONTD5).
 */
function denseOutput(y: Float64Array, step: Attempt, h: number): (theta: number) => Float64Array {
  const n = y.length;
  const r2 = new Float64Array(n);
  const r3 = new Float64Array(n);
  const r4 = new Float64Array(n);
  const r5 = combine(new Float64Array(n), h, D, step.k);
  for (let i = 0; i < n; i++) {
    r2[i] = step.yNew[i] - y[i];
    r3[i] = h * step.k[0][i] - r2[i];
    r4[i] = r2[i] - h * step.k[6][i] - r3[i];
  }
  return (theta) => {
    const out = new Float64Array(n);
    const t1 = 1 - theta;
    for (let i = 0; i < n; i++) out[i] = y[i] + theta * (r2[i] + t1 * (r3[i] + theta * (r4[i] + t1 * r5[i])));
    return out;
  };
}

/**
 * Starting step size (HNW I, §II.4, "Starting step size"; dopri5.f, HINIT): a first guess
 * h₀ = 0.01‖y₀‖/‖f₀‖, refined with an estimate of the second derivative so that h₁⁵·max(‖f₀‖, ‖y''‖)
 * ≈ 0.01, taking the smaller of 100h₀ and h₁.
 */
function initialStep(
  rhs: Rhs,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  dir: number,
  span: number,
  tol: Settings,
): number {
  const { rtol, atol } = tol;
  const d0 = weightedRms(y0, y0, y0, rtol, atol);
  const d1 = weightedRms(f0, y0, y0, rtol, atol);
  const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1), span);
  const y1 = combine(y0, dir * h0, [1], [f0]);
  const f1 = rhs(t0 + dir * h0, y1);
  const df = f1.map((v, i) => v - f0[i]);
  const d2 = weightedRms(df, y0, y0, rtol, atol) / h0;
  const scale = Math.max(d1, d2);
  const h1 = scale <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / scale) ** (1 / 5);
  return Math.min(100 * h0, h1, span);
}

interface Settings {
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
function checkProblem(tSpan: readonly [number, number], y0: Tensor, options: Dopri5Options): Settings {
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

/** Collects the output: every accepted step, or the tEval times by dense output. */
class Recorder {
  readonly times: number[] = [];
  readonly values: Float64Array[] = [];
  private next = 0;

  constructor(
    private readonly tEval: number[] | null,
    private readonly dir: number,
    t0: number,
    y0: Float64Array,
  ) {
    if (tEval === null) this.push(t0, y0);
    else while (this.next < tEval.length && tEval[this.next] === t0) this.push(tEval[this.next++], y0);
  }

  private push(t: number, y: Float64Array): void {
    this.times.push(t);
    this.values.push(y);
  }

  /** An accepted step from (t, y) to tNew with signed size h. */
  accept(t: number, y: Float64Array, step: Attempt, h: number, tNew: number): void {
    if (this.tEval === null) {
      this.push(tNew, step.yNew);
      return;
    }
    let dense: ((theta: number) => Float64Array) | null = null;
    while (this.next < this.tEval.length && this.dir * (this.tEval[this.next] - tNew) <= 0) {
      const te = this.tEval[this.next++];
      if (te === tNew) this.push(te, step.yNew);
      else {
        dense ??= denseOutput(y, step, h);
        this.push(te, dense((te - t) / h));
      }
    }
  }

  tensors(shape: readonly number[]): { t: Tensor; y: Tensor } {
    const size = shape.reduce((a, b) => a * b, 1);
    const y = new Float64Array(this.values.length * size);
    for (const [i, v] of this.values.entries()) y.set(v, i * size);
    return {
      t: new Tensor(Float64Array.from(this.times), [this.times.length]),
      y: new Tensor(y, [this.values.length, ...shape]),
    };
  }
}

interface Progress {
  t: number;
  y: Float64Array;
  k1: Float64Array;
  /** Unsigned size of the next step. */
  h: number;
}

/** New step size after an attempt with weighted error err (HNW I, §II.4, with the bounds facmin, facmax). */
function nextStepSize(h: number, err: number, justRejected: boolean): number {
  // The embedded estimate is O(h⁵), so h·err^(−1/5) would meet the tolerance exactly.
  const fac = err === 0 ? FAC_MAX : SAFETY * err ** (-1 / 5);
  // No growth right after a rejection (HNW I, §II.4): avoids rejecting the same step again.
  return h * Math.min(justRejected ? 1 : FAC_MAX, Math.max(FAC_MIN, fac));
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
    const err = weightedRms(step.error, y, step.yNew, settings.rtol, settings.atol);
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

/** A reference trajectory of a Hamiltonian system: q and p are [N, ...shape of state0.q]. */
export interface HamiltonianSolution extends Omit<Dopri5Result, 'y'> {
  readonly q: Tensor;
  readonly p: Tensor;
}

/**
 * Integrates Hamilton's equations ẋ = J∇H(x) (∇H by AD) with `dopri5` from one state or a batch
 * ([B, dim], integrated together with one step size). A non-symplectic reference: accuracy comes
 * from the tolerances, not from geometric structure.
 */
export function solveHamiltonian(
  system: System,
  state0: State,
  tSpan: readonly [number, number],
  options: Dopri5Options = {},
): HamiltonianSolution {
  assertSystem(system, 'solveHamiltonian');
  assertState(system, state0, 'solveHamiltonian');
  // The field runs thousands of times: compiled after its first calls (the same bits).
  const field = jitWhenHot(hamiltonianVectorField(system));
  const x0 = primalTensor(joinPhase(state0.q, state0.p));
  const { y, ...rest } = dopri5((_t, x) => primalTensor(field(x)), tSpan, x0, options);
  const { q, p } = splitPhase(y, system.dim);
  return { ...rest, q: primalTensor(q), p: primalTensor(p) };
}
