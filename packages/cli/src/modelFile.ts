import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type FieldModel, modelFromFile } from '@liouville/hamiltonian';
import { Tensor, allFinite } from '@liouville/linalg';
import { type JsonValue, type MlpParams, treeLeaves } from '@liouville/nn';
import { loadParams, saveParams } from '@liouville/nn/node';
import { RuntimeError, systemReason } from './errors.js';
import { checkRegularFile } from './files.js';
import { createFolder, removeStaleTemporaries } from './outputFile.js';
import {
  type DataOrigin,
  type Hyperparameters,
  MODEL_KINDS,
  type ModelKind,
  TASK_NAMES,
  type TaskName,
  buildModel,
  taskSpec,
} from './tasks.js';

/** The `format` tag in the metadata of a saved learned model. */
export const MODEL_FORMAT = 'liouville-model';
/** The metadata version this code writes and reads. */
export const MODEL_VERSION = 1;

/** What is saved beside a model's parameters: enough to rebuild the model and to know how it was trained. */
export interface ModelMeta {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  /** The paper's task it was trained on; absent for a model of your own data (`train --data FILE`). */
  readonly task?: TaskName;
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

/**
 * Saves a trained model to `target` (its folder created, stale temporary files removed). When that
 * fails, the parameters are not lost: they are saved to a file in the system's temporary folder
 * (TMPDIR) and the RuntimeError says where.
 */
export function saveTrainedModel(
  target: string,
  params: MlpParams,
  meta: ModelMeta,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  try {
    createFolder(dirname(target));
    removeStaleTemporaries(target);
    saveModel(target, params, meta);
  } catch (error) {
    const folder = env.TMPDIR || tmpdir();
    const fallback = join(folder, `liouville-unsaved-${process.pid}-${Date.now()}-${basename(target)}`);
    const why = failureReason(error);
    try {
      saveModel(fallback, params, meta);
    } catch (second) {
      throw new RuntimeError(
        `cannot save the trained model to ${target}: ${why}; saving it to ${fallback} failed too: ${failureReason(second)}`,
      );
    }
    throw new RuntimeError(`cannot save the trained model to ${target}: ${why}; it was saved to ${fallback} instead`);
  }
}

/** The cause of a failed save in words (the system error of a file error, when there is one). */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  if (error instanceof RuntimeError) return error.message;
  if (cause?.code !== undefined) return systemReason(cause);
  return systemReason(error);
}

/** Bounds beyond which architecture metadata is not a model this program wrote, but damage or a forgery. */
const MAX_HIDDEN_DIM = 65_536;
const MAX_HIDDEN_LAYERS = 1_000;

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
  const taskDim = taskSpec(m.task as TaskName).inputDim;
  if (m.inputDim !== taskDim)
    fail(path, `the metadata gives inputDim ${m.inputDim}, but task '${m.task}' has ${taskDim}`);
  if ((h.hiddenDim as number) > MAX_HIDDEN_DIM || (h.hiddenLayers as number) > MAX_HIDDEN_LAYERS) {
    fail(
      path,
      `absurd architecture in the metadata: hiddenDim ${h.hiddenDim}, hiddenLayers ${h.hiddenLayers} (at most ${MAX_HIDDEN_DIM} and ${MAX_HIDDEN_LAYERS})`,
    );
  }
  return m as unknown as ModelMeta;
}

/**
 * Checks the saved tensors have exactly the names and shapes of the model's parameters (read from
 * the network's shapes, allocating nothing) and hold finite numbers only.
 */
function checkParams(path: string, model: FieldModel, params: MlpParams): void {
  const expected = Object.entries(model.net.paramShapes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const given = treeLeaves(params);
  const describe = (leaves: readonly (readonly [string, readonly number[]])[]) =>
    leaves.map(([name, shape]) => `${name}[${shape.join('x')}]`).join(', ');
  const givenShapes = given.map((l) => [l.path.join('.'), l.leaf.shape] as const);
  const same =
    expected.length === given.length &&
    expected.every(
      ([name, shape], i) =>
        name === givenShapes[i][0] &&
        shape.join('x') === givenShapes[i][1].join('x') &&
        given[i].leaf.dtype === 'float64',
    );
  if (!same) {
    fail(
      path,
      `the parameters (${describe(givenShapes)}) do not fit the ${model.kind} model its metadata describes (${describe(expected)})`,
    );
  }
  const bad = given.find((l) => !allFinite(l.leaf));
  if (bad !== undefined) fail(path, `the parameter ${bad.path.join('.')} holds NaN or infinite values`);
}

/** What a caller loads a model for: the task and model kind it must be. */
export interface ExpectedModel {
  readonly task?: TaskName;
  readonly model?: ModelKind;
}

/**
 * Loads a model written by `saveModel`: a missing, truncated or corrupt file (checksum), metadata of
 * another kind, absurd sizes, a task or kind other than `expected`, parameters that do not fit the
 * architecture or that are not finite are RuntimeErrors naming the file, all before any use.
 */
export function loadModel(path: string, expected: ExpectedModel = {}): LoadedModel {
  checkRegularFile(path, 'parameter file');
  const { params, meta } = loadParams(path);
  if (isOwnDataMeta(meta)) return ownDataModel(path, meta, params, expected);
  const checked = checkMeta(path, meta);
  if (expected.task !== undefined && checked.task !== expected.task) {
    fail(path, `a model of task '${checked.task}', expected '${expected.task}'`);
  }
  if (expected.model !== undefined && checked.model !== expected.model) {
    fail(path, `a ${checked.model} model, expected ${expected.model}`);
  }
  const model = buildModel(checked.model, checked.inputDim, checked.hyperparameters);
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params instanceof Tensor) {
    fail(path, 'the parameters are not a record of named tensors');
  }
  checkParams(path, model, params as MlpParams);
  return { meta: checked, model, params: params as MlpParams };
}

/** Whether metadata describe a model of the user's own data: the model format without a task. */
function isOwnDataMeta(meta: JsonValue): boolean {
  const m = meta as Record<string, unknown> | null;
  return m !== null && typeof m === 'object' && m.format === MODEL_FORMAT && m.task === undefined;
}

/**
 * A model trained on the user's own data, rebuilt by the library's model-file reader: in the
 * data's units (its scaling undone), with its periodic coordinates; RuntimeErrors as for the others.
 */
function ownDataModel(path: string, meta: JsonValue, params: unknown, expected: ExpectedModel): LoadedModel {
  if (expected.task !== undefined) fail(path, `a model of your own data, expected one of task '${expected.task}'`);
  let saved: ReturnType<typeof modelFromFile>;
  try {
    saved = modelFromFile(meta, params, path);
  } catch (error) {
    throw new RuntimeError((error as Error).message);
  }
  if (expected.model !== undefined && saved.meta.model !== expected.model) {
    fail(path, `a ${saved.meta.model} model, expected ${expected.model}`);
  }
  const bad = treeLeaves(saved.params).find((l) => !allFinite(l.leaf));
  if (bad !== undefined) fail(path, `the parameter ${bad.path.join('.')} holds NaN or infinite values`);
  return { meta: saved.meta as unknown as ModelMeta, model: saved.model, params: saved.params };
}
