import type { DType, Shape, Tensor } from '@liouville/linalg';
import type { Value } from './Tracer.js';

/** Elementwise primitives of one argument. */
export type UnaryPrimitive =
  | 'neg'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'square'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'abs'
  | 'sign'
  | 'sigmoid'
  | 'softplus'
  | 'relu'
  | 'heaviside';

/** Elementwise primitives of two broadcasting arguments. */
export type BinaryPrimitive = 'add' | 'sub' | 'mul' | 'div' | 'pow';

/** Elementwise comparisons: 0/1 results with a zero derivative (masks for `where`). */
export type ComparisonPrimitive = 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal';

/** Every primitive with its parameters: the single list every rule table is checked against. */
export interface PrimitiveParams {
  neg: Record<string, never>;
  exp: Record<string, never>;
  expm1: Record<string, never>;
  log: Record<string, never>;
  log1p: Record<string, never>;
  sqrt: Record<string, never>;
  square: Record<string, never>;
  sin: Record<string, never>;
  cos: Record<string, never>;
  tanh: Record<string, never>;
  abs: Record<string, never>;
  sign: Record<string, never>;
  sigmoid: Record<string, never>;
  softplus: Record<string, never>;
  relu: Record<string, never>;
  heaviside: Record<string, never>;
  add: Record<string, never>;
  sub: Record<string, never>;
  mul: Record<string, never>;
  div: Record<string, never>;
  pow: Record<string, never>;
  mulAdd: Record<string, never>;
  greater: Record<string, never>;
  greaterEqual: Record<string, never>;
  less: Record<string, never>;
  lessEqual: Record<string, never>;
  equal: Record<string, never>;
  sum: { axes: readonly number[]; keepDims: boolean };
  max: { axes: readonly number[]; keepDims: boolean };
  reshape: { shape: Shape };
  transpose: { permutation: readonly number[] };
  broadcastTo: { shape: Shape };
  slice: { starts: readonly number[]; ends: readonly number[] };
  pad: { shape: Shape; starts: readonly number[] };
  concat: { axis: number };
  matmul: Record<string, never>;
  solve: Record<string, never>;
  where: Record<string, never>;
  stopGradient: Record<string, never>;
  cast: { dtype: DType };
}

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
