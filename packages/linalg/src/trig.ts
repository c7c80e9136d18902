/**
 * sin and cos, computed the same way (the same IEEE 754 operations, in the same order, never fused)
 * by these JavaScript functions and by the WebAssembly SIMD code of wasm/trigLanes.ts, so that a
 * value gets the same bits whichever of the two computes it. Engines' own Math.sin and Math.cos are
 * not used below the bound B: ECMAScript leaves their results implementation-defined, and they
 * cannot run two lanes at a time. Every step below the bound runs in SIMD lanes as written,
 * branch-free; the JavaScript skips the steps whose result it knows exactly (see `reduced`).
 *
 * Argument reduction, for |x| < B = 2²⁰: k = round(x·2/π) (ties to even: the 1.5·2⁵² trick, as in
 * tanh.ts, exact for |x·2/π| < 2⁵¹; |k| ≤ round(2²¹/π) = 667544), and r = x − k·π/2 as a
 * head and a tail (y0, y1), with π/2 split as fdlibm's e_rem_pio2.c splits it: PIO2_1 + PIO2_2 +
 * PIO2_3 + PIO2_3T, the first three with 31, 32 and 28 significant bits (lowest bits 2⁻³⁰, 2⁻⁶⁵,
 * 2⁻⁹⁶), so k·PIO2_1, k·PIO2_2 and k·PIO2_3 are exact for |k| < 2²¹. fdlibm runs its second and
 * third stages only when cancellation calls for them; here all three always run, each carrying its
 * rounding error:
 * - a1 = x − k·PIO2_1 is exact (Sterbenz: for k ≠ 0, k·PIO2_1 is within a factor 2 of x).
 * - a2 = a1 − k·PIO2_2, e2 = (a1 − a2) − k·PIO2_2 (Dekker's Fast2Sum) gives a1 − k·PIO2_2 = a2 +
 *   e2 exactly: either |a1| ≥ |k·PIO2_2|, Fast2Sum's condition, or |a2| < 2|k·PIO2_2| < 2⁻¹²;
 *   then a2 is exact (a1 and k·PIO2_2 are multiples of 2⁻⁶⁵, and so is their difference, which
 *   has fewer than 53 bits below 2⁻¹²), and e2 = 0.
 * - a3 = a2 − k·PIO2_3, e3 likewise: either Fast2Sum's condition holds, or |a3| < 2|k·PIO2_3| <
 *   2⁻⁴³ with a2 exact (a multiple of 2⁻⁶⁵) and k·PIO2_3 a multiple of 2⁻⁹⁶: exact again.
 * - the tail t = (e2 − k·PIO2_3T) + e3, and y0 = a3 + t, y1 = (a3 − y0) + t (Fast2Sum: |t| is
 *   about an ulp of a3), computed with −t so that sin(−0) = −0. π/2 − (PIO2_1 + PIO2_2 + PIO2_3 +
 *   PIO2_3T) ≈ 2⁻¹⁵⁸, times k, is negligible, and the roundings left (in t) are ulps of
 *   quantities themselves at most ulps of r.
 * The remainder keeps about 150 bits of π/2, enough for the doubles nearest kπ/2 (where r has
 * cancelled some 60 bits) as fdlibm's three stages are.
 * Why B = 2²⁰: the arguments above need |k| < 2²¹ (exact products) and 2|k|·PIO2_2 < 2⁻¹²
 * (|k| < 2.0·10⁶), and fdlibm's own medium-size path stops at 2²⁰·π/2 (where its k·pio2_1 stays
 * exact); a power of two below that leaves margin in all three and is one comparison of |x|.
 * Angles beyond it (adjacent doubles 2⁻³² apart and more) are rare enough in simulation to leave
 * to the engine's slower, branching path.
 *
 * Kernels on |y0| ≤ π/4 (plus rounding): FreeBSD msun's k_sin.c and k_cos.c (fdlibm's, with the
 * polynomials split in two for a shorter dependency chain, and k_cos's branch-free form), their
 * coefficients S1…S6 and C1…C6 (minimax on [−π/4, π/4], errors below 2⁻⁵⁸ there), each taking the
 * tail y1 into account:
 *   sin: z = y0², w = z², p = S2 + z(S3 + z·S4) + z·w(S5 + z·S6), v = z·y0,
 *        s = y0 − ((z(y1/2 − v·p) − y1) − v·S1)
 *   cos: p = z(C1 + z(C2 + z·C3)) + w²(C4 + z(C5 + z·C6)), h = z/2, u = 1 − h,
 *        c = u + (((1 − u) − h) + (z·p − y0·y1))
 * Quadrant q = k mod 4: sin x = s, c, −s, −c and cos x = c, −s, −c, s for q = 0, 1, 2, 3 (cos x
 * taking sin's choice for q + 1). The lanes run both kernels and select; the JavaScript runs the
 * chosen one only. The choice and the negation are exact, so a branch here and bit selections in
 * SIMD (v128.bitselect, a sign-bit xor) give the same bits. Products by 0 and ±1 would too (s·(1 − b) − c·(0 − b) is s or c
 * exactly, keeping −0), but measured slower in V8 (14.3 against 8.8 ns per element over [−2, 2]).
 *
 * For |x| ≥ B, ±∞ and NaN the result is the engine's Math.sin x or Math.cos x (correctly reduced in
 * V8 and SpiderMonkey, which port fdlibm's __ieee754_rem_pio2 with its large-argument path).
 *
 * Measured against Math.sin and Math.cos (V8's fdlibm port, within 1 ulp of the true values), over
 * 10⁶ inputs of each kind: at most 1 ulp apart; bit-equal for 98.5% (sin) and 99.3% (cos) of
 * uniform [−2, 2], 99.1% of uniform [−2²⁰, 2²⁰], 99.7% of log-uniform magnitudes 10⁻¹³ … 10¹³
 * (those from 2²⁰ on being Math.sin's own) and 100% of the doubles within 2 ulps of kπ/2
 * (test/trig.test.ts checks the 1 ulp).
 */

/** |x| below this goes through the reduction above (2²⁰; see the module comment). */
export const TRIG_BOUND = 2 ** 20;
/** 2/π (fdlibm's invpio2, 0x3FE45F306DC9C883). */
export const TWO_OVER_PI = 0.6366197723675814;
/** 1.5·2⁵²: (y + ROUNDING) − ROUNDING rounds y to an integer, ties to even, for |y| < 2⁵¹. */
export const ROUNDING = 6755399441055744;
/** π/2 in four pieces (fdlibm's e_rem_pio2.c pio2_1, pio2_2, pio2_3 and pio2_3t). */
export const PIO2_1 = 1.5707963267341256; // 0x3FF921FB54400000
export const PIO2_2 = 6.077100506303966e-11; // 0x3DD0B4611A600000
export const PIO2_3 = 2.0222662487111665e-21; // 0x3BA3198A2E000000
export const PIO2_3T = 8.4784276603689e-32; // 0x397B839A252049C1
/** k_sin.c's S1 … S6 (the hex of fdlibm's comments: 0xBFC5555555555549 … 0x3DE5D93A5ACFD57C). */
export const SIN_COEFFICIENTS = [
  -1.6666666666666632e-1, 8.33333333332249e-3, -1.984126982985795e-4, 2.7557313707070068e-6, -2.5050760253406863e-8,
  1.58969099521155e-10,
] as const;
/** k_cos.c's C1 … C6 (0x3FA555555555554C … 0xBDA8FAE9BE8838D4). */
export const COS_COEFFICIENTS = [
  4.16666666666666e-2, -1.388888888887411e-3, 2.480158728947673e-5, -2.7557314351390663e-7, 2.087572321298175e-9,
  -1.1359647557788195e-11,
] as const;

/** sin x (see the module comment); the scalar twin of the SIMD code, bit for bit. */
export function sinOf(x: number): number {
  return Math.abs(x) < 1048576 ? reduced(x, 0) : Math.sin(x); // TRIG_BOUND (see `reduced` on literals)
}

/** cos x (see the module comment); the scalar twin of the SIMD code, bit for bit. */
export function cosOf(x: number): number {
  return Math.abs(x) < 1048576 ? reduced(x, 1) : Math.cos(x); // TRIG_BOUND
}

/**
 * sin(x + shift·π/2) for |x| < TRIG_BOUND and shift 0 or 1 (cos x = sin(x + π/2): quadrant k + 1),
 * by the reduction and kernels of the module comment. The constants are written out as literals
 * (the values of the exported constants above, which the SIMD code uses; the bit-identity tests
 * would tell any difference): loads of module variables made this function too long in bytecode
 * (over V8's 460-byte limit) to be inlined into its callers, which costs a call and a boxed
 * result (measured 18.7 against 14.3 ns per element, before the change of selection above).
 */
function reduced(x: number, shift: number): number {
  const k = x * 0.6366197723675814 + 6755399441055744 - 6755399441055744; // TWO_OVER_PI, ROUNDING
  // For k = 0 (|x| ≲ π/4) the three stages below give y0 = x and y1 = +0 exactly (each product is
  // 0, x − 0 = x, x − x = +0), so they are skipped: the same bits, as the lanes compute them.
  let y0 = x;
  let y1 = 0;
  if (k !== 0) {
    const a1 = x - k * 1.5707963267341256; // PIO2_1
    const w2 = k * 6.077100506303966e-11; // PIO2_2
    const a2 = a1 - w2;
    const e2 = a1 - a2 - w2;
    const w3 = k * 2.0222662487111665e-21; // PIO2_3
    const a3 = a2 - w3;
    const e3 = a2 - a3 - w3;
    // The tail negated, tn = −t, so that y0 = a3 − tn keeps a3 = −0 (x = −0): −0 − (+0) = −0,
    // where −0 + (+0) = +0. a3 − tn and a3 + t round alike.
    const tn = k * 8.4784276603689e-32 - e2 - e3; // PIO2_3T
    y0 = a3 - tn;
    y1 = a3 - y0 - tn;
  }
  const z = y0 * y0;
  const w = z * z;
  // Quadrant q: sin, cos, −sin, −cos of the remainder (see the module comment). Only the kernel
  // chosen is computed here (the lanes compute both and select): the same bits, and a predictable
  // branch where angles change slowly, as along a trajectory.
  const q = (k + shift) & 3;
  let r: number;
  if ((q & 1) === 0) {
    // sin(y0 + y1) (k_sin.c; S1 … S6).
    const sp =
      8.33333333332249e-3 +
      z * (-1.984126982985795e-4 + z * 2.7557313707070068e-6) +
      z * w * (-2.5050760253406863e-8 + z * 1.58969099521155e-10);
    const v = z * y0;
    r = y0 - (z * (0.5 * y1 - v * sp) - y1 - v * -1.6666666666666632e-1);
  } else {
    // cos(y0 + y1) (k_cos.c; C1 … C6).
    const cp =
      z * (4.16666666666666e-2 + z * (-1.388888888887411e-3 + z * 2.480158728947673e-5)) +
      w * w * (-2.7557314351390663e-7 + z * (2.087572321298175e-9 + z * -1.1359647557788195e-11));
    const h = 0.5 * z;
    const u = 1 - h;
    r = u + (1 - u - h + (z * cp - y0 * y1));
  }
  return q & 2 ? -r : r;
}
