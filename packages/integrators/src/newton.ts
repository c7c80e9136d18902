import { type Value, add, jacfwd, matmul, primalTensor, reshape, sub } from '@liouville/ad';
import { InvalidArgumentError, LiouvilleError, Tensor, inv, norm, solve } from '@liouville/linalg';
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
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol <= 0) {
    throw new InvalidArgumentError('newton: tol', 'a finite tolerance > 0', tol);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new InvalidArgumentError('newton: maxIterations', 'an integer ≥ 1', maxIterations);
  }
  return { tol, maxIterations };
}

/**
 * A converged solution: z, and the inverse Jacobian blocks [B, m, m] taken at the iterate before
 * the last increment (so within ‖Δz‖ ≤ tol·(1 + scale) of z).
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
}

/**
 * The Jacobian blocks ∂F_b/∂z_b, [B, m, m], in one batched forward pass: a shift u ∈ ℝᵐ added to
 * every row moves each row's own unknowns only, because rows are independent.
 */
function jacobianBlocks(residual: (z: Value) => Value, z: Tensor): Tensor {
  const m = z.shape[1];
  const shifted = (u: Value) => residual(add(z, u));
  return primalTensor(jacfwd(shifted)(new Tensor(new Float64Array(m), [m])) as Value);
}

/** Row b of a [B, m] tensor, or block b of a [B, m, m] tensor, as a plain tensor. */
function row(x: Tensor, b: number): Tensor {
  const size = x.size / x.shape[0];
  return new Tensor(x.data.slice(b * size, (b + 1) * size), x.shape.slice(1));
}

/** One Newton step for every row: Δz_b = −(∂F_b/∂z_b)⁻¹ F_b, solved by LU with partial pivoting. */
function newtonIncrement(residual: (z: Value) => Value, z: Tensor): { dz: Tensor; jacobian: Tensor } {
  const f = primalTensor(residual(z));
  const jacobian = jacobianBlocks(residual, z);
  const [rows, m] = z.shape;
  const dz = new Float64Array(rows * m);
  for (let b = 0; b < rows; b++) dz.set(solve(row(jacobian, b), row(f, b)).data, b * m);
  for (let i = 0; i < dz.length; i++) dz[i] = -dz[i];
  return { dz: new Tensor(dz, [rows, m]), jacobian };
}

/** ‖x_b‖∞ of each row of a [B, m] tensor. */
function rowNorms(x: Tensor): number[] {
  return norm(x, Number.POSITIVE_INFINITY, { axis: 1 }).toFlatArray();
}

/**
 * Solves F(z) = 0 by Newton's method with the exact Jacobian from AD (jacfwd) and LU solves
 * (Deuflhard, Newton Methods for Nonlinear Problems, 2004, §1.2; Hairer & Wanner, Solving ODEs
 * II, §IV.8). Works on plain tensors; throws NewtonConvergenceError after maxIterations.
 */
export function newtonSolve(problem: NewtonProblem, options: NewtonOptions = {}): NewtonSolution {
  const { tol, maxIterations } = newtonOptions(options);
  const { residual } = problem;
  let z = problem.z0;
  let incrementNorm = Number.POSITIVE_INFINITY;
  let iteration = 0;
  while (iteration < maxIterations) {
    iteration++;
    const { dz, jacobian } = newtonIncrement(residual, z);
    z = primalTensor(add(z, dz));
    const steps = rowNorms(dz);
    const sizes = rowNorms(z);
    incrementNorm = Math.max(...steps);
    if (!Number.isFinite(incrementNorm)) break; // diverged: no later iterate can recover
    if (steps.every((s, b) => s <= tol * (1 + Math.max(problem.scale[b], sizes[b])))) {
      return { z, inverseJacobian: inverseBlocks(jacobian), iterations: iteration };
    }
  }
  const residualNorm = Math.max(...rowNorms(primalTensor(residual(z))));
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
export function newtonCorrection(residual: (z: Value) => Value, solution: NewtonSolution): Value {
  const [rows, m] = solution.z.shape;
  const f = reshape(residual(solution.z), [rows, m, 1]);
  return sub(solution.z, reshape(matmul(solution.inverseJacobian, f), [rows, m]));
}
