import { ShapeError, formatShape } from './errors.js';
import { type Shape, normalizeAxes, sizeOf, stridesOf } from './shape.js';
import { type DType, Tensor, type TypedArray, allocate, requireTensor } from './Tensor.js';

/** Options shared by the reductions. */
export interface ReduceOptions {
  /** Keep reduced axes as length-1 axes (so the result broadcasts against the input). */
  keepDims?: boolean;
}

/** The shape of a reduction over `axes` (which must be normalised). */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/** The two inner loops of a reduction, compiled from its combining expression. */
interface RowKernels {
  /** Folds data[start .. start+n) into one value, starting from acc. */
  fold(data: TypedArray, start: number, n: number, acc: number): number;
  /** Combines data[start .. start+n) elementwise into accumulator[offset .. offset+n). */
  combineRow(accumulator: Float64Array, offset: number, data: TypedArray, start: number, n: number): void;
}

/**
 * Compiles the inner loops from an expression in `acc` and `v` (as the elementwise kernels are):
 * one monomorphic loop per reduction and input dtype instead of a callback per element.
 */
function compileRowKernels(name: string, expression: string): (dtype: DType) => RowKernels {
  const cache = new Map<DType, RowKernels>();
  return (dtype) => {
    let kernels = cache.get(dtype);
    if (kernels === undefined) {
      const url = `\n//# sourceURL=liouville-reduce-${name}.js`;
      kernels = {
        fold: new Function(
          'data',
          'start',
          'n',
          'acc',
          `for (let j = 0; j < n; j++) { const v = data[start + j]; acc = ${expression}; } return acc;${url}`,
        ) as RowKernels['fold'],
        combineRow: new Function(
          'out',
          'offset',
          'data',
          'start',
          'n',
          `for (let j = 0; j < n; j++) { const acc = out[offset + j], v = data[start + j]; out[offset + j] = ${expression}; }${url}`,
        ) as RowKernels['combineRow'],
      };
      cache.set(dtype, kernels);
    }
    return kernels;
  };
}

/**
 * Walks every input element once in row-major order and folds it into its output slot.
 * `outStride[axis]` is 0 on reduced axes, so the innermost row is either folded into one slot
 * (reduced innermost axis) or combined elementwise into a row of the output.
 */
function reduceInto(x: Tensor, axes: readonly number[], accumulator: Float64Array, kernels: RowKernels): void {
  const rank = x.rank;
  if (rank === 0 || axes.length === rank) {
    accumulator[0] = kernels.fold(x.data, 0, x.size, accumulator[0]);
    return;
  }
  const keptShape = reducedShape(x.shape, axes, true);
  const keptStrides = stridesOf(keptShape);
  const outStride = x.shape.map((_, axis) => (axes.includes(axis) ? 0 : keptStrides[axis]));
  const inner = x.shape[rank - 1];
  const innerStride = outStride[rank - 1];
  const counter = new Array<number>(rank).fill(0);
  const data = x.data;
  let outOffset = 0;
  for (let start = 0; start < x.size; start += inner) {
    if (innerStride === 0) accumulator[outOffset] = kernels.fold(data, start, inner, accumulator[outOffset]);
    else kernels.combineRow(accumulator, outOffset, data, start, inner);
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      outOffset += outStride[axis];
      if (counter[axis] < x.shape[axis]) break;
      outOffset -= outStride[axis] * x.shape[axis];
      counter[axis] = 0;
    }
  }
}

function reduction(operation: string, initial: number, expression: string, requireNonEmpty: boolean) {
  const kernels = compileRowKernels(operation, expression);
  return (x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor => {
    requireTensor(`linalg.${operation}`, x);
    const normalized = normalizeAxes(operation, axes, x.rank);
    const shape = reducedShape(x.shape, normalized, options.keepDims ?? false);
    if (requireNonEmpty && normalized.some((a) => x.shape[a] === 0)) {
      throw new ShapeError(operation, `cannot reduce an empty axis of shape ${formatShape(x.shape)}`);
    }
    // Accumulate in float64 whatever the dtype, so float32 sums do not lose digits as they grow.
    const accumulator = new Float64Array(sizeOf(shape)).fill(initial);
    reduceInto(x, normalized, accumulator, kernels(x.dtype));
    if (x.dtype === 'float64') return new Tensor(accumulator, shape);
    const out = allocate(x.dtype, accumulator.length);
    out.set(accumulator);
    return new Tensor(out, shape);
  };
}

/** Sum over all elements, or over the given axes. */
export const sum = reduction('sum', 0, 'acc + v', false);
/** Maximum over all elements, or over the given axes (NaN if any element is NaN). */
export const max = reduction('max', Number.NEGATIVE_INFINITY, 'v > acc || v !== v ? v : acc', true);
/** Minimum over all elements, or over the given axes (NaN if any element is NaN). */
export const min = reduction('min', Number.POSITIVE_INFINITY, 'v < acc || v !== v ? v : acc', true);

/** Arithmetic mean over all elements, or over the given axes. */
export function mean(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const normalized = normalizeAxes('mean', axes, x.rank);
  const count = normalized.reduce((n, a) => n * x.shape[a], 1);
  const total = sum(x, normalized, options);
  const out = allocate(total.dtype, total.size);
  for (let i = 0; i < out.length; i++) out[i] = total.data[i] / count;
  return new Tensor(out, total.shape);
}
