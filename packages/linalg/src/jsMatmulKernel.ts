import type { MatmulKernel } from './kernels.js';
import { type DType, type TypedArray, allocate, dtypeOf } from './Tensor.js';

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
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p],
          x1 = a[a1 + p],
          x2 = a[a2 + p],
          x3 = a[a3 + p];
        const y0 = bt[b0 + p],
          y1 = bt[b1 + p],
          y2 = bt[b2 + p],
          y3 = bt[b3 + p];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const r0 = cOffset + i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      c[r0] = c00;
      c[r0 + 1] = c01;
      c[r0 + 2] = c02;
      c[r0 + 3] = c03;
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r1 + 2] = c12;
      c[r1 + 3] = c13;
      c[r2] = c20;
      c[r2 + 1] = c21;
      c[r2 + 2] = c22;
      c[r2 + 3] = c23;
      c[r3] = c30;
      c[r3 + 1] = c31;
      c[r3 + 2] = c32;
      c[r3 + 3] = c33;
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

/**
 * B (k×n) at `offset`, transposed into a new array of B's dtype (n×k), for `matmulKernelNT`.
 */
function transposeBlock(b: TypedArray, offset: number, k: number, n: number): TypedArray {
  const bt = allocate(dtypeOf(b), k * n);
  for (let p = 0; p < k; p++) {
    const row = offset + p * n;
    for (let j = 0; j < n; j++) bt[j * k + p] = b[row + j];
  }
  return bt;
}

/**
 * The plain-JavaScript kernel for `dtype`: transposes B once (O(kn)) and runs `matmulKernelNT`.
 * Every product is accumulated in a JavaScript number (float64), so a float32 result is the exact
 * float64 sum rounded once.
 */
function jsMatmulKernel(dtype: DType): MatmulKernel {
  return {
    name: `js-${dtype}`,
    dtype,
    matmulNN(a, aOffset, b, bOffset, c, cOffset, m, k, n) {
      matmulKernelNT(a, aOffset, transposeBlock(b, bOffset, k, n), 0, c, cOffset, m, k, n);
    },
    // Bᵀ is what the NT loop reads: a transposed B is used in place; a transposed A is copied back.
    matmul(a, aOffset, transposeA, b, bOffset, transposeB, c, cOffset, m, k, n) {
      const [rowsA, offsetA] = transposeA ? [transposeBlock(a, aOffset, k, m), 0] : [a, aOffset];
      const [bt, offsetB] = transposeB ? [b, bOffset] : [transposeBlock(b, bOffset, k, n), 0];
      matmulKernelNT(rowsA, offsetA, bt, offsetB, c, cOffset, m, k, n);
    },
  };
}

/** The JavaScript kernels, one per dtype: the fallback when WebAssembly SIMD is unavailable. */
export const jsMatmulKernels: Readonly<Record<DType, MatmulKernel>> = {
  float64: jsMatmulKernel('float64'),
  float32: jsMatmulKernel('float32'),
};
