import { type Value, concat, cos, sin, slice } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';

/**
 * Periodic coordinates: an angle qᵢ enters a network as (cos qᵢ, sin qᵢ), so the learned function
 * is exactly 2π-periodic in it, smooth across the ±π seam, and the same for a wrapped and an
 * unwrapped angle. Derivatives with respect to qᵢ flow through the embedding by AD, so an HNN's
 * J∇H stays exact.
 */

/** Checks `periodic` is absent or one boolean per degree of freedom (n = inputDim / 2). */
export function checkPeriodic(operation: string, periodic: unknown, inputDim: number): readonly boolean[] | undefined {
  if (periodic === undefined) return undefined;
  const n = inputDim / 2;
  const ok = Array.isArray(periodic) && periodic.length === n && periodic.every((b) => typeof b === 'boolean');
  if (!ok) throw new InvalidArgumentError(`${operation}: periodic`, `${n} booleans (one per q)`, periodic);
  return Object.freeze([...(periodic as boolean[])]);
}

/** The width of the embedded input: 2n plus one column per periodic coordinate. */
export function embeddedWidth(inputDim: number, periodic: readonly boolean[] | undefined): number {
  return inputDim + (periodic?.filter((b) => b).length ?? 0);
}

/**
 * The map of rows x = (q, p) [B, 2n] to the network's input [B, 2n + k]: each periodic qᵢ
 * replaced by (cos qᵢ, sin qᵢ), the other coordinates kept; the identity without periodic ones.
 */
export function periodicEmbedding(inputDim: number, periodic: readonly boolean[] | undefined): (x: Value) => Value {
  if (periodic === undefined || !periodic.some((b) => b)) return (x) => x;
  const n = inputDim / 2;
  return (x: Value) => {
    const rows = x.shape[0];
    const column = (i: number) => slice(x, [0, i], [rows, i + 1]);
    const parts: Value[] = [];
    for (let i = 0; i < n; i++) {
      const q = column(i);
      if (periodic[i]) parts.push(cos(q), sin(q));
      else parts.push(q);
    }
    parts.push(slice(x, [0, n], [rows, inputDim]));
    return concat(parts, 1);
  };
}
