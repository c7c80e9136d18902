import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  InvalidArgumentError,
  type RandomKey,
  randomKey,
  randomNormal,
  randomUniform,
  splitKey,
} from '../src/index.js';
import { shapeArb } from './helpers.js';

/*
 * Statistical checks use n = 100 000 draws and accept a sample statistic within 5 standard errors
 * of its exact value. By the central limit theorem a correct sampler fails such a check with
 * probability about 6·10⁻⁷, while typical bugs (a wrong scale, a missing factor 2π, reused or
 * correlated streams) move the statistic by hundreds of standard errors. The keys are fixed, so
 * the checks are also deterministic.
 */
const N = 100_000;
const Z = 5;

const seedArb = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });

function moments(values: ArrayLike<number>) {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mean;
    m2 += d * d;
    m4 += d ** 4;
  }
  return { mean, variance: m2 / (values.length - 1), fourth: m4 / values.length };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('randomKey', () => {
  test('gives equal, frozen keys for equal seeds', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const key = randomKey(seed);
        expect(key).toEqual(randomKey(seed));
        expect(Object.isFrozen(key)).toBe(true);
        expect(Object.isFrozen(key.words)).toBe(true);
      }),
    );
  });

  test('gives different keys for different seeds', () => {
    fc.assert(
      fc.property(seedArb, seedArb, (s, t) => {
        fc.pre(s !== t);
        expect(randomKey(s).words).not.toEqual(randomKey(t).words);
      }),
    );
    expect(randomKey(0).words).not.toEqual(randomKey(-1).words);
    expect(randomKey(1).words).not.toEqual(randomKey(2 ** 32 + 1).words);
  });

  test('rejects a seed that is not a safe integer naming it', () => {
    for (const bad of [1.5, Number.NaN, 2 ** 60, Number.POSITIVE_INFINITY]) {
      expect(() => randomKey(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => randomKey(0.5)).toThrow(/^randomKey: seed: expected a safe integer, got 0.5/);
  });
});

describe('splitKey', () => {
  test('is deterministic and returns n keys', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const key = randomKey(seed);
        const children = splitKey(key, n);
        expect(children).toHaveLength(n);
        expect(children).toEqual(splitKey(key, n));
        expect(splitKey(key)).toHaveLength(2);
      }),
    );
  });

  test('gives keys that differ from each other and from the parent, down a tree of splits', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const all: RandomKey[] = [randomKey(seed)];
        let level = [all[0]];
        for (let depth = 0; depth < 3; depth++) {
          level = level.flatMap((k) => splitKey(k, 4));
          all.push(...level);
        }
        const distinct = new Set(all.map((k) => k.words.join(',')));
        expect(distinct.size).toBe(all.length);
      }),
      { numRuns: 20 },
    );
  });

  test('gives streams that are uncorrelated with each other and with the parent', () => {
    const parent = randomKey(7);
    const [a, b] = splitKey(parent);
    const x = randomNormal(a, [N]).data;
    const y = randomNormal(b, [N]).data;
    const z = randomNormal(parent, [N]).data;
    // For independent standard normals, Σxᵢyᵢ/n has mean 0 and standard error 1/√n.
    for (const [u, v] of [
      [x, y],
      [x, z],
      [y, z],
    ]) {
      let s = 0;
      for (let i = 0; i < N; i++) s += u[i] * v[i];
      expect(Math.abs(s / N)).toBeLessThan(Z / Math.sqrt(N));
    }
  });

  test('leaves the parent key unchanged and reusable', () => {
    const key = randomKey(3);
    const before = [...key.words];
    const first = randomNormal(key, [8]);
    splitKey(key, 5);
    randomUniform(key, [8]);
    expect([...key.words]).toEqual(before);
    expect(sameBits(randomNormal(key, [8]).data, first.data)).toBe(true);
  });

  test('rejects a bad n or a bad key naming the argument', () => {
    expect(() => splitKey(randomKey(0), 0)).toThrow(/^splitKey: n: expected a positive integer/);
    expect(() => splitKey(randomKey(0), 1.5)).toThrow(InvalidArgumentError);
    expect(() => splitKey({ kind: 'RandomKey', words: [1, 2] } as never)).toThrow(/^splitKey: key:/);
    expect(() => splitKey(42 as never)).toThrow(InvalidArgumentError);
  });
});

describe('randomNormal', () => {
  test('gives bit-identical output for the same key, shape and dtype', () => {
    fc.assert(
      fc.property(
        seedArb,
        shapeArb({ maxRank: 3, minDim: 0, maxDim: 5 }),
        fc.constantFrom('float64' as const, 'float32' as const),
        (seed, shape, dtype) => {
          const a = randomNormal(randomKey(seed), shape, dtype);
          const b = randomNormal(randomKey(seed), shape, dtype);
          expect(a.shape).toEqual(shape);
          expect(a.dtype).toBe(dtype);
          expect(sameBits(a.data, b.data)).toBe(true);
        },
      ),
    );
  });

  test('gives different output for different keys', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const [a, b] = splitKey(randomKey(seed));
        expect(sameBits(randomNormal(a, [4]).data, randomNormal(b, [4]).data)).toBe(false);
      }),
    );
  });

  test('rounds the float64 draws to float32 for dtype float32', () => {
    const key = randomKey(11);
    const wide = randomNormal(key, [64]);
    const narrow = randomNormal(key, [64], 'float32');
    expect(sameBits(narrow.data, Array.from(wide.data, Math.fround))).toBe(true);
  });

  test('has mean 0, variance 1, P(|z| < 1) ≈ 0.6827 and fourth moment 3', () => {
    for (const seed of [0, 1, 2024]) {
      const { mean, variance, fourth } = moments(randomNormal(randomKey(seed), [N]).data);
      // Standard errors: mean 1/√n; sample variance √(2/n) (Var s² = 2σ⁴/(n−1) for normals);
      // fourth moment √((E z⁸ − (E z⁴)²)/n) = √((105 − 9)/n).
      expect(Math.abs(mean)).toBeLessThan(Z * Math.sqrt(1 / N));
      expect(Math.abs(variance - 1)).toBeLessThan(Z * Math.sqrt(2 / N));
      expect(Math.abs(fourth - 3)).toBeLessThan(Z * Math.sqrt(96 / N));
      // A binomial proportion with p = P(|z| < 1) = erf(1/√2) has standard error √(p(1 − p)/n).
      const p = 0.6826894921370859;
      const inside = randomNormal(randomKey(seed + 1), [N]).data.filter((z) => Math.abs(z) < 1).length / N;
      expect(Math.abs(inside - p)).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / N));
    }
  });

  test('is always finite', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const x = randomNormal(randomKey(seed), [101]).data;
        // Box–Muller with u₁ ∈ [2⁻⁵³, 1] bounds |z| by √(2·53·ln 2) ≈ 8.57.
        expect(x.every((z) => Number.isFinite(z) && Math.abs(z) <= 8.58)).toBe(true);
      }),
    );
  });

  test('rejects a bad shape, dtype or key naming the argument', () => {
    expect(() => randomNormal(randomKey(0), [-1])).toThrow(/^randomNormal: shape/);
    expect(() => randomNormal(randomKey(0), [2], 'int32' as never)).toThrow(/^randomNormal: dtype/);
    expect(() => randomNormal({} as never, [2])).toThrow(/^randomNormal: key/);
  });
});

describe('randomUniform', () => {
  test('stays in [low, high)', () => {
    const bounds = fc
      .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }))
      .map(([low, width]) => [low, low + width] as const)
      .filter(([low, high]) => Math.fround(low) < Math.fround(high));
    fc.assert(
      fc.property(
        seedArb,
        bounds,
        fc.constantFrom('float64' as const, 'float32' as const),
        (seed, [low, high], dtype) => {
          const x = randomUniform(randomKey(seed), [200], { low, high, dtype });
          expect(x.dtype).toBe(dtype);
          // For float32 the interval is [fround(low), fround(high)).
          const round = dtype === 'float32' ? Math.fround : (v: number) => v;
          expect(x.data.every((v) => v >= round(low) && v < round(high))).toBe(true);
        },
      ),
    );
  });

  test('stays below high even where low + (high − low)·u would round up to it', () => {
    // Between 1 and its successor there is no other double, so every draw must be exactly 1.
    const high = 1 + Number.EPSILON;
    const x = randomUniform(randomKey(5), [1000], { low: 1, high });
    expect(x.data.every((v) => v === 1)).toBe(true);
  });

  test('has mean (low + high)/2 and variance (high − low)²/12', () => {
    const low = -2;
    const high = 3;
    const { mean, variance } = moments(randomUniform(randomKey(9), [N], { low, high }).data);
    const w = high - low;
    // Standard errors: mean w/√(12n); sample variance √((μ₄ − σ⁴)/n) with μ₄ = w⁴/80, σ² = w²/12.
    expect(Math.abs(mean - (low + high) / 2)).toBeLessThan((Z * w) / Math.sqrt(12 * N));
    expect(Math.abs(variance - (w * w) / 12)).toBeLessThan(Z * Math.sqrt((w ** 4 / 80 - w ** 4 / 144) / N));
  });

  test('draws 53 random bits per float64', () => {
    // Each draw is k·2⁻⁵³ with k uniform on [0, 2⁵³): the lowest bit of k is 1 with probability
    // 1/2 (standard error √(1/(4n))), which fails if fewer than 53 bits are random.
    const x = randomUniform(randomKey(13), [N]).data;
    let odd = 0;
    for (const v of x) {
      const k = v * 2 ** 53;
      expect(Number.isInteger(k)).toBe(true);
      odd += k % 2;
    }
    expect(Math.abs(odd / N - 0.5)).toBeLessThan(Z * Math.sqrt(1 / (4 * N)));
  });

  test('defaults to [0, 1) float64 and is bit-identical for the same key', () => {
    const a = randomUniform(randomKey(1), [3, 4]);
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([3, 4]);
    expect(sameBits(a.data, randomUniform(randomKey(1), [3, 4]).data)).toBe(true);
  });

  test('rejects bounds with low ≥ high or non-finite naming them', () => {
    expect(() => randomUniform(randomKey(0), [2], { low: 1, high: 1 })).toThrow(InvalidArgumentError);
    expect(() => randomUniform(randomKey(0), [2], { low: 0, high: Number.POSITIVE_INFINITY })).toThrow(
      /^randomUniform: low, high: expected finite numbers with low < high/,
    );
    // 1 and 1 + 2⁻⁴⁰ are distinct doubles but the same float32.
    expect(() => randomUniform(randomKey(0), [2], { low: 1, high: 1 + 2 ** -40, dtype: 'float32' })).toThrow(
      InvalidArgumentError,
    );
  });
});
