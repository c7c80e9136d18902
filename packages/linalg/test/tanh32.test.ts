import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TANH32_CLAMP, TANH32_TINY, tanhOf32 } from '../src/tanh32.js';
import { TANH_ELEMENTS_PER_STEP } from '../src/wasm/tanhLanes.js';
import { wasmSimdSupported, wasmTanh } from '../src/wasm/wasmMatmulKernel.js';

const f32 = Math.fround;
const bits = new Float32Array(1);
const bitsInt = new Int32Array(bits.buffer);

/** The float32 whose bit pattern is `i`. */
function fromBits(i: number): number {
  bitsInt[0] = i;
  return bits[0];
}

/** float32 values in a monotone integer order (the bit pattern, mirrored for negatives): ulps apart is their difference. */
function ordinal(x: number): number {
  bits[0] = x;
  const i = bitsInt[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/** The next float32 above (`direction` 1) or below (−1) the finite float32 `x`. */
function nextFloat32(x: number, direction: 1 | -1): number {
  const o = ordinal(x) + direction;
  return fromBits(o < 0 ? -o | 0x80000000 : o);
}

/** Distance in float32 ulps between tanhOf32(x) and the correctly rounded-ish float32 tanh (Math.tanh rounded once). */
function ulpsFromReference(x: number): number {
  const reference = f32(Math.tanh(x));
  const ours = tanhOf32(x);
  if (Number.isNaN(reference)) return Number.isNaN(ours) ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(ordinal(ours) - ordinal(reference));
}

/** float32 inputs: anything fast-check's float makes (±0, ±∞, NaN, subnormals), and the kernel's edges. */
const edges = [
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  fromBits(1),
  fromBits(0x807fffff),
  TANH32_CLAMP,
  nextFloat32(TANH32_CLAMP, 1),
  nextFloat32(TANH32_CLAMP, -1),
  -TANH32_CLAMP,
  TANH32_TINY,
  nextFloat32(TANH32_TINY, -1),
  -TANH32_TINY,
  f32(1e-20),
  f32(-3e-8),
  7.9,
  -7.95,
  9,
];
const float32Arb = fc.oneof(
  fc.float(),
  fc.float({ min: -10, max: 10, noNaN: true }),
  fc.float({ min: -f32(0.001), max: f32(0.001), noNaN: true }),
  fc.constantFrom(...edges.map(f32)),
);

describe('tanhOf32', () => {
  test('is within 7 float32 ulps of Math.fround(Math.tanh(x)) over 3·10⁶ float32 inputs', () => {
    // Deterministic inputs (a 32-bit LCG): 10⁶ uniform in [−10, 10], 10⁶ of magnitude 10^u with u
    // uniform in [−8, 2], either sign, and every 1024th float32 in [0, 9] (≈10⁶, the odd symmetry
    // covers [−9, 0]): 6 ulps at most. Every float32 in [0, 9] (1.09·10⁹, a sweep too long for a
    // test): 7 ulps at most (5 inputs, near x ≈ 5.74, where tanh x is within 2·10⁻⁵ of 1), 91.5%
    // equal (most of them below 0.0004, where tanhOf32 x = x).
    let state = 12345;
    const uniform = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    let worst = 0;
    let equal = 0;
    let n = 0;
    const check = (x: number) => {
      const d = ulpsFromReference(x);
      if (d > worst) worst = d;
      if (d === 0) equal++;
      n++;
      if (d > 7) expect([x, tanhOf32(x), f32(Math.tanh(x))]).toBe('within 7 ulps');
    };
    for (let i = 0; i < 1_000_000; i++) check(f32(uniform() * 20 - 10));
    for (let i = 0; i < 1_000_000; i++) {
      const magnitude = f32(10 ** (-8 + 10 * uniform()));
      check(uniform() < 0.5 ? -magnitude : magnitude);
    }
    for (let i = 0; i <= 0x41100000; i += 1024) check(fromBits(i));
    expect(worst).toBeLessThanOrEqual(7);
    // Measured: 6 ulps at most, 65.5% bit-equal over these 3.07·10⁶ inputs.
    expect(equal / n).toBeGreaterThan(0.6);
  });

  test('is odd, bit for bit, and bounded by 1 in magnitude', () => {
    fc.assert(
      fc.property(float32Arb, (x) => {
        expect(Object.is(tanhOf32(-x), -tanhOf32(x))).toBe(true);
        if (!Number.isNaN(x)) expect(Math.abs(tanhOf32(x))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 20_000 },
    );
  });

  test('returns float32 values', () => {
    fc.assert(
      fc.property(float32Arb, (x) => {
        const y = tanhOf32(x);
        expect(Object.is(f32(y), y)).toBe(true);
      }),
    );
  });

  test('is monotone where tanh rises by more than twice the error bound, and dips by at most 10 ulps elsewhere', () => {
    // tanh is increasing, but the approximation's roundings (up to 7 ulps either way) make it dip
    // where tanh rises by less than an ulp per float32 (past |x| ≈ 5, within 10⁻⁴ of 1): the
    // exhaustive sweep of [0, 9] found a decrease of 10 ulps at most (near x ≈ 5.46). On [−4, 4],
    // steps of 1/1024 raise tanh by more than 1.3·10⁻⁶, over 20 ulps: there it is monotone.
    let previous = tanhOf32(-4);
    for (let x = -4; x <= 4; x += 1 / 1024) {
      const y = tanhOf32(f32(x));
      expect(y).toBeGreaterThanOrEqual(previous);
      previous = y;
    }
    let highest = tanhOf32(-10);
    for (let x = -10; x <= 10; x += 1 / 8192) {
      const y = tanhOf32(f32(x));
      if (y > highest) highest = y;
      else expect(highest - y).toBeLessThanOrEqual(10 * 2 ** -24);
    }
    for (const edge of [TANH32_CLAMP, TANH32_TINY]) {
      let x = edge;
      for (let i = 0; i < 64; i++) x = nextFloat32(x, -1);
      previous = tanhOf32(x);
      for (let i = 0; i < 128; i++) {
        x = nextFloat32(x, 1);
        const y = tanhOf32(x);
        expect(previous - y).toBeLessThanOrEqual(10 * 2 ** -24);
        previous = y;
      }
    }
  });

  test('keeps the special values: ±0, tiny x, ±∞ and NaN', () => {
    expect(Object.is(tanhOf32(0), 0)).toBe(true);
    expect(Object.is(tanhOf32(-0), -0)).toBe(true);
    for (const x of [fromBits(1), f32(1e-30), f32(-1e-20), f32(2 ** -29), nextFloat32(TANH32_TINY, -1)]) {
      expect(tanhOf32(x)).toBe(x);
    }
    expect(tanhOf32(Number.POSITIVE_INFINITY)).toBe(1);
    expect(tanhOf32(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(tanhOf32(TANH32_CLAMP)).toBe(1);
    expect(tanhOf32(f32(100))).toBe(1);
    expect(tanhOf32(Number.NaN)).toBeNaN();
  });
});

describe('the float32 SIMD kernel (tanh_f32)', () => {
  /** Arrays of every length remainder mod TANH_ELEMENTS_PER_STEP, and whole steps. */
  const arrayArb = fc
    .tuple(fc.array(float32Arb, { minLength: 0, maxLength: 300, size: 'max' }), fc.nat(TANH_ELEMENTS_PER_STEP - 1))
    .map(([xs, extra]) => Float32Array.from([...xs, ...xs.slice(0, extra)]));

  /** The kernel's output on the whole steps (the tail is the caller's, in JavaScript). */
  const wholeSteps = (x: Float32Array, out: Float32Array) =>
    out.subarray(0, Math.floor(x.length / TANH_ELEMENTS_PER_STEP) * TANH_ELEMENTS_PER_STEP);

  const sameAsTanhOf32 = (x: Float32Array, out: Float32Array) => {
    const head = wholeSteps(x, out);
    for (let i = 0; i < head.length; i++) {
      if (!Object.is(head[i], f32(tanhOf32(x[i])))) expect([i, x[i], head[i]]).toEqual([i, x[i], tanhOf32(x[i])]);
    }
  };

  test('gives tanhOf32 of every element, bit for bit', () => {
    if (!wasmSimdSupported()) return;
    fc.assert(
      fc.property(arrayArb, (x) => {
        const out = new Float32Array(x.length);
        expect(wasmTanh('float32', x, out)).toBe(true);
        sameAsTanhOf32(x, out);
      }),
      { numRuns: 300 },
    );
  });

  test('gives tanhOf32 of every element in place and at unaligned offsets', () => {
    if (!wasmSimdSupported()) return;
    fc.assert(
      fc.property(arrayArb, fc.nat(3), (x, shift) => {
        const buffer = new Float32Array(x.length + shift);
        buffer.set(x, shift);
        const view = buffer.subarray(shift);
        expect(wasmTanh('float32', view, view)).toBe(true);
        sameAsTanhOf32(x, view);
      }),
      { numRuns: 100 },
    );
  });

  test('matches tanhOf32 over a dense sweep of float32 inputs', () => {
    if (!wasmSimdSupported()) return;
    // Every 997th float32 bit pattern, both signs, with NaNs and infinities: ≈ 8.6·10⁶ inputs.
    const x = new Float32Array(Math.floor(2 ** 32 / 997 / TANH_ELEMENTS_PER_STEP) * TANH_ELEMENTS_PER_STEP);
    const xi = new Int32Array(x.buffer);
    for (let i = 0; i < x.length; i++) xi[i] = i * 997;
    const out = new Float32Array(x.length);
    expect(wasmTanh('float32', x, out)).toBe(true);
    let mismatches = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(out[i], f32(tanhOf32(x[i])))) mismatches++;
    expect(mismatches).toBe(0);
  });
});
