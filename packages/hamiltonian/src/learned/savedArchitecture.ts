import { type ActivationName, type JsonValue, type Mlp, activationNames } from '@liouville/nn';
import { type DhnnModel, dhnnModel } from './dissipative.js';
import { checkPeriodic } from './embedding.js';
import {
  type BaselineModel,
  type FieldModelKind,
  type FieldType,
  type HnnModel,
  baselineModel,
  hnnModel,
} from './fieldModels.js';
import { type LnnModel, lnnModel } from './lagrangian.js';
import { type SeparableHnnModel, separableHnnModel } from './separable.js';

/**
 * What a parameter file records of each learned model to rebuild it: the kind, the widths, the
 * activation, the dtype, and what only one kind has (the HNN's field type and coordinates, the
 * LNN's kinetic offset). The metadata of modelFile.ts holds it; this module reads and checks it.
 */

/** Every learned model a parameter file can rebuild. */
export type SavableModel = HnnModel | BaselineModel | DhnnModel | LnnModel | SeparableHnnModel;

/** The models a parameter file can rebuild, by `kind`: every learned field model. */
export type SavedModelKind = FieldModelKind;

/** Every kind a parameter file may name. */
export const SAVED_MODEL_KINDS: readonly SavedModelKind[] = Object.freeze(['hnn', 'baseline', 'dhnn', 'lnn', 'srnn']);

/** The architecture of a saved model: the keys the library writes and reads (the reference's names). */
export interface SavedArchitecture {
  readonly hiddenDim: number;
  readonly hiddenLayers: number;
  readonly activation: ActivationName;
  readonly dtype: 'float32' | 'float64';
  /** HNN only: the part of the Helmholtz decomposition it learns. */
  readonly fieldType?: FieldType;
  /** HNN only, written when false: the Levi-Civita M of the reference instead of J. */
  readonly canonical?: boolean;
  /** LNN only, always written: c in L_θ = network + (c/2)|q̇|². */
  readonly kineticOffset?: number;
}

/** The keys of `SavedArchitecture`: a trainer's own hyperparameters never override them. */
export const ARCHITECTURE_KEYS: readonly string[] = Object.freeze([
  'hiddenDim',
  'hiddenLayers',
  'activation',
  'dtype',
  'fieldType',
  'canonical',
  'kineticOffset',
]);

/** The activation a kind uses when none is given: softplus for the LNN (it needs ∂²L ≠ 0), tanh else. */
function defaultActivation(kind: SavedModelKind): ActivationName {
  return kind === 'lnn' ? 'softplus' : 'tanh';
}

/** Whether a value is a model a parameter file can describe (one of the library's learned models). */
export function isSavableModel(model: unknown): model is SavableModel {
  const m = model as Partial<SavableModel> | null;
  return (
    m !== null &&
    typeof m === 'object' &&
    SAVED_MODEL_KINDS.includes(m.kind as SavedModelKind) &&
    typeof m.options === 'object' &&
    m.options !== null
  );
}

/** The architecture of a model, as its file records it. */
export function architectureOf(model: SavableModel): SavedArchitecture {
  const o = model.options;
  const sizes = model.net.sizes;
  const base = {
    hiddenDim: sizes[1],
    hiddenLayers: sizes.length - 2,
    activation: o.activation ?? defaultActivation(model.kind),
    dtype: o.dtype ?? 'float64',
  };
  if (model.kind === 'hnn') {
    return { ...base, fieldType: model.fieldType, ...(model.options.canonical === false ? { canonical: false } : {}) };
  }
  if (model.kind === 'lnn') return { ...base, kineticOffset: model.options.kineticOffset ?? 0 };
  return base;
}

/**
 * The first problem of the architecture fields of saved metadata (their names in the message), or
 * undefined: an unknown activation, dtype or field type, a negative kinetic offset, periodic
 * coordinates that are not one boolean per q, or given to a kind that has none.
 */
export function architectureProblem(
  kind: SavedModelKind,
  inputDim: number,
  h: Readonly<Record<string, unknown>>,
  periodic: unknown,
): string | undefined {
  const field = (name: string, expected: string) =>
    `the metadata's hyperparameters.${name} is ${JSON.stringify(h[name])} (expected ${expected})`;
  if (h.activation !== undefined && !activationNames.includes(h.activation as ActivationName))
    return field('activation', `one of ${activationNames.join(', ')}`);
  if (h.dtype !== undefined && h.dtype !== 'float32' && h.dtype !== 'float64')
    return field('dtype', 'float32 or float64');
  if (
    kind === 'hnn' &&
    h.fieldType !== undefined &&
    !['solenoidal', 'conservative', 'both'].includes(h.fieldType as string)
  )
    return field('fieldType', 'solenoidal, conservative or both');
  if (kind === 'hnn' && h.canonical !== undefined && typeof h.canonical !== 'boolean')
    return field('canonical', 'a boolean');
  // Required of an LNN: it changes the field, and a file without it (as the command line wrote
  // before it recorded the offset) would rebuild another model with parameters that fit.
  const offset = h.kineticOffset;
  if (kind === 'lnn' && !(typeof offset === 'number' && Number.isFinite(offset) && offset >= 0))
    return field('kineticOffset', 'a finite number >= 0, the LNN’s c in L_θ = network + (c/2)|q̇|²');
  try {
    checkPeriodic('model file', periodic, inputDim);
  } catch {
    return `the metadata's periodic is ${JSON.stringify(periodic)} (expected ${inputDim / 2} booleans, one per q)`;
  }
  if ((periodic as boolean[] | undefined)?.some((b) => b) && kind !== 'hnn' && kind !== 'baseline')
    return `the metadata gives periodic coordinates to a ${kind} model (only hnn and baseline embed angles)`;
  return undefined;
}

/** The model of a kind with a checked architecture (see `architectureProblem`), as it was trained. */
export function modelOfArchitecture(
  kind: SavedModelKind,
  inputDim: number,
  h: Readonly<Record<string, JsonValue | undefined>>,
  periodic: readonly boolean[] | undefined,
): SavableModel {
  const options = {
    inputDim,
    hiddenDim: h.hiddenDim as number,
    hiddenLayers: h.hiddenLayers as number,
    activation: (h.activation ?? defaultActivation(kind)) as ActivationName,
    dtype: h.dtype === 'float32' ? ('float32' as const) : ('float64' as const),
    ...(periodic ? { periodic } : {}),
  };
  switch (kind) {
    case 'hnn':
      return hnnModel({
        ...options,
        fieldType: (h.fieldType ?? 'solenoidal') as FieldType,
        ...(h.canonical === false ? { canonical: false } : {}),
      });
    case 'baseline':
      return baselineModel(options);
    case 'dhnn':
      return dhnnModel(options);
    case 'lnn':
      return lnnModel({ ...options, kineticOffset: h.kineticOffset as number });
    case 'srnn':
      return separableHnnModel(options);
  }
}

/**
 * The names and shapes of a model's parameters, sorted as `treeLeaves` visits a record: the
 * two-network models keep each network's under its prefix (H_, D_ of the DHNN; T_, V_ of the SRNN).
 */
export function savedParamShapes(model: SavableModel): [string, readonly number[]][] {
  const nets: Readonly<Record<string, Mlp>> =
    model.kind === 'dhnn'
      ? { H_: model.nets.H, D_: model.nets.D }
      : model.kind === 'srnn'
        ? { T_: model.nets.T, V_: model.nets.V }
        : { '': model.net };
  const shapes = Object.entries(nets).flatMap(([prefix, net]) =>
    Object.entries(net.paramShapes).map(([name, shape]): [string, readonly number[]] => [`${prefix}${name}`, shape]),
  );
  return shapes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
