import { bind } from '../../bind.js';
import { broadcastTo, concat, matmul, pad, reshape, slice, transpose } from '../../ops.js';
import { batchFirst, batchSize, batchedAtFront, exampleRank, moveAxis } from '../axes.js';
import type { BatchRule, BatchRuleTable } from '../BatchRule.js';

/** The axis of the batched value holding example axis `axis` when the batch axis is `dim`. */
const physical = (axis: number, dim: number): number => (axis < dim ? axis : axis + 1);

/** Inserts `value` at position `dim` of a list (an example's parameters made the batch's). */
const insertAt = <T>(list: readonly T[], dim: number, value: T): T[] => [
  ...list.slice(0, dim),
  value,
  ...list.slice(dim),
];

/**
 * A reduction over example axes: the batch axis stays, the reduced axes shift past it. linalg
 * folds each output slot's inputs in row-major order, which a batch axis does not change, so
 * every example is summed in the same order as alone.
 */
function reduction<P extends 'sum' | 'max'>(primitive: P): BatchRule<P> {
  return ([x], [dim], { axes, keepDims }) => {
    const d = dim as number;
    const out = bind(primitive, [x], { axes: axes.map((a) => physical(a, d)), keepDims });
    return [out, keepDims ? d : d - axes.filter((a) => a < d).length];
  };
}

/**
 * (…, m, k)·(…, k, n) with broadcast leading axes: a batched operand goes batch-first and is
 * padded to the example rank of the product, so the batch axis becomes one more broadcast axis;
 * an unbatched operand broadcasts against it as it would against every example.
 */
const batchedMatmul: BatchRule<'matmul'> = (args, dims) => {
  const rank = Math.max(exampleRank(args[0], dims[0]), exampleRank(args[1], dims[1]));
  const [a, b] = args.map((x, i) => {
    const d = dims[i];
    return d === null ? x : batchFirst(x, d, rank);
  });
  return [matmul(a, b), 0];
};

/**
 * (…, n, n)·x = (…, n, k) with broadcast leading axes: as matmul, the batched operands go
 * batch-first and padded, and the batch axis becomes one more broadcast axis of the solve. Each
 * matrix is still solved alone by the same kernel, so the bits are those of each example.
 */
const batchedSolve: BatchRule<'solve'> = (args, dims) => {
  const rank = Math.max(exampleRank(args[0], dims[0]), exampleRank(args[1], dims[1]));
  const operands = args.map((x, i) => {
    const d = dims[i];
    return d === null ? x : batchFirst(x, d, rank);
  });
  return [bind('solve', operands, {} as Record<string, never>), 0];
};

type StructuralPrimitive =
  | 'sum'
  | 'max'
  | 'reshape'
  | 'transpose'
  | 'broadcastTo'
  | 'slice'
  | 'pad'
  | 'concat'
  | 'matmul'
  | 'solve';

/** Batching rules of the reductions and of the primitives that move or combine elements. */
export const structuralBatchRules: Pick<BatchRuleTable, StructuralPrimitive> = {
  sum: reduction('sum'),
  max: reduction('max'),
  // Row-major order within each example is kept only with the batch axis first.
  reshape: ([x], [dim], { shape }) => {
    const front = moveAxis(x, dim as number, 0);
    return [reshape(front, [front.shape[0], ...shape]), 0];
  },
  // One transpose puts the batch axis first and permutes the example axes behind it.
  transpose: ([x], [dim], { permutation }) => {
    const d = dim as number;
    return [transpose(x, [d, ...permutation.map((a) => physical(a, d))]), 0];
  },
  broadcastTo: ([x], [dim], { shape }) => {
    const front = batchFirst(x, dim as number, shape.length);
    return [broadcastTo(front, [front.shape[0], ...shape]), 0];
  },
  slice: ([x], [dim], { starts, ends }) => {
    const d = dim as number;
    return [slice(x, insertAt(starts, d, 0), insertAt(ends, d, x.shape[d])), d];
  },
  pad: ([x], [dim], { shape, starts }) => {
    const d = dim as number;
    return [pad(x, insertAt(shape, d, x.shape[d]), insertAt(starts, d, 0)), d];
  },
  concat: (args, dims, { axis }) => {
    const first = dims[0];
    if (first !== null && dims.every((d) => d === first)) return [concat(args, physical(axis, first)), first];
    const size = batchSize(args, dims);
    return [
      concat(
        args.map((a, i) => batchedAtFront(a, dims[i], size)),
        axis + 1,
      ),
      0,
    ];
  },
  matmul: batchedMatmul,
  solve: batchedSolve,
};
