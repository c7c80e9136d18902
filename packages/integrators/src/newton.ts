import { type Value, add, jacfwd, matmul, neg, primalTensor, reshape, sub } from '@liouville/ad';
import { LiouvilleError, Tensor, checkFinitePositive, checkPositiveInteger, inv } from '@liouville/linalg';
import type { State } from './system.js';

/**
 * Newton's method for the stage equations of implicit methods, F(z) = 0 with z of shape [B, m]:
 * B independent problems (one per state of a batch), row b of F depending only on row b of z.
 */

/** Options of the Newton solver. */
export interface NewtonOptions {
  /**
   * Stop when every row's increment satisfies ‖Δz‖∞ ≤ tol·(1 + scale), scale = max(‖x₀‖∞, ‖z‖∞)
   * (absolute for small states, relative for large ones). Default 1e-14 ≈ 45 ulps at unit scale:
   * the residual is evaluated with a rounding error of a few ulps of x₀ and z, so a smaller tol
   * may never be met, while Newton's quadratic convergence leaves an error ~‖Δz‖² ≪ tol after it.
   */
  readonly tol?: number;
  /** Maximum number of Newton iterations (default 50; from a good guess 3–6 are typical). */
  readonly maxIterations?: number;
}

/** Newton's method did not meet its tolerance: carries the state, the residual and the iterations. */
export class NewtonConvergenceError extends LiouvilleError {
  override name = 'NewtonConvergenceError';
  constructor(
    /** The state (plain tensors) whose step failed. */
    readonly state: State,
    /** ‖F(z)‖∞ at the last iterate. */
    readonly residualNorm: number,
    /** Newton iterations performed. */
    readonly iterations: number,
    /** The last increment's size ‖Δz‖∞ and the tolerance it had to meet. */
    readonly incrementNorm: number,
    readonly tol: number,
  ) {
    super(
      `Newton's method did not converge in ${iterations} iteration${iterations === 1 ? '' : 's'}: ` +
        `residual norm ${residualNorm.toExponential(3)}, last increment ${incrementNorm.toExponential(3)} > tol ${tol} ` +
        `(state q = ${preview(state.q)}, p = ${preview(state.p)}); try a smaller dt or a larger maxIterations`,
    );
  }
}

function preview(x: Value): string {
  const data = Array.from(primalTensor(x).data.slice(0, 6), (v) => Number(v.toPrecision(6)));
  return `[${data.join(', ')}${x.size > 6 ? ', …' : ''}]`;
}

/** Validated solver options with their defaults. */
export function newtonOptions(options: NewtonOptions = {}): Required<NewtonOptions> {
  const { tol = 1e-14, maxIterations = 50 } = options;
  return {
    tol: checkFinitePositive('newton: tol', tol),
    maxIterations: checkPositiveInteger('newton: maxIterations', maxIterations),
  };
}

/**
 * A converged solution: z, and the inverse Jacobian blocks [B, m, m] taken at the last iterate
 * that had one, or retaken at z when the problem asks for an exact Jacobian.
 */
export interface NewtonSolution {
  readonly z: Tensor;
  readonly inverseJacobian: Tensor;
  readonly iterations: number;
}

/** What the solver needs besides F: the starting guess, a scale for the test, the state for errors. */
export interface NewtonProblem {
  /** F on plain tensors: [B, m] → [B, m], rows independent. */
  readonly residual: (z: Value) => Value;
  readonly z0: Tensor;
  /** Per-row scale of the problem (‖x₀‖∞ of each state), for the relative part of the test. */
  readonly scale: readonly number[];
  readonly state: State;
  /**
   * Whether the solution's inverse Jacobian must be taken at the solution (default true): needed
   * when newtonCorrection will be differentiated. When false it may be one taken at an earlier
   * iterate, which serves a correction on plain values just as well.
   */
  readonly exactJacobian?: boolean;
}

/**
 * The Jacobian blocks ∂F_b/∂z_b, [B, m, m], in one batched forward pass: a shift u ∈ ℝᵐ added to
 * every row moves each row's own unknowns only, because rows are independent. Built from
 * differentiable functions only, so it traces under `jit`.
 */
export function jacobianBlocks(residual: (z: Value) => Value, z: Value): Value {
  const m = z.shape[1];
  const shifted = (u: Value) => residual(add(z, u));
  return jacfwd(shifted)(new Tensor(new Float64Array(m), [m])) as Value;
}

/** Row b of a [B, m] tensor, or block b of a [B, m, m] tensor, as a plain tensor. */
function row(x: Tensor, b: number): Tensor {
  const size = x.size / x.shape[0];
  return new Tensor(x.data.slice(b * size, (b + 1) * size), x.shape.slice(1));
}

/**
 * One Newton update of every row from the residual f = F(z) and the inverse blocks [B, m, m]:
 * [z + Δz, Δz] with Δz_b = −(∂F_b/∂z_b)⁻¹ F_b. Traceable under `jit`.
 */
export function newtonUpdate(z: Value, inverse: Value, f: Value): [Value, Value] {
  const [rows, m] = f.shape;
  const dz = neg(reshape(matmul(inverse, reshape(f, [rows, m, 1])), [rows, m]));
  return [add(z, dz), dz];
}

/**
 * What the Newton iteration evaluates, on plain tensors: F, its Jacobian blocks and one update.
 * `newtonSolve` builds them from a residual function; an implicit method passes compiled ones.
 */
export interface NewtonKernels {
  /** F(z), [B, m]. */
  readonly residual: (z: Tensor) => Tensor;
  /** ∂F_b/∂z_b at z, [B, m, m]. */
  readonly jacobian: (z: Tensor) => Tensor;
  /** [z + Δz, Δz] of `newtonUpdate` at z with these inverse blocks. */
  readonly update: (z: Tensor, inverse: Tensor) => readonly [Tensor, Tensor];
}

/** The kernels of a residual function, evaluated as written. */
function kernelsOf(residual: (z: Value) => Value): NewtonKernels {
  return {
    residual: (z) => primalTensor(residual(z)),
    jacobian: (z) => primalTensor(jacobianBlocks(residual, z)),
    update: (z, inverse) => {
      const [next, dz] = newtonUpdate(z, inverse, primalTensor(residual(z)));
      return [primalTensor(next), primalTensor(dz)];
    },
  };
}

/** ‖x_b‖∞ of each row of a [B, m] tensor (NaN for a row holding a NaN, as linalg's norm). */
export function rowNorms(x: Tensor): number[] {
  const [rows, m] = x.shape;
  const data = x.data;
  const out = new Array<number>(rows);
  for (let b = 0; b < rows; b++) {
    let worst = 0;
    for (let i = b * m; i < (b + 1) * m; i++) {
      const a = Math.abs(data[i]);
      if (a > worst || Number.isNaN(a)) worst = a;
      if (Number.isNaN(worst)) break;
    }
    out[b] = worst;
  }
  return out;
}

/**
 * A simplified Newton iteration whose increments shrink by less than this factor each time is
 * too slow: the Jacobian is retaken at the current iterate (a full Newton step). Near an implicit
 * Runge–Kutta solution θ ~ 1e-3; far from a root, refreshing keeps Newton's own convergence.
 */
const SLOW_CONTRACTION = 0.1;

/**
 * Solves F(z) = 0 by simplified Newton iterations (Hairer & Wanner, Solving ODEs II, §IV.8;
 * Deuflhard, Newton Methods for Nonlinear Problems, 2004, §2.1): the Jacobian from AD (jacfwd)
 * is inverted at the starting guess and reused while the increments contract by at least a
 * factor 10 per iteration, then retaken. From the O(dt²) guess of an implicit Runge–Kutta step
 * the contraction is ~dt·‖∂J/∂z‖·‖Δz‖ ≪ 1, so one Jacobian serves the whole solve where full
 * Newton takes one per iteration. Works on plain tensors; throws NewtonConvergenceError after
 * maxIterations.
 */
export function newtonSolve(problem: NewtonProblem, options: NewtonOptions = {}): NewtonSolution {
  return newtonIterate(kernelsOf(problem.residual), problem, options);
}

/**
 * The iteration of `newtonSolve` with F, its Jacobian and the update given as kernels (compiled
 * ones, say): the same operations in the same order, so the same iterates bit for bit.
 */
export function newtonIterate(
  kernels: NewtonKernels,
  problem: Omit<NewtonProblem, 'residual'>,
  options: NewtonOptions = {},
): NewtonSolution {
  const { tol, maxIterations } = newtonOptions(options);
  let z = problem.z0;
  let inverse = inverseBlocks(kernels.jacobian(z));
  let inverseIsFresh = true; // taken at the current iterate
  let incrementNorm = Number.POSITIVE_INFINITY;
  let iteration = 0;
  while (iteration < maxIterations) {
    iteration++;
    const [next, dz] = kernels.update(z, inverse);
    z = next;
    const steps = rowNorms(dz);
    const sizes = rowNorms(z);
    const previous = incrementNorm;
    incrementNorm = Math.max(...steps);
    if (!Number.isFinite(incrementNorm)) break; // diverged: no later iterate can recover
    // After a step with a fresh Jacobian the error left is O(‖Δz‖²); after a reused one it is
    // ≈ θ/(1 − θ)·‖Δz‖ with θ the contraction (Hairer & Wanner, §IV.8): held two digits below
    // tol, so the solution is as accurate as full Newton's.
    const theta = incrementNorm / previous;
    const remaining = inverseIsFresh ? 0 : theta < 1 ? (theta / (1 - theta)) * incrementNorm : Number.POSITIVE_INFINITY;
    const small = steps.every((s, b) => s <= tol * (1 + Math.max(problem.scale[b], sizes[b])));
    if (small && remaining <= 0.01 * tol) {
      if (!inverseIsFresh && problem.exactJacobian !== false) {
        // The correction's derivative is exact only with the Jacobian at the solution; with it,
        // one more (full) Newton step leaves an error O(‖Δz‖²), at rounding level.
        inverse = inverseBlocks(kernels.jacobian(z));
        z = kernels.update(z, inverse)[0];
      }
      return { z, inverseJacobian: inverse, iterations: iteration };
    }
    inverseIsFresh = false;
    if (theta > SLOW_CONTRACTION) {
      inverse = inverseBlocks(kernels.jacobian(z));
      inverseIsFresh = true;
    }
  }
  const residualNorm = Math.max(...rowNorms(kernels.residual(z)));
  throw new NewtonConvergenceError(problem.state, residualNorm, iteration, incrementNorm, tol);
}

/** The inverse of each m×m block of a [B, m, m] tensor (LU with partial pivoting). */
function inverseBlocks(jacobian: Tensor): Tensor {
  const [rows, m] = jacobian.shape;
  const out = new Float64Array(rows * m * m);
  for (let b = 0; b < rows; b++) out.set(inv(row(jacobian, b)).data, b * m * m);
  return new Tensor(out, [rows, m, m]);
}

/**
 * One more Newton step from the converged z, now on differentiable values:
 * z* = z − (∂F/∂z)⁻¹ F(z, x) with z and the inverse Jacobian held constant. Its value is the
 * solution (to tol) and its derivative with respect to whatever F depends on (the initial
 * state, system parameters) is −(∂F/∂z)⁻¹ ∂F/∂x: the implicit function theorem, exact to solver
 * tolerance for first derivatives (jvp, jacfwd, vjp, grad). Higher derivatives are not exact.
 */
export function newtonCorrection(
  residual: (z: Value) => Value,
  solution: { readonly z: Value; readonly inverseJacobian: Value },
): Value {
  const [rows, m] = solution.z.shape;
  const f = reshape(residual(solution.z), [rows, m, 1]);
  return sub(solution.z, reshape(matmul(solution.inverseJacobian, f), [rows, m]));
}
