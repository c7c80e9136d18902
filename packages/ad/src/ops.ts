import * as L from '@liouville/linalg';
import {
  type DType,
  InvalidArgumentError,
  type NestedArray,
  type Shape,
  ShapeError,
  Tensor,
  formatShape,
} from '@liouville/linalg';
import { bind } from './bind.js';
import { type Input, type Value, isValue } from './Tracer.js';

/**
 * The differentiable functions. Each accepts plain tensors, numbers, or values of any active
 * transformation, and is differentiable to any order in forward and reverse mode.
 */

/** A constant from a number, nested arrays or a tensor (numbers become float64 scalars). */
export function constant(x: number | NestedArray | Tensor, dtype?: DType): Tensor {
  if (x instanceof Tensor) return dtype === undefined ? x : L.cast(x, dtype);
  return L.tensor(x, undefined, dtype);
}

/** Turns an input into a value: numbers become weakly typed rank-0 tensors. */
export function asValue(x: Input): Value {
  if (typeof x === 'number') return L.scalar(x);
  if (isValue(x)) return x;
  throw new InvalidArgumentError('value', 'a Tensor, a differentiable value or a number', x);
}

const none = {} as Record<string, never>;

// Elementwise, one argument. Derivatives: see rules/unary.ts.
/** −x */
export const neg = (x: Input): Value => bind('neg', [asValue(x)], none);
/** eˣ */
export const exp = (x: Input): Value => bind('exp', [asValue(x)], none);
/** eˣ − 1 */
export const expm1 = (x: Input): Value => bind('expm1', [asValue(x)], none);
/** Natural logarithm. */
export const log = (x: Input): Value => bind('log', [asValue(x)], none);
/** log(1 + x) */
export const log1p = (x: Input): Value => bind('log1p', [asValue(x)], none);
/** √x */
export const sqrt = (x: Input): Value => bind('sqrt', [asValue(x)], none);
/** x² */
export const square = (x: Input): Value => bind('square', [asValue(x)], none);
/** sin x */
export const sin = (x: Input): Value => bind('sin', [asValue(x)], none);
/** cos x */
export const cos = (x: Input): Value => bind('cos', [asValue(x)], none);
/** tan x = sin x / cos x */
export const tan = (x: Input): Value => div(sin(x), cos(x));
/** tanh x */
export const tanh = (x: Input): Value => bind('tanh', [asValue(x)], none);
/** |x| (derivative sign(x), 0 at 0, as JAX and PyTorch) */
export const abs = (x: Input): Value => bind('abs', [asValue(x)], none);
/** sign(x) (derivative 0) */
export const sign = (x: Input): Value => bind('sign', [asValue(x)], none);
/** The logistic function 1 / (1 + e⁻ˣ). */
export const sigmoid = (x: Input): Value => bind('sigmoid', [asValue(x)], none);
/** log(1 + eˣ) */
export const softplus = (x: Input): Value => bind('softplus', [asValue(x)], none);
/** max(x, 0) (derivative 0 at 0, as JAX and PyTorch) */
export const relu = (x: Input): Value => bind('relu', [asValue(x)], none);

/**
 * The operands of a binary function. A plain number is weakly typed: it takes the other
 * operand's dtype, so `x + 1` stays float32 for a float32 x even when x has rank 0 (where the
 * tensor-level rule, which treats any rank-0 operand as weak, cannot tell which one is).
 */
function operands(a: Input, b: Input): [Value, Value] {
  if (typeof a === 'number' && typeof b !== 'number') {
    const y = asValue(b);
    return [L.scalar(a, y.dtype), y];
  }
  if (typeof b === 'number' && typeof a !== 'number') {
    const x = asValue(a);
    return [x, L.scalar(b, x.dtype)];
  }
  return [asValue(a), asValue(b)];
}

// Elementwise, two broadcasting arguments. Derivatives: see rules/binary.ts.
/** a + b */
export const add = (a: Input, b: Input): Value => bind('add', operands(a, b), none);
/** a − b */
export const sub = (a: Input, b: Input): Value => bind('sub', operands(a, b), none);
/** a · b (elementwise) */
export const mul = (a: Input, b: Input): Value => bind('mul', operands(a, b), none);
/** a / b */
export const div = (a: Input, b: Input): Value => bind('div', operands(a, b), none);
/** aᵇ (elementwise) */
export const pow = (a: Input, b: Input): Value => bind('pow', operands(a, b), none);

/** a·b + c·d elementwise, fused into one pass when the four shapes agree (the product rule's shape). */
export function mulAdd(a: Input, b: Input, c: Input, d: Input): Value {
  return bind('mulAdd', [asValue(a), asValue(b), asValue(c), asValue(d)], none);
}

// Comparisons: 0/1 masks (for `where`) whose derivative is zero.
/** 1 where a > b, else 0 (derivative zero). */
export const greater = (a: Input, b: Input): Value => bind('greater', operands(a, b), none);
/** 1 where a ≥ b, else 0 (derivative zero). */
export const greaterEqual = (a: Input, b: Input): Value => bind('greaterEqual', operands(a, b), none);
/** 1 where a < b, else 0 (derivative zero). */
export const less = (a: Input, b: Input): Value => bind('less', operands(a, b), none);
/** 1 where a ≤ b, else 0 (derivative zero). */
export const lessEqual = (a: Input, b: Input): Value => bind('lessEqual', operands(a, b), none);
/** 1 where a = b, else 0 (derivative zero). */
export const equal = (a: Input, b: Input): Value => bind('equal', operands(a, b), none);
/** The Heaviside step: 1 where x > 0, else 0 (derivative zero; the derivative of relu). */
export const heaviside = (x: Input): Value => bind('heaviside', [asValue(x)], none);

/** `a` where `condition` is non-zero, else `b` (the condition is not differentiated). */
export function where(condition: Input, a: Input, b: Input): Value {
  const [x, y] = operands(a, b);
  return bind('where', [asValue(condition), x, y], none);
}
/** Elementwise maximum (the derivative follows the larger argument; ties go to `a`). */
export const maximum = (a: Input, b: Input): Value => where(greaterEqual(a, b), a, b);
/** Elementwise minimum (the derivative follows the smaller argument; ties go to `a`). */
export const minimum = (a: Input, b: Input): Value => where(lessEqual(a, b), a, b);

/** Options of the reductions. */
export interface ReduceOptions {
  keepDims?: boolean;
}

/** Sum over all elements, or over the given axes. */
export function sum(x: Input, axes?: number | readonly number[], options: ReduceOptions = {}): Value {
  const v = asValue(x);
  return bind('sum', [v], { axes: L.normalizeAxes('sum', axes, v.shape.length), keepDims: options.keepDims ?? false });
}

/** Maximum over all elements, or over the given axes (ties share the derivative equally). */
export function max(x: Input, axes?: number | readonly number[], options: ReduceOptions = {}): Value {
  const v = asValue(x);
  return bind('max', [v], { axes: L.normalizeAxes('max', axes, v.shape.length), keepDims: options.keepDims ?? false });
}

/** Mean over all elements, or over the given axes. */
export function mean(x: Input, axes?: number | readonly number[], options: ReduceOptions = {}): Value {
  const v = asValue(x);
  const normalized = L.normalizeAxes('mean', axes, v.shape.length);
  const count = normalized.reduce((n, a) => n * v.shape[a], 1);
  return div(sum(v, normalized, options), count);
}

/** Same elements, new shape (one entry may be −1). */
export function reshape(x: Input, shape: Shape): Value {
  const v = asValue(x);
  const known = shape.filter((n) => n !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((n) => (n === -1 && known > 0 ? v.size / known : n));
  if (L.shapesEqual(resolved, v.shape)) return v;
  if (resolved.reduce((a, b) => a * b, 1) !== v.size || resolved.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ShapeError('reshape', `cannot reshape ${formatShape(v.shape)} to ${formatShape(shape)}`);
  }
  return bind('reshape', [v], { shape: resolved });
}

/** Permutes axes (default: reverses them). */
export function transpose(x: Input, permutation?: readonly number[]): Value {
  const v = asValue(x);
  const perm = permutation ?? v.shape.map((_, i) => v.shape.length - 1 - i);
  if (perm.every((a, i) => a === i) && perm.length === v.shape.length) return v;
  return bind('transpose', [v], { permutation: [...perm] });
}

/** Swaps the last two axes (matrix transpose of each matrix in a batch). */
export function transposeLast2(x: Input): Value {
  const v = asValue(x);
  const r = v.shape.length;
  if (r < 2) throw new ShapeError('transposeLast2', `expected rank >= 2, got ${formatShape(v.shape)}`);
  return transpose(v, [...v.shape.slice(0, -2).map((_, i) => i), r - 1, r - 2]);
}

/** Broadcasts x to `shape` (NumPy rules). */
export function broadcastTo(x: Input, shape: Shape): Value {
  const v = asValue(x);
  if (L.shapesEqual(v.shape, shape)) return v;
  return bind('broadcastTo', [v], { shape: [...shape] });
}

/** The block x[starts:ends] (negative indices count from the end). */
export function slice(x: Input, starts: readonly number[], ends: readonly number[]): Value {
  const v = asValue(x);
  if (starts.length !== v.shape.length || ends.length !== v.shape.length) {
    throw new InvalidArgumentError('slice: starts, ends', `${v.shape.length} entries each`, [starts, ends]);
  }
  const s = starts.map((a, i) => (a < 0 ? a + v.shape[i] : a));
  const e = ends.map((a, i) => (a < 0 ? a + v.shape[i] : a));
  return bind('slice', [v], { starts: s, ends: e });
}

/** Embeds x in zeros of `shape` at `starts` (the adjoint of slice). */
export function pad(x: Input, shape: Shape, starts: readonly number[]): Value {
  return bind('pad', [asValue(x)], { shape: [...shape], starts: [...starts] });
}

/** Joins values along an existing axis. */
export function concat(xs: readonly Input[], axis = 0): Value {
  if (xs.length === 0) throw new InvalidArgumentError('concat: values', 'at least one value', xs);
  const values = xs.map(asValue);
  if (values.length === 1) return values[0];
  return bind('concat', values, { axis: L.normalizeAxis('concat', axis, values[0].shape.length) });
}

/** Joins same-shaped values along a new axis. */
export function stack(xs: readonly Input[], axis = 0): Value {
  if (xs.length === 0) throw new InvalidArgumentError('stack: values', 'at least one value', xs);
  const values = xs.map(asValue);
  const shape = values[0].shape;
  const ax = L.normalizeAxis('stack', axis, shape.length + 1);
  const expanded = [...shape.slice(0, ax), 1, ...shape.slice(ax)];
  return concat(
    values.map((v) => reshape(v, expanded)),
    ax,
  );
}

/**
 * Matrix product with NumPy semantics: (..., m, k) · (..., k, n) with broadcast batch axes;
 * a 1-D left operand is a row vector and a 1-D right operand a column vector.
 */
export function matmul(a: Input, b: Input): Value {
  const x = asValue(a);
  const y = asValue(b);
  if (x.shape.length === 0 || y.shape.length === 0) {
    throw new ShapeError(
      'matmul',
      `operands must have rank >= 1, got ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  const x2 = x.shape.length === 1 ? reshape(x, [1, x.shape[0]]) : x;
  const y2 = y.shape.length === 1 ? reshape(y, [y.shape[0], 1]) : y;
  const k1 = x2.shape[x2.shape.length - 1];
  const k2 = y2.shape[y2.shape.length - 2];
  if (k1 !== k2)
    throw new ShapeError('matmul', `inner dimensions differ: ${formatShape(x.shape)} · ${formatShape(y.shape)}`);
  L.broadcastShapes('matmul', x2.shape.slice(0, -2), y2.shape.slice(0, -2));
  const out = bind('matmul', [x2, y2], none);
  if (x.shape.length > 1 && y.shape.length > 1) return out;
  const shape = out.shape.slice();
  if (y.shape.length === 1) shape.pop();
  if (x.shape.length === 1) shape.splice(shape.length - (y.shape.length === 1 ? 1 : 2), 1);
  return reshape(out, shape);
}

/**
 * The solution x of a·x = b by LU with partial pivoting, for a [..., n, n] and b [..., n, k] with
 * broadcast batch axes (one system per matrix), or b a vector [n]. As in NumPy 2, b is a vector only
 * when it has rank 1: a batch of vectors is written [..., n, 1]. Differentiable to any order
 * (rules/solve.ts); an exactly singular matrix throws linalg's SingularMatrixError.
 */
export function solve(a: Input, b: Input): Value {
  const x = asValue(a);
  const y = asValue(b);
  const n = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || x.shape[x.shape.length - 2] !== n) {
    throw new ShapeError(
      'solve',
      `a must be a square matrix or a batch of them [..., n, n], got ${formatShape(x.shape)}`,
    );
  }
  const vector = y.shape.length === 1;
  if ((!vector && y.shape.length < 2) || y.shape[vector ? 0 : y.shape.length - 2] !== n) {
    throw new ShapeError(
      'solve',
      `b must have shape [${n}] or [..., ${n}, k] to match a ${formatShape(x.shape)}, got ${formatShape(y.shape)}`,
    );
  }
  L.broadcastShapes('solve', x.shape.slice(0, -2), vector ? [] : y.shape.slice(0, -2));
  const out = bind('solve', [x, vector ? reshape(y, [n, 1]) : y], none);
  return vector ? reshape(out, out.shape.slice(0, -1)) : out;
}

/** Inner product of two vectors. */
export function dot(a: Input, b: Input): Value {
  const x = asValue(a);
  const y = asValue(b);
  if (x.shape.length !== 1 || y.shape.length !== 1 || x.size !== y.size) {
    throw new ShapeError(
      'dot',
      `expected two vectors of equal length, got ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  return sum(mul(x, y));
}

/** Outer product of two vectors. */
export function outer(a: Input, b: Input): Value {
  const x = asValue(a);
  const y = asValue(b);
  if (x.shape.length !== 1 || y.shape.length !== 1) {
    throw new ShapeError('outer', `expected two vectors, got ${formatShape(x.shape)} and ${formatShape(y.shape)}`);
  }
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}

/** x with its derivative cut: a constant to every transformation. */
export const stopGradient = (x: Input): Value => bind('stopGradient', [asValue(x)], none);

/** Converts to another dtype (the derivative converts back). */
export function cast(x: Input, dtype: DType): Value {
  const v = asValue(x);
  return v.dtype === dtype ? v : bind('cast', [v], { dtype });
}

/**
 * Sums `x` down to `shape`: the adjoint of broadcasting `shape` up to x's shape (used by every
 * reverse rule of a broadcasting operation).
 */
export function sumToShape(x: Value, shape: Shape): Value {
  if (L.shapesEqual(x.shape, shape)) return x;
  const lead = x.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(x, axes), shape);
}

/** A zero tensor with the shape and dtype of a value. */
export function zerosLike(x: Value): Tensor {
  return L.zeros(x.shape, x.dtype);
}

/** A tensor of ones with the shape and dtype of a value. */
export function onesLike(x: Value): Tensor {
  return L.ones(x.shape, x.dtype);
}
