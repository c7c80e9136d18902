// Shared fixtures for the linalg tests: shape and tensor generators, naive index-by-index
// reference implementations, and comparison helpers.
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type DType,
  type MatmulBackend,
  type Shape,
  type Tensor,
  type TypedArray,
  allocate,
  getMatmulBackend,
  setMatmulBackend,
  tensor,
} from '../src/index.js';

/** Machine epsilon 2⁻⁵², twice the unit roundoff u of float64. */
export const EPS = Number.EPSILON;

/** γ_k = k·u / (1 − k·u), the standard rounding-error constant (Higham, Accuracy and Stability, §3.1). */
export function gamma(k: number): number {
  const u = EPS / 2;
  return (k * u) / (1 - k * u);
}

// ---------------------------------------------------------------------------------------------
// Index arithmetic, written independently of src/shape.ts so the references share no code with it.

export function count(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major multi-index of a flat position. */
export function unravel(flat: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

/** Flat position of a row-major multi-index. */
export function ravel(index: readonly number[], shape: Shape): number {
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) flat = flat * shape[axis] + index[axis];
  return flat;
}

/** NumPy broadcast shape by the textbook rule, or null when the shapes are incompatible. */
export function naiveBroadcastShape(...shapes: Shape[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = shapes.map((s) => s[s.length - rank + i] ?? 1);
    const big = dims.filter((d) => d !== 1);
    if (big.some((d) => d !== big[0])) return null;
    out.push(big.length > 0 ? big[0] : 1);
  }
  return out;
}

/** The element of x that broadcasting reads at multi-index `outIndex` of the broadcast shape. */
export function broadcastRead(x: Tensor, outIndex: readonly number[]): number {
  const offset = outIndex.length - x.rank;
  const index = x.shape.map((d, i) => (d === 1 ? 0 : outIndex[offset + i]));
  return x.data[ravel(index, x.shape)];
}

/** Elementwise f over the broadcast of the operands, one output element at a time. */
export function naiveElementwise(
  operands: Tensor[],
  f: (...v: number[]) => number,
): { shape: number[]; values: number[] } {
  const shape = naiveBroadcastShape(...operands.map((t) => t.shape));
  if (shape === null) throw new Error('naiveElementwise: incompatible shapes');
  const values: number[] = [];
  for (let flat = 0; flat < count(shape); flat++) {
    const index = unravel(flat, shape);
    values.push(f(...operands.map((t) => broadcastRead(t, index))));
  }
  return { shape, values };
}

/** C = A·B for row-major m×k and k×n arrays, accumulating over p = 0..k−1 in order. */
export function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
      c[i * n + j] = acc;
    }
  }
  return c;
}

/** Reference batched matmul: for each broadcast batch index, a naive product of the matching matrices. */
export function naiveBatched(a: Tensor, b: Tensor): { shape: number[]; values: number[] } {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.rank - 1];
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = naiveBroadcastShape(aBatch, bBatch);
  if (batch === null) throw new Error('naiveBatched: incompatible batch shapes');
  const values: number[] = [];
  for (let flat = 0; flat < count(batch); flat++) {
    const index = unravel(flat, batch);
    const pick = (shape: number[]) =>
      ravel(
        shape.map((d, i) => (d === 1 ? 0 : index[batch.length - shape.length + i])),
        shape,
      );
    const aMatrix = a.data.subarray(pick(aBatch) * m * k, (pick(aBatch) + 1) * m * k);
    const bMatrix = b.data.subarray(pick(bBatch) * k * n, (pick(bBatch) + 1) * k * n);
    values.push(...naiveMatmul(aMatrix, bMatrix, m, k, n));
  }
  return { shape: [...batch, m, n], values };
}

/** Runs `body` with the given matmul backend selected, restoring the previous one afterwards. */
export function withMatmulBackend<T>(backend: MatmulBackend, body: () => T): T {
  const previous = getMatmulBackend();
  setMatmulBackend(backend);
  try {
    return body();
  } finally {
    setMatmulBackend(previous);
  }
}

/** ‖A‖∞ (largest row abs-sum) of a row-major n×m array. */
export function infNorm(a: ArrayLike<number>, rows: number, cols: number): number {
  let best = 0;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.abs(a[i * cols + j]);
    best = Math.max(best, s);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Generators.

export interface ShapeConstraints {
  minRank?: number;
  maxRank?: number;
  minDim?: number;
  maxDim?: number;
}

export function shapeArb({
  minRank = 0,
  maxRank = 4,
  minDim = 1,
  maxDim = 4,
}: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

export interface ValueConstraints {
  /** Values lie in [−bound, bound]. */
  bound?: number;
  /** Small integers only, so sums and products of a few of them are exact in float64. */
  integer?: boolean;
  /**
   * Flush magnitudes below 2⁻²⁰·bound to 0, so that products of a few entries cannot underflow:
   * rounding-error bounds of the form γₖ·|x| assume no underflow (Higham §2.1).
   */
  noTiny?: boolean;
  dtype?: DType;
}

export function valueArb({ bound = 10, integer = false, noTiny = false }: ValueConstraints = {}): fc.Arbitrary<number> {
  if (integer) return fc.integer({ min: -bound, max: bound });
  const v = fc.double({ min: -bound, max: bound, noNaN: true });
  return noTiny ? v.map((x) => (Math.abs(x) < bound * 2 ** -20 ? 0 : x)) : v;
}

/** A tensor of a fixed shape with random entries. */
export function tensorOfShape(shape: Shape, constraints: ValueConstraints = {}): fc.Arbitrary<Tensor> {
  const n = count(shape);
  return fc
    .array(valueArb(constraints), { minLength: n, maxLength: n })
    .map((values) => tensor(values, shape, constraints.dtype ?? 'float64'));
}

/** A tensor of a random shape with random entries. */
export function tensorArb(shape: ShapeConstraints = {}, values: ValueConstraints = {}): fc.Arbitrary<Tensor> {
  return shapeArb(shape).chain((s) => tensorOfShape(s, values));
}

/** A shape that broadcasts to `out`: a trailing part of it, each axis either kept or set to 1. */
export function broadcastableTo(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .integer({ min: 0, max: out.length })
    .chain((rank) => fc.tuple(...out.slice(out.length - rank).map((d) => fc.constantFrom(d, 1))));
}

/** Two or more shapes that broadcast together (rank differences, size-1 axes, scalars, empty axes). */
export function broadcastShapesArb(operands = 2, constraints: ShapeConstraints = {}): fc.Arbitrary<number[][]> {
  return shapeArb(constraints).chain((out) =>
    fc.tuple(...Array.from({ length: operands }, () => broadcastableTo(out))),
  );
}

/** Two shapes that do not broadcast: on one aligned axis both lengths differ and neither is 1. */
export const incompatibleShapesArb: fc.Arbitrary<[number[], number[]]> = fc
  .tuple(shapeArb({ minRank: 1, maxRank: 3 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.nat())
  .map(([shape, d, shift, pick]) => {
    const axis = pick % shape.length;
    const a = [...shape];
    const b = [...shape];
    a[axis] = d;
    b[axis] = d + shift; // ≠ d and ≥ 3
    return [a, b.slice(pick % (axis + 1))] as [number[], number[]];
  });

/** A permutation of 0..rank−1. */
export function permutationArb(rank: number): fc.Arbitrary<number[]> {
  const axes = Array.from({ length: rank }, (_, i) => i);
  return fc.shuffledSubarray(axes, { minLength: rank, maxLength: rank });
}

/**
 * An n×n matrix strictly diagonally dominant by rows and by columns with margin ≥ 1: then Gaussian
 * elimination with partial pivoting makes no interchanges, its growth factor is at most 2
 * (Wilkinson; Higham §9.5), and ‖A⁻¹‖∞ ≤ 1 (Varah's bound), so κ∞(A) ≤ ‖A‖∞.
 */
export function diagonallyDominantArb(minN = 1, maxN = 8): fc.Arbitrary<Tensor> {
  return fc.integer({ min: minN, max: maxN }).chain((n) =>
    fc
      .tuple(
        fc.array(valueArb({ bound: 1, noTiny: true }), { minLength: n * n, maxLength: n * n }),
        fc.array(fc.constantFrom(1, -1), { minLength: n, maxLength: n }),
      )
      .map(([values, signs]) => {
        const a = [...values];
        for (let i = 0; i < n; i++) {
          let offDiagonal = 0;
          for (let j = 0; j < n; j++) if (j !== i) offDiagonal += Math.abs(a[i * n + j]) + Math.abs(a[j * n + i]);
          a[i * n + i] = signs[i] * (offDiagonal + 1 + Math.abs(a[i * n + i]));
        }
        return tensor(a, [n, n]);
      }),
  );
}

/** A general n×n matrix with entries in [−1, 1] (partial pivoting usually interchanges rows). */
export function squareMatrixArb(minN = 1, maxN = 8): fc.Arbitrary<Tensor> {
  return fc.integer({ min: minN, max: maxN }).chain((n) => tensorOfShape([n, n], { bound: 1, noTiny: true }));
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

/** Values equal exactly (NaN equals NaN; +0 and −0 are not distinguished). */
export function expectSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const normalise = (v: number) => (v === 0 ? 0 : v);
  expect(Array.from(actual, normalise)).toEqual(Array.from(expected, normalise));
}

/** |actual − expected| ≤ tolerance for every element. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance)) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (error ${error} > tolerance ${tolerance})`);
    }
  }
}

/** |actual − expected| ≤ rel·|expected| for a scalar. */
export function expectRelClose(actual: number, expected: number, rel: number): void {
  const error = Math.abs(actual - expected);
  if (!(error <= rel * Math.abs(expected))) {
    expect.fail(`got ${actual}, expected ${expected} (relative error ${error / Math.abs(expected)} > ${rel})`);
  }
}

/** Values in [-1, 1) of `dtype` from a simple generator seeded by the property (for bitwise comparisons, where the values do not matter). */
export function filled(dtype: DType, size: number, seed: number): TypedArray {
  const x = allocate(dtype, size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}
