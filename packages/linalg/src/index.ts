/**
 * Tensors (n-d arrays over `Float64Array`/`Float32Array`) and numeric kernels: broadcasting
 * arithmetic, reductions, shape operations, `matmul`, LU solves, norms and seeded random keys.
 * No derivatives here (see `@liouville/ad`).
 * @module @liouville/linalg
 */
export {
  LiouvilleError,
  ShapeError,
  InvalidArgumentError,
  NonFiniteError,
  formatShape,
  describeValue,
} from './errors.js';
export {
  type Shape,
  sizeOf,
  stridesOf,
  shapesEqual,
  broadcastShapes,
  normalizeAxes,
  normalizeAxis,
  validateShape,
} from './shape.js';
export {
  Tensor,
  isTensor,
  requireTensor,
  allocate,
  dtypeOf,
  type DType,
  type TypedArray,
  type NestedArray,
} from './Tensor.js';
export { tensor, scalar, zeros, ones, full, eye, arange, linspace, fromNdarray } from './create.js';
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  greater,
  greaterEqual,
  less,
  lessEqual,
  equal,
  neg,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  square,
  reciprocal,
  sin,
  cos,
  tan,
  tanh,
  sigmoid,
  softplus,
  relu,
  heaviside,
  where,
  cast,
  resultDType,
  assertSameShape,
  allFinite,
} from './elementwise.js';
export { sum, mean, max, min, reducedShape, type ReduceOptions } from './reduce.js';
export { reshape, transpose, slice, pad, concat, stack, broadcastTo } from './manipulate.js';
export { mulAdd } from './mulAdd.js';
export { matmul, matmulInto, type MatmulOperand, type MatmulIntoOptions, dot, outer } from './matmul.js';
export { MatmulArena } from './wasm/matmulArena.js';
export type { HostFunction } from './wasm/wasmGemm.js';
export { useFusedMultiplyAdd, fusedMultiplyAdd, WasmFeatureUnavailableError } from './wasm/fusedMultiplyAdd.js';
// The WebAssembly bytecode assembler of the kernels, for code generated elsewhere (@liouville/ad's jit).
export { FunctionBody, Op, SimdOp, ValType, type ModuleFunction, type ImportedFunction } from './wasm/assembler.js';
export { emitSinCos, sinCosConstants, type SinCosConstants } from './wasm/trigLanes.js';
export { tanhOf } from './tanh.js';
export { tanhOf32 } from './tanh32.js';
export { sinOf, cosOf } from './trig.js';
export { tanhInto } from './tanhKernel.js';
export { matmulKernelNT } from './jsMatmulKernel.js';
export {
  type MatmulKernel,
  type MatmulBackend,
  getMatmulKernel,
  getMatmulBackend,
  setMatmulBackend,
  availableMatmulBackends,
} from './kernels.js';
export { SingularMatrixError } from './errors.js';
export { randomKey, splitKey, randomNormal, randomUniform, type RandomKey, type UniformOptions } from './random.js';
export { lu, solve, det, inv, type LUFactorization } from './lu.js';
export { norm, type NormOrder, type NormOptions } from './norm.js';
export { symplecticJ } from './symplectic.js';
export {
  checkPositiveInteger,
  checkNonNegativeInteger,
  checkFinitePositive,
  checkFiniteNumber,
  checkBoolean,
  checkShapesEqual,
} from './validate.js';
