import type { TypedArray } from './Tensor.js';
import { tanhOf } from './tanh.js';
/**
 * float32 tanh computed in float32 arithmetic: this JavaScript function and the WebAssembly SIMD
 * kernel of wasm/tanh32Lanes.ts (four f32x4 lanes) do the same IEEE 754 binary32 operations in
 * the same order, never fused, so an array gets the same bits whichever of the two computes it.
 * JavaScript has no float32 arithmetic, but the double result of +, −, × or ÷ on two float32
 * values, rounded by Math.fround, is the correctly rounded float32 result (53 ≥ 2·24 + 2, so the
 * double rounding is innocuous): Math.fround after every single operation reproduces the lanes
 * exactly. Min, max, abs, comparisons and selections are exact in both.
 *
 * The algorithm is Eigen's generic_fast_tanh_float (Eigen/src/Core/MathFunctionsImpl.h, Eigen
 * 3.3–3.4, the non-FMA variant; the same constants as XLA's EmitFastTanh and MLIR's tanh
 * approximation): a 13/6-degree rational approximation tanh x ≈ x·P(x²)/Q(x²), P of degree 6
 * and Q of degree 3 in z = x², both by Horner's scheme, on x clamped to ±7.90531110763549805 (the
 * smallest float32 where the approximation evaluates to exactly 1, so |result| ≤ 1 without a
 * final clamp), and x itself for |x| < 0.0004 (where tanh x = x to float32 precision, and where
 * P/Q would lose x's relative accuracy for tiny x). It is chosen over a float32 exp-based form
 * for its short, branch-free chain (one division, about twenty operations per vector) and
 * because the clamp gives ±∞ → ±1 and the identity below 0.0004 gives ±0 → ±0 for free.
 * P being odd, Q even and IEEE rounding sign-symmetric, tanhOf32(−x) is −tanhOf32(x) bit for bit; NaN stays NaN (comparisons false, min/max propagate it).
 *
 * Accuracy, against Math.fround(Math.tanh(x)): the rational approximation itself is within about
 * 1.1 float32 ulps of tanh; the float32 roundings of the two Horner chains add the rest. Over every
 * float32 in [0, 9] (1.09·10⁹ inputs; [−9, 0] by the exact symmetry): at most 7 ulps apart (near
 * |x| ≈ 5.74, where tanh x is within 2·10⁻⁵ of 1 and an ulp is 6·10⁻⁸), 91.5% equal (most inputs
 * being below 0.0004); 10⁶ uniform in [−10, 10]: 6 ulps at most, 36% equal; 10⁶ of log-uniform
 * magnitude 10⁻⁸ … 10²: 6 ulps at most, 67% equal. Those roundings also make it dip where tanh
 * rises by less than an ulp per float32 (|x| ≳ 5): by 10 ulps at most over [0, 9]. It is
 * monotone wherever tanh rises by more than twice the error bound between the inputs compared.
 */

const f32 = Math.fround;

/** Past ±CLAMP the approximation is exactly ±1: Eigen's non-FMA clamp, 7.90531110763549805 (a float32). */
export const TANH32_CLAMP = f32(7.905311107635498);
/** Below this |x|, tanh x is x. */
export const TANH32_TINY = f32(0.0004);
/** Numerator x·(α₁ + α₃z + … + α₁₃z⁶), z = x²: α₁, α₃, …, α₁₃ (Eigen's constants, rounded to float32). */
export const TANH32_ALPHA: readonly number[] = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11,
  2.00018790482477e-13, -2.76076847742355e-16,
].map(f32);
/** Denominator β₀ + β₂z + β₄z² + β₆z³: β₀, β₂, β₄, β₆ (Eigen's constants, rounded to float32). */
export const TANH32_BETA: readonly number[] = [
  4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6,
].map(f32);

const [A1, A3, A5, A7, A9, A11, A13] = TANH32_ALPHA;
const [B0, B2, B4, B6] = TANH32_BETA;

/**
 * tanh x in float32 (see the module comment): `x` a float32 value (held in a double), the result
 * a float32 value; the scalar twin of the SIMD kernel tanh32Lanes.ts, bit for bit.
 */
export function tanhOf32(x: number): number {
  if (Math.abs(x) < TANH32_TINY) return x;
  const c = Math.max(Math.min(x, TANH32_CLAMP), -TANH32_CLAMP);
  const z = f32(c * c);
  let p = f32(f32(A13 * z) + A11);
  p = f32(f32(p * z) + A9);
  p = f32(f32(p * z) + A7);
  p = f32(f32(p * z) + A5);
  p = f32(f32(p * z) + A3);
  p = f32(f32(p * z) + A1);
  p = f32(c * p);
  let q = f32(f32(B6 * z) + B4);
  q = f32(f32(q * z) + B2);
  q = f32(f32(q * z) + B0);
  return f32(p / q);
}

/**
 * out[i] = tanh(x[i]) for i from `from` on, one element at a time: tanhOf32 for a float32 `out`
 * (on x rounded to float32, as storing it would), else tanhOf. The scalar path of every tanh
 * kernel (its tail, and arrays too short for SIMD), so that each dtype has one function's bits.
 */
export function tanhScalarInto(x: TypedArray, out: TypedArray, from = 0): void {
  if (out instanceof Float32Array) for (let i = from; i < x.length; i++) out[i] = tanhOf32(Math.fround(x[i]));
  else for (let i = from; i < x.length; i++) out[i] = tanhOf(x[i]);
}
