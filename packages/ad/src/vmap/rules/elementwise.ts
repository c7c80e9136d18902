import { bind } from '../../bind.js';
import { broadcastTo, cast, mulAdd, reshape } from '../../ops.js';
import type { BinaryPrimitive, ComparisonPrimitive, Primitive, UnaryPrimitive } from '../../primitives.js';
import type { Value } from '../../Tracer.js';
import { alignForBroadcast, exampleResultDType, moveAxis } from '../axes.js';
import type { BatchDim, BatchRule, BatchRuleTable } from '../BatchRule.js';

/** An elementwise primitive of one argument (or any shape-preserving one): the batch axis stays where it is. */
function unary<P extends Primitive>(primitive: P): BatchRule<P> {
  return ([x], [dim], params) => [bind(primitive, [x], params), dim];
}

/**
 * A broadcasting primitive whose result dtype follows the arguments at `left` and `right`. The
 * arguments are aligned example by example (alignForBroadcast), and the result gets one example's
 * dtype, which batching may change (a rank-0 example is weakly typed, its batch is not): where one
 * example computes in float64, float32 operands are widened first (exactly); where it computes in
 * float32, the float64 result is rounded once on casting, as the kernel rounds once on storing.
 */
function broadcasting<P extends Primitive>(primitive: P, left: number, right: number): BatchRule<P> {
  return (args, dims, params) => {
    const dtype = exampleResultDType(args[left], dims[left], args[right], dims[right]);
    const widened =
      dtype === 'float64'
        ? args.map((a, i) => ((i === left || i === right) && a.dtype !== dtype ? cast(a, dtype) : a))
        : args;
    const { values, dim } = alignForBroadcast(widened, dims);
    const out = bind(primitive, values, params);
    return [out.dtype === dtype ? out : cast(out, dtype), dim];
  };
}

const binary = <P extends BinaryPrimitive | ComparisonPrimitive>(primitive: P) => broadcasting(primitive, 0, 1);

const binaryRules: { [K in BinaryPrimitive]: BatchRule<K> } = {
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
  pow: binary('pow'),
};

/** A binary primitive on operands that may both be unbatched (then it is evaluated as it is). */
function batchedBinary(primitive: 'add' | 'mul', args: Value[], dims: BatchDim[]): [Value, BatchDim] {
  if (dims[0] === null && dims[1] === null) return [bind(primitive, args, {}), null];
  return binaryRules[primitive](args, dims, {});
}

/**
 * a·b + c·d. When the four examples share one shape, linalg runs its fused loop (one rounding
 * of the sum of two exact-in-double products): batched, every operand is brought to the full
 * batched shape so the fused loop runs again. Otherwise linalg computes add(mul(a, b), mul(c, d)),
 * and so does this rule, through the batching rules of those primitives.
 */
const mulAddRule: BatchRule<'mulAdd'> = (args, dims) => {
  const shapes = args.map((a, i) => (dims[i] === null ? a.shape : a.shape.filter((_, axis) => axis !== dims[i])));
  const sameShape = shapes.every((s) => s.length === shapes[0].length && s.every((n, j) => n === shapes[0][j]));
  if (!sameShape) {
    const [ab, abDim] = batchedBinary('mul', [args[0], args[1]], [dims[0], dims[1]]);
    const [cd, cdDim] = batchedBinary('mul', [args[2], args[3]], [dims[2], dims[3]]);
    return batchedBinary('add', [ab, cd], [abDim, cdDim]);
  }
  const dim = dims.find((d) => d !== null) as number;
  const full = args[dims.indexOf(dim)].shape;
  const [a, b, c, d] = args.map((x, i) => sameLayout(x, dims[i], dim, full));
  return [mulAdd(a, b, c, d), dim];
};

/** x with its batch axis at `dim` and the full batched shape (an unbatched x is repeated). */
function sameLayout(x: Value, from: BatchDim, dim: number, full: readonly number[]): Value {
  if (from !== null) return moveAxis(x, from, dim);
  const expanded = [...x.shape.slice(0, dim), 1, ...x.shape.slice(dim)];
  return broadcastTo(reshape(x, expanded), full);
}

const unaryRules: { [K in UnaryPrimitive]: BatchRule<K> } = {
  neg: unary('neg'),
  exp: unary('exp'),
  expm1: unary('expm1'),
  log: unary('log'),
  log1p: unary('log1p'),
  sqrt: unary('sqrt'),
  square: unary('square'),
  sin: unary('sin'),
  cos: unary('cos'),
  tanh: unary('tanh'),
  abs: unary('abs'),
  sign: unary('sign'),
  sigmoid: unary('sigmoid'),
  softplus: unary('softplus'),
  relu: unary('relu'),
  heaviside: unary('heaviside'),
};

type ElementwisePrimitive =
  | UnaryPrimitive
  | BinaryPrimitive
  | ComparisonPrimitive
  | 'mulAdd'
  | 'where'
  | 'cast'
  | 'stopGradient';

/** Batching rules of the elementwise primitives; `where`'s dtype follows its two branches. */
export const elementwiseBatchRules: Pick<BatchRuleTable, ElementwisePrimitive> = {
  ...unaryRules,
  ...binaryRules,
  greater: binary('greater'),
  greaterEqual: binary('greaterEqual'),
  less: binary('less'),
  lessEqual: binary('lessEqual'),
  equal: binary('equal'),
  mulAdd: mulAddRule,
  where: broadcasting('where', 1, 2),
  cast: unary('cast'),
  stopGradient: unary('stopGradient'),
};
