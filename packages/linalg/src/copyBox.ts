import { type Shape, sizeOf, stridesOf } from './shape.js';
import type { TypedArray } from './Tensor.js';

/** Rows at least this long are copied with TypedArray.set (a memory copy) instead of a loop. */
const BULK_ROW = 64;

/**
 * Copies a box of shape `box` from `source` (row-major, shape `sourceShape`), starting at index
 * `sourceStart`, into `target` (row-major, shape `targetShape`) at `targetStart`. The innermost
 * axis is one contiguous row on both sides; the outer axes are walked by an odometer.
 *
 * Slicing, padding and joining are all this copy. ndarray-ops compiles a general strided loop
 * for them, which is right for large tensors but costs microseconds of set-up per call: on the
 * one-state rows of an integrator step (a phase-space vector of 2 numbers) that set-up was 20×
 * the cost of an arithmetic op.
 */
export function copyBox(
  source: TypedArray,
  sourceShape: Shape,
  sourceStart: readonly number[],
  target: TypedArray,
  targetShape: Shape,
  targetStart: readonly number[],
  box: Shape,
): void {
  const rank = box.length;
  if (sizeOf(box) === 0) return;
  if (rank === 0) {
    target[0] = source[0];
    return;
  }
  const sourceStrides = stridesOf(sourceShape);
  const targetStrides = stridesOf(targetShape);
  let s = 0;
  let t = 0;
  for (let axis = 0; axis < rank; axis++) {
    s += sourceStart[axis] * sourceStrides[axis];
    t += targetStart[axis] * targetStrides[axis];
  }
  const row = box[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  for (;;) {
    if (row >= BULK_ROW) target.set(source.subarray(s, s + row), t);
    else for (let i = 0; i < row; i++) target[t + i] = source[s + i];
    let axis = rank - 2;
    for (; axis >= 0; axis--) {
      counter[axis]++;
      s += sourceStrides[axis];
      t += targetStrides[axis];
      if (counter[axis] < box[axis]) break;
      s -= sourceStrides[axis] * box[axis];
      t -= targetStrides[axis] * box[axis];
      counter[axis] = 0;
    }
    if (axis < 0) return;
  }
}
