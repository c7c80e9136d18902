import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';
import { type Shape, broadcastShapes, normalizeAxis, shapesEqual, sizeOf, stridesOf, validateShape } from './shape.js';
import { Tensor, allocate, requireTensor } from './Tensor.js';
import { copyBox } from './copyBox.js';

/**
 * Shape manipulation. Reshape shares memory (tensors are immutable); slicing, padding and
 * joining copy boxes of rows (copyBox.ts); transposing and broadcasting copy through an
 * `ndarray` strided view with ndarray-ops' generated loops.
 */

/** Same elements, new shape; one entry may be −1 to be inferred. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  requireTensor('linalg.reshape', x);
  const holes = shape.filter((n) => n === -1).length;
  if (holes > 1) throw new InvalidArgumentError('reshape: shape', 'at most one -1', shape);
  let resolved = [...shape];
  if (holes === 1) {
    const known = sizeOf(shape.filter((n) => n !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError('reshape', `cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    resolved = shape.map((n) => (n === -1 ? x.size / known : n));
  }
  validateShape(resolved, 'reshape: shape');
  if (sizeOf(resolved) !== x.size) {
    throw new ShapeError(
      'reshape',
      `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
    );
  }
  return shapesEqual(resolved, x.shape) ? x : new Tensor(x.data, resolved);
}

/** Permutes axes; with no permutation, reverses them (matrix transpose for rank 2). */
export function transpose(x: Tensor, permutation?: readonly number[]): Tensor {
  requireTensor('linalg.transpose', x);
  const perm = permutation ?? x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== x.rank || sorted.some((a, i) => a !== i)) {
    throw new InvalidArgumentError('transpose: permutation', `a permutation of 0..${x.rank - 1}`, perm);
  }
  if (perm.every((a, i) => a === i)) return x;
  const shape = perm.map((a) => x.shape[a]);
  const out = allocate(x.dtype, x.size);
  if (x.rank === 2) {
    // Plain 2-D transpose in cache-friendly 32×32 tiles: the common case (matmul backward).
    const [rows, cols] = x.shape;
    const src = x.data;
    const tile = 32;
    for (let i0 = 0; i0 < rows; i0 += tile) {
      const iEnd = Math.min(i0 + tile, rows);
      for (let j0 = 0; j0 < cols; j0 += tile) {
        const jEnd = Math.min(j0 + tile, cols);
        for (let i = i0; i < iEnd; i++) for (let j = j0; j < jEnd; j++) out[j * rows + i] = src[i * cols + j];
      }
    }
    return new Tensor(out, shape);
  }
  ops.assign(ndarray(out, shape), x.toNdarray().transpose(...perm));
  return new Tensor(out, shape);
}

function checkBounds(operation: string, x: Tensor, starts: readonly number[], ends: readonly number[]): number[][] {
  if (starts.length !== x.rank || ends.length !== x.rank) {
    throw new InvalidArgumentError(`${operation}: starts, ends`, `${x.rank} entries each`, [starts, ends]);
  }
  return x.shape.map((n, i) => {
    const s = starts[i] < 0 ? starts[i] + n : starts[i];
    const e = ends[i] < 0 ? ends[i] + n : ends[i];
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s > e) {
      throw new InvalidArgumentError(`${operation}: range on axis ${i}`, `0 <= start <= end <= ${n}`, [
        starts[i],
        ends[i],
      ]);
    }
    return [s, e];
  });
}

/** The block x[starts[0]:ends[0], starts[1]:ends[1], ...] (negative indices count from the end). */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
  requireTensor('linalg.slice', x);
  const bounds = checkBounds('slice', x, starts, ends);
  const shape = bounds.map(([s, e]) => e - s);
  const out = allocate(x.dtype, sizeOf(shape));
  copyBox(
    x.data,
    x.shape,
    bounds.map(([s]) => s),
    out,
    shape,
    shape.map(() => 0),
    shape,
  );
  return new Tensor(out, shape);
}

/** Embeds x in zeros of shape `shape` at offset `starts` (the adjoint of `slice`). */
export function pad(x: Tensor, shape: Shape, starts: readonly number[]): Tensor {
  requireTensor('linalg.pad', x);
  validateShape(shape, 'pad: shape');
  const fits = starts.every((s, i) => Number.isInteger(s) && s >= 0 && s + x.shape[i] <= shape[i]);
  if (shape.length !== x.rank || starts.length !== x.rank || !fits) {
    throw new ShapeError(
      'pad',
      `cannot place ${formatShape(x.shape)} at [${starts.join(', ')}] inside ${formatShape(shape)}`,
    );
  }
  const out = allocate(x.dtype, sizeOf(shape));
  copyBox(
    x.data,
    x.shape,
    x.shape.map(() => 0),
    out,
    shape,
    starts,
    x.shape,
  );
  return new Tensor(out, shape);
}

/** Joins tensors along an existing axis; every other axis must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  for (const t of tensors) requireTensor('linalg.concat', t);
  if (tensors.length === 0) throw new InvalidArgumentError('concat: tensors', 'at least one tensor', tensors);
  const first = tensors[0];
  const ax = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((n, i) => i !== ax && n !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        `shapes ${tensors.map((u) => formatShape(u.shape)).join(', ')} differ off axis ${ax}`,
      );
    }
  }
  const shape = [...first.shape];
  shape[ax] = tensors.reduce((n, t) => n + t.shape[ax], 0);
  const dtype = tensors.every((t) => t.dtype === 'float32') ? 'float32' : 'float64';
  const out = allocate(dtype, sizeOf(shape));
  let offset = 0;
  for (const t of tensors) {
    const at = shape.map((_, i) => (i === ax ? offset : 0));
    copyBox(
      t.data,
      t.shape,
      t.shape.map(() => 0),
      out,
      shape,
      at,
      t.shape,
    );
    offset += t.shape[ax];
  }
  return new Tensor(out, shape);
}

/** Joins same-shaped tensors along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new InvalidArgumentError('stack: tensors', 'at least one tensor', tensors);
  const first = tensors[0];
  for (const t of tensors) {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError('stack', `shapes differ: ${tensors.map((u) => formatShape(u.shape)).join(', ')}`);
    }
  }
  const ax = normalizeAxis('stack', axis, first.rank + 1);
  const expanded = [...first.shape.slice(0, ax), 1, ...first.shape.slice(ax)];
  return concat(
    tensors.map((t) => reshape(t, expanded)),
    ax,
  );
}

/** Materialises x broadcast to `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  requireTensor('linalg.broadcastTo', x);
  validateShape(shape, 'broadcastTo: shape');
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(target, shape)) {
    throw new ShapeError('broadcastTo', `cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(x.shape, shape)) return x;
  const own = stridesOf(x.shape);
  const offset = shape.length - x.rank;
  const strides = shape.map((_, i) => (i < offset || x.shape[i - offset] === 1 ? 0 : own[i - offset]));
  const out = allocate(x.dtype, sizeOf(shape));
  ops.assign(ndarray(out, [...shape]), ndarray(x.data, [...shape], strides, 0));
  return new Tensor(out, shape);
}
