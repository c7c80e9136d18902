/**
 * Differentiable functions and transformations. Forward mode (dual numbers) and reverse mode (a
 * tape) nest in either order to any depth, at tensor granularity.
 * @module @liouville/ad
 */
export { type Value, type Input, Tracer, isValue } from './Tracer.js';
export {
  BatchedValueError,
  ConcretizationError,
  NotAScalarError,
  PerturbationError,
  StructureError,
} from './errors.js';
export { setCheckFinite, withCheckFinite, primalTensor } from './bind.js';
export {
  constant,
  asValue,
  neg,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  square,
  sin,
  cos,
  tan,
  tanh,
  abs,
  sign,
  sigmoid,
  softplus,
  relu,
  add,
  sub,
  mul,
  div,
  pow,
  mulAdd,
  greater,
  greaterEqual,
  less,
  lessEqual,
  equal,
  heaviside,
  where,
  maximum,
  minimum,
  sum,
  max,
  mean,
  reshape,
  transpose,
  transposeLast2,
  broadcastTo,
  slice,
  pad,
  concat,
  stack,
  matmul,
  solve,
  dot,
  outer,
  stopGradient,
  cast,
  sumToShape,
  zerosLike,
  onesLike,
  type ReduceOptions,
} from './ops.js';
export { Dual, jvp, jacfwd, type JacobianOf } from './forward.js';
export { Node, vjp, grad, valueAndGrad, jacrev } from './reverse.js';
export { hessian, hvp, rowwiseGrad, type RowwiseGradOptions } from './transforms.js';
export { vmap, type AxisSpec } from './vmap/vmap.js';
export { BatchTracer } from './vmap/BatchTrace.js';
export {
  type Tree,
  type TreeDef,
  type TreePath,
  flatten,
  unflatten,
  leafPaths,
  formatPath,
  sameStructure,
  describeDef,
} from './tree.js';
export { jit, makeJaxpr, type JitOptions } from './jit/jit.js';
export { scan, type ScanBody } from './jit/scan.js';
export { Jaxpr } from './jit/ir.js';
export type { Primitive, PrimitiveParams, ValueType } from './primitives.js';
