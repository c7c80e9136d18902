import { ShapeError, formatShape } from './errors.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf } from './shape.js';
import { type DType, Tensor, type TypedArray, allocate, requireTensor } from './Tensor.js';
import { tanhInto } from './tanhKernel.js';
import { cosOf, sinOf } from './trig.js';

/**
 * Elementwise kernels with NumPy broadcasting.
 *
 * Each operation's inner loop is generated once from a one-line expression (as ndarray's cwise
 * does), so every operation gets its own monomorphic loop that V8 compiles to tight machine code,
 * instead of one generic loop calling a callback per element.
 */

type BinaryKernel = (
  a: TypedArray,
  aOffset: number,
  aStride: number,
  b: TypedArray,
  bOffset: number,
  bStride: number,
  out: TypedArray,
  outOffset: number,
  n: number,
) => void;

type UnaryKernel = (x: TypedArray, out: TypedArray, n: number) => void;

/**
 * Element type combinations get their own compiled copy of each loop, so every loop only ever
 * sees one kind of typed array (V8 then emits monomorphic loads and stores). The source URL names
 * the loop in CPU profiles. The cache is indexed by a bit per dtype (float32 = 1), not by a
 * string key: on tiny tensors, building a key cost as much as the arithmetic.
 */
export function perDType<K>(compile: () => K): (...dtypes: DType[]) => K {
  const cache: (K | undefined)[] = [];
  return (...dtypes) => {
    let index = 1;
    for (const dtype of dtypes) index = 2 * index + (dtype === 'float32' ? 1 : 0);
    let kernel = cache[index];
    if (kernel === undefined) {
      kernel = compile();
      cache[index] = kernel;
    }
    return kernel;
  };
}

function compileBinary(name: string, expression: string): (...dtypes: DType[]) => BinaryKernel {
  // Contiguous, scalar-right and scalar-left rows get branches free of stride arithmetic.
  const body = `
    if (as === 1 && bs === 1) { for (let i = 0; i < n; i++) { const x = a[ao + i], y = b[bo + i]; out[oo + i] = ${expression}; } }
    else if (as === 1 && bs === 0) { const y = b[bo]; for (let i = 0; i < n; i++) { const x = a[ao + i]; out[oo + i] = ${expression}; } }
    else if (as === 0 && bs === 1) { const x = a[ao]; for (let i = 0; i < n; i++) { const y = b[bo + i]; out[oo + i] = ${expression}; } }
    else { for (let i = 0; i < n; i++) { const x = a[ao + i * as], y = b[bo + i * bs]; out[oo + i] = ${expression}; } }
    //# sourceURL=liouville-kernel-${name}.js`;
  return perDType(() => new Function('a', 'ao', 'as', 'b', 'bo', 'bs', 'out', 'oo', 'n', body) as BinaryKernel);
}

function compileUnary(name: string, expression: string): (...dtypes: DType[]) => UnaryKernel {
  const body = `for (let i = 0; i < n; i++) { const x = a[i]; out[i] = ${expression}; }
    //# sourceURL=liouville-kernel-${name}.js`;
  return perDType(() => new Function('a', 'out', 'n', body) as UnaryKernel);
}

/**
 * The dtype of a binary result. A rank-0 operand is "weakly typed" (as in JAX and NumPy 2):
 * `float32 tensor * scalar(2)` stays float32; otherwise mixing promotes to float64.
 */
export function resultDType(a: Tensor, b: Tensor): DType {
  if (a.dtype === b.dtype) return a.dtype;
  if (a.rank === 0) return b.dtype;
  if (b.rank === 0) return a.dtype;
  return 'float64';
}

/** Runs a binary kernel over the broadcast of `a` and `b`, one innermost row per kernel call. */
function applyBinary(operation: string, kernels: (...dtypes: DType[]) => BinaryKernel, a: Tensor, b: Tensor): Tensor {
  const dtype = resultDType(a, b);
  const kernel = kernels(a.dtype, b.dtype, dtype);
  if (shapesEqual(a.shape, b.shape)) {
    const out = allocate(dtype, a.size);
    kernel(a.data, 0, 1, b.data, 0, 1, out, 0, a.size);
    return new Tensor(out, a.shape);
  }
  // A one-element operand of no higher rank (a scalar factor, a step size) leaves the other's shape.
  if (b.size === 1 && b.rank <= a.rank) {
    const out = allocate(dtype, a.size);
    kernel(a.data, 0, 1, b.data, 0, 0, out, 0, a.size);
    return new Tensor(out, a.shape);
  }
  if (a.size === 1 && a.rank <= b.rank) {
    const out = allocate(dtype, b.size);
    kernel(a.data, 0, 0, b.data, 0, 1, out, 0, b.size);
    return new Tensor(out, b.shape);
  }
  const shape = broadcastShapes(operation, a.shape, b.shape);
  const size = sizeOf(shape);
  const out = allocate(dtype, size);
  if (b.size === 1 && a.size === size) {
    kernel(a.data, 0, 1, b.data, 0, 0, out, 0, size);
    return new Tensor(out, shape);
  }
  if (a.size === 1 && b.size === size) {
    kernel(a.data, 0, 0, b.data, 0, 1, out, 0, size);
    return new Tensor(out, shape);
  }
  const rank = shape.length;
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const inner = rank === 0 ? 1 : shape[rank - 1];
  const ia = rank === 0 ? 0 : sa[rank - 1];
  const ib = rank === 0 ? 0 : sb[rank - 1];
  const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let offsetA = 0;
  let offsetB = 0;
  for (let outOffset = 0; outOffset < size; outOffset += inner) {
    kernel(a.data, offsetA, ia, b.data, offsetB, ib, out, outOffset, inner);
    // Advance the multi-index over all axes but the innermost (an odometer).
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      offsetA += sa[axis];
      offsetB += sb[axis];
      if (counter[axis] < shape[axis]) break;
      offsetA -= sa[axis] * shape[axis];
      offsetB -= sb[axis] * shape[axis];
      counter[axis] = 0;
    }
  }
  return new Tensor(out, shape);
}

function binaryOp(name: string, expression: string): (a: Tensor, b: Tensor) => Tensor {
  const kernels = compileBinary(name, expression);
  const operation = `linalg.${name}`;
  return (a, b) => {
    requireTensor(operation, a);
    requireTensor(operation, b);
    return applyBinary(name, kernels, a, b);
  };
}

function unaryOp(name: string, expression: string): (x: Tensor) => Tensor {
  const kernels = compileUnary(name, expression);
  const operation = `linalg.${name}`;
  return (x) => {
    requireTensor(operation, x);
    const out = allocate(x.dtype, x.size);
    kernels(x.dtype)(x.data, out, x.size);
    return new Tensor(out, x.shape);
  };
}

/** a + b, broadcasting. */
export const add = binaryOp('add', 'x + y');
/** a − b, broadcasting. */
export const sub = binaryOp('sub', 'x - y');
const multiply = binaryOp('mul', 'x * y');

/**
 * True when `one` is a one-element tensor holding exactly 1 whose product with `other` has
 * `other`'s shape and dtype: x·1 = x bit for bit (NaN, ±0 and ±∞ included), so the product is
 * `other` itself and no pass over the data is needed. Reverse mode meets this on every
 * `grad` of a `sum`, whose cotangent is a broadcast 1 (see ad's rules/reduction.ts).
 */
function isUnitFactor(one: Tensor, other: Tensor): boolean {
  return one.size === 1 && one.data[0] === 1 && one.rank <= other.rank && resultDType(one, other) === other.dtype;
}

/**
 * a · b elementwise, broadcasting. A factor that is a one-element 1 returns the other operand
 * (tensors are immutable, so sharing it is safe).
 */
export function mul(a: Tensor, b: Tensor): Tensor {
  requireTensor('linalg.mul', a);
  requireTensor('linalg.mul', b);
  if (isUnitFactor(a, b)) return b;
  if (isUnitFactor(b, a)) return a;
  return multiply(a, b);
}
/** a / b elementwise, broadcasting. */
export const div = binaryOp('div', 'x / y');
/** a ** b elementwise, broadcasting. */
export const pow = binaryOp('pow', 'Math.pow(x, y)');
/** Elementwise maximum, broadcasting. */
export const maximum = binaryOp('maximum', 'x > y || x !== x ? x : y');
/** Elementwise minimum, broadcasting. */
export const minimum = binaryOp('minimum', 'x < y || x !== x ? x : y');
/** 1 where a > b, else 0. */
export const greater = binaryOp('greater', 'x > y ? 1 : 0');
/** 1 where a ≥ b, else 0. */
export const greaterEqual = binaryOp('greaterEqual', 'x >= y ? 1 : 0');
/** 1 where a < b, else 0. */
export const less = binaryOp('less', 'x < y ? 1 : 0');
/** 1 where a ≤ b, else 0. */
export const lessEqual = binaryOp('lessEqual', 'x <= y ? 1 : 0');
/** 1 where a = b, else 0. */
export const equal = binaryOp('equal', 'x === y ? 1 : 0');

/** −x */
export const neg = unaryOp('neg', '-x');
/** |x| */
export const abs = unaryOp('abs', 'Math.abs(x)');
/** −1, 0 or 1 by the sign of x (NaN stays NaN). */
export const sign = unaryOp('sign', 'Math.sign(x)');
/** eˣ */
export const exp = unaryOp('exp', 'Math.exp(x)');
/** eˣ − 1, accurate near 0. */
export const expm1 = unaryOp('expm1', 'Math.expm1(x)');
/** Natural logarithm. */
export const log = unaryOp('log', 'Math.log(x)');
/** log(1 + x), accurate near 0. */
export const log1p = unaryOp('log1p', 'Math.log1p(x)');
/** √x */
export const sqrt = unaryOp('sqrt', 'Math.sqrt(x)');
/** x² */
export const square = unaryOp('square', 'x * x');
/** 1 / x */
export const reciprocal = unaryOp('reciprocal', '1 / x');
/**
 * sin x, by Liouville's own sine (trig.ts: within 1 ulp of Math.sin, the same bits on every
 * engine and in jit's WebAssembly loops).
 */
export function sin(x: Tensor): Tensor {
  requireTensor('linalg.sin', x);
  const out = allocate(x.dtype, x.size);
  const data = x.data;
  for (let i = 0; i < out.length; i++) out[i] = sinOf(data[i]);
  return new Tensor(out, x.shape);
}
/** cos x, by Liouville's own cosine (trig.ts, as sin). */
export function cos(x: Tensor): Tensor {
  requireTensor('linalg.cos', x);
  const out = allocate(x.dtype, x.size);
  const data = x.data;
  for (let i = 0; i < out.length; i++) out[i] = cosOf(data[i]);
  return new Tensor(out, x.shape);
}
/** tan x */
export const tan = unaryOp('tan', 'Math.tan(x)');
/**
 * tanh x, by Liouville's own tanh, the same bits on every engine, on the WebAssembly SIMD kernel
 * for long arrays: float64 by tanh.ts (within 2 ulp of Math.tanh), float32 in float32 arithmetic
 * by tanh32.ts (Eigen's and XLA's rational approximation, within 7 float32 ulps).
 */
export function tanh(x: Tensor): Tensor {
  requireTensor('linalg.tanh', x);
  const out = allocate(x.dtype, x.size);
  tanhInto(x.data, out);
  return new Tensor(out, x.shape);
}
/** The logistic function 1 / (1 + e⁻ˣ), evaluated without overflow for large |x|. */
export const sigmoid = unaryOp('sigmoid', 'x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))');
/** log(1 + eˣ), evaluated without overflow: max(x, 0) + log1p(e^−|x|). */
export const softplus = unaryOp('softplus', 'Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))');
/** max(x, 0) */
export const relu = unaryOp('relu', 'x > 0 ? x : 0');
/** The Heaviside step: 1 where x > 0, else 0 (the derivative of relu). */
export const heaviside = unaryOp('heaviside', 'x > 0 ? 1 : 0');

/** Elementwise selection: `a` where `condition` is non-zero, else `b`, all three broadcast. */
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  for (const x of [condition, a, b]) requireTensor('linalg.where', x);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  const size = sizeOf(shape);
  const out = allocate(resultDType(a, b), size);
  const sc = broadcastStrides(condition.shape, shape);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let oc = 0;
  let oa = 0;
  let ob = 0;
  for (let i = 0; i < size; i++) {
    out[i] = condition.data[oc] !== 0 ? a.data[oa] : b.data[ob];
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]++;
      oc += sc[axis];
      oa += sa[axis];
      ob += sb[axis];
      if (counter[axis] < shape[axis]) break;
      oc -= sc[axis] * shape[axis];
      oa -= sa[axis] * shape[axis];
      ob -= sb[axis] * shape[axis];
      counter[axis] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** Converts a tensor to another dtype (a copy; float64 → float32 rounds to nearest). */
export function cast(x: Tensor, dtype: DType): Tensor {
  requireTensor('linalg.cast', x);
  if (x.dtype === dtype) return x;
  const out = allocate(dtype, x.size);
  out.set(x.data);
  return new Tensor(out, x.shape);
}

/** Throws a ShapeError unless the two shapes are equal. */
export function assertSameShape(operation: string, a: Tensor, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(operation, `shapes differ: ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
}

/** True when every element is finite (no NaN, no ±Infinity). */
export function allFinite(x: Tensor): boolean {
  const d = x.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}
