import type { DType } from '@liouville/linalg';
import type { BinaryPrimitive, ComparisonPrimitive, UnaryPrimitive } from '../primitives.js';

/**
 * The per-element arithmetic of the elementwise primitives, as JavaScript expressions in `x`
 * (and `y`): the same expressions as the eager kernels of @liouville/linalg (elementwise.ts), so
 * compiled and eager code compute the same bits. tanh, sin and cos call linalg's own functions,
 * which generated code receives as parameters (`T`, `T32`, `sinOf`, `cosOf`). Built only from
 * these fixed strings and the compiler's own identifiers and numbers, never from user input.
 */
export const UNARY: Readonly<Record<UnaryPrimitive, (x: string) => string>> = {
  neg: (x) => `-${x}`,
  exp: (x) => `Math.exp(${x})`,
  expm1: (x) => `Math.expm1(${x})`,
  log: (x) => `Math.log(${x})`,
  log1p: (x) => `Math.log1p(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  square: (x) => `${x} * ${x}`,
  // linalg's sinOf and cosOf, which generated code receives under these names (compile.ts,
  // arrayBackend.ts), as the eager kernels compute sin and cos.
  sin: (x) => `sinOf(${x})`,
  cos: (x) => `cosOf(${x})`,
  // linalg's tanhOf, which the scalar backend's code receives as T (compile.ts); the array backend
  // runs tanh as a step of its own on linalg's SIMD kernel (arraySchedule.ts).
  tanh: (x) => `T(${x})`,
  abs: (x) => `Math.abs(${x})`,
  sign: (x) => `Math.sign(${x})`,
  sigmoid: (x) => `(${x} >= 0 ? 1 / (1 + Math.exp(-${x})) : Math.exp(${x}) / (1 + Math.exp(${x})))`,
  softplus: (x) => `Math.max(${x}, 0) + Math.log1p(Math.exp(-Math.abs(${x})))`,
  relu: (x) => `(${x} > 0 ? ${x} : 0)`,
  heaviside: (x) => `(${x} > 0 ? 1 : 0)`,
};

/** Where float32 differs: float32 tanh is linalg's tanhOf32 (received as T32), not tanhOf rounded. */
export const FLOAT32_UNARY: Readonly<Partial<Record<UnaryPrimitive, (x: string) => string>>> = {
  tanh: (x) => `T32(${x})`,
};

/** Binary elementwise primitives and comparisons (see UNARY). */
export const BINARY: Readonly<Record<BinaryPrimitive | ComparisonPrimitive, (x: string, y: string) => string>> = {
  add: (x, y) => `${x} + ${y}`,
  sub: (x, y) => `${x} - ${y}`,
  mul: (x, y) => `${x} * ${y}`,
  div: (x, y) => `${x} / ${y}`,
  pow: (x, y) => `Math.pow(${x}, ${y})`,
  greater: (x, y) => `(${x} > ${y} ? 1 : 0)`,
  greaterEqual: (x, y) => `(${x} >= ${y} ? 1 : 0)`,
  less: (x, y) => `(${x} < ${y} ? 1 : 0)`,
  lessEqual: (x, y) => `(${x} <= ${y} ? 1 : 0)`,
  equal: (x, y) => `(${x} === ${y} ? 1 : 0)`,
};

/** The fused product rule a·b + c·d (linalg's mulAdd kernel). */
export const MUL_ADD = (a: string, b: string, c: string, d: string): string => `${a} * ${b} + ${c} * ${d}`;

/** Storing into a float32 array rounds; in a local the rounding must be explicit. */
export function stored(expression: string, dtype: DType): string {
  return dtype === 'float32' ? `Math.fround(${expression})` : expression;
}

/**
 * A number as a JavaScript literal that reads back as the same double (String round-trips every
 * finite double); negative values, −0 and the non-finite values are parenthesised or named.
 */
export function literal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${String(x)})` : String(x);
}

/** The dtype linalg gives a binary result (a rank-0 operand is weakly typed). */
export function binaryDType(
  a: { dtype: DType; shape: readonly number[] },
  b: { dtype: DType; shape: readonly number[] },
): DType {
  if (a.dtype === b.dtype) return a.dtype;
  if (a.shape.length === 0) return b.dtype;
  if (b.shape.length === 0) return a.dtype;
  return 'float64';
}
