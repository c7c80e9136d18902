import { randomKey } from '@liouville/linalg';
import { type JsonValue, ParamsFileError, paramsEqual } from '@liouville/nn';
import { describe, expect, test } from 'vitest';
import { baselineModel, hnnModel, modelFileMeta, modelFromFile } from '../src/index.js';

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
