import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  MODEL_FORMAT,
  type ModelFileMeta,
  type SavableModel,
  type SavedModel,
  type SavedModelKind,
  modelFromFile,
} from '@liouville/hamiltonian';
import { allFinite } from '@liouville/linalg';
import { type JsonValue, type MlpParams, ParamsFileError, treeLeaves } from '@liouville/nn';
import { loadParams, saveParams } from '@liouville/nn/node';
import { COMPARISON_MODELS, type ComparisonModel, MODEL_ARCHITECTURES } from './comparison/models.js';
import { COMPARISON_TASKS, type ComparisonTaskName, comparisonTask } from './comparison/tasks.js';
import { RuntimeError, systemReason } from './errors.js';
import { checkRegularFile } from './files.js';
import { createFolder, removeStaleTemporaries } from './outputFile.js';
import { TASK_NAMES, type TaskName, taskSpec } from './tasks.js';

/**
 * The files of `liouville train`, `reproduce` and `reproduce --models`: the library's model file
 * (@liouville/hamiltonian's `modelFileMeta`, which rebuilds any learned model), with the task it
 * was trained on, the name the command line gave it, and the facts of its training (seed, data,
 * steps, status, final losses).
 */
export { MODEL_FORMAT, MODEL_VERSION } from '@liouville/hamiltonian';

/** The tasks a model file may name: the paper's five and the comparison's (damped-spring, double-pendulum). */
export type ModelTaskName = TaskName | ComparisonTaskName;
/** Every task a model file may name. */
export const MODEL_TASKS: readonly ModelTaskName[] = Object.freeze([...new Set([...TASK_NAMES, ...COMPARISON_TASKS])]);

/** What is saved beside a model's parameters: the library's model-file metadata and the command line's facts. */
export interface ModelMeta extends ModelFileMeta {
  /** The task it was trained on; absent for a model of your own data (`train --data FILE`). */
  readonly task?: ModelTaskName;
  /**
   * The name `train --model` and `reproduce --models` know it by; `model` is its architecture
   * (hnn-fd is an hnn, dhnn-fd a dhnn, trained on central-difference estimates of ẋ).
   */
  readonly trainedAs?: ComparisonModel;
}

/** A loaded model: its metadata, the rebuilt model and its parameters. */
export interface LoadedModel {
  readonly meta: ModelMeta;
  /** The model in the data's units (any scaling of its file undone). */
  readonly model: SavableModel;
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

function fail(path: string, problem: string): never {
  throw new RuntimeError(`${path}: ${problem}`);
}

/** Whether a model file's task is one of the paper's (`taskSpec`) rather than one of the comparison's only. */
export function isPaperTask(task: ModelTaskName): task is TaskName {
  return (TASK_NAMES as readonly string[]).includes(task);
}

/** Phase-space dimension of a task a model file may name. */
function taskInputDim(task: ModelTaskName): number {
  return isPaperTask(task) ? taskSpec(task).inputDim : comparisonTask(task).inputDim;
}

/**
 * Checks what the command line adds to the library's metadata, before the model is built (so a
 * file of another task is named as such): a known task whose dimension is the model's, and a
 * known command-line name of the model's kind.
 */
function checkCommandLineFacts(path: string, meta: JsonValue): Pick<ModelMeta, 'task' | 'trainedAs'> {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return {};
  const { format, task, trainedAs, inputDim, model } = meta as Readonly<Record<string, JsonValue | undefined>>;
  if (format !== MODEL_FORMAT) return {};
  if (task !== undefined && !MODEL_TASKS.includes(task as ModelTaskName)) {
    fail(path, `unknown task ${JSON.stringify(task)} in the metadata (expected ${MODEL_TASKS.join(', ')})`);
  }
  if (trainedAs !== undefined && !COMPARISON_MODELS.includes(trainedAs as ComparisonModel)) {
    fail(path, `unknown model name trainedAs ${JSON.stringify(trainedAs)} (expected ${COMPARISON_MODELS.join(', ')})`);
  }
  const name = trainedAs as ComparisonModel | undefined;
  if (name !== undefined && MODEL_ARCHITECTURES[name] !== model) {
    fail(
      path,
      `the metadata calls a ${JSON.stringify(model)} model '${name}', which is a ${MODEL_ARCHITECTURES[name]}`,
    );
  }
  if (task !== undefined) {
    const dim = taskInputDim(task as ModelTaskName);
    if (inputDim !== dim) fail(path, `the metadata gives inputDim ${inputDim}, but task '${task}' has ${dim}`);
  }
  return { task: task as ModelTaskName | undefined, trainedAs: name };
}

/** The library's reading of a model file, its ParamsFileError a RuntimeError naming the file. */
function savedModel(path: string, meta: JsonValue, params: unknown): SavedModel {
  try {
    return modelFromFile(meta, params, path);
  } catch (error) {
    if (error instanceof ParamsFileError) throw new RuntimeError(error.message);
    throw error;
  }
}

/** What a caller loads a model for: the task and model it must be. */
export interface ExpectedModel {
  readonly task?: ModelTaskName;
  readonly model?: ComparisonModel;
}

/** The name a loaded model goes by: the command line's, else its kind. */
export function modelName(meta: ModelMeta): ComparisonModel | SavedModelKind {
  return meta.trainedAs ?? meta.model;
}

/**
 * Loads a model file (written by `saveModel`, `train`, `reproduce`, or the library): a missing,
 * truncated or corrupt file (checksum), metadata of another kind, absurd sizes, an unknown task, a
 * task or model other than `expected`, parameters that do not fit the architecture or that are not
 * finite are RuntimeErrors naming the file, all before any use.
 */
export function loadModel(path: string, expected: ExpectedModel = {}): LoadedModel {
  checkRegularFile(path, 'parameter file');
  const { params, meta } = loadParams(path);
  const facts = checkCommandLineFacts(path, meta);
  const saved = savedModel(path, meta, params);
  const checked: ModelMeta = { ...saved.meta, task: facts.task, trainedAs: facts.trainedAs };
  if (expected.task !== undefined && checked.task !== expected.task) {
    fail(
      path,
      checked.task === undefined
        ? `a model of your own data, expected one of task '${expected.task}'`
        : `a model of task '${checked.task}', expected '${expected.task}'`,
    );
  }
  if (expected.model !== undefined && modelName(checked) !== expected.model) {
    fail(path, `a ${modelName(checked)} model, expected ${expected.model}`);
  }
  const bad = treeLeaves(saved.params).find((l) => !allFinite(l.leaf));
  if (bad !== undefined) fail(path, `the parameter ${bad.path.join('.')} holds NaN or infinite values`);
  return { meta: checked, model: saved.model, params: saved.params };
}
