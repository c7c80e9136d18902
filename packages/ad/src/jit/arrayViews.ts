import { type Shape, shapesEqual, stridesOf } from '@liouville/linalg';
import type { Var } from './ir.js';

/**
 * Strided views for the array backend: the data-movement primitives (reshape, transpose,
 * broadcastTo, slice) cost nothing when compiled, because they only change where the consumers of
 * their result read. A view is the element `base[offset + Σ index[a]·strides[a]]` of a row-major
 * array `base`; fused loops read views in place, and matmul reads a transposed matrix in place.
 */
export interface View {
  readonly base: Var;
  readonly shape: Shape;
  readonly offset: number;
  readonly strides: readonly number[];
}

/** The whole of a row-major array. */
export function wholeView(v: Var): View {
  return { base: v, shape: v.shape, offset: 0, strides: stridesOf(v.shape) };
}

/** True when the view reads `shape`-many consecutive elements in row-major order (axes of length 1 ignored). */
export function isContiguous(view: View): boolean {
  let expected = 1;
  for (let a = view.shape.length - 1; a >= 0; a--) {
    if (view.shape[a] !== 1 && view.strides[a] !== expected) return false;
    expected *= view.shape[a];
  }
  return true;
}

/** True when the view is its whole base, element for element (so it can stand for the base itself). */
export function isWholeBase(view: View): boolean {
  const base = view.base.shape;
  return view.offset === 0 && isContiguous(view) && shapesEqual(view.shape, base);
}

/**
 * True when the view is a matrix (or a batch of matrices) stored with its last two axes swapped:
 * a contiguous array of shape [..., n, m] read as [..., m, n], what matmul can read in place.
 */
export function isTransposedMatrix(view: View): boolean {
  const r = view.shape.length;
  if (r < 2 || view.offset !== 0) return false;
  const swapped = [...view.shape];
  [swapped[r - 2], swapped[r - 1]] = [swapped[r - 1], swapped[r - 2]];
  const strides = [...view.strides];
  [strides[r - 2], strides[r - 1]] = [strides[r - 1], strides[r - 2]];
  return isContiguous({ ...view, shape: swapped, strides });
}

/** The view of a transpose of `view`. */
export function transposeView(view: View, permutation: readonly number[]): View {
  return {
    base: view.base,
    shape: permutation.map((a) => view.shape[a]),
    offset: view.offset,
    strides: permutation.map((a) => view.strides[a]),
  };
}

/** The view of `view` broadcast to `shape` (NumPy rules: new leading axes and length-1 axes read one element). */
export function broadcastView(view: View, shape: Shape): View {
  const lead = shape.length - view.shape.length;
  return {
    base: view.base,
    shape,
    offset: view.offset,
    strides: shape.map((n, a) => {
      const from = a - lead;
      return from < 0 || (view.shape[from] === 1 && n !== 1) ? 0 : view.strides[from];
    }),
  };
}

/** The view of view[starts:ends]. */
export function sliceView(view: View, starts: readonly number[], ends: readonly number[]): View {
  let offset = view.offset;
  for (let a = 0; a < starts.length; a++) offset += starts[a] * view.strides[a];
  return { base: view.base, shape: starts.map((s, a) => ends[a] - s), offset, strides: view.strides };
}

/** The view of a reshape of a contiguous view; null when the view is not contiguous (it must be copied first). */
export function reshapeView(view: View, shape: Shape): View | null {
  if (!isContiguous(view)) return null;
  return { base: view.base, shape, offset: view.offset, strides: stridesOf(shape) };
}
