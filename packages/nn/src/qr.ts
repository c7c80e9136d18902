import { InvalidArgumentError } from '@liouville/linalg';

/** A thin QR factorisation A = QR of an m×n matrix (m ≥ n), row-major float64. */
export interface ThinQR {
  /** m×n, orthonormal columns. */
  readonly q: Float64Array;
  /** n×n upper triangular. */
  readonly r: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Householder reflections H_k = I − 2 v_k v_kᵀ (‖v_k‖ = 1) that zero column k below the diagonal
 * (Golub & Van Loan, Matrix Computations, 4th ed., Algorithm 5.2.1). The sign of each reflection
 * is chosen as in LAPACK's dlarfg, R_kk = −sign(x₀)‖x‖, so that v never suffers cancellation.
 * Returns the reflectors (zero vector for an already-zero column) and R; `a` is overwritten.
 */
function householder(a: Float64Array, m: number, n: number): { vs: Float64Array[]; r: Float64Array } {
  const vs: Float64Array[] = [];
  const r = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += a[i * n + k] * a[i * n + k];
    const norm = Math.sqrt(norm2);
    const x0 = a[k * n + k];
    const alpha = x0 >= 0 ? -norm : norm;
    if (norm > 0) {
      for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
      v[0] -= alpha;
      let vnorm2 = 0;
      for (let i = 0; i < v.length; i++) vnorm2 += v[i] * v[i];
      const scale = 1 / Math.sqrt(vnorm2);
      for (let i = 0; i < v.length; i++) v[i] *= scale;
      applyReflector(a, m, n, k, v, k);
    }
    vs.push(v);
    for (let j = k; j < n; j++) r[k * n + j] = j === k ? (norm > 0 ? alpha : 0) : a[k * n + j];
  }
  return { vs, r };
}

/** Applies H = I − 2vvᵀ (acting on rows k..m−1) to columns from `fromCol` of the m×n matrix `a`. */
function applyReflector(a: Float64Array, m: number, n: number, k: number, v: Float64Array, fromCol: number): void {
  for (let j = fromCol; j < n; j++) {
    let s = 0;
    for (let i = k; i < m; i++) s += v[i - k] * a[i * n + j];
    s *= 2;
    if (s === 0) continue;
    for (let i = k; i < m; i++) a[i * n + j] -= s * v[i - k];
  }
}

/** Householder QR of a row-major m×n float64 matrix with m ≥ n; the input is not modified. */
export function thinQR(matrix: Float64Array, rows: number, cols: number): ThinQR {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || cols < 0 || rows < cols) {
    throw new InvalidArgumentError('thinQR: rows, cols', 'integers with rows >= cols >= 0', [rows, cols]);
  }
  if (matrix.length !== rows * cols) {
    throw new InvalidArgumentError('thinQR: matrix', `${rows * cols} elements (${rows}×${cols})`, matrix.length);
  }
  const { vs, r } = householder(Float64Array.from(matrix), rows, cols);
  // Q = H_0 H_1 ⋯ H_{n−1} applied to the first n columns of the identity, back to front.
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) q[j * cols + j] = 1;
  for (let k = cols - 1; k >= 0; k--) applyReflector(q, rows, cols, k, vs[k], k);
  return { q, r, rows, cols };
}

/**
 * A Haar-distributed (uniformly random) matrix with orthonormal columns from an m×n Gaussian
 * matrix (m ≥ n): Q of its QR factorisation with column j multiplied by sign(R_jj), which makes
 * the factorisation unique and the distribution of Q uniform (Mezzadri 2007, "How to generate
 * random matrices from the classical compact groups", Notices AMS 54(5), §5). This is what
 * PyTorch's `nn.init.orthogonal_` computes. A zero R_jj (probability zero) keeps sign +1.
 */
export function haarOrthonormalColumns(gaussian: Float64Array, rows: number, cols: number): Float64Array {
  const { q, r } = thinQR(gaussian, rows, cols);
  for (let j = 0; j < cols; j++) {
    if (r[j * cols + j] < 0) for (let i = 0; i < rows; i++) q[i * cols + j] = -q[i * cols + j];
  }
  return q;
}
