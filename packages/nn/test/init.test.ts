import fc from 'fast-check';
import { InvalidArgumentError, randomKey } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { glorotNormal, glorotUniform, heNormal, heUniform, initializer, orthogonal, zerosInit } from '../src/index.js';
import {
  distanceFromIdentity,
  expectSameBits,
  keyOf,
  moments,
  naiveMatmul,
  naiveTranspose,
  seedArb,
} from './helpers.js';

const matrixArb = fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), seedArb);

/** The Gram matrix of the orthonormal side: WᵀW (cols) when rows ≥ cols, else WWᵀ (rows). */
function gram(w: ArrayLike<number>, rows: number, cols: number): { g: Float64Array; n: number } {
  if (rows >= cols) return { g: naiveMatmul(naiveTranspose(w, rows, cols), w, cols, rows, cols), n: cols };
  return { g: naiveMatmul(w, naiveTranspose(w, rows, cols), rows, cols, rows), n: rows };
}

describe('orthogonal', () => {
  test('has orthonormal columns (WᵀW = I) or rows (WWᵀ = I) to 1e-12', () => {
    fc.assert(
      fc.property(matrixArb, ([rows, cols, seed]) => {
        const w = orthogonal(keyOf(seed), [rows, cols]);
        const { g, n } = gram(w.data, rows, cols);
        // Householder Q is orthonormal to a few units of n·ε ≈ 5e-15 for n ≤ 24 (Higham, Thm 19.4).
        expect(distanceFromIdentity(g, n)).toBeLessThan(1e-12);
      }),
    );
  });

  test('scales by the gain and flattens trailing axes as PyTorch does', () => {
    const w = orthogonal(randomKey(3), [4, 2, 3], { gain: 2.5 });
    expect(w.shape).toEqual([4, 2, 3]);
    const scaled = Array.from(w.data, (x) => x / 2.5);
    const { g, n } = gram(scaled, 4, 6);
    expect(distanceFromIdentity(g, n)).toBeLessThan(1e-12);
  });

  test('gives bit-identical tensors for the same key and different ones for different keys', () => {
    fc.assert(
      fc.property(matrixArb, ([rows, cols, seed]) => {
        expectSameBits(orthogonal(keyOf(seed), [rows, cols]), orthogonal(keyOf(seed), [rows, cols]));
        const other = orthogonal(keyOf(seed + 1), [rows, cols]);
        // Only the 1×1 case is ±1 deterministically up to sign; every larger draw is continuous.
        if (rows * cols > 1)
          expect(Array.from(other.data)).not.toEqual(Array.from(orthogonal(keyOf(seed), [rows, cols]).data));
      }),
      { numRuns: 50 },
    );
  });

  test('is Haar distributed: each entry of a 3×3 draw has mean 0 and variance 1/3', () => {
    // Without the sign correction by diag(R), Householder QR makes Q₀₀ = −|x₀|/‖x‖ < 0 always.
    // For Haar Q, E[Q_ij] = 0 and E[Q_ij²] = 1/n. With N = 3000 draws the standard error of the
    // mean is √(1/3/N) ≈ 0.011 and of the second moment √(Var(Q²)/N) < 0.006 (Q² ≤ 1); 6 standard
    // errors (false-failure probability ~1e-9 per check) gives bounds 0.066 and 0.036.
    const n = 3;
    const N = 3000;
    const sums = new Float64Array(n * n);
    const squares = new Float64Array(n * n);
    for (let s = 0; s < N; s++) {
      const q = orthogonal(randomKey(10_000 + s), [n, n]).data;
      for (let i = 0; i < n * n; i++) {
        sums[i] += q[i];
        squares[i] += q[i] * q[i];
      }
    }
    for (let i = 0; i < n * n; i++) {
      expect(Math.abs(sums[i] / N)).toBeLessThan(0.066);
      expect(Math.abs(squares[i] / N - 1 / n)).toBeLessThan(0.036);
    }
  });

  test('stores float32 when asked, orthonormal to float32 precision', () => {
    const w = orthogonal(randomKey(5), [6, 4], { dtype: 'float32' });
    expect(w.dtype).toBe('float32');
    const { g, n } = gram(w.data, 6, 4);
    // Rounding each entry to float32 perturbs W by ≤ 2⁻²⁴ relative, so WᵀW by ~n·2⁻²³ ≈ 5e-7.
    expect(distanceFromIdentity(g, n)).toBeLessThan(2e-6);
  });

  test('rejects vectors, bad gains and bad dtypes with InvalidArgumentError', () => {
    expect(() => orthogonal(randomKey(0), [3])).toThrow(InvalidArgumentError);
    expect(() => orthogonal(randomKey(0), [3, 3], { gain: 0 })).toThrow(/gain/);
    expect(() => orthogonal(randomKey(0), [3, 3], { gain: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => orthogonal(randomKey(0), [3, 3], { dtype: 'int8' as never })).toThrow(/dtype/);
  });
});

/**
 * Checks the sample mean and variance of N draws against the target variance σ². The sample
 * variance s² has standard deviation √((μ₄ − σ⁴)/N): with excess kurtosis κ, μ₄ = (3 + κ)σ⁴ (κ = 0
 * normal, −1.2 uniform). Six standard errors bound a false failure by ~1e-9 per check.
 */
function expectMoments(data: ArrayLike<number>, variance: number, excessKurtosis: number): void {
  const N = data.length;
  const m = moments(data);
  expect(Math.abs(m.mean)).toBeLessThan(6 * Math.sqrt(variance / N));
  const se = Math.sqrt(((2 + excessKurtosis) * variance * variance) / N);
  expect(Math.abs(m.variance - variance)).toBeLessThan(6 * se);
}

describe('glorotUniform', () => {
  test('draws from U(±√(6/(fanIn + fanOut))) with variance 2/(fanIn + fanOut)', () => {
    const [fanIn, fanOut] = [300, 200];
    const w = glorotUniform(randomKey(1), [fanIn, fanOut]);
    const bound = Math.sqrt(6 / (fanIn + fanOut));
    expect(Math.max(...Array.from(w.data, Math.abs))).toBeLessThanOrEqual(bound);
    expectMoments(w.data, 2 / (fanIn + fanOut), -1.2);
  });

  test('scales the standard deviation by the gain', () => {
    const w = glorotUniform(randomKey(2), [200, 100], { gain: 3 });
    expectMoments(w.data, (9 * 2) / 300, -1.2);
  });
});

describe('glorotNormal', () => {
  test('draws from N(0, 2/(fanIn + fanOut))', () => {
    expectMoments(glorotNormal(randomKey(3), [250, 150]).data, 2 / 400, 0);
  });
});

describe('heNormal', () => {
  test('draws from N(0, 2/fanIn), or 2/fanOut in fanOut mode', () => {
    expectMoments(heNormal(randomKey(4), [100, 400]).data, 2 / 100, 0);
    expectMoments(heNormal(randomKey(5), [100, 400], { mode: 'fanOut' }).data, 2 / 400, 0);
  });

  test('rejects an unknown mode and non-matrix shapes', () => {
    expect(() => heNormal(randomKey(0), [3, 3], { mode: 'avg' as never })).toThrow(InvalidArgumentError);
    expect(() => heNormal(randomKey(0), [3, 3, 3])).toThrow(/\[fanIn, fanOut\]/);
  });
});

describe('heUniform', () => {
  test('draws from U(±√(6/fanIn)), variance 2/fanIn', () => {
    const w = heUniform(randomKey(6), [200, 300]);
    expect(Math.max(...Array.from(w.data, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 200));
    expectMoments(w.data, 2 / 200, -1.2);
  });
});

describe('zerosInit', () => {
  test('returns zeros of the shape and dtype', () => {
    const z = zerosInit(randomKey(0), [2, 3], { dtype: 'float32' });
    expect(z.dtype).toBe('float32');
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('initializer', () => {
  test('looks initialisers up by name, same key ⇒ same bits as the direct call', () => {
    expectSameBits(initializer('glorotNormal')(randomKey(9), [4, 5], 'float64'), glorotNormal(randomKey(9), [4, 5]));
    expectSameBits(
      initializer('orthogonal')(randomKey(9), [4, 5], 'float32'),
      orthogonal(randomKey(9), [4, 5], { dtype: 'float32' }),
    );
  });

  test('lists the valid names for an unknown one', () => {
    expect(() => initializer('xavier' as never)).toThrow(InvalidArgumentError);
    expect(() => initializer('xavier' as never)).toThrow(/'orthogonal'.*'heUniform'/);
  });
});
