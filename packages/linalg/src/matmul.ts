import { ShapeError, formatShape } from './errors.js';
import { broadcastShapes, sizeOf } from './shape.js';
import { resultDType } from './elementwise.js';
import { transpose } from './manipulate.js';
import { Tensor, type TypedArray, allocate } from './Tensor.js';

/**
 * C (m×n) = A (m×k) · Btᵀ, where Bt (n×k) is B stored transposed, so both operands are read along
 * contiguous rows. A 4×4 tile of C is kept in sixteen local accumulators while k runs: each step
 * loads 8 numbers and does 16 multiply-adds, against 3 memory operations per multiply-add in the
 * textbook i-k-j loop (the register-blocking idea of Goto & van de Geijn, ACM TOMS 34(3), 2008).
 */
export function matmulKernelNT(
  a: TypedArray,
  aOffset: number,
  bt: TypedArray,
  btOffset: number,
  c: TypedArray,
  cOffset: number,
  m: number,
  k: number,
  n: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOffset + i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = btOffset + j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const y0 = bt[b0 + p], y1 = bt[b1 + p], y2 = bt[b2 + p], y3 = bt[b3 + p];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const r0 = cOffset + i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
      c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
      c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
    }
  }
  // Ragged edges: plain dot products for the rows and columns left over by the 4×4 tiling.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let acc = 0;
      const ai = aOffset + i * k;
      const bj = btOffset + j * k;
      for (let p = 0; p < k; p++) acc += a[ai + p] * bt[bj + p];
      c[cOffset + i * n + j] = acc;
    }
  }
}

/** Batch offsets: for each output batch index, the matching offsets into the broadcast operands. */
function batchOffsets(batch: readonly number[], aBatch: readonly number[], bBatch: readonly number[]) {
  const total = sizeOf(batch);
  const pairs: Array<[number, number]> = [];
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let ia = 0;
    let ib = 0;
    let strideA = 1;
    let strideB = 1;
    for (let axis = batch.length - 1; axis >= 0; axis--) {
      const idx = rest % batch[axis];
      rest = Math.floor(rest / batch[axis]);
      const da = aBatch[axis - (batch.length - aBatch.length)] ?? 1;
      const db = bBatch[axis - (batch.length - bBatch.length)] ?? 1;
      ia += (da === 1 ? 0 : idx) * strideA;
      ib += (db === 1 ? 0 : idx) * strideB;
      strideA *= da;
      strideB *= db;
    }
    pairs.push([ia, ib]);
  }
  return pairs;
}

/**
 * Matrix product with NumPy semantics: a (..., m, k) · b (..., k, n) with broadcast batch axes;
 * a 1-D operand is treated as a row (left) or column (right) vector and its axis dropped.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError('matmul', `operands must have rank >= 1, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const aShape = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const [m, k] = aShape.slice(-2);
  const [k2, n] = bShape.slice(-2);
  if (k !== k2) {
    throw new ShapeError('matmul', `inner dimensions differ: ${formatShape(a.shape)} · ${formatShape(b.shape)}`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  // Transposing B's last two axes once costs O(kn) and lets the kernel stream both operands.
  const bPerm = [...bBatch.map((_, i) => i), bBatch.length + 1, bBatch.length];
  const bt = transpose(new Tensor(b.data, bShape), bPerm);
  const out = allocate(resultDType(a, b), sizeOf(batch) * m * n);
  batchOffsets(batch, aBatch, bBatch).forEach(([ia, ib], index) => {
    matmulKernelNT(a.data, ia * m * k, bt.data, ib * k * n, out, index * m * n, m, k, n);
  });
  const shape = [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
  return new Tensor(out, shape);
}

/** Inner product of two vectors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1 || a.size !== b.size) {
    throw new ShapeError('dot', `expected two vectors of equal length, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  let acc = 0;
  for (let i = 0; i < a.size; i++) acc += a.data[i] * b.data[i];
  const out = allocate(resultDType(a, b), 1);
  out[0] = acc;
  return new Tensor(out, []);
}

/** Outer product of two vectors: (m) ⊗ (n) → (m, n). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1) {
    throw new ShapeError('outer', `expected two vectors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const out = allocate(resultDType(a, b), a.size * b.size);
  for (let i = 0; i < a.size; i++) for (let j = 0; j < b.size; j++) out[i * b.size + j] = a.data[i] * b.data[j];
  return new Tensor(out, [a.size, b.size]);
}
