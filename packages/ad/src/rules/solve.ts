import * as L from '@liouville/linalg';
import { type Shape, Tensor, allocate, broadcastShapes, sizeOf } from '@liouville/linalg';
import { add, matmul, neg, solve, sumToShape, transposeLast2 } from '../ops.js';
import type { RuleTable } from '../primitives.js';
import { fitTangent } from './fit.js';

/**
 * The flat offset of the matrix number `index` of a broadcast batch `batch` inside an operand whose
 * own batch shape is `own` (right-aligned, length-1 axes repeated), in units of matrices.
 */
function matrixOffset(index: number, batch: Shape, own: Shape): number {
  let offset = 0;
  let stride = 1;
  let rest = index;
  for (let axis = batch.length - 1; axis >= 0; axis--) {
    const coordinate = rest % batch[axis];
    rest = Math.floor(rest / batch[axis]);
    const ownAxis = axis - (batch.length - own.length);
    if (ownAxis < 0) continue;
    if (own[ownAxis] !== 1) offset += coordinate * stride;
    stride *= own[ownAxis];
  }
  return offset;
}

/**
 * A·X = B for a [..., n, n] and b [..., n, k] with broadcast batch axes: linalg's LU solve (partial
 * pivoting, float64 arithmetic, one rounding to the result dtype) on each matrix of the batch, so a
 * batch computes the same bits as its matrices solved one at a time.
 */
export function batchedSolve(a: Tensor, b: Tensor): Tensor {
  const n = a.shape[a.shape.length - 1];
  const k = b.shape[b.shape.length - 1];
  const [aBatch, bBatch] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const batch = broadcastShapes('solve', aBatch, bBatch);
  const count = sizeOf(batch);
  const out = allocate(L.resultDType(a, b), count * n * k);
  for (let i = 0; i < count; i++) {
    const oa = matrixOffset(i, batch, aBatch) * n * n;
    const ob = matrixOffset(i, batch, bBatch) * n * k;
    const matrix = new Tensor(a.data.subarray(oa, oa + n * n), [n, n]);
    const rhs = new Tensor(b.data.subarray(ob, ob + n * k), [n, k]);
    out.set(L.solve(matrix, rhs).data, i * n * k);
  }
  return new Tensor(out, [...batch, n, k]);
}

export const solveRules: RuleTable<'solve'> = {
  // X = A⁻¹B. Forward: Ẋ = A⁻¹(Ḃ − ȦX) (differentiate AX = B). Reverse: B̄ = A⁻ᵀX̄ and
  // Ā = −B̄Xᵀ (Giles, "An extended collection of matrix derivative results for forward and reverse
  // mode AD", 2008, §2.3.1), each summed over the batch axes its operand was broadcast along.
  // Both are written with solve itself, so they differentiate again to any order.
  solve: {
    evaluate: ([a, b]) => batchedSolve(a, b),
    // Both operands have rank >= 2, so no weak typing: equal dtypes stay, mixed ones promote.
    outputType: ([a, b]) => ({
      shape: [
        ...broadcastShapes('solve', a.shape.slice(0, -2), b.shape.slice(0, -2)),
        a.shape[a.shape.length - 2],
        b.shape[b.shape.length - 1],
      ],
      dtype: a.dtype === b.dtype ? a.dtype : 'float64',
    }),
    jvp: ({ primals: [a, _b], tangents: [ta, tb], out, layout }) => {
      const rank = out.shape.length;
      const fromA = ta === null ? null : neg(matmul(layout.expand(ta, rank), out));
      const fromB = tb === null ? null : layout.expand(tb, rank);
      const rhs = fromA === null ? fromB : fromB === null ? fromA : add(fromB, fromA);
      return rhs === null ? null : fitTangent(layout, solve(a, rhs), out.shape);
    },
    vjp: ({ cotangent, primals: [a, b], out, wanted }) => {
      const bBar = solve(transposeLast2(a), cotangent);
      return [
        wanted[0] ? sumToShape(neg(matmul(bBar, transposeLast2(out))), a.shape) : null,
        wanted[1] ? sumToShape(bBar, b.shape) : null,
      ];
    },
  },
};
