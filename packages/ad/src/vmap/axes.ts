import type { DType } from '@liouville/linalg';
import { broadcastTo, reshape, transpose } from '../ops.js';
import type { Value } from '../Tracer.js';
import type { BatchDim } from './BatchRule.js';

/** Moves axis `from` of x to position `to`, the other axes keeping their order. */
export function moveAxis(x: Value, from: number, to: number): Value {
  if (from === to) return x;
  const order = x.shape.map((_, axis) => axis).filter((axis) => axis !== from);
  order.splice(to, 0, from);
  return transpose(x, order);
}

/** The rank of one example of a batched value. */
export function exampleRank(x: Value, dim: BatchDim): number {
  return dim === null ? x.shape.length : x.shape.length - 1;
}

/** The batch size: the length of the batch axis of the first batched argument. */
export function batchSize(args: readonly Value[], dims: readonly BatchDim[]): number {
  const i = dims.findIndex((d) => d !== null);
  return args[i].shape[dims[i] as number];
}

/**
 * A batched value with its batch axis first, followed by length-1 axes up to `rank` example
 * axes: NumPy broadcasting aligns shapes from the right, so without the padding an operand of
 * lower rank would pair its batch axis with an example axis of the other operand.
 */
export function batchFirst(x: Value, dim: number, rank: number): Value {
  const front = moveAxis(x, dim, 0);
  const missing = rank - (front.shape.length - 1);
  if (missing <= 0) return front;
  return reshape(front, [front.shape[0], ...new Array<number>(missing).fill(1), ...front.shape.slice(1)]);
}

/** A value as [size, ...exampleShape] with the batch axis first; an unbatched value is repeated. */
export function batchedAtFront(x: Value, dim: BatchDim, size: number): Value {
  if (dim !== null) return moveAxis(x, dim, 0);
  return broadcastTo(reshape(x, [1, ...x.shape]), [size, ...x.shape]);
}

/**
 * Arguments of a broadcasting elementwise primitive made to broadcast example by example. When
 * every batched argument has the full example rank and the same batch axis, and no unbatched
 * argument reaches that axis from the right, they are used as they are (no copy); otherwise each
 * batched argument is moved batch-first and padded (see batchFirst), unbatched ones untouched.
 */
export function alignForBroadcast(args: readonly Value[], dims: readonly BatchDim[]): { values: Value[]; dim: number } {
  const rank = Math.max(...args.map((a, i) => exampleRank(a, dims[i])));
  const first = dims.find((d) => d !== null) as number;
  const inPlace = args.every((a, i) =>
    dims[i] === null ? a.shape.length <= rank - first : dims[i] === first && a.shape.length - 1 === rank,
  );
  if (inPlace) return { values: [...args], dim: first };
  return {
    values: args.map((a, i) => {
      const d = dims[i];
      return d === null ? a : batchFirst(a, d, rank);
    }),
    dim: 0,
  };
}

/**
 * The dtype one example's result has, by linalg's `resultDType` applied to example ranks: a
 * rank-0 operand is weakly typed, and batching gives a scalar example a batch axis, which must
 * not make it strongly typed.
 */
export function exampleResultDType(a: Value, da: BatchDim, b: Value, db: BatchDim): DType {
  if (a.dtype === b.dtype) return a.dtype;
  if (exampleRank(a, da) === 0) return b.dtype;
  if (exampleRank(b, db) === 0) return a.dtype;
  return 'float64';
}
