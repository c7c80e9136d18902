import { type Shape, sizeOf, stridesOf } from '@liouville/linalg';

/**
 * Index maps of the data-movement primitives, computed when a program is compiled: for each
 * element of the result (row-major), the flat index of the element of the input it reads, or −1
 * for an element that is zero (padding).
 */

/** Where each element of a broadcast of `from` to `to` (NumPy rules) reads from. */
export function broadcastMap(from: Shape, to: Shape): Int32Array {
  const size = sizeOf(to);
  const map = new Int32Array(size);
  const lead = to.length - from.length;
  const fromStrides = stridesOf(from);
  const strides = to.map((_, axis) => {
    const a = axis - lead;
    return a < 0 || from[a] === 1 ? 0 : fromStrides[a];
  });
  forEachIndex(to, (flat, index) => {
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) offset += index[axis] * strides[axis];
    map[flat] = offset;
  });
  return map;
}

/** Where each element of a transpose reads from. */
export function transposeMap(from: Shape, permutation: readonly number[]): Int32Array {
  const to = permutation.map((a) => from[a]);
  const fromStrides = stridesOf(from);
  const map = new Int32Array(sizeOf(to));
  forEachIndex(to, (flat, index) => {
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) offset += index[axis] * fromStrides[permutation[axis]];
    map[flat] = offset;
  });
  return map;
}

/** Where each element of the block from[starts:ends] reads from. */
export function sliceMap(from: Shape, starts: readonly number[], ends: readonly number[]): Int32Array {
  const to = starts.map((s, i) => ends[i] - s);
  const fromStrides = stridesOf(from);
  const map = new Int32Array(sizeOf(to));
  forEachIndex(to, (flat, index) => {
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) offset += (index[axis] + starts[axis]) * fromStrides[axis];
    map[flat] = offset;
  });
  return map;
}

/** Where each element of `from` embedded in zeros of `to` at `starts` reads from (−1: zero). */
export function padMap(from: Shape, to: Shape, starts: readonly number[]): Int32Array {
  const fromStrides = stridesOf(from);
  const map = new Int32Array(sizeOf(to));
  forEachIndex(to, (flat, index) => {
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) {
      const i = index[axis] - starts[axis];
      if (i < 0 || i >= from[axis]) {
        offset = -1;
        break;
      }
      offset += i * fromStrides[axis];
    }
    map[flat] = offset;
  });
  return map;
}

/** For a concatenation along `axis`: which input and which of its elements each element reads. */
export function concatMap(shapes: readonly Shape[], axis: number): { input: Int32Array; offset: Int32Array } {
  const to = [...shapes[0]];
  to[axis] = shapes.reduce((n, s) => n + s[axis], 0);
  const size = sizeOf(to);
  const input = new Int32Array(size);
  const offset = new Int32Array(size);
  const starts: number[] = [];
  let start = 0;
  for (const s of shapes) {
    starts.push(start);
    start += s[axis];
  }
  const strides = shapes.map(stridesOf);
  forEachIndex(to, (flat, index) => {
    let which = 0;
    while (which + 1 < shapes.length && index[axis] >= starts[which + 1]) which++;
    let o = 0;
    for (let a = 0; a < index.length; a++) o += (a === axis ? index[a] - starts[which] : index[a]) * strides[which][a];
    input[flat] = which;
    offset[flat] = o;
  });
  return { input, offset };
}

/**
 * For a reduction over `axes`: the input elements of each output element, in row-major order of
 * the input (the order linalg's kernels add them in).
 */
export function reductionGroups(from: Shape, axes: readonly number[]): number[][] {
  const keptStrides = stridesOf(from.map((n, a) => (axes.includes(a) ? 1 : n)));
  const outSize = sizeOf(from.map((n, a) => (axes.includes(a) ? 1 : n)));
  const groups: number[][] = Array.from({ length: outSize }, () => []);
  forEachIndex(from, (flat, index) => {
    let o = 0;
    for (let a = 0; a < index.length; a++) if (!axes.includes(a)) o += index[a] * keptStrides[a];
    groups[o].push(flat);
  });
  return groups;
}

/** Calls `visit(flat, index)` for every multi-index of `shape` in row-major order. */
export function forEachIndex(shape: Shape, visit: (flat: number, index: number[]) => void): void {
  const size = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    visit(flat, index);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
}
