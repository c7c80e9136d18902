import ndarray, { type NdArray } from 'ndarray';
import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';
import { type Shape, stridesOf, validateShape } from './shape.js';

/** Element type of a tensor. float64 is the default everywhere; float32 halves memory and bandwidth. */
export type DType = 'float64' | 'float32';

/** The typed array behind a tensor of each dtype. */
export type TypedArray = Float64Array | Float32Array;

/** A nested array of numbers, as produced by `Tensor.toArray`. */
export type NestedArray = number | NestedArray[];

/** Allocates a zero-filled typed array of the given dtype. */
export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** The dtype of a typed array. */
export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * An immutable n-dimensional array of floats stored contiguously in row-major order.
 * Operations never write into a tensor they did not just create; `data` is exposed for
 * fast reading and for building new tensors, not for mutation.
 */
export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly data: TypedArray;

  /** Wraps `data` (not copied) as a tensor of `shape`; the lengths must agree. */
  constructor(data: TypedArray, shape: Shape) {
    // One pass validates and sizes the shape: this constructor runs once per tensor operation, so
    // it is kept free of extra allocations (it dominates the cost of operations on tiny tensors).
    if (!Array.isArray(shape)) validateShape(shape);
    let size = 1;
    for (let i = 0; i < shape.length; i++) {
      const n = shape[i];
      if (!Number.isInteger(n) || n < 0) validateShape(shape);
      size *= n;
    }
    if (data.length !== size) {
      throw new ShapeError('Tensor', `data of length ${data.length} cannot have shape ${formatShape(shape)}`);
    }
    // A private copy, not frozen: V8 makes frozen arrays slow to copy and index, and this runs once
    // per operation. Immutability is enforced by the `readonly` type instead.
    const own = new Array<number>(shape.length);
    for (let i = 0; i < shape.length; i++) own[i] = shape[i];
    this.shape = own;
    this.dtype = data instanceof Float32Array ? 'float32' : 'float64';
    this.size = size;
    this.data = data;
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Row-major strides. */
  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** The single element of a tensor of size 1. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError('item', `expected a tensor with one element, got shape ${formatShape(this.shape)}`);
    }
    return this.data[0];
  }

  /** The element at a multi-index (negative indices count from the end). */
  get(...index: number[]): number {
    if (index.length !== this.rank) {
      throw new InvalidArgumentError('get: index', `${this.rank} indices`, index);
    }
    let offset = 0;
    const strides = this.strides;
    for (let i = 0; i < index.length; i++) {
      const n = this.shape[i];
      const k = index[i] < 0 ? index[i] + n : index[i];
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new InvalidArgumentError(`get: index[${i}]`, `an integer in [${-n}, ${n})`, index[i]);
      }
      offset += k * strides[i];
    }
    return this.data[offset];
  }

  /** Nested JavaScript arrays (a plain number for a rank-0 tensor). */
  toArray(): NestedArray {
    if (this.rank === 0) return this.data[0];
    const strides = this.strides;
    const build = (axis: number, offset: number): NestedArray => {
      const n = this.shape[axis];
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = axis === this.rank - 1 ? this.data[offset + i] : build(axis + 1, offset + i * strides[axis]);
      }
      return out;
    };
    return build(0, 0);
  }

  /** A flat copy of the elements as a plain array. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /** An `ndarray` view of the same memory, for use with the ndarray ecosystem (ndarray-ops, ...). */
  toNdarray(): NdArray<TypedArray> {
    return ndarray(this.data, [...this.shape]);
  }

  /** A human-readable summary. */
  toString(): string {
    const body = this.size <= 64 ? JSON.stringify(this.toArray()) : `${this.size} elements`;
    return `Tensor(${this.dtype} ${formatShape(this.shape)}: ${body})`;
  }
}

/** True for Tensor instances. */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/**
 * Throws a clear error unless `x` is a Tensor. The kernels here compute on plain tensors only: a
 * differentiable value (from grad, jvp, vmap or jit of @liouville/ad) that reaches one is a call
 * of a linalg function where @liouville/ad's function of the same name was meant.
 */
export function requireTensor(operation: string, x: unknown): asserts x is Tensor {
  if (x instanceof Tensor) return;
  const traced = x !== null && typeof x === 'object' && 'trace' in x && 'primal' in x;
  if (traced) {
    throw new InvalidArgumentError(
      operation,
      `a Tensor (inside grad, jvp, vmap or jit, call @liouville/ad's ${operation.replace(/^linalg\./, '')}, not @liouville/linalg's kernel)`,
      x,
    );
  }
  throw new InvalidArgumentError(operation, 'a Tensor', x);
}
