import { ShapeError, formatShape } from './errors.js';
import { broadcastShapes, sizeOf } from './shape.js';
import { resultDType } from './elementwise.js';
import { getMatmulKernel } from './kernels.js';
import { Tensor, allocate } from './Tensor.js';

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
 * The products run on the kernel of the selected backend (`setMatmulBackend`): float64 results are
 * the same on every backend; float32 accumulates in float32 on 'wasm' and in float64 on 'js'.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      'matmul',
      `operands must have rank >= 1, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
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
  const dtype = resultDType(a, b);
  const out = allocate(dtype, sizeOf(batch) * m * n);
  if (dtype === 'float64' && m * k * n <= SMALL_PRODUCT) {
    batchOffsets(batch, aBatch, bBatch).forEach(([ia, ib], index) => {
      smallProduct(a.data, ia * m * k, b.data, ib * k * n, out, index * m * n, m, k, n);
    });
    return new Tensor(out, matmulShape(a, b, batch, m, n));
  }
  const kernel = getMatmulKernel(dtype);
  if (sizeOf(bBatch) === 1 && aBatch.length === batch.length && sizeOf(aBatch) === sizeOf(batch)) {
    // One B for every batch entry and A not broadcast: the batch stacks A's rows, so it is a single
    // (batch·m × k) · (k × n) product (a batch of tangents times a weight matrix, for instance).
    kernel.matmulNN(a.data, 0, b.data, 0, out, 0, sizeOf(batch) * m, k, n);
  } else {
    batchOffsets(batch, aBatch, bBatch).forEach(([ia, ib], index) => {
      kernel.matmulNN(a.data, ia * m * k, b.data, ib * k * n, out, index * m * n, m, k, n);
    });
  }
  return new Tensor(out, matmulShape(a, b, batch, m, n));
}

/** The shape of a product: the batch, then m and n unless the operand was a vector. */
function matmulShape(a: Tensor, b: Tensor, batch: readonly number[], m: number, n: number): number[] {
  return [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
}

/**
 * Products of at most this many multiply-adds skip the kernels: packing operands for the
 * blocked JS kernel or copying them into WebAssembly memory costs microseconds, many times the
 * arithmetic of, say, the 2×2 and 4×4 matrices of an implicit integrator's Newton step.
 */
const SMALL_PRODUCT = 512;

/**
 * C = A·B for small float64 matrices by dot products, each summed in order of the inner index
 * as the kernels do for an inner dimension this short (so the backends agree bit for bit).
 */
function smallProduct(
  a: Float64Array | Float32Array,
  aOffset: number,
  b: Float64Array | Float32Array,
  bOffset: number,
  out: Float64Array | Float32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[aOffset + i * k + p] * b[bOffset + p * n + j];
      out[outOffset + i * n + j] = acc;
    }
  }
}

/** Inner product of two vectors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.rank !== 1 || b.rank !== 1 || a.size !== b.size) {
    throw new ShapeError(
      'dot',
      `expected two vectors of equal length, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
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
