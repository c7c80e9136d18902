import type { Primitive, PrimitiveParams } from '../primitives.js';
import type { Value } from '../Tracer.js';

/** Where a value's batch axis is: an axis of its batched value, or null when it is shared by every example. */
export type BatchDim = number | null;

/**
 * The batching rule of one primitive: given the batched values of its arguments (values of the
 * level below) and their batch axes, the batched result and its batch axis. At least one
 * argument is batched. Rules are written with the differentiable functions, so batched code
 * differentiates and traces like any other.
 */
export type BatchRule<P extends Primitive> = (
  args: readonly Value[],
  dims: readonly BatchDim[],
  params: PrimitiveParams[P],
) => [Value, BatchDim];

/** A complete table of batching rules: the type checker rejects one that misses a primitive. */
export type BatchRuleTable = { readonly [K in Primitive]: BatchRule<K> };
