// The two-body problem in plain TypeScript: the analytic vector field and a 2-stage Gauss–Legendre
// step (order 4) with its stage equations solved by fixed-point iteration, the usual choice for a
// non-stiff problem (Hairer, Lubich & Wanner, Geometric Numerical Integration, 2nd ed., §VIII.6).
// The baseline of the two-body group: what plain JavaScript does without a library.
//
// State x = (q₁, q₂, p₁, p₂) in the plane, q and p laid out body by body as @liouville/hamiltonian's
// twoBody(): H = |p₁|²/(2m₁) + |p₂|²/(2m₂) − G m₁ m₂ / |q₁ − q₂|.

/** Masses and G of the problem. */
export interface TwoBodyParams {
  m1: number;
  m2: number;
  G: number;
}

/** ẋ = J∇H(x) into `out` (8 components). */
export function twoBodyField(x: Float64Array, k: TwoBodyParams, out: Float64Array): Float64Array {
  const dx = x[0] - x[2];
  const dy = x[1] - x[3];
  const r2 = dx * dx + dy * dy;
  const c = (k.G * k.m1 * k.m2) / (r2 * Math.sqrt(r2)); // G m₁ m₂ / r³
  out[0] = x[4] / k.m1;
  out[1] = x[5] / k.m1;
  out[2] = x[6] / k.m2;
  out[3] = x[7] / k.m2;
  out[4] = -c * dx;
  out[5] = -c * dy;
  out[6] = c * dx;
  out[7] = c * dy;
  return out;
}

/** H at x. */
export function twoBodyEnergy(x: ArrayLike<number>, k: TwoBodyParams): number {
  const kinetic = (x[4] ** 2 + x[5] ** 2) / (2 * k.m1) + (x[6] ** 2 + x[7] ** 2) / (2 * k.m2);
  return kinetic - (k.G * k.m1 * k.m2) / Math.hypot(x[0] - x[2], x[1] - x[3]);
}

const R3 = Math.sqrt(3);
/** Gauss–Legendre, 2 stages (GNI Table II.1.1): A and b. */
const A11 = 0.25;
const A12 = 0.25 - R3 / 6;
const A21 = 0.25 + R3 / 6;
const A22 = 0.25;

/** Scratch buffers of the plain Gauss–Legendre step. */
export interface GaussLegendreScratch {
  k1: Float64Array;
  k2: Float64Array;
  y: Float64Array;
  f1: Float64Array;
  prev1: Float64Array;
}

/** Fresh scratch buffers for `handGaussLegendre4`. */
export function gaussLegendreScratch(): GaussLegendreScratch {
  const buffer = () => new Float64Array(8);
  return { k1: buffer(), k2: buffer(), y: buffer(), f1: buffer(), prev1: buffer() };
}

/**
 * `steps` steps of size dt of the 2-stage Gauss–Legendre method on x, in place. Stage slopes
 * kᵢ = f(x + dt Σⱼ aᵢⱼ kⱼ) by fixed-point iteration from kᵢ = f(x), until the slopes change by
 * at most 1e-15 relative (or 50 sweeps); then x ← x + dt (k₁ + k₂)/2.
 */
export function handGaussLegendre4(
  x: Float64Array,
  dt: number,
  steps: number,
  k: TwoBodyParams,
  s: GaussLegendreScratch,
): void {
  const { k1, k2, y, f1, prev1 } = s;
  for (let n = 0; n < steps; n++) {
    twoBodyField(x, k, k1);
    k2.set(k1);
    for (let sweep = 0; sweep < 50; sweep++) {
      prev1.set(k1);
      for (let i = 0; i < 8; i++) y[i] = x[i] + dt * (A11 * k1[i] + A12 * k2[i]);
      twoBodyField(y, k, f1);
      for (let i = 0; i < 8; i++) y[i] = x[i] + dt * (A21 * k1[i] + A22 * k2[i]);
      twoBodyField(y, k, k2);
      k1.set(f1);
      let change = 0;
      let scale = 0;
      for (let i = 0; i < 8; i++) {
        change = Math.max(change, Math.abs(k1[i] - prev1[i]));
        scale = Math.max(scale, Math.abs(k1[i]));
      }
      if (change <= 1e-15 * scale) break;
    }
    for (let i = 0; i < 8; i++) x[i] += 0.5 * dt * (k1[i] + k2[i]);
  }
}
