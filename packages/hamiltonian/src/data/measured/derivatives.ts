import { InvalidArgumentError } from '@liouville/linalg';

/**
 * Time derivatives of sampled signals, estimated inside one segment of contiguous samples (a
 * segment never spans a gap or a new trial, so no estimate mixes two of them).
 */

/** How derivatives are estimated when the file does not give them. */
export type DerivativeMethod =
  | { readonly method: 'central' }
  | {
      readonly method: 'savgol';
      /** Samples in each least-squares window (default 7). */
      readonly window?: number;
      /** Degree of the local polynomial (default 2). */
      readonly degree?: number;
    };

/** Checks a derivative method and fills in its defaults. */
export function checkDerivativeMethod(operation: string, value: unknown): Required<DerivativeMethod> {
  const m = (typeof value === 'string' ? { method: value } : (value ?? { method: 'central' })) as DerivativeMethod;
  if (m.method === 'central') return { method: 'central' };
  if (m.method !== 'savgol') {
    throw new InvalidArgumentError(
      `${operation}: derivative`,
      "'central', 'savgol' or { method: 'savgol', window, degree }",
      value,
    );
  }
  const window = m.window ?? 7;
  const degree = m.degree ?? 2;
  if (!Number.isInteger(degree) || degree < 1 || degree > 6) {
    throw new InvalidArgumentError(`${operation}: derivative.degree`, 'an integer in [1, 6]', degree);
  }
  if (!Number.isInteger(window) || window < degree + 2) {
    throw new InvalidArgumentError(
      `${operation}: derivative.window`,
      `an integer >= degree + 2 = ${degree + 2}`,
      window,
    );
  }
  return { method: 'savgol', window, degree };
}

/**
 * The derivative of x(t) at every sample of one segment by second-order finite differences on an
 * uneven grid: at interior samples the three-point formula with h₁ = tᵢ − tᵢ₋₁, h₂ = tᵢ₊₁ − tᵢ,
 *   x′ᵢ ≈ −h₂/(h₁(h₁+h₂))·xᵢ₋₁ + (h₂−h₁)/(h₁h₂)·xᵢ + h₁/(h₂(h₁+h₂))·xᵢ₊₁,
 * and at the two ends the one-sided three-point formulas (all exact for quadratics; B. Fornberg,
 * "Generation of finite difference formulas on arbitrarily spaced grids", Math. Comp. 51, 1988).
 * Two samples give their slope; one sample has no derivative (NaN, which the caller drops).
 */
export function centralDerivative(t: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const n = t.length;
  const out = new Float64Array(n);
  if (n === 1) out[0] = Number.NaN;
  if (n === 2) out.fill((x[1] - x[0]) / (t[1] - t[0]));
  if (n < 3) return out;
  for (let i = 0; i < n; i++) {
    const c = Math.min(Math.max(i, 1), n - 2); // the centre of the three samples used
    const [h1, h2] = [t[c] - t[c - 1], t[c + 1] - t[c]];
    out[i] = threePoint(t[i] - t[c], h1, h2, x[c - 1], x[c], x[c + 1]);
  }
  return out;
}

/**
 * The derivative at t_c + s of the parabola through (t_c − h₁, a), (t_c, b), (t_c + h₂, c): s = 0
 * gives the interior formula, s = −h₁ and s = h₂ the one-sided ones at a segment's ends.
 */
function threePoint(s: number, h1: number, h2: number, a: number, b: number, c: number): number {
  // Lagrange basis on the nodes −h₁, 0, h₂, differentiated at s.
  const da = (2 * s - h2) / (h1 * (h1 + h2));
  const db = -(2 * s + h1 - h2) / (h1 * h2);
  const dc = (2 * s + h1) / (h2 * (h1 + h2));
  return da * a + db * b + dc * c;
}

/**
 * The Savitzky–Golay derivative (A. Savitzky & M. J. E. Golay, Anal. Chem. 36, 1627, 1964) on an
 * uneven grid: at each sample, the least-squares polynomial of `degree` through the `window`
 * samples around it (shifted inwards near the segment's ends, as far as the segment reaches)
 * is differentiated there. It is exact for polynomials of that degree and averages noise over the
 * window, so it suits noisy measurements; segments shorter than degree + 2 samples fall back to
 * `centralDerivative`. Times are centred and scaled per window, so the normal equations of a
 * low-degree fit stay well conditioned.
 */
export function savgolDerivative(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  window: number,
  degree: number,
): Float64Array {
  const n = t.length;
  if (n < degree + 2) return centralDerivative(t, x);
  const w = Math.min(window, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const start = Math.min(Math.max(i - Math.floor(w / 2), 0), n - w);
    const { coefficients, scale } = localPolynomial(t, x, start, w, degree, t[i]);
    // The polynomial is Σ cₑ uᵉ with u = (t − tᵢ)/scale, so its slope at tᵢ is c₁/scale.
    out[i] = coefficients[1] / scale;
  }
  return out;
}

/**
 * Savitzky–Golay smoothing of one segment's samples: at each sample, the value there of the
 * least-squares polynomial of `degree` through the `window` samples around it (shifted inwards
 * near the ends), the same local fit whose slope `savgolDerivative` takes. Independent noise of
 * variance σ² leaves σ²·Σcⱼ² at an interior sample (window 7, degree 2: cⱼ = [−2, 3, 6, 7, 6, 3, −2]/21,
 * Σcⱼ² = 1/3), while a polynomial of that degree passes unchanged. A segment shorter than
 * degree + 2 samples is returned as it is (a fit through every sample would not smooth).
 */
export function savgolSmooth(t: ArrayLike<number>, x: ArrayLike<number>, window: number, degree: number): Float64Array {
  const n = t.length;
  if (n < degree + 2) return Float64Array.from(x);
  const w = Math.min(window, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const start = Math.min(Math.max(i - Math.floor(w / 2), 0), n - w);
    out[i] = localPolynomial(t, x, start, w, degree, t[i]).coefficients[0];
  }
  return out;
}

/**
 * The least-squares polynomial of `degree` through samples start … start + w − 1, as coefficients
 * cₑ of uᵉ with u = (t − at)/scale: its value at `at` is c₀, its slope c₁/scale.
 */
function localPolynomial(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  start: number,
  w: number,
  degree: number,
  at: number,
): { coefficients: Float64Array; scale: number } {
  const scale = (t[start + w - 1] - t[start]) / 2;
  const k = degree + 1;
  const normal = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let j = start; j < start + w; j++) {
    const u = (t[j] - at) / scale;
    const powers = Array.from({ length: k }, (_, e) => u ** e);
    for (let a = 0; a < k; a++) {
      rhs[a] += powers[a] * x[j];
      for (let b = 0; b < k; b++) normal[a * k + b] += powers[a] * powers[b];
    }
  }
  return { coefficients: solveSymmetric(normal, rhs, k), scale };
}

/** Solves the k×k system A c = b by Gaussian elimination with partial pivoting (k ≤ 7). */
function solveSymmetric(A: Float64Array, b: Float64Array, k: number): Float64Array {
  const a = Float64Array.from(A);
  const c = Float64Array.from(b);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col]) > Math.abs(a[pivot * k + col])) pivot = r;
    for (let j = 0; j < k; j++) [a[col * k + j], a[pivot * k + j]] = [a[pivot * k + j], a[col * k + j]];
    [c[col], c[pivot]] = [c[pivot], c[col]];
    for (let r = col + 1; r < k; r++) {
      const f = a[r * k + col] / a[col * k + col];
      for (let j = col; j < k; j++) a[r * k + j] -= f * a[col * k + j];
      c[r] -= f * c[col];
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = c[r];
    for (let j = r + 1; j < k; j++) s -= a[r * k + j] * c[j];
    c[r] = s / a[r * k + r];
  }
  return c;
}

/**
 * An angle made continuous: multiples of 2π added so that consecutive samples differ by less
 * than π (numpy.unwrap's rule), so an angle wrapped to (−π, π] differentiates across the seam.
 */
export function unwrapAngle(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x);
  let shift = 0;
  for (let i = 1; i < out.length; i++) {
    const step = x[i] - x[i - 1];
    shift -= 2 * Math.PI * Math.round(step / (2 * Math.PI));
    out[i] = x[i] + shift;
  }
  return out;
}

/** The derivative of one segment's samples by the chosen method. */
export function estimateDerivative(
  t: ArrayLike<number>,
  x: ArrayLike<number>,
  method: Required<DerivativeMethod>,
): Float64Array {
  return method.method === 'central' ? centralDerivative(t, x) : savgolDerivative(t, x, method.window, method.degree);
}
