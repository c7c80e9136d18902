import { type Value, primalTensor } from '@liouville/ad';
import { ShapeError, formatShape } from '@liouville/linalg';

/** A property check that failed: the message names the property, the measured value and the tolerance. */
export class PropertyCheckError extends Error {
  override name = 'PropertyCheckError';
  constructor(
    readonly property: string,
    readonly measured: number,
    readonly tolerance: number,
    detail: string,
  ) {
    super(`${property}: ${detail}`);
  }
}

/** max |a − b| over all elements of two same-shaped values (their plain numbers, derivatives dropped). */
export function maxAbsDifference(operation: string, a: Value, b: Value): number {
  const x = primalTensor(a);
  const y = primalTensor(b);
  if (x.shape.length !== y.shape.length || x.shape.some((n, i) => n !== y.shape[i])) {
    throw new ShapeError(
      operation,
      `cannot compare values of shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  let worst = 0;
  for (let i = 0; i < x.size; i++) {
    const d = Math.abs(x.data[i] - y.data[i]);
    // A NaN anywhere makes the difference NaN, which fails every tolerance comparison.
    if (Number.isNaN(d)) return Number.NaN;
    if (d > worst) worst = d;
  }
  return worst;
}
