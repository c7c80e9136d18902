import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';

/** A tensor shape: the length of each axis, outermost first. */
export type Shape = readonly number[];

/** Throws unless every entry of `shape` is a non-negative integer. */
export function validateShape(shape: Shape, argument = 'shape'): void {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(argument, 'an array of non-negative integers', shape);
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) {
      throw new InvalidArgumentError(argument, 'an array of non-negative integers', shape);
    }
  }
}

/** Number of elements of a shape (1 for the scalar shape []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of a contiguous array of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and lengths. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: the shape both operands stretch to, aligned from the right. */
export function broadcastShapes(operation: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(operation, `cannot broadcast shapes ${formatShape(a)} and ${formatShape(b)}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides for reading an array of `shape` as if it had `target` shape (0 on stretched axes). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : own[i];
  return out;
}

/** Resolves possibly negative axes against a rank, sorted, rejecting out-of-range or repeated ones. */
export function normalizeAxes(operation: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new InvalidArgumentError(`${operation}: axis`, `an integer in [${-rank}, ${rank})`, a);
    }
    return a < 0 ? a + rank : a;
  });
  out.sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw new InvalidArgumentError(`${operation}: axes`, 'distinct axes', list);
  }
  return out;
}

/** Resolves one possibly negative axis against a rank. */
export function normalizeAxis(operation: string, axis: number, rank: number): number {
  return normalizeAxes(operation, axis, rank)[0];
}
