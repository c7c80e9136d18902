import { FunctionBody, Op, SimdOp, ValType } from './assembler.js';
import type { Precision, TileShape } from './gemmModule.js';

/**
 * The packing routines of the WebAssembly matmul kernels (see gemmModule.ts): B's column panels
 * and A's row slivers copied into the contiguous order the tiles stream them in (Goto & van de
 * Geijn, ACM TOMS 34(3), 2008, §5), and A's slivers packed from A stored transposed.
 */

const i32 = ValType.i32;

/**
 * Packs the full W-column panels of a kc×n block of B (row stride ld bytes) into consecutive
 * kc×W row-major panels, so a tile streams its panel from contiguous, aligned memory instead of
 * one cache line per row of B at a stride of n·bytes. Parameters: src, dst, kc (≥ 1), n, ld.
 */
export function packB(prec: Precision, shape: TileShape): FunctionBody {
  const f = new FunctionBody([i32, i32, i32, i32, i32]);
  const [src, dst, kc, n, ld] = [0, 1, 2, 3, 4];
  const width = shape.vectors * prec.lanes;
  const [j, s, end, column] = [f.local(i32), f.local(i32), f.local(i32), f.local(i32)];
  f.whileLoop(
    () => f.get(j).i32(width).emit(Op.i32Add).get(n).emit(Op.i32LeU),
    () => {
      f.get(src).get(column).emit(Op.i32Add).tee(s);
      f.get(kc).get(ld).emit(Op.i32Mul, Op.i32Add).set(end);
      f.doWhile(
        () => {
          for (let v = 0; v < shape.vectors; v++) {
            f.get(dst)
              .get(s)
              .simdMemory(SimdOp.v128Load, 0, v * 16)
              .simdMemory(SimdOp.v128Store, 4, v * 16);
          }
          f.increment(dst, () => f.i32(width * prec.bytes));
          f.increment(s, () => f.get(ld));
        },
        () => f.get(s).get(end).emit(Op.i32Ne),
      );
      f.increment(column, () => f.i32(width * prec.bytes));
      f.increment(j, () => f.i32(width));
    },
  );
  return f;
}

/**
 * Packs an m×kc block of A (row stride lda bytes) into slivers of R rows (the last one has m mod R
 * rows), each stored step by step: A[i, p], …, A[i+rows−1, p], then p + 1. Sliver i starts at
 * dst + i·kc·bytes. Full slivers copy R rows per step through R row pointers; the last sliver
 * copies one row at a time. Parameters: src, dst, m, kc (≥ 1), lda.
 */
export function packA(prec: Precision, shape: TileShape): FunctionBody {
  const f = new FunctionBody([i32, i32, i32, i32, i32]);
  const [src, dst, m, kc, lda] = [0, 1, 2, 3, 4];
  const R = shape.rows;
  const [i, rows, r, s, d, end] = Array.from({ length: 6 }, () => f.local(i32));
  const rowPointer = Array.from({ length: R }, () => f.local(i32));
  const kBytes = () => f.get(kc).i32(prec.bytes).emit(Op.i32Mul);
  const copy = (to: number, offset: number, from: number) =>
    f.get(to).get(from).memory(prec.scalarLoad, prec.alignLog2).memory(prec.scalarStore, prec.alignLog2, offset);
  f.whileLoop(
    () => f.get(i).i32(R).emit(Op.i32Add).get(m).emit(Op.i32LeU),
    () => {
      f.get(src).set(rowPointer[0]);
      for (let q = 1; q < R; q++)
        f.get(rowPointer[q - 1])
          .get(lda)
          .emit(Op.i32Add)
          .set(rowPointer[q]);
      f.get(src);
      kBytes();
      f.emit(Op.i32Add).set(end);
      f.doWhile(
        () => {
          for (let q = 0; q < R; q++) copy(dst, q * prec.bytes, rowPointer[q]);
          for (let q = 0; q < R; q++) f.increment(rowPointer[q], () => f.i32(prec.bytes));
          f.increment(dst, () => f.i32(R * prec.bytes));
        },
        () => f.get(rowPointer[0]).get(end).emit(Op.i32Ne),
      );
      f.increment(src, () => f.get(lda).i32(R).emit(Op.i32Mul));
      f.increment(i, () => f.i32(R));
    },
  );
  // The last m mod R rows: row r goes to every rows-th element, starting at element r.
  f.get(m).get(i).emit(Op.i32Sub).set(rows);
  f.whileLoop(
    () => f.get(r).get(rows).emit(Op.i32LtU),
    () => {
      f.get(src).get(r).get(lda).emit(Op.i32Mul, Op.i32Add).tee(s);
      kBytes();
      f.emit(Op.i32Add).set(end);
      f.get(dst).get(r).i32(prec.bytes).emit(Op.i32Mul, Op.i32Add).set(d);
      f.doWhile(
        () => {
          copy(d, 0, s);
          f.increment(s, () => f.i32(prec.bytes));
          f.increment(d, () => f.get(rows).i32(prec.bytes).emit(Op.i32Mul));
        },
        () => f.get(s).get(end).emit(Op.i32Ne),
      );
      f.increment(r, () => f.i32(1));
    },
  );
  return f;
}

/**
 * As packA, from A stored transposed: Aᵀ (kc×m, row stride ldat bytes), so that A[i+q, p] =
 * Aᵀ[p, i+q] and each step of a sliver copies consecutive elements of one row of Aᵀ. The packed
 * block is the one packA makes from A, so the products are the same. Parameters: src (Aᵀ[0, 0] of
 * the block), dst, m, kc (≥ 1), ldat.
 */
export function packAT(prec: Precision, shape: TileShape): FunctionBody {
  const f = new FunctionBody([i32, i32, i32, i32, i32]);
  const [src, dst, m, kc, ldat] = [0, 1, 2, 3, 4];
  const R = shape.rows;
  const [i, rows, q, s, end] = Array.from({ length: 5 }, () => f.local(i32));
  const start = () => {
    f.get(src).get(i).i32(prec.bytes).emit(Op.i32Mul, Op.i32Add).tee(s);
    f.get(kc).get(ldat).emit(Op.i32Mul, Op.i32Add).set(end);
  };
  const advance = (width: () => void) => {
    f.increment(s, () => f.get(ldat));
    f.increment(dst, () => {
      width();
      f.i32(prec.bytes).emit(Op.i32Mul);
    });
  };
  f.whileLoop(
    () => f.get(i).i32(R).emit(Op.i32Add).get(m).emit(Op.i32LeU),
    () => {
      start();
      f.doWhile(
        () => {
          for (let r = 0; r < R; r++) {
            f.get(dst)
              .get(s)
              .memory(prec.scalarLoad, prec.alignLog2, r * prec.bytes)
              .memory(prec.scalarStore, prec.alignLog2, r * prec.bytes);
          }
          advance(() => f.i32(R));
        },
        () => f.get(s).get(end).emit(Op.i32Ne),
      );
      f.increment(i, () => f.i32(R));
    },
  );
  // The last m mod R rows: `rows` consecutive elements per step.
  f.get(m).get(i).emit(Op.i32Sub).tee(rows);
  f.ifThen(() => {
    start();
    f.doWhile(
      () => {
        f.i32(0).set(q);
        f.whileLoop(
          () => f.get(q).get(rows).emit(Op.i32LtU),
          () => {
            f.get(dst).get(q).i32(prec.bytes).emit(Op.i32Mul, Op.i32Add);
            f.get(s).get(q).i32(prec.bytes).emit(Op.i32Mul, Op.i32Add);
            f.memory(prec.scalarLoad, prec.alignLog2).memory(prec.scalarStore, prec.alignLog2);
            f.increment(q, () => f.i32(1));
          },
        );
        advance(() => f.get(rows));
      },
      () => f.get(s).get(end).emit(Op.i32Ne),
    );
  });
  return f;
}
