import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { add, mul, primalTensor } from '@liouville/ad';
import { Tensor, randomKey, randomNormal, tensor } from '@liouville/linalg';
import { type JsonValue, type MlpParams, ParamsFileError, paramsEqual } from '@liouville/nn';
import { describe, expect, test } from 'vitest';
import {
  type FieldModel,
  SAVED_MODEL_KINDS,
  type SavableModel,
  type SavedModelKind,
  type SeparableHnnModel,
  baselineModel,
  dhnnModel,
  doublePendulumVelocityField,
  hnnModel,
  lnnModel,
  modelFileMeta,
  modelFromFile,
  parseModel,
  separableHnnModel,
  serializeModel,
  train,
} from '../src/index.js';
import { fileCheckpoint, loadModel } from '../src/node/index.js';

const model = hnnModel({ inputDim: 2, hiddenDim: 8 });
const params = model.init(randomKey(3));
const meta = modelFileMeta(model) as unknown as Record<string, unknown>;
const hyper = meta.hyperparameters as Record<string, unknown>;

/** The metadata with some fields replaced, as a file damaged or forged. */
const changed = (top: Record<string, unknown>, architecture: Record<string, unknown> = {}) =>
  ({ ...meta, ...top, hyperparameters: { ...hyper, ...architecture } }) as unknown as JsonValue;

describe('modelFromFile', () => {
  test('rebuilds the model its metadata describes, with the given parameters', () => {
    const saved = modelFromFile(meta as unknown as JsonValue, params, 'm.json');
    expect(saved.model.kind).toBe('hnn');
    expect(paramsEqual(saved.params, params)).toBe(true);
  });

  test.each([
    [{}, { hiddenDim: 100_000 }, 'absurd architecture in the metadata: inputDim 2, hiddenDim 100000'],
    [{}, { hiddenLayers: 5000 }, 'hiddenLayers 5000 (at most'],
    [{ inputDim: 1_000_000 }, {}, 'absurd architecture in the metadata: inputDim 1000000'],
  ])('refuses absurd sizes %j %j before building anything', (top, architecture, message) => {
    const started = performance.now();
    expect(() => modelFromFile(changed(top, architecture), params, 'm.json')).toThrow(ParamsFileError);
    expect(() => modelFromFile(changed(top, architecture), params, 'm.json')).toThrow(message);
    // Building such a model would allocate gigabytes; refusing takes no time.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test.each([
    [{}, { hiddenDim: 9 }],
    [{ inputDim: 4 }, {}],
    [{}, { dtype: 'float32' }],
  ])('refuses parameters that do not fit the metadata %j %j', (top, architecture) => {
    expect(() => modelFromFile(changed(top, architecture), params, 'm.json')).toThrow(
      /m\.json.*do not fit the (hnn|baseline) model its metadata describes/,
    );
  });

  test('accepts a baseline whose parameters fit', () => {
    const baseline = baselineModel({ inputDim: 4, hiddenDim: 5, hiddenLayers: 3 });
    const p = baseline.init(randomKey(1));
    const saved = modelFromFile(modelFileMeta(baseline) as unknown as JsonValue, p, 'b.json');
    expect(paramsEqual(saved.params, p)).toBe(true);
  });
});

/** Every kind of learned model, small, on two degrees of freedom (the LNN's rows are (q, q̇)). */
const KINDS = {
  hnn: () => hnnModel({ inputDim: 4, hiddenDim: 6, periodic: [true, false] }),
  baseline: () => baselineModel({ inputDim: 4, hiddenDim: 6, hiddenLayers: 3, activation: 'softplus' }),
  dhnn: () => dhnnModel({ inputDim: 4, hiddenDim: 6 }),
  lnn: () => lnnModel({ inputDim: 4, hiddenDim: 6, kineticOffset: 1 }),
  srnn: () => separableHnnModel({ inputDim: 4, hiddenDim: 6, activation: 'swish' }),
} satisfies Record<SavedModelKind, () => SavableModel>;

/** Rows of the double pendulum's field in angles and angular velocities: data every kind can train on. */
function pendulumRows(seed: number, count: number) {
  const x = primalTensor(mul(0.5, randomNormal(randomKey(seed), [count, 4])));
  const field = doublePendulumVelocityField();
  const dxdt = new Float64Array(count * 4);
  for (let r = 0; r < count; r++) dxdt.set(field(x.data.slice(4 * r, 4 * r + 4) as Float64Array), 4 * r);
  return { x, dxdt: new Tensor(dxdt, [count, 4]) };
}

/** The field of a model at rows x, as plain numbers. */
const fieldAt = (model: FieldModel, params: MlpParams, x: Tensor) =>
  Array.from(primalTensor(model.timeDerivative(params, x)).data);

describe('model files of every kind', () => {
  const data = { train: pendulumRows(1, 24) };
  const at = pendulumRows(2, 5).x;

  test('the kinds a file can name are the library models', () => {
    expect([...SAVED_MODEL_KINDS].sort()).toEqual(Object.keys(KINDS).sort());
  });

  test.each(Object.keys(KINDS) as SavedModelKind[])(
    '%s: a trained model saved and parsed has the same field, bit for bit',
    (kind) => {
      const model = KINDS[kind]();
      const { params } = train({ model, data, steps: 3, seed: 4 });
      const text = serializeModel(model, params, { task: 'double-pendulum', hyperparameters: { steps: 3 } });
      const saved = parseModel(text, `${kind}.json`);
      expect(saved.meta).toMatchObject({ model: kind, inputDim: 4, task: 'double-pendulum' });
      expect(saved.meta.hyperparameters.steps).toBe(3);
      expect(saved.model.kind).toBe(kind);
      expect(paramsEqual(saved.params, params)).toBe(true);
      expect(fieldAt(saved.model, saved.params, at)).toEqual(fieldAt(model, params, at));
    },
  );

  test('records what only one kind has: the LNN’s kinetic offset and activation, the HNN’s angles', () => {
    const lnn = modelFileMeta(KINDS.lnn());
    expect(lnn.hyperparameters).toMatchObject({ activation: 'softplus', kineticOffset: 1, hiddenDim: 6 });
    expect(modelFileMeta(KINDS.hnn())).toMatchObject({
      periodic: [true, false],
      hyperparameters: { fieldType: 'solenoidal' },
    });
    expect(modelFileMeta(KINDS.srnn()).hyperparameters).toMatchObject({ activation: 'swish', hiddenLayers: 2 });
  });

  test('a trainer’s hyperparameters never override the architecture the model states', () => {
    const meta = modelFileMeta(KINDS.dhnn(), {
      hyperparameters: { hiddenDim: 200, fieldType: 'solenoidal', steps: 9 },
    });
    expect(meta.hyperparameters).toEqual({
      steps: 9,
      hiddenDim: 6,
      hiddenLayers: 2,
      activation: 'tanh',
      dtype: 'float64',
    });
  });

  test('a separable HNN saved with a scaling stays separable in the data’s units: T + V is its H', () => {
    const model = KINDS.srnn();
    const params = model.init(randomKey(7));
    const scaling = { center: [0.5, -1, 2, 0], scale: [2, 0.5, 3, 12], time: 0.25 };
    const saved = parseModel(serializeModel(model, params, { scaling }), 'scaled.json');
    const user = saved.model as SeparableHnnModel;
    const system = user.system(saved.params);
    const [q, p] = [tensor([[0.3, -0.2]]), tensor([[1.5, 0.7]])];
    const separable = primalTensor(add(system.T(p), system.V(q))).item();
    const H = primalTensor(user.hamiltonian(saved.params, tensor([[0.3, -0.2, 1.5, 0.7]]))).item();
    // The same sums in another order: a few ulps of H.
    expect(Math.abs(separable - H)).toBeLessThan(1e-12 * Math.max(1, Math.abs(H)));
  });
});

describe('corrupt model files', () => {
  const dhnn = KINDS.dhnn();
  const dhnnParams = dhnn.init(randomKey(5));
  const lnn = KINDS.lnn();
  const lnnMeta = modelFileMeta(lnn) as unknown as Record<string, unknown>;
  const forge = (base: Record<string, unknown>, top: Record<string, unknown>, h: Record<string, unknown> = {}) =>
    ({
      ...base,
      ...top,
      hyperparameters: { ...(base.hyperparameters as Record<string, unknown>), ...h },
    }) as unknown as JsonValue;

  test.each([
    [{ model: 'mlp' }, {}, 'unknown model kind "mlp" (expected hnn, baseline, dhnn, lnn, srnn)'],
    [{}, { activation: 'gelu' }, 'hyperparameters.activation is "gelu" (expected one of tanh'],
    [{}, { dtype: 'float16' }, 'hyperparameters.dtype is "float16" (expected float32 or float64)'],
    [{}, { kineticOffset: -1 }, 'hyperparameters.kineticOffset is -1 (expected a finite number >= 0'],
    [{}, { kineticOffset: '1' }, 'hyperparameters.kineticOffset is "1"'],
    [{}, { kineticOffset: undefined }, 'hyperparameters.kineticOffset is undefined (expected a finite number >= 0'],
    [{ periodic: [true] }, {}, "the metadata's periodic is [true] (expected 2 booleans, one per q)"],
    [{ periodic: [true, false] }, {}, 'gives periodic coordinates to a lnn model'],
    [{ inputDim: 3 }, {}, 'the metadata lacks the architecture (an even inputDim'],
  ])('%j %j: a ParamsFileError naming the file and the field', (top, h, message) => {
    const params = lnn.init(randomKey(1));
    expect(() => modelFromFile(forge(lnnMeta, top, h), params, 'lnn.json')).toThrow(ParamsFileError);
    expect(() => modelFromFile(forge(lnnMeta, top, h), params, 'lnn.json')).toThrow(message);
  });

  test('an HNN’s field type must be one it has', () => {
    const meta = modelFileMeta(KINDS.hnn()) as unknown as Record<string, unknown>;
    expect(() => modelFromFile(forge(meta, {}, { fieldType: 'curl' }), {}, 'h.json')).toThrow(
      'hyperparameters.fieldType is "curl" (expected solenoidal, conservative or both)',
    );
  });

  test('a two-network model’s parameters must hold both networks under their prefixes', () => {
    const meta = modelFileMeta(dhnn) as unknown as JsonValue;
    expect(paramsEqual(modelFromFile(meta, dhnnParams, 'd.json').params, dhnnParams)).toBe(true);
    const onlyH = Object.fromEntries(Object.entries(dhnnParams).filter(([k]) => k.startsWith('H_')));
    expect(() => modelFromFile(meta, onlyH, 'd.json')).toThrow(/d\.json.*do not fit the dhnn model/);
    const renamed = Object.fromEntries(Object.entries(dhnnParams).map(([k, v]) => [k.replace('D_', 'E_'), v]));
    expect(() => modelFromFile(meta, renamed, 'd.json')).toThrow(ParamsFileError);
  });

  test('a damaged file is refused by the checksum before its metadata is read', () => {
    const text = serializeModel(lnn, lnn.init(randomKey(2)));
    const damaged = text.replace('"kineticOffset":1', '"kineticOffset":2');
    expect(damaged).not.toBe(text);
    expect(() => parseModel(damaged, 'lnn.json')).toThrow(ParamsFileError);
  });
});

describe('training checkpoints of every kind', () => {
  test('a DHNN’s checkpoint without a description is a model file that rebuilds it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'liouville-kinds-'));
    try {
      const model = KINDS.dhnn();
      const path = join(folder, 'dhnn.params.json');
      const data = { train: pendulumRows(3, 16) };
      const result = train({ model, data, steps: 2, checkpoint: fileCheckpoint(path, 1) });
      const loaded = loadModel(path);
      expect(loaded.meta).toMatchObject({ model: 'dhnn', step: 2, status: 'completed' });
      const at = pendulumRows(4, 3).x;
      expect(fieldAt(loaded.model, loaded.params, at)).toEqual(fieldAt(model, result.params, at));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
