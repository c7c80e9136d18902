import { add, broadcastTo } from '../ops.js';
import type { TangentLayout } from '../primitives.js';
import type { Value } from '../Tracer.js';
import type { Shape } from '@liouville/linalg';

/** Broadcasts a tangent (expanded for the direction axis) to the full tangent shape of `outShape`. */
export function fitTangent(layout: TangentLayout, tangent: Value, outShape: Shape): Value {
  return broadcastTo(layout.expand(tangent, outShape.length), layout.shape(outShape));
}

/** The sum of two tangents (or cotangents), either of which may be an exact zero (null). */
export function addTangents(a: Value | null, b: Value | null): Value | null {
  return a === null ? b : b === null ? a : add(a, b);
}
