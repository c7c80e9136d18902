/**
 * Parameters as plain records of tensors, MLPs, initialisers, optimisers as pure
 * `{ init, update }` pairs, seeded minibatch sampling and versioned parameter files. Knows no
 * physics.
 * @module @liouville/nn
 */
export { type Activation, type ActivationName, activation, activationNames } from './activations.js';
export {
  type Initializer,
  type InitializerName,
  type InitOptions,
  type HeOptions,
  orthogonal,
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  zerosInit,
  initializer,
} from './init.js';
export { type ThinQR, thinQR, haarOrthonormalColumns } from './qr.js';
export { type Mlp, type MlpOptions, type MlpParams, mlp } from './mlp.js';
export {
  type ParamTree,
  type TreePath,
  type TreeLeaf,
  TreeMismatchError,
  treeLeaves,
  treeMap,
  treeFromLeaves,
  paramsEqual,
  describeTree,
  formatPath,
  assertSameStructure,
} from './tree.js';
export type { LearningRate, Optimizer, OptimizerStep } from './optim/Optimizer.js';
export type { CompilableUpdate, CompiledStep } from './optim/compilable.js';
export { type SgdOptions, type SgdState, sgd } from './optim/sgd.js';
export { type AdamOptions, type AdamState, adam, adamW } from './optim/adam.js';
export { permutation, sampleBatch, epochBatches } from './random.js';
export { takeRows } from './rows.js';
export { ParamsFileError } from './errors.js';
export {
  type JsonValue,
  type LoadedParams,
  PARAMS_FORMAT,
  PARAMS_VERSION,
  serializeParams,
  parseParams,
} from './paramsFormat.js';
export { sha256Hex } from './sha256.js';
// Saving and loading parameter files by path: '@liouville/nn/node'.
