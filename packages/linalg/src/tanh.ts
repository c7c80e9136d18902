/**
 * tanh, computed the same way (the same IEEE 754 operations, in the same order, never fused) by
 * this JavaScript function and by the WebAssembly SIMD kernel of wasm/tanhLanes.ts, so that an
 * array gets the same bits whichever of the two computes it. Engines' own Math.tanh is not used:
 * ECMAScript leaves its result implementation-defined (V8 and SpiderMonkey port fdlibm, others call
 * the platform's libm), and it cannot run two lanes at a time.
 *
 * For a = |x|, as fdlibm's s_tanh.c and Cephes' tanh.c split it:
 * - a < 0.625: tanh a = a + a·z·P(z)/Q(z), z = a², the rational approximation of Cephes (S. L.
 *   Moshier, Cephes Math Library, tanh.c; relative error 2.5·10⁻¹⁶ there). The correction is at
 *   most 12% of a, so its own roundings weigh little against the final addition's.
 * - otherwise tanh a = 1 − 2/(e + 2), e = expm1(t), t = min(2a, 40) (tanh a = 1 − 2/(e^{2a} + 1)):
 *   the subtraction from 1 dilutes the error of the fraction, which is at most 0.45. Past t = 40,
 *   1 − tanh(20) ≈ 8.5·10⁻¹⁸ is below half an ulp of 1, so clamping t changes nothing and keeps
 *   eᵗ finite.
 * expm1(t) comes from the usual range reduction t = k·ln2 + r with k = round(t/ln2), |r| ≤ ln2/2
 * (Cody & Waite: ln2 split in a high part with 32 trailing zero bits, so k·LN2_HI is exact, and a
 * low part; fdlibm's constants), then expm1(t) = 2ᵏ·expm1(r) + (2ᵏ − 1): one rounding (2ᵏ·expm1(r)
 * is exact) and no cancellation, both terms having the same sign for k ≥ 1. expm1(r) = r + r²·q(r),
 * with q the Taylor polynomial Σ_{n=2}^{13} rⁿ⁻²/n!: its first neglected term, |r|¹³/14! ≤
 * 1.2·10⁻¹⁷·|r| for |r| ≤ ln2/2, is a tenth of an ulp. q is evaluated by Estrin's scheme (pairs,
 * then powers r², r⁴, r⁸), whose short dependency chain is what makes the SIMD kernel fast. The
 * sign is put back last, and tanh(±0) = ±0.
 *
 * Measured against Math.tanh (fdlibm, itself within 1 ulp of tanh): at most 2 ulp apart over
 * 3·10⁶ inputs (88% equal) and over the generated inputs of test/tanh.test.ts, which span 10⁻¹¹
 * to 10¹¹ in magnitude; and equal for |x| < 2⁻²⁸ (where tanh x = x), at ±∞, and from |x| ≈ 19.1
 * on (±1).
 */

/** 1 / ln 2 */
export const INV_LN2 = Math.LOG2E;
/** ln 2 = LN2_HI + LN2_LO: the high part has 32 trailing zero bits (fdlibm's s_expm1.c; the doubles its constants round to). */
export const LN2_HI = 0.6931471803691238;
export const LN2_LO = 1.9082149292705877e-10;
/** 1.5·2⁵²: (y + ROUNDING) − ROUNDING rounds y to an integer, ties to even, for |y| < 2⁵¹. */
export const ROUNDING = 6755399441055744;
/** The largest t = 2|x| used: tanh(20) rounds to 1. */
export const T_MAX = 40;
/** Below this |x|, the rational approximation; from it on, the form in expm1. */
export const SMALL_END = 0.625;
/** Cephes tanh.c (the doubles its 21-digit constants round to): P(z) = P0·z² + P1·z + P2 and Q(z) = z³ + Q0·z² + Q1·z + Q2. */
export const CEPHES_P = [-0.9643991794250523, -99.28772310019185, -1614.6876844170845];
export const CEPHES_Q = [112.81167849163293, 2235.4883906010045, 4844.063053251255];

/** 1/n! for n = 0 … 13, each the double nearest to it (n! is exact in a double). */
export const INVERSE_FACTORIALS: readonly number[] = (() => {
  const out = [1];
  let factorial = 1;
  for (let n = 1; n <= 13; n++) {
    factorial *= n;
    out.push(1 / factorial);
  }
  return out;
})();

const [, , C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13] = INVERSE_FACTORIALS;

/** 2ᵏ for k = 0 … 63 (k never exceeds round(40/ln2) = 58). */
const POWERS_OF_TWO = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

const [P0, P1, P2] = CEPHES_P;
const [Q0, Q1, Q2] = CEPHES_Q;

/** tanh x (see the module comment); the scalar twin of the SIMD kernel, bit for bit. */
export function tanhOf(x: number): number {
  const a = Math.abs(x);
  const y = a < SMALL_END ? tanhSmall(a) : tanhLarge(a);
  return x < 0 ? -y : x === 0 ? x : y;
}

/** tanh a for 0 ≤ a < SMALL_END (or NaN), by Cephes' rational approximation. */
function tanhSmall(a: number): number {
  const z = a * a;
  const p = (P0 * z + P1) * z + P2;
  const q = ((z + Q0) * z + Q1) * z + Q2;
  return a + a * ((z * p) / q);
}

/** tanh a for a ≥ SMALL_END, as 1 − 2/(expm1(2a) + 2). */
function tanhLarge(a: number): number {
  const t = Math.min(a * 2, T_MAX);
  const k = t * INV_LN2 + ROUNDING - ROUNDING;
  const r = t - k * LN2_HI - k * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  // Estrin: q = (C2 + C3 r + (C4 + C5 r) r²) + (C6 + … ) r⁴ + (C10 + … ) r⁸, each term as written.
  const q0 = C2 + C3 * r + (C4 + C5 * r) * r2;
  const q1 = C6 + C7 * r + (C8 + C9 * r) * r2;
  const q2 = C10 + C11 * r + (C12 + C13 * r) * r2;
  const q = q0 + q1 * r4 + q2 * r8;
  const expm1r = r + r2 * q;
  const s = POWERS_OF_TWO[k];
  const e = s * expm1r + (s - 1);
  return 1 - 2 / (e + 2);
}
