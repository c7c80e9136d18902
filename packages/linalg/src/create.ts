import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { InvalidArgumentError, ShapeError, formatShape } from './errors.js';
import { checkNonNegativeInteger } from './validate.js';
import { type Shape, sizeOf, validateShape } from './shape.js';
import { type DType, type NestedArray, Tensor, type TypedArray, allocate } from './Tensor.js';

function checkDType(dtype: DType): DType {
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new InvalidArgumentError('dtype', "'float64' or 'float32'", dtype);
  }
  return dtype;
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenInto(values: NestedArray, shape: Shape, axis: number, out: TypedArray, offset: { i: number }): void {
  if (axis === shape.length) {
    if (typeof values !== 'number') throw new ShapeError('tensor', 'ragged nested array: expected a number');
    out[offset.i++] = values;
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    throw new ShapeError('tensor', `ragged nested array: expected ${shape[axis]} entries on axis ${axis}`);
  }
  for (const v of values) flattenInto(v, shape, axis + 1, out, offset);
}

/**
 * Builds a tensor from a number, nested arrays, a flat array or typed array with an explicit shape.
 * `tensor([[1, 2], [3, 4]])`, `tensor([1, 2, 3, 4], [2, 2])`, `tensor(3)`.
 */
export function tensor(
  values: NestedArray | ArrayLike<number>,
  shape?: Shape,
  dtype: DType = values instanceof Float32Array ? 'float32' : 'float64',
): Tensor {
  checkDType(dtype);
  if (shape !== undefined) {
    validateShape(shape);
    const flat = typeof values === 'number' ? [values] : (values as ArrayLike<number>);
    if (Array.isArray(flat) && flat.some((v) => Array.isArray(v))) {
      throw new InvalidArgumentError('values', 'a flat array when a shape is given', values);
    }
    if (flat.length !== sizeOf(shape)) {
      throw new ShapeError('tensor', `${flat.length} values cannot have shape ${formatShape(shape)}`);
    }
    const data = allocate(dtype, flat.length);
    data.set(flat as ArrayLike<number>);
    return new Tensor(data, shape);
  }
  if (typeof values === 'number') return scalar(values, dtype);
  if (!Array.isArray(values)) {
    const data = allocate(dtype, values.length);
    data.set(values);
    return new Tensor(data, [values.length]);
  }
  const inferred = inferShape(values);
  const data = allocate(dtype, sizeOf(inferred));
  flattenInto(values, inferred, 0, data, { i: 0 });
  return new Tensor(data, inferred);
}

/** A rank-0 tensor holding one number. */
export function scalar(value: number, dtype: DType = 'float64'): Tensor {
  const data = allocate(checkDType(dtype), 1);
  data[0] = value;
  return new Tensor(data, []);
}

/** A tensor of the given shape with every element equal to `value`. */
export function full(shape: Shape, value: number, dtype: DType = 'float64'): Tensor {
  validateShape(shape);
  const data = allocate(checkDType(dtype), sizeOf(shape));
  if (!Object.is(value, 0)) data.fill(value); // Object.is: a fill of −0 must not be skipped
  return new Tensor(data, shape);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = 'float64'): Tensor {
  return full(shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = 'float64'): Tensor {
  return full(shape, 1, dtype);
}

/** The n×n identity matrix (or n×m with ones on the main diagonal). */
export function eye(n: number, m: number = n, dtype: DType = 'float64'): Tensor {
  validateShape([n, m], 'eye: n, m');
  const out = allocate(checkDType(dtype), n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return new Tensor(out, [n, m]);
}

/** Evenly spaced values start, start+step, ... strictly before stop (as NumPy's arange). */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float64'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`arange: ${name}`, 'a finite number', v);
  }
  if (step === 0) throw new InvalidArgumentError('arange: step', 'a non-zero number', step);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = allocate(checkDType(dtype), n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n]);
}

/** `num` evenly spaced values from start to stop inclusive (as NumPy's linspace). */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float64'): Tensor {
  checkNonNegativeInteger('linspace: num', num);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new InvalidArgumentError('linspace: start, stop', 'finite numbers', [start, stop]);
  }
  const out = allocate(checkDType(dtype), num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return new Tensor(out, [num]);
}

/** Copies any `ndarray` view (strided, sliced, transposed) into a new contiguous tensor. */
export function fromNdarray(
  view: NdArray,
  dtype: DType = view.data instanceof Float32Array ? 'float32' : 'float64',
): Tensor {
  const shape = [...view.shape];
  const out = allocate(checkDType(dtype), sizeOf(shape));
  ops.assign(ndarray(out, shape), view);
  return new Tensor(out, shape);
}
