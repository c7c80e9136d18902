// Shared fixtures for the nn tests: seed arbitraries, plain-loop reference computations written
// independently of src/, and comparison helpers.
import fc from 'fast-check';
import { type Tensor, randomKey } from '@liouville/linalg';
import { expect } from 'vitest';

/** A seed for randomKey. */
export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** A key from a seed. */
export const keyOf = (seed: number) => randomKey(seed);

/** Machine epsilon of float64, 2⁻⁵². */
export const EPS = Number.EPSILON;

/** Row-major m×k times k×n by the textbook triple loop. */
export function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
      c[i * n + j] = acc;
    }
  }
  return c;
}

/** Aᵀ of a row-major m×n array. */
export function naiveTranspose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** max |A − I| over the entries of an n×n row-major array. */
export function distanceFromIdentity(a: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(a[i * n + j] - (i === j ? 1 : 0)));
  return worst;
}

/** Expects |actual − expected| ≤ tol·max(|expected|, floor) elementwise. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, floor = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(Math.abs(expected[i]), floor);
    if (!(Math.abs(actual[i] - expected[i]) <= tol * scale)) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol}·${scale})`);
    }
  }
}

/** The raw bytes of a tensor, for bit-for-bit comparisons. */
export function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Expects two tensors to have the same dtype, shape and bytes. */
export function expectSameBits(a: Tensor, b: Tensor): void {
  expect(a.dtype).toBe(b.dtype);
  expect([...a.shape]).toEqual([...b.shape]);
  expect(Buffer.from(bytesOf(a)).equals(Buffer.from(bytesOf(b)))).toBe(true);
}

/** Sample mean and (unbiased) variance. */
export function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, variance: ss / (values.length - 1) };
}
