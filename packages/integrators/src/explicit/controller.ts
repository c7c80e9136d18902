import type { Rhs } from './dopri5Problem.js';
import { arrayOps } from './stepper.js';

/**
 * Step-size control of an embedded pair: the weighted error norm, the standard (elementary)
 * controller h_new = h·min(facmax, max(facmin, safety·err^(−1/(q+1)))) and the starting step
 * (Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.4; the defaults of Hairer's dopri5.f).
 */

const SAFETY = 0.9; // HNW I §II.4: aim slightly below the tolerance to avoid rejections
const FAC_MIN = 0.2; // never shrink by more than 5× per step ...
const FAC_MAX = 10; // ... or grow by more than 10× (dopri5.f defaults)
/** Machine epsilon of float64, 2⁻⁵². */
export const EPS = 2 ** -52;

/** Absolute and relative tolerance. */
export interface Tolerances {
  readonly rtol: number;
  readonly atol: number;
}

/** RMS of vᵢ / (atol + rtol·max(|yᵢ|, |ŷᵢ|)): HNW I, §II.4 (≤ 1 means within tolerance). */
export function weightedRms(v: Float64Array, y: Float64Array, yHat: Float64Array, { rtol, atol }: Tolerances): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i] / (atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yHat[i])));
    acc += r * r;
  }
  return Math.sqrt(acc / Math.max(v.length, 1));
}

/** New step size after an attempt with weighted error err (HNW I, §II.4, with the bounds facmin, facmax). */
export function nextStepSize(h: number, err: number, justRejected: boolean): number {
  // The embedded estimate is O(h⁵), so h·err^(−1/5) would meet the tolerance exactly.
  const fac = err === 0 ? FAC_MAX : SAFETY * err ** (-1 / 5);
  // No growth right after a rejection (HNW I, §II.4): avoids rejecting the same step again.
  return h * Math.min(justRejected ? 1 : FAC_MAX, Math.max(FAC_MIN, fac));
}

/**
 * Starting step size (HNW I, §II.4, "Starting step size"; dopri5.f, HINIT): a first guess
 * h₀ = 0.01‖y₀‖/‖f₀‖, refined with an estimate of the second derivative so that h₁⁵·max(‖f₀‖, ‖y''‖)
 * ≈ 0.01, taking the smaller of 100h₀ and h₁.
 */
export function initialStep(
  rhs: Rhs,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  dir: number,
  span: number,
  tol: Tolerances,
): number {
  const d0 = weightedRms(y0, y0, y0, tol);
  const d1 = weightedRms(f0, y0, y0, tol);
  const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1), span);
  const y1 = arrayOps.combine(y0, dir * h0, [1], [f0]);
  const f1 = rhs(t0 + dir * h0, y1);
  const df = f1.map((v, i) => v - f0[i]);
  const d2 = weightedRms(df, y0, y0, tol) / h0;
  const scale = Math.max(d1, d2);
  const h1 = scale <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / scale) ** (1 / 5);
  return Math.min(100 * h0, h1, span);
}
