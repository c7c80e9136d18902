import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';
import { type Shape, broadcastShapes, sizeOf } from './shape.js';
import { resultDType } from './elementwise.js';
import { getMatmulBackend, getMatmulKernel } from './kernels.js';
import type { MatmulArena } from './wasm/matmulArena.js';
import { Tensor, type TypedArray, allocate, dtypeOf, requireTensor } from './Tensor.js';

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

/** The shapes of a product a (..., m, k) · b (..., k, n), checked. */
interface ProductShape {
  m: number;
  k: number;
  n: number;
  aBatch: number[];
  bBatch: number[];
  batch: number[];
  out: number[];
}

function productShape(operation: string, a: Shape, b: Shape): ProductShape {
  if (a.length === 0 || b.length === 0) {
    throw new ShapeError(operation, `operands must have rank >= 1, got ${formatShape(a)} and ${formatShape(b)}`);
  }
  const aShape = a.length === 1 ? [1, a[0]] : [...a];
  const bShape = b.length === 1 ? [b[0], 1] : [...b];
  const [m, k] = aShape.slice(-2);
  const [k2, n] = bShape.slice(-2);
  if (k !== k2) {
    throw new ShapeError(operation, `inner dimensions differ: ${formatShape(a)} · ${formatShape(b)}`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(operation, aBatch, bBatch);
  // The shape of a product: the batch, then m and n unless the operand was a vector.
  const out = [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
  return { m, k, n, aBatch, bBatch, batch, out };
}

/**
 * Matrix product with NumPy semantics: a (..., m, k) · b (..., k, n) with broadcast batch axes;
 * a 1-D operand is treated as a row (left) or column (right) vector and its axis dropped.
 * The products run on the kernel of the selected backend (`setMatmulBackend`): float64 results are
 * the same on every backend; float32 accumulates in float32 on 'wasm' and in float64 on 'js'.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireTensor('linalg.matmul', a);
  requireTensor('linalg.matmul', b);
  const shape = productShape('matmul', a.shape, b.shape);
  const out = allocate(resultDType(a, b), sizeOf(shape.out));
  multiplyInto(shape, a.data, false, b.data, false, out);
  return new Tensor(out, shape.out);
}

/**
 * An operand of `matmulInto`: `data` holds a row-major array of `shape`, or, when `transposed`,
 * of `shape` with its last two axes swapped (so a transposed operand is read in place).
 */
export interface MatmulOperand {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly transposed?: boolean;
}

/** Options of `matmulInto`. */
export interface MatmulIntoOptions {
  /**
   * With the 'wasm' backend, products run on this arena's kernel, reading and writing its arrays in
   * place (see MatmulArena); the same arithmetic, so the same bits.
   */
  readonly arena?: MatmulArena | null;
}

/**
 * `matmul` writing into a preallocated array: `out` must have the product's dtype and size.
 * Transposed operands are read in place (see MatmulOperand). The same kernels run in the same
 * order as `matmul` on the materialised operands, so the result has the same bits.
 */
export function matmulInto(a: MatmulOperand, b: MatmulOperand, out: TypedArray, options: MatmulIntoOptions = {}): void {
  for (const [name, x] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (x.transposed === true && x.shape.length < 2) {
      throw new InvalidArgumentError(`matmulInto: ${name}.transposed`, 'an operand of rank >= 2', x.shape.length);
    }
    if (x.data.length !== sizeOf(x.shape)) {
      throw new ShapeError(
        'matmulInto',
        `${name}: data of length ${x.data.length} cannot have shape ${formatShape(x.shape)}`,
      );
    }
  }
  const shape = productShape('matmulInto', a.shape, b.shape);
  const [da, db] = [dtypeOf(a.data), dtypeOf(b.data)];
  const dtype = da === db ? da : 'float64'; // as resultDType: operands have rank >= 1 here
  if (dtypeOf(out) !== dtype || out.length !== sizeOf(shape.out)) {
    throw new InvalidArgumentError(
      'matmulInto: out',
      `a ${dtype} array of ${sizeOf(shape.out)} elements`,
      `a ${dtypeOf(out)} array of ${out.length}`,
    );
  }
  multiplyInto(shape, a.data, a.transposed === true, b.data, b.transposed === true, out, options.arena ?? null);
}

function multiplyInto(
  { m, k, n, aBatch, bBatch, batch }: ProductShape,
  a: TypedArray,
  transposeA: boolean,
  b: TypedArray,
  transposeB: boolean,
  out: TypedArray,
  arena: MatmulArena | null = null,
): void {
  if (out instanceof Float64Array && m * k * n <= SMALL_PRODUCT) {
    // Element (i, p) of A at i·k + p, or at p·m + i when stored transposed; likewise for B.
    const [ai, ap] = transposeA ? [1, m] : [k, 1];
    const [bp, bj] = transposeB ? [1, k] : [n, 1];
    batchOffsets(batch, aBatch, bBatch).forEach(([ia, ib], index) => {
      smallProduct(a, ia * m * k, ai, ap, b, ib * k * n, bp, bj, out, index * m * n, m, k, n);
    });
    return;
  }
  const kernel = getMatmulKernel(dtypeOf(out));
  const dtype = dtypeOf(out);
  const onArena = arena !== null && getMatmulBackend() === 'wasm' && m > 0 && k > 0 && n > 0;
  const product = (ia: number, ib: number, ic: number, rows: number, ta: boolean) => {
    if (!onArena || !arena.multiply(dtype, a, ia, ta, b, ib, transposeB, out, ic, rows, k, n)) {
      kernel.matmul(a, ia, ta, b, ib, transposeB, out, ic, rows, k, n);
    }
  };
  if (!transposeA && sizeOf(bBatch) === 1 && aBatch.length === batch.length && sizeOf(aBatch) === sizeOf(batch)) {
    // One B for every batch entry and A not broadcast: the batch stacks A's rows, so it is a single
    // (batch·m × k) · (k × n) product (a batch of tangents times a weight matrix, for instance).
    product(0, 0, 0, sizeOf(batch) * m, false);
    return;
  }
  batchOffsets(batch, aBatch, bBatch).forEach(([ia, ib], index) => {
    product(ia * m * k, ib * k * n, index * m * n, m, transposeA);
  });
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
 * Element (i, p) of A is at aOffset + i·ai + p·ap, element (p, j) of B at bOffset + p·bp + j·bj.
 */
function smallProduct(
  a: TypedArray,
  aOffset: number,
  ai: number,
  ap: number,
  b: TypedArray,
  bOffset: number,
  bp: number,
  bj: number,
  out: TypedArray,
  outOffset: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[aOffset + i * ai + p * ap] * b[bOffset + p * bp + j * bj];
      out[outOffset + i * n + j] = acc;
    }
  }
}

/** Inner product of two vectors of the same length. */
export function dot(a: Tensor, b: Tensor): Tensor {
  requireTensor('linalg.dot', a);
  requireTensor('linalg.dot', b);
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
  requireTensor('linalg.outer', a);
  requireTensor('linalg.outer', b);
  if (a.rank !== 1 || b.rank !== 1) {
    throw new ShapeError('outer', `expected two vectors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const out = allocate(resultDType(a, b), a.size * b.size);
  for (let i = 0; i < a.size; i++) for (let j = 0; j < b.size; j++) out[i * b.size + j] = a.data[i] * b.data[j];
  return new Tensor(out, [a.size, b.size]);
}
