import type { MlpParams } from '@liouville/nn';
import { loadParams, saveParams } from '@liouville/nn/node';
import {
  type ModelFileMetaOptions,
  type SavableModel,
  type SavedModel,
  modelFileMeta,
  modelFromFile,
} from '../learned/modelFile.js';
import type { TrainCheckpoint } from '../learned/train.js';

/** Saves a model's parameters with the metadata that rebuilds it (atomically; ParamsFileError on failure). */
export function saveModel(
  path: string,
  model: SavableModel,
  params: MlpParams,
  options: ModelFileMetaOptions = {},
): void {
  saveParams(path, params, modelFileMeta(model, options) as never);
}

/**
 * Loads a model file written by `saveModel`, a `fileCheckpoint` given the model, or the
 * `liouville` command: a missing, corrupt or foreign file, or parameters that do not fit the
 * described model, are a ParamsFileError naming the file.
 */
export function loadModel(path: string): SavedModel {
  const { params, meta } = loadParams(path);
  return modelFromFile(meta, params, path);
}

/**
 * A `train` checkpoint that writes the parameters atomically to the parameter file `path` every
 * `every` steps and at the end. Given the model (and optionally its scaling and a description of
 * the data), the file is a complete model file that `loadModel` and `liouville simulate --params`
 * read; the training facts `train` reports (step, loss, status) are added to its metadata.
 */
export function fileCheckpoint(
  path: string,
  every: number,
  describe?: { readonly model: SavableModel } & ModelFileMetaOptions,
): TrainCheckpoint {
  if (describe === undefined) return { every, save: (params, meta) => saveParams(path, params, meta) };
  const { model, ...options } = describe;
  return {
    every,
    save: (params, meta) => {
      const facts = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : { progress: meta };
      const { model: _kind, ...training } = facts as Record<string, never>;
      saveParams(path, params, modelFileMeta(model, { ...options, extra: { ...options.extra, ...training } }) as never);
    },
  };
}
