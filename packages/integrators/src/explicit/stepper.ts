import { type Value, add, mul } from '@liouville/ad';
import type { CommonDenominator, ExplicitTableau } from './tableau.js';

/**
 * One stepper for every explicit Runge–Kutta tableau, over any vector type with the few linear
 * operations it needs: differentiable values (`valueOps`, for the methods on Hamilton's
 * equations, traced by jit) or plain Float64Arrays (`arrayOps`, for the DOPRI5 reference solver).
 * Both evaluate the same floating-point operations in the same order, element by element.
 */

/** The linear operations of a Runge–Kutta step on vectors of type V. */
export interface LinearOps<V> {
  /** x + Σⱼ (h·wⱼ)·vⱼ over the nonzero wⱼ, accumulated left to right. */
  combine(x: V, h: number, w: readonly number[], v: readonly V[]): V;
  add(u: V, v: V): V;
  scale(c: number, v: V): V;
}

/** The operations on differentiable values (@liouville/ad functions only, so jit traces them). */
export const valueOps: LinearOps<Value> = {
  combine: (x, h, w, v) => w.reduce<Value>((out, wj, j) => (wj === 0 ? out : add(out, mul(h * wj, v[j]))), x),
  add: (u, v) => add(u, v),
  scale: (c, v) => mul(c, v),
};

/** The operations on plain arrays, each returning a new array. */
export const arrayOps: LinearOps<Float64Array> = {
  combine: (x, h, w, v) => {
    const out = Float64Array.from(x);
    w.forEach((wj, j) => {
      if (wj === 0) return;
      const vj = v[j];
      for (let i = 0; i < out.length; i++) out[i] += h * wj * vj[i];
    });
    return out;
  },
  add: (u, v) => u.map((ui, i) => ui + v[i]),
  scale: (c, v) => v.map((vi) => c * vi),
};

/** Σ nᵢvᵢ, adjacent terms with equal nᵢ added before multiplying (none for nᵢ = 1), then summed left to right. */
function integerCombination<V>(ops: LinearOps<V>, numerators: readonly number[], v: readonly V[]): V {
  let total: V | null = null;
  for (let start = 0, end = 1; start < numerators.length; start = end, end = start + 1) {
    const n = numerators[start];
    while (end < numerators.length && numerators[end] === n) end++;
    if (n === 0) continue;
    let run = v[start];
    for (let j = start + 1; j < end; j++) run = ops.add(run, v[j]);
    const term = n === 1 ? run : ops.scale(n, run);
    total = total === null ? term : ops.add(total, term);
  }
  // A tableau's weights sum to 1, so some numerator is nonzero and total is set.
  return total as V;
}

/** x₀ + h Σ bᵢkᵢ, over the common denominator when the tableau writes b so. */
function update<V>(
  ops: LinearOps<V>,
  b: readonly number[],
  weights: CommonDenominator | null,
  h: number,
  x: V,
  k: V[],
): V {
  if (weights === null) return ops.combine(x, h, b, k);
  return ops.combine(x, h / weights.denominator, [1], [integerCombination(ops, weights.numerators, k)]);
}

/** The stage slopes kᵢ = f(t + cᵢh, Xᵢ) and the new state of one step. */
export interface ExplicitStep<V> {
  readonly slopes: readonly V[];
  readonly next: V;
}

/**
 * One step of an explicit Runge–Kutta method for x' = f(t, x): stages Xᵢ = x₀ + h Σⱼ<ᵢ aᵢⱼkⱼ,
 * x₁ = x₀ + h Σ bᵢkᵢ (Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.1, (1.8)). With
 * `firstSlope` = f(t, x₀) already known (FSAL) f is not called for it; for an FSAL tableau x₁ is
 * the last stage.
 */
export function explicitStep<V>(
  ops: LinearOps<V>,
  tableau: ExplicitTableau,
  f: (t: number, x: V) => V,
  t: number,
  x: V,
  h: number,
  firstSlope?: V,
): ExplicitStep<V> {
  const { a, b, c, weights, fsal } = tableau;
  const slopes = [firstSlope ?? f(t, x)];
  let stage = x;
  for (let i = 1; i < b.length; i++) {
    // aᵢⱼ = 0 for j ≥ i, and combine skips zero coefficients: only the slopes known so far are read.
    stage = ops.combine(x, h, a[i], slopes);
    slopes.push(f(t + c[i] * h, stage));
  }
  return { slopes, next: fsal ? stage : update(ops, b, weights, h, x, slopes) };
}
