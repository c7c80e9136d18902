import type { DType, Shape, Tensor } from '@liouville/linalg';
import type { Value } from './Tracer.js';

/** Elementwise primitives of one argument (each name is written here once; types derive from it). */
export const UNARY_PRIMITIVES = [
  'neg',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'square',
  'sin',
  'cos',
  'tanh',
  'abs',
  'sign',
  'sigmoid',
  'softplus',
  'relu',
  'heaviside',
] as const;
export type UnaryPrimitive = (typeof UNARY_PRIMITIVES)[number];

/** Elementwise primitives of two broadcasting arguments. */
export const BINARY_PRIMITIVES = ['add', 'sub', 'mul', 'div', 'pow'] as const;
export type BinaryPrimitive = (typeof BINARY_PRIMITIVES)[number];

/** Elementwise comparisons: 0/1 results with a zero derivative (masks for `where`). */
export const COMPARISON_PRIMITIVES = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal'] as const;
export type ComparisonPrimitive = (typeof COMPARISON_PRIMITIVES)[number];

/** The parameters of a primitive that has none. */
type NoParams = Record<string, never>;

/** Every primitive with its parameters: the single list every rule table is checked against. */
export type PrimitiveParams = { [P in UnaryPrimitive | BinaryPrimitive | ComparisonPrimitive]: NoParams } & {
  mulAdd: NoParams;
  sum: { axes: readonly number[]; keepDims: boolean };
  max: { axes: readonly number[]; keepDims: boolean };
  reshape: { shape: Shape };
  transpose: { permutation: readonly number[] };
  broadcastTo: { shape: Shape };
  slice: { starts: readonly number[]; ends: readonly number[] };
  pad: { shape: Shape; starts: readonly number[] };
  concat: { axis: number };
  matmul: NoParams;
  solve: NoParams;
  where: NoParams;
  stopGradient: NoParams;
  cast: { dtype: DType };
};

/** The shape and dtype of a value, without its elements. */
export interface ValueType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** The name of a primitive operation. */
export type Primitive = keyof PrimitiveParams;

/**
 * How tangents are laid out in one forward-mode transformation. With `size = k` every tangent
 * carries an extra leading axis of length k (k directions pushed in one pass, DESIGN.md §2);
 * with `size = null` a tangent has its primal's shape.
 */
export interface TangentLayout {
  readonly size: number | null;
  /** The tangent axis matching a primal axis (shifted by one when batched). */
  axis(primalAxis: number): number;
  /** The tangent shape matching a primal shape. */
  shape(primalShape: Shape): number[];
  /**
   * Pads a tangent's primal axes on the left with length-1 axes up to `rank`, so that NumPy's
   * right-aligned broadcasting never aligns the direction axis with a primal axis.
   */
  expand(tangent: Value, rank: number): Value;
}

/** Arguments of a forward (JVP) rule. A null tangent is an exact zero that costs nothing. */
export interface JvpArgs<P extends Primitive> {
  primals: readonly Value[];
  tangents: readonly (Value | null)[];
  out: Value;
  params: PrimitiveParams[P];
  layout: TangentLayout;
}

/** Arguments of a reverse (VJP) rule. */
export interface VjpArgs<P extends Primitive> {
  cotangent: Value;
  /** Which arguments need a cotangent (the others are constants: skip their work). */
  wanted: readonly boolean[];
  primals: readonly Value[];
  out: Value;
  params: PrimitiveParams[P];
}

/**
 * Everything Liouville knows about one primitive: its evaluation on plain tensors, and its forward
 * and reverse derivative rules written with the differentiable functions themselves, so that a
 * rule can be differentiated again (that is what makes derivatives of any order exact).
 */
export interface Rule<P extends Primitive> {
  evaluate(args: readonly Tensor[], params: PrimitiveParams[P]): Tensor;
  /**
   * The result's shape and dtype from the arguments' alone. Tracing (jit) otherwise learns them by
   * evaluating on zeros, which a primitive that rejects zero inputs (a solve: singular) cannot do.
   */
  outputType?(args: readonly ValueType[], params: PrimitiveParams[P]): ValueType;
  jvp(args: JvpArgs<P>): Value | null;
  /** One cotangent per argument, null where the argument gets none. */
  vjp(args: VjpArgs<P>): (Value | null)[];
  /**
   * True when the reverse rule only multiplies the cotangent elementwise by partial derivatives:
   * given inputs of the output's own shape, a cotangent that still broadcasts (a summed axis kept
   * as size 1, see rules/reduction.ts) then yields full-shape input cotangents without being
   * expanded first (ReverseTrace.backward).
   */
  readonly scalesCotangent?: boolean;
}

/** A complete rule table: the type checker rejects a table that misses a primitive. */
export type RuleTable<P extends Primitive> = { readonly [K in P]: Rule<K> };
