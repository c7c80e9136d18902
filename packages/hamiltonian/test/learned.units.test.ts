import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Value, grad, primalTensor, sum } from '@liouville/ad';
import {
  InvalidArgumentError,
  type Tensor,
  matmul,
  randomKey,
  randomNormal,
  symplecticJ,
  tensor,
  transpose,
} from '@liouville/linalg';
import { ParamsFileError, adam, serializeParams } from '@liouville/nn';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  type PhaseScaling,
  baselineModel,
  hnn,
  hnnModel,
  modelFileMeta,
  parseModel,
  parseMeasurements,
  phaseScaling,
  scaleDataset,
  scaleSplit,
  serializeModel,
  splitLoss,
  train,
  unscaledModel,
} from '../src/index.js';
import { fileCheckpoint, loadModel } from '../src/node/index.js';
import { expectClose } from './helpers.js';

const rows = (seed: number, n: number, width: number, spread = 1): Tensor =>
  primalTensor(
    matmul(
      randomNormal(randomKey(seed), [n, width]),
      tensor(Array.from({ length: width }, (_, i) => Array.from({ length: width }, (_, j) => (i === j ? spread : 0)))),
    ),
  );

/** J∇ₓ of Σ H over the rows, by reverse-mode AD: Hamilton's field of an energy of rows. */
function hamiltonField(H: (x: Value) => Value, x: Tensor): number[] {
  const g = grad((z: Value) => sum(H(z)))(x);
  return Array.from(primalTensor(matmul(primalTensor(g), transpose(symplecticJ(x.shape[1] / 2)))).data);
}

/** A canonical scaling of n degrees of freedom: scale_q·scale_p = c for every one. */
const arbitraryScaling = (n: number) =>
  fc
    .record({
      ratios: fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
      c: fc.double({ min: 0.1, max: 100, noNaN: true }),
      center: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2 * n, maxLength: 2 * n }),
      time: fc.double({ min: 0.1, max: 10, noNaN: true }),
    })
    .map(
      ({ ratios, c, center, time }): PhaseScaling => ({
        center,
        scale: [...ratios.map((r) => Math.sqrt(c * r)), ...ratios.map((r) => Math.sqrt(c / r))],
        time,
      }),
    );

describe('unscaledModel', () => {
  const model = hnnModel({ inputDim: 4, hiddenDim: 12 });
  const params = model.init(randomKey(2));

  test("keeps Hamilton's equations: its field is J∇ of its own H in the user's units", () => {
    fc.assert(
      fc.property(arbitraryScaling(2), fc.integer({ min: 0, max: 1000 }), (scaling, seed) => {
        const user = unscaledModel(model, scaling);
        const x = rows(seed, 5, 4, 3);
        const field = Array.from(primalTensor(user.timeDerivative(params, x)).data);
        // Both are the same derivative of the same network by two routes: rel 1e-12 of its size.
        expectClose(
          field,
          hamiltonField((z) => user.hamiltonian(params, z), x),
          1e-12,
          Math.max(...field.map(Math.abs)),
        );
      }),
      { numRuns: 20 },
    );
  });

  test('rejects scales whose products scale_q·scale_p differ (not canonical)', () => {
    const scaling = { center: [0, 0, 0, 0], scale: [1, 2, 1, 1], time: 1 };
    expect(() => unscaledModel(model, scaling)).toThrow(InvalidArgumentError);
  });
});

describe('phaseScaling and scaleSplit', () => {
  // A pendulum of length 2 in degrees and degree-seconds: H = p²/(2ml²) + mgl(1 − cos q).
  const deg = Math.PI / 180;
  const H = (q: number, p: number) => (p * deg) ** 2 / 8 + 9.81 * 2 * (1 - Math.cos(q * deg));
  const text = Array.from({ length: 200 }, (_, i) => {
    const t = 0.02 * i;
    const q = 40 * Math.cos(2.2 * t);
    const p = -300 * Math.sin(2.2 * t);
    return `${t} ${q} ${p}`;
  }).join('\n');
  const data = parseMeasurements(text, { time: 1, q: [2], p: [3] });

  test('makes the data of order one, with rms time derivative 1, and keeps the canonical product', () => {
    const s = phaseScaling(data.train);
    const scaled = scaleSplit(data.train, s);
    const rms = (xs: ArrayLike<number>) => Math.sqrt(Array.from(xs).reduce((a, v) => a + v * v, 0) / xs.length);
    expect(rms(scaled.dxdt.data)).toBeCloseTo(1, 12);
    expect(rms(scaled.x.data)).toBeGreaterThan(0.5);
    expect(rms(scaled.x.data)).toBeLessThan(2);
  });

  test('maps the flow of H to the flow of H′ = (time / c)·H(center + scale ⊙ x′)', () => {
    const s: PhaseScaling = { center: [3, -20], scale: [25, 4], time: 0.3 };
    const x = tensor([
      [10, 50],
      [-30, 120],
    ]);
    // The field of H in degrees: q̇ = ∂H/∂p, ṗ = −∂H/∂q, by central differences of H (h = 1e-4 deg).
    const h = 1e-4;
    const field = (q: number, p: number) => [
      (H(q, p + h) - H(q, p - h)) / (2 * h),
      -(H(q + h, p) - H(q - h, p)) / (2 * h),
    ];
    const truth = tensor([field(10, 50), field(-30, 120)]);
    const scaled = scaleSplit({ x, dxdt: truth }, s);
    const c = 25 * 4;
    const Hs = (z: Value) => {
      const [a, b] = [primalTensor(z).data[0], primalTensor(z).data[1]];
      return (s.time / c) * H(s.center[0] + 25 * a, s.center[1] + 4 * b);
    };
    (scaled.x.toArray() as number[][]).forEach((row, r) => {
      const [a, b] = row as number[];
      const k = 1e-6;
      const expected = [
        (Hs(tensor([a, b + k])) - Hs(tensor([a, b - k]))) / (2 * k),
        -(Hs(tensor([a + k, b])) - Hs(tensor([a - k, b]))) / (2 * k),
      ];
      // Two nested central differences (h = 1e-4 deg, 1e-6 scaled): truncation ≈ 1e-9 relative.
      expectClose([scaled.dxdt.data[2 * r], scaled.dxdt.data[2 * r + 1]], expected, 1e-6);
    });
  });

  test('keeps angles in radians, uncentred, when they are periodic', () => {
    const s = phaseScaling(data.train, { periodic: [true] });
    expect([s.center[0], s.scale[0]]).toEqual([0, 1]);
  });
});

describe('periodic coordinates', () => {
  test('make the learned H exactly 2π-periodic in the angle, and the network read (cos q, sin q)', () => {
    const model = hnnModel({ inputDim: 4, hiddenDim: 10, periodic: [true, false] });
    expect(model.net.sizes[0]).toBe(5);
    const params = model.init(randomKey(4));
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: -3, max: 3 }),
        (x, k) => {
          const shifted = [x[0] + 2 * Math.PI * k, ...x.slice(1)];
          const a = primalTensor(model.hamiltonian(params, tensor([x]))).item();
          const b = primalTensor(model.hamiltonian(params, tensor([shifted]))).item();
          // cos and sin of q and q + 2πk agree to rounding of the shifted argument (|q| ≤ 23).
          expect(Math.abs(a - b)).toBeLessThan(1e-13 * Math.max(1, Math.abs(a)) * 100);
        },
      ),
      { numRuns: 30 },
    );
  });

  test("keep the HNN's field J∇H through the embedding, and feed the baseline the same way", () => {
    const model = hnnModel({ inputDim: 2, hiddenDim: 8, periodic: [true] });
    const params = model.init(randomKey(5));
    const x = rows(6, 4, 2, 2);
    const field = Array.from(primalTensor(model.timeDerivative(params, x)).data);
    expectClose(
      field,
      hamiltonField((z) => model.hamiltonian(params, z), x),
      1e-12,
      Math.max(...field.map(Math.abs)),
    );
    const baseline = baselineModel({ inputDim: 2, hiddenDim: 8, periodic: [true] });
    const bp = baseline.init(randomKey(7));
    const at = (q: number) => Array.from(primalTensor(baseline.timeDerivative(bp, tensor([[q, 0.3]]))).data);
    expectClose(at(1.2 + 2 * Math.PI), at(1.2), 1e-13);
  });

  test('are one boolean per degree of freedom', () => {
    expect(() => hnnModel({ inputDim: 4, periodic: [true] })).toThrow(InvalidArgumentError);
  });
});

describe('model files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'liouville-models-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const scaling: PhaseScaling = { center: [0, 1.5], scale: [1, 4], time: 0.5 };

  test.each([
    ['an HNN with an angle and a scaling', hnnModel({ inputDim: 2, hiddenDim: 6, periodic: [true] })],
    ['a baseline', baselineModel({ inputDim: 2, hiddenDim: 6 })],
  ])('round-trip %s: the same field, bit for bit, in the data’s units', (_what, model) => {
    const params = model.init(randomKey(8));
    const text = serializeModel(model, params, { scaling, data: { source: 'measured' }, extra: { seed: 8 } });
    const loaded = parseModel(text, 'model.json');
    const x = tensor([
      [0.3, 2],
      [-2, 0.5],
    ]);
    const expected = primalTensor(unscaledModel(model, scaling).timeDerivative(params, x)).data;
    expect(Array.from(primalTensor(loaded.model.timeDerivative(loaded.params, x)).data)).toEqual(Array.from(expected));
    expect(loaded.meta).toMatchObject({ model: model.kind, scaling, data: { source: 'measured' }, seed: 8 });
  });

  test('reads the files the command line has written since version 1', () => {
    const model = hnnModel({ inputDim: 2, hiddenDim: 6 });
    const params = model.init(randomKey(9));
    const meta = {
      format: 'liouville-model',
      version: 1,
      task: 'spring',
      model: 'hnn',
      inputDim: 2,
      hyperparameters: {
        hiddenDim: 6,
        hiddenLayers: 2,
        activation: 'tanh',
        fieldType: 'solenoidal',
        learningRate: 1e-3,
      },
      seed: 0,
    };
    const loaded = parseModel(serializeParams(params, meta), 'old.json');
    const x = tensor([[0.3, 0.1]]);
    expect(primalTensor(hnn(loaded.model as typeof model, loaded.params).H(tensor([0.3]), tensor([0.1]))).item()).toBe(
      primalTensor(model.hamiltonian(params, x)).item(),
    );
  });

  test('rejects parameters that do not fit the described model, naming the file', () => {
    const small = hnnModel({ inputDim: 2, hiddenDim: 6 });
    const meta = modelFileMeta(hnnModel({ inputDim: 2, hiddenDim: 7 }));
    const text = serializeParams(small.init(randomKey(1)), meta as never);
    expect(() => parseModel(text, 'wrong.json')).toThrow(ParamsFileError);
    expect(() => parseModel(text, 'wrong.json')).toThrow(/wrong\.json.*do not fit/);
  });

  test('are what a training checkpoint writes when it is given the model', () => {
    const model = hnnModel({ inputDim: 2, hiddenDim: 6 });
    const x = rows(10, 20, 2);
    const data = { train: { x, dxdt: primalTensor(matmul(x, transpose(symplecticJ(1)))) } };
    const path = join(folder, 'checkpoint.params.json');
    const result = train({ model, data, steps: 3, checkpoint: fileCheckpoint(path, 2, { model, scaling }) });
    const loaded = loadModel(path);
    expect(loaded.meta).toMatchObject({ model: 'hnn', step: 3, status: 'completed', scaling });
    expect(Array.from(loaded.params.W0.data)).toEqual(Array.from(result.params.W0.data));
  });
});

describe('train checkpoints', () => {
  test('are model files even without a description: the model rebuilds from the checkpoint alone', () => {
    const folder = mkdtempSync(join(tmpdir(), 'liouville-checkpoint-'));
    try {
      const model = baselineModel({ inputDim: 2, hiddenDim: 5, periodic: [true] });
      const x = rows(12, 16, 2);
      const path = join(folder, 'plain.params.json');
      const result = train({ model, data: { train: { x, dxdt: x } }, steps: 2, checkpoint: fileCheckpoint(path, 1) });
      const loaded = loadModel(path);
      expect(loaded.meta).toMatchObject({ model: 'baseline', periodic: [true], step: 2, status: 'completed' });
      const at = tensor([[0.4, -1]]);
      expect(Array.from(primalTensor(loaded.model.timeDerivative(loaded.params, at)).data)).toEqual(
        Array.from(primalTensor(model.timeDerivative(result.params, at)).data),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('learning in scaled units', () => {
  test('fits a spring measured in pixels, its test error far below the trivial predictor’s', () => {
    // Three trials q = A cos(2t + φ) px, p = −A sin(2t + φ), A = 80 … 120: H = q² + p² in pixels,
    // recorded with 0.2 px of noise.
    const noise = randomNormal(randomKey(11), [300, 2]).data;
    const text = Array.from({ length: 300 }, (_, i) => {
      const t = 0.03 * i;
      const phase = 2 * t + Math.floor(i / 100) * 1.3;
      const amp = 80 + 20 * Math.floor(i / 100);
      return `${Math.floor(i / 100)} ${t} ${amp * Math.cos(phase) + 0.2 * noise[2 * i]} ${-amp * Math.sin(phase) + 0.2 * noise[2 * i + 1]}`;
    }).join('\n');
    const data = parseMeasurements(text, { trajectory: 1, time: 2, q: [3], p: [4], derivative: 'savgol' });
    const scaling = phaseScaling(data.train);
    const model = hnnModel({ inputDim: 2, hiddenDim: 32 });
    const { params } = train({
      model,
      data: scaleDataset(data, scaling),
      steps: 300,
      optimiser: adam({ lr: 1e-2 }),
      seed: 0,
    });
    const user = unscaledModel(model, scaling);
    const mse = splitLoss(user, params, data.test).mean;
    const trivial = Array.from(data.test.dxdt.data).reduce((a, v) => a + v * v, 0) / data.test.dxdt.size;
    // A smooth quadratic H in 300 Adam steps: the learned field explains > 99% of the derivatives' power.
    expect(mse / trivial).toBeLessThan(1e-2);
  });
});
