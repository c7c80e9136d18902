import { type DType, InvalidArgumentError, Tensor, shapesEqual } from '@liouville/linalg';
import {
  type JsonValue,
  type MlpParams,
  ParamsFileError,
  parseParams,
  serializeParams,
  treeLeaves,
} from '@liouville/nn';
import {
  ARCHITECTURE_KEYS,
  SAVED_MODEL_KINDS,
  type SavableModel,
  type SavedModelKind,
  architectureOf,
  architectureProblem,
  isSavableModel,
  modelOfArchitecture,
  savedParamShapes,
} from './savedArchitecture.js';
import { type PhaseScaling, checkScaling, unscaledModel } from './scaling.js';

export { type SavableModel, type SavedModelKind, SAVED_MODEL_KINDS } from './savedArchitecture.js';

/**
 * One parameter-file format for every saved learned model, whoever trained it (the library's
 * `train` with a `fileCheckpoint`, `liouville train`, `liouville reproduce`): the parameters in
 * the liouville-params format of @liouville/nn, and metadata that rebuilds the model (kind,
 * architecture, periodic coordinates, the scaling between its units and the data's) and says how
 * it was trained and on what. `liouville simulate --params` rolls out any such file.
 */

/** The `format` tag in a saved model's metadata. */
export const MODEL_FORMAT = 'liouville-model';
/** The metadata version written and read. */
export const MODEL_VERSION = 1;

/** The architecture in a saved model's metadata (the reference's names). */
export interface SavedHyperparameters {
  readonly hiddenDim: number;
  readonly hiddenLayers: number;
  readonly activation: string;
  /** The HNN's field type ('solenoidal' unless said otherwise). */
  readonly fieldType?: string;
  /** The LNN's c in L_θ = network + (c/2)|q̇|² (0 unless said otherwise). */
  readonly kineticOffset?: number;
  /** Anything else the trainer records (learning rate, steps, batch size, ...). */
  readonly [more: string]: JsonValue | undefined;
}

/** The metadata of a saved model: what rebuilds it, and free-form facts about its training. */
export interface ModelFileMeta {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly model: SavedModelKind;
  /** Phase-space dimension 2n. */
  readonly inputDim: number;
  readonly hyperparameters: SavedHyperparameters;
  /** Which q are angles, fed to the network as (cos q, sin q). */
  readonly periodic?: readonly boolean[];
  /** The units the network was trained in (`phaseScaling`); absent: the data's own units. */
  readonly scaling?: PhaseScaling;
  /** The task it was trained on, when one of the paper's ('spring', 'pendulum', ...). */
  readonly task?: string;
  /** A description of the data (a measured dataset's meta: file, columns, coordinates). */
  readonly data?: JsonValue;
  /** Further facts (seed, losses, status, ...), JSON values. */
  readonly [more: string]: unknown;
}

/** A loaded model: its metadata, the model in the data's units, the model as trained, and its parameters. */
export interface SavedModel {
  readonly meta: ModelFileMeta;
  /** Works in the data's units (the scaling undone): roll this out from the user's states. */
  readonly model: SavableModel;
  /** The network as trained, in the scaled units (the same as `model` without a scaling). */
  readonly trained: SavableModel;
  readonly params: MlpParams;
}

/** Options of `modelFileMeta`. */
export interface ModelFileMetaOptions {
  readonly scaling?: PhaseScaling;
  readonly task?: string;
  readonly data?: JsonValue;
  /** Merged into `hyperparameters` (learning rate, steps, batch size, ...); the architecture comes from the model. */
  readonly hyperparameters?: Readonly<Record<string, JsonValue>>;
  /** Further top-level facts (seed, losses, status, ...). */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** A trainer's own hyperparameters without the architecture keys, which only the model states. */
function trainingSettings(h: Readonly<Record<string, JsonValue>> = {}): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(h).filter(([key]) => !ARCHITECTURE_KEYS.includes(key)));
}

/**
 * The metadata that saves `model` (any learned model of this library, as trained: HNN, baseline,
 * DHNN, LNN, separable HNN) with the given facts.
 */
export function modelFileMeta(model: SavableModel, options: ModelFileMetaOptions = {}): ModelFileMeta {
  if (!isSavableModel(model)) {
    throw new InvalidArgumentError(
      'modelFileMeta: model',
      `a learned model of this library (${SAVED_MODEL_KINDS.join(', ')})`,
      model,
    );
  }
  if (options.scaling !== undefined) checkScaling('modelFileMeta', options.scaling, model.inputDim);
  const periodic = model.options.periodic;
  return {
    ...(options.extra ?? {}),
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    model: model.kind,
    inputDim: model.inputDim,
    hyperparameters: { ...trainingSettings(options.hyperparameters), ...architectureOf(model) },
    ...(periodic ? { periodic: [...periodic] } : {}),
    ...(options.scaling ? { scaling: options.scaling } : {}),
    ...(options.task !== undefined ? { task: options.task } : {}),
    ...(options.data !== undefined ? { data: options.data } : {}),
  };
}

/**
 * Bounds beyond which architecture metadata is damage or a forgery, not a model anyone trained: a
 * file is refused with a message instead of allocating gigabytes (the HNN's n×n matrix M grows
 * with inputDim², the widest layer with hiddenDim²).
 */
const MAX_INPUT_DIM = 2048;
const MAX_HIDDEN_DIM = 65_536;
const MAX_HIDDEN_LAYERS = 1000;

/** The first problem of the kind and sizes in saved metadata, or undefined. */
function sizeProblem(m: Record<string, unknown>): string | undefined {
  if (!SAVED_MODEL_KINDS.includes(m.model as SavedModelKind))
    return `unknown model kind ${JSON.stringify(m.model)} (expected ${SAVED_MODEL_KINDS.join(', ')})`;
  const h = m.hyperparameters as Record<string, unknown> | undefined;
  const positive = (x: unknown) => Number.isInteger(x) && (x as number) > 0;
  if (
    !positive(m.inputDim) ||
    (m.inputDim as number) % 2 !== 0 ||
    !h ||
    !positive(h.hiddenDim) ||
    !positive(h.hiddenLayers)
  )
    return 'the metadata lacks the architecture (an even inputDim, hiddenDim, hiddenLayers)';
  const [inputDim, hiddenDim, hiddenLayers] = [m.inputDim, h.hiddenDim, h.hiddenLayers] as number[];
  if (inputDim > MAX_INPUT_DIM || hiddenDim > MAX_HIDDEN_DIM || hiddenLayers > MAX_HIDDEN_LAYERS) {
    return `absurd architecture in the metadata: inputDim ${inputDim}, hiddenDim ${hiddenDim}, hiddenLayers ${hiddenLayers} (at most ${MAX_INPUT_DIM}, ${MAX_HIDDEN_DIM} and ${MAX_HIDDEN_LAYERS})`;
  }
  return undefined;
}

/** Checks saved metadata field by field; the ParamsFileError names the file, the field and what was expected. */
export function checkModelFileMeta(meta: JsonValue, source: string): ModelFileMeta {
  const fail = (problem: string): never => {
    throw new ParamsFileError(source, problem);
  };
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
    fail('not a liouville model file (no metadata)');
  const m = meta as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) fail(`not a liouville model file (metadata format is ${JSON.stringify(m.format)})`);
  if (m.version !== MODEL_VERSION) fail(`unsupported model file version ${JSON.stringify(m.version)}`);
  const problem =
    sizeProblem(m) ??
    architectureProblem(
      m.model as SavedModelKind,
      m.inputDim as number,
      m.hyperparameters as Record<string, unknown>,
      m.periodic,
    );
  if (problem !== undefined) fail(problem);
  try {
    if (m.scaling !== undefined) checkScaling('model file', m.scaling, m.inputDim as number);
  } catch (error) {
    fail(`the metadata's scaling is invalid: ${(error as Error).message}`);
  }
  return m as unknown as ModelFileMeta;
}

/** The model a checked metadata describes, as trained (in its own units). */
function modelOf(meta: ModelFileMeta, source: string): SavableModel {
  try {
    return modelOfArchitecture(meta.model, meta.inputDim, meta.hyperparameters, meta.periodic);
  } catch (error) {
    throw new ParamsFileError(source, `the metadata does not describe a model: ${(error as Error).message}`);
  }
}

/**
 * Checks the saved tensors have exactly the names, shapes and dtype of the model's parameters (read
 * from the networks' shapes: nothing is allocated before the file is known to fit).
 */
function checkParamsFit(source: string, model: SavableModel, params: unknown, dtype: DType): MlpParams {
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params instanceof Tensor) {
    throw new ParamsFileError(source, 'the parameters are not a record of named tensors');
  }
  // treeLeaves visits records in sorted key order; so does savedParamShapes.
  const expected = savedParamShapes(model);
  const given = treeLeaves(params as MlpParams);
  const describe = (leaves: typeof given) =>
    leaves.map((l) => `${l.path.join('.')}[${l.leaf.shape.join('x')}]`).join(', ');
  const same =
    expected.length === given.length &&
    expected.every(
      ([name, shape], i) =>
        given[i].path.join('.') === name && shapesEqual(given[i].leaf.shape, shape) && given[i].leaf.dtype === dtype,
    );
  if (!same)
    throw new ParamsFileError(
      source,
      `the parameters (${describe(given)}) do not fit the ${model.kind} model its metadata describes`,
    );
  return params as MlpParams;
}

/** Rebuilds a saved model from its metadata and parameters (as returned by `parseParams`). */
export function modelFromFile(meta: JsonValue, params: unknown, source = '<string>'): SavedModel {
  const checked = checkModelFileMeta(meta, source);
  const trained = modelOf(checked, source);
  const dtype = checked.hyperparameters.dtype === 'float32' ? 'float32' : 'float64';
  const fitted = checkParamsFit(source, trained, params, dtype);
  const model = checked.scaling === undefined ? trained : unscaledModel(trained, checked.scaling);
  return { meta: checked, model, trained, params: fitted };
}

/** The text of a model file: parameters and the metadata of `modelFileMeta`. */
export function serializeModel(model: SavableModel, params: MlpParams, options: ModelFileMetaOptions = {}): string {
  return serializeParams(params, modelFileMeta(model, options) as unknown as JsonValue);
}

/** A saved model from the text or bytes of its file; `source` names it in errors (ParamsFileError). */
export function parseModel(input: string | Uint8Array, source = '<string>'): SavedModel {
  const { params, meta } = parseParams(input, source);
  return modelFromFile(meta, params, source);
}
