import { InvalidArgumentError, Tensor, checkFinitePositive, checkPositiveInteger } from '@liouville/linalg';
import fc from 'fast-check';
import type { State } from '../system.js';

/** Options of `arbitraryState`. */
export interface StateOptions {
  /** Components are drawn from [−scale, scale] (default 1). */
  readonly scale?: number;
  /** Draw a batch of this many states, q and p of shape [batch, dim] (default: one state, [dim]). */
  readonly batch?: number;
}

/** Random phase-space states { q, p } of float64 tensors with `dim` degrees of freedom. */
export function arbitraryState(dim: number, options: StateOptions = {}): fc.Arbitrary<State> {
  checkPositiveInteger('arbitraryState: dim', dim);
  const batch = options.batch === undefined ? undefined : checkPositiveInteger('arbitraryState: batch', options.batch);
  const scale = options.scale ?? 1;
  checkFinitePositive('arbitraryState: scale', scale);
  const shape = batch === undefined ? [dim] : [batch, dim];
  const size = dim * (batch ?? 1);
  const component = fc.double({ min: -scale, max: scale, noNaN: true });
  const vector = fc
    .array(component, { minLength: size, maxLength: size })
    .map((xs) => new Tensor(Float64Array.from(xs), shape));
  return fc.record({ q: vector, p: vector });
}

/** Random step sizes in [min, max], 0 < min ≤ max. */
export function arbitraryStepSize(min: number, max: number): fc.Arbitrary<number> {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min <= 0 || max < min) {
    throw new InvalidArgumentError('arbitraryStepSize: min, max', 'finite bounds with 0 < min ≤ max', [min, max]);
  }
  return fc.double({ min, max, noNaN: true });
}
