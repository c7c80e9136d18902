import type { FieldModel } from '@liouville/hamiltonian';
import { Tensor, randomKey } from '@liouville/linalg';
import { type JsonValue, type MlpParams, treeLeaves } from '@liouville/nn';
import { loadParams, saveParams } from '@liouville/nn/node';
import { RuntimeError } from './errors.js';
import {
  type DataOrigin,
  type Hyperparameters,
  MODEL_KINDS,
  type ModelKind,
  TASK_NAMES,
  type TaskName,
  buildModel,
} from './tasks.js';

/** The `format` tag in the metadata of a saved learned model. */
export const MODEL_FORMAT = 'liouville-model';
/** The metadata version this code writes and reads. */
export const MODEL_VERSION = 1;

/** What is saved beside a model's parameters: enough to rebuild the model and to know how it was trained. */
export interface ModelMeta {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly task: TaskName;
  readonly model: ModelKind;
  readonly inputDim: number;
  readonly hyperparameters: Hyperparameters;
  readonly seed: number;
  readonly data: DataOrigin;
  readonly stepsDone: number;
  readonly status: 'completed' | 'diverged';
  readonly finalTrainLoss: number;
  readonly finalTestLoss: number;
}

/** A loaded model: its metadata, the rebuilt model and its parameters. */
export interface LoadedModel {
  readonly meta: ModelMeta;
  readonly model: FieldModel;
  readonly params: MlpParams;
}

/** Saves parameters and metadata atomically (a failed write leaves any previous file intact). */
export function saveModel(path: string, params: MlpParams, meta: ModelMeta): void {
  saveParams(path, params, meta as unknown as JsonValue);
}

function fail(path: string, problem: string): never {
  throw new RuntimeError(`${path}: ${problem}`);
}

/** Checks the metadata of a model file field by field, naming the first problem. */
function checkMeta(path: string, meta: JsonValue): ModelMeta {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
    fail(path, 'not a liouville model file (no metadata)');
  const m = meta as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT)
    fail(path, `not a liouville model file (metadata format is ${JSON.stringify(m.format)})`);
  if (m.version !== MODEL_VERSION) fail(path, `unsupported model file version ${JSON.stringify(m.version)}`);
  if (!TASK_NAMES.includes(m.task as TaskName)) fail(path, `unknown task ${JSON.stringify(m.task)} in the metadata`);
  if (!MODEL_KINDS.includes(m.model as ModelKind)) fail(path, `unknown model kind ${JSON.stringify(m.model)}`);
  const h = m.hyperparameters as Record<string, unknown> | undefined;
  const positive = (x: unknown) => Number.isInteger(x) && (x as number) > 0;
  if (!positive(m.inputDim) || !h || !positive(h.hiddenDim) || !positive(h.hiddenLayers)) {
    fail(path, 'the metadata lacks the architecture (inputDim, hiddenDim, hiddenLayers)');
  }
  return m as unknown as ModelMeta;
}

/** Checks the saved tensors have exactly the names and shapes of the model's parameters. */
function checkParams(path: string, model: FieldModel, params: MlpParams): void {
  const expected = treeLeaves(model.init(randomKey(0)));
  const given = treeLeaves(params);
  const describe = (leaves: typeof given) =>
    leaves.map((l) => `${l.path.join('.')}[${l.leaf.shape.join('x')}]`).join(', ');
  const same =
    expected.length === given.length &&
    expected.every(
      (e, i) =>
        e.path.join('.') === given[i].path.join('.') &&
        e.leaf.shape.join('x') === given[i].leaf.shape.join('x') &&
        given[i].leaf.dtype === 'float64',
    );
  if (!same)
    fail(path, `the parameters (${describe(given)}) do not fit the ${model.kind} model its metadata describes`);
}

/**
 * Loads a model written by `saveModel`: a missing, truncated or corrupt file (checksum), metadata of
 * another kind, or parameters that do not fit the architecture are RuntimeErrors naming the file.
 */
export function loadModel(path: string): LoadedModel {
  const { params, meta } = loadParams(path);
  const checked = checkMeta(path, meta);
  const model = buildModel(checked.model, checked.inputDim, checked.hyperparameters);
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params instanceof Tensor) {
    fail(path, 'the parameters are not a record of named tensors');
  }
  checkParams(path, model, params as MlpParams);
  return { meta: checked, model, params: params as MlpParams };
}
