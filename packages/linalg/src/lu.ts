import { ShapeError, SingularMatrixError, formatShape } from './errors.js';
import { resultDType } from './elementwise.js';
import { type DType, Tensor, allocate, requireTensor } from './Tensor.js';

/**
 * Dense LU factorisation with partial pivoting and the solvers built on it. Arithmetic is float64
 * whatever the input dtype; results are rounded to the input dtype at the end.
 */

/** The factors of PA = LU packed as LAPACK's getrf stores them. */
export interface LUFactorization {
  /** n×n: the strict lower triangle holds L (unit diagonal implied), the upper triangle holds U. */
  lu: Tensor;
  /** At step k, row k was interchanged with row pivots[k] (≥ k), 0-based as in LAPACK's ipiv. */
  pivots: Int32Array;
  /** The determinant of P: +1 for an even number of interchanges, −1 for odd. */
  sign: 1 | -1;
}

interface Factors {
  lu: Float64Array;
  pivots: Int32Array;
  sign: 1 | -1;
  n: number;
}

/** The order n of a square matrix, or a ShapeError naming the operation and the shape(s). */
function squareOrder(operation: string, a: Tensor, other?: Tensor): number {
  if (a.rank !== 2 || a.shape[0] !== a.shape[1]) {
    const shapes = other ? `${formatShape(a.shape)} and ${formatShape(other.shape)}` : formatShape(a.shape);
    throw new ShapeError(operation, `expected a square matrix a, got shape${other ? 's' : ''} ${shapes}`);
  }
  return a.shape[0];
}

/**
 * Gaussian elimination with partial pivoting, outer-product (kji) form: Golub & Van Loan, Matrix
 * Computations, 4th ed., Algorithm 3.4.1. A column whose pivot is exactly zero is already
 * eliminated below the diagonal, so it is skipped (as LAPACK's dgetf2 does) and U is singular.
 */
function factor(a: Tensor): Factors {
  const n = a.shape[0];
  const lu = Float64Array.from(a.data);
  const pivots = new Int32Array(n);
  let sign: 1 | -1 = 1;
  for (let k = 0; k < n; k++) {
    // Largest |a_ik| for i ≥ k bounds the multipliers by 1, which keeps element growth in check (GVL §3.4).
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    pivots[k] = p;
    if (p !== k) {
      sign = -sign as 1 | -1;
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[p * n + j];
        lu[p * n + j] = t;
      }
    }
    const pivot = lu[k * n + k];
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const l = lu[i * n + k] / pivot;
      lu[i * n + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= l * lu[k * n + j];
    }
  }
  return { lu, pivots, sign, n };
}

function toDType(data: Float64Array, dtype: DType): Float64Array | Float32Array {
  if (dtype === 'float64') return data;
  const out = allocate(dtype, data.length);
  out.set(data);
  return out;
}

/** LU factorisation with partial pivoting, PA = LU (Golub & Van Loan, 4th ed., Alg. 3.4.1). */
export function lu(a: Tensor): LUFactorization {
  requireTensor('linalg.lu', a);
  squareOrder('lu', a);
  const f = factor(a);
  return { lu: new Tensor(toDType(f.lu, a.dtype), [f.n, f.n]), pivots: f.pivots, sign: f.sign };
}

/** Throws SingularMatrixError if U has an exactly zero diagonal entry. */
function assertNonsingular(operation: string, f: Factors): void {
  for (let k = 0; k < f.n; k++) {
    if (f.lu[k * f.n + k] === 0) {
      throw new SingularMatrixError(
        operation,
        `matrix a is singular (zero pivot in column ${k} of its LU factorisation)`,
      );
    }
  }
}

/**
 * Overwrites the n×m right-hand sides x (row-major) with the solution of LUx = Pb: row interchanges,
 * then forward substitution with unit-lower L and back substitution with U, row-oriented so the
 * inner loop runs along contiguous rows of x (Golub & Van Loan, 4th ed., Algs. 3.1.1 and 3.1.2).
 */
function substitute(f: Factors, x: Float64Array, m: number): void {
  const { lu, pivots, n } = f;
  for (let k = 0; k < n; k++) {
    const p = pivots[k];
    if (p === k) continue;
    for (let j = 0; j < m; j++) {
      const t = x[k * m + j];
      x[k * m + j] = x[p * m + j];
      x[p * m + j] = t;
    }
  }
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const l = lu[i * n + k];
      if (l !== 0) for (let j = 0; j < m; j++) x[i * m + j] -= l * x[k * m + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const u = lu[i * n + k];
      if (u !== 0) for (let j = 0; j < m; j++) x[i * m + j] -= u * x[k * m + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < m; j++) x[i * m + j] /= d;
  }
}

/** Solves a·x = b for a square nonsingular a and b a vector (n) or right-hand sides (n, m). */
export function solve(a: Tensor, b: Tensor): Tensor {
  requireTensor('linalg.solve', a);
  requireTensor('linalg.solve', b);
  const n = squareOrder('solve', a, b);
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== n) {
    throw new ShapeError(
      'solve',
      `b must have shape [${n}] or [${n}, m] to match a, got a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`,
    );
  }
  const f = factor(a);
  assertNonsingular('solve', f);
  const x = Float64Array.from(b.data);
  substitute(f, x, b.rank === 1 ? 1 : b.shape[1]);
  return new Tensor(toDType(x, resultDType(a, b)), b.shape);
}

/** Determinant of a square matrix: sign(P) · ∏ u_kk from the LU factors (0 for a singular matrix). */
export function det(a: Tensor): Tensor {
  requireTensor('linalg.det', a);
  squareOrder('det', a);
  const f = factor(a);
  let product: number = f.sign;
  for (let k = 0; k < f.n; k++) product *= f.lu[k * f.n + k];
  const out = allocate(a.dtype, 1);
  out[0] = product;
  return new Tensor(out, []);
}

/** Inverse of a square nonsingular matrix, by solving A·X = I column block at once. */
export function inv(a: Tensor): Tensor {
  requireTensor('linalg.inv', a);
  const n = squareOrder('inv', a);
  const f = factor(a);
  assertNonsingular('inv', f);
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  substitute(f, x, n);
  return new Tensor(toDType(x, a.dtype), [n, n]);
}
