import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';
import { normalizeAxis, sizeOf } from './shape.js';
import { type TypedArray, Tensor, allocate, requireTensor } from './Tensor.js';

/** Which norm: 1, 2 or Infinity for vectors; 'fro', 1 or Infinity for matrices. */
export type NormOrder = number | 'fro';

/** Options of `norm`. */
export interface NormOptions {
  /** Take vector norms along this axis of a tensor of any rank, instead of one norm of the whole. */
  axis?: number;
  /** With `axis`, keep it as a length-1 axis so the result broadcasts against x. */
  keepDims?: boolean;
}

/**
 * Euclidean norm of count elements data[offset + i·stride] without overflow or underflow: scale by
 * the largest magnitude first, so the squares summed lie in [0, 1] (the idea behind LAPACK's dnrm2;
 * Blue, "A portable Fortran program to find the Euclidean norm of a vector", ACM TOMS 4(1), 1978).
 */
function euclidean(data: TypedArray, offset: number, stride: number, count: number): number {
  let scale = 0;
  for (let i = 0; i < count; i++) {
    const v = Math.abs(data[offset + i * stride]);
    if (v > scale || v !== v) scale = v;
  }
  // 0, NaN and Infinity are their own norms; dividing by them would give NaN.
  if (!(scale > 0) || scale === Number.POSITIVE_INFINITY) return scale;
  let sumOfSquares = 0;
  for (let i = 0; i < count; i++) {
    const r = data[offset + i * stride] / scale;
    sumOfSquares += r * r;
  }
  return scale * Math.sqrt(sumOfSquares);
}

/** The 1-, 2- or ∞-norm of a strided sequence of numbers (NaN if any element is NaN). */
function vectorNorm(ord: number, data: TypedArray, offset: number, stride: number, count: number): number {
  if (ord === 2) return euclidean(data, offset, stride, count);
  let acc = 0;
  for (let i = 0; i < count; i++) {
    const v = Math.abs(data[offset + i * stride]);
    if (ord === 1) acc += v;
    else if (v > acc || v !== v) acc = v;
  }
  return acc;
}

function checkVectorOrder(ord: NormOrder): number {
  if (ord !== 1 && ord !== 2 && ord !== Number.POSITIVE_INFINITY) {
    throw new InvalidArgumentError('norm: ord', 'one of 1, 2, Infinity for a vector norm', ord);
  }
  return ord;
}

/** Matrix norms of an m×n matrix: Frobenius, max column abs-sum (1), max row abs-sum (∞). */
function matrixNorm(ord: NormOrder, x: Tensor): number {
  const [m, n] = x.shape;
  if (ord === 'fro') return euclidean(x.data, 0, 1, x.size);
  if (ord !== 1 && ord !== Number.POSITIVE_INFINITY) {
    throw new InvalidArgumentError('norm: ord', "one of 'fro', 1, Infinity for a matrix norm", ord);
  }
  // ‖A‖₁ is the largest 1-norm of a column, ‖A‖∞ the largest 1-norm of a row (Golub & Van Loan §2.3).
  const [lines, length, lineStride, elementStride] = ord === 1 ? [n, m, 1, n] : [m, n, n, 1];
  let best = 0;
  for (let line = 0; line < lines; line++) {
    const s = vectorNorm(1, x.data, line * lineStride, elementStride, length);
    if (s > best || s !== s) best = s;
  }
  return best;
}

/** Vector norms along one axis; the result drops that axis (or keeps it with length 1). */
function normAlongAxis(x: Tensor, ord: number, axis: number, keepDims: boolean): Tensor {
  const length = x.shape[axis];
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outer = sizeOf(x.shape.slice(0, axis));
  const out = allocate(x.dtype, outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) out[o * inner + j] = vectorNorm(ord, x.data, o * length * inner + j, inner, length);
  }
  const shape = x.shape.flatMap((n, i) => (i !== axis ? [n] : keepDims ? [1] : []));
  return new Tensor(out, shape);
}

/**
 * Vector or matrix norm. Vectors (rank ≤ 1): ord 2 (default), 1 or Infinity. Matrices (rank 2):
 * 'fro' (default), 1 or Infinity. With `axis`, vector norms along that axis. A tensor of higher
 * rank without `axis` takes the 2-norm of all its elements.
 */
export function norm(x: Tensor, ord?: NormOrder, options: NormOptions = {}): Tensor {
  requireTensor('linalg.norm', x);
  if (options.axis !== undefined) {
    const axis = normalizeAxis('norm', options.axis, x.rank);
    return normAlongAxis(x, checkVectorOrder(ord ?? 2), axis, options.keepDims ?? false);
  }
  let value: number;
  if (x.rank <= 1) value = vectorNorm(checkVectorOrder(ord ?? 2), x.data, 0, 1, x.size);
  else if (x.rank === 2) value = matrixNorm(ord ?? 'fro', x);
  else if (ord === undefined) value = euclidean(x.data, 0, 1, x.size);
  else {
    throw new ShapeError(
      'norm',
      `ord ${String(ord)} needs a vector, a matrix or an axis, got shape ${formatShape(x.shape)}`,
    );
  }
  const out = allocate(x.dtype, 1);
  out[0] = value;
  return new Tensor(out, []);
}
