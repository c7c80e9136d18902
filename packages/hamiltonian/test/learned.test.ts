import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Value, grad, jacrev, primalTensor } from '@liouville/ad';
import { type Tensor, matmul, randomKey, randomNormal, slice, splitKey, tensor } from '@liouville/linalg';
import { type MlpParams, adam, paramsEqual, sgd } from '@liouville/nn';
import { loadParams } from '@liouville/nn/node';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  baselineModel,
  fieldLoss,
  hnn,
  hnnModel,
  permutationTensor,
  splitEstimate,
  splitLoss,
  TrainingDivergedError,
  train,
} from '../src/index.js';
import { fileCheckpoint } from '../src/node/index.js';

const relClose = (a: ArrayLike<number>, b: ArrayLike<number>, rel: number) => {
  const scale = Math.max(1e-300, ...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(rel * scale);
};

function randomRows(seed: number, rows: number, dim: number): Tensor {
  return randomNormal(randomKey(seed), [rows, dim]);
}

describe('permutationTensor', () => {
  test('is J = [[0, I], [−I, 0]] in canonical coordinates', () => {
    expect(permutationTensor(4).toArray()).toEqual([
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [-1, 0, 0, 0],
      [0, -1, 0, 0],
    ]);
  });

  test("matches the reference's Levi-Civita construction step by step", () => {
    for (const n of [2, 4, 6]) {
      // ones off the diagonal; negate even rows; negate even columns; negate the upper triangle
      const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : 1)));
      for (let i = 0; i < n; i += 2) for (let j = 0; j < n; j++) m[i][j] *= -1;
      for (let j = 0; j < n; j += 2) for (let i = 0; i < n; i++) m[i][j] *= -1;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i][j] *= -1;
      expect(permutationTensor(n, false).toArray()).toEqual(m.map((r) => r.map((v) => v + 0)));
    }
  });

  test('rejects odd sizes', () => {
    expect(() => permutationTensor(3)).toThrow(/even/);
  });
});

describe('hnnModel', () => {
  const model = hnnModel({ inputDim: 2, hiddenDim: 16 });
  const params = model.init(randomKey(1));

  test('predicts Hamilton’s equations of its learned H: ẋ = (∂H/∂p, −∂H/∂q)', () => {
    const x = randomRows(2, 7, 2);
    const field = primalTensor(model.timeDerivative(params, x));
    // Independent path: the Jacobian of the per-row H by reverse mode, one row at a time.
    for (let i = 0; i < 7; i++) {
      const row = tensor([x.get(i, 0), x.get(i, 1)], [1, 2]);
      const g = primalTensor(jacrev((z: Value) => model.hamiltonian(params, z))(row) as Value);
      // g has shape [1, 1, 2]: dH/dq, dH/dp of the single row
      relClose([field.get(i, 0), field.get(i, 1)], [g.data[1], -g.data[0]], 1e-12);
    }
  });

  test('forward- and reverse-mode input gradients give the same loss gradient to 1e-12', () => {
    const forward = hnnModel({ inputDim: 4, hiddenDim: 12, inputGradient: 'forward' });
    const reverse = hnnModel({ inputDim: 4, hiddenDim: 12, inputGradient: 'reverse' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const [k1, k2, k3] = splitKey(randomKey(seed), 3);
        const p = forward.init(k1);
        const x = randomNormal(k2, [5, 4]);
        const y = randomNormal(k3, [5, 4]);
        const gf = grad((q: Record<string, Value>) => fieldLoss(forward)(q, x, y))(p) as Record<string, Tensor>;
        const gr = grad((q: Record<string, Value>) => fieldLoss(reverse)(q, x, y))(p) as Record<string, Tensor>;
        for (const key of Object.keys(gf)) relClose(gf[key].data, gr[key].data, 1e-12);
      }),
      { numRuns: 5 },
    );
  });

  test('sums conservative and solenoidal parts for fieldType both', () => {
    const both = hnnModel({ inputDim: 2, hiddenDim: 8, fieldType: 'both' });
    const sol = hnnModel({ inputDim: 2, hiddenDim: 8, fieldType: 'solenoidal' });
    const con = hnnModel({ inputDim: 2, hiddenDim: 8, fieldType: 'conservative' });
    const p = both.init(randomKey(3));
    const x = randomRows(4, 5, 2);
    const total = primalTensor(both.timeDerivative(p, x)).data;
    const parts = [sol, con].map((m) => primalTensor(m.timeDerivative(p, x)).data);
    relClose(
      total,
      parts[0].map((v, i) => v + parts[1][i]),
      1e-14,
    );
  });

  test('rejects inputs of the wrong width with a ShapeError naming both shapes', () => {
    expect(() => model.timeDerivative(params, randomRows(1, 3, 3))).toThrow(/\[B, 2\].*\[3, 3\]/);
  });
});

describe('hnn', () => {
  test('is a general Hamiltonian whose H equals the network’s second output, for one state and a batch', () => {
    const model = hnnModel({ inputDim: 4, hiddenDim: 8 });
    const params = model.init(randomKey(5));
    const h = hnn(model, params);
    expect(h.kind).toBe('general');
    expect(h.dim).toBe(2);
    const x = randomRows(6, 3, 4);
    const batch = primalTensor(h.H(slice(x, [0, 0], [3, 2]), slice(x, [0, 2], [3, 4])));
    const direct = primalTensor(model.hamiltonian(params, x));
    relClose(batch.data, direct.data, 1e-15);
    const one = primalTensor(h.H(tensor([x.get(0, 0), x.get(0, 1)]), tensor([x.get(0, 2), x.get(0, 3)])));
    expect(one.shape).toEqual([]);
    relClose(one.data, [direct.data[0]], 1e-15);
  });

  test('rejects a purely conservative model', () => {
    const model = hnnModel({ inputDim: 2, hiddenDim: 4, fieldType: 'conservative' });
    expect(() => hnn(model, model.init(randomKey(0)))).toThrow(/fieldType/);
  });
});

describe('splitLoss', () => {
  test('reports the mean squared error and std/√rows as the reference train.py does', () => {
    const model = baselineModel({ inputDim: 2, hiddenDim: 8 });
    const params = model.init(randomKey(7));
    const x = randomRows(8, 6, 2);
    const dxdt = randomRows(9, 6, 2);
    const prediction = primalTensor(model.timeDerivative(params, x)).data;
    const squares = Array.from(prediction, (v, i) => (v - dxdt.data[i]) ** 2);
    const mean = squares.reduce((a, b) => a + b, 0) / squares.length;
    const std = Math.sqrt(squares.reduce((a, b) => a + (b - mean) ** 2, 0) / (squares.length - 1));
    const result = splitLoss(model, params, { x, dxdt });
    expect(result.mean).toBeCloseTo(mean, 14);
    expect(result.error).toBeCloseTo(std / Math.sqrt(6), 14);
  });
});

describe('splitEstimate', () => {
  test('gives the mean and the standard error of five split means', () => {
    const values = Array.from({ length: 15 }, (_, i) => i + 1);
    const means = [2, 5, 8, 11, 14];
    const sd = Math.sqrt(means.reduce((a, m) => a + (m - 8) ** 2, 0) / 5);
    const e = splitEstimate(values);
    expect(e.mean).toBe(8);
    expect(e.error).toBeCloseTo(sd / Math.sqrt(5), 14);
  });
});

describe('train', () => {
  const data = (() => {
    const x = randomRows(10, 40, 2);
    // targets from the oscillator H = q² + p²: ẋ = (2p, −2q)
    const dxdt = matmul(
      x,
      tensor([
        [0, -2],
        [2, 0],
      ]),
    );
    return {
      train: { x, dxdt },
      test: {
        x: randomRows(11, 20, 2),
        dxdt: matmul(
          randomRows(11, 20, 2),
          tensor([
            [0, -2],
            [2, 0],
          ]),
        ),
      },
    };
  })();
  const tmp = mkdtempSync(join(tmpdir(), 'liouville-train-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('is bit-identical for the same seed, with minibatches', () => {
    const run = () =>
      train({ model: hnnModel({ inputDim: 2, hiddenDim: 8 }), data, steps: 15, batchSize: 10, seed: 3 });
    const [a, b] = [run(), run()];
    expect(paramsEqual(a.params, b.params)).toBe(true);
    expect(a.history.trainLoss).toEqual(b.history.trainLoss);
    const other = train({ model: hnnModel({ inputDim: 2, hiddenDim: 8 }), data, steps: 15, batchSize: 10, seed: 4 });
    expect(paramsEqual(a.params, other.params)).toBe(false);
  });

  test('lowers the loss of an HNN on oscillator data', () => {
    const result = train({
      model: hnnModel({ inputDim: 2, hiddenDim: 16 }),
      data,
      steps: 60,
      optimiser: adam({ lr: 1e-2 }),
    });
    expect(result.status).toBe('completed');
    expect(result.history.trainLoss.at(-1)).toBeLessThan(0.2 * result.history.trainLoss[0]);
    expect(result.history.testStep.at(-1)).toBe(60);
  });

  // Targets near the float64 limit: their squares overflow to Infinity in the first loss.
  const overflowing = {
    train: {
      x: data.train.x,
      dxdt: matmul(
        data.train.dxdt,
        tensor([
          [1e200, 0],
          [0, 1e200],
        ]),
      ),
    },
  };

  test('stops on a non-finite loss and keeps the last finite parameters', () => {
    const model = baselineModel({ inputDim: 2, hiddenDim: 4 });
    const result = train({ model, data: overflowing, steps: 5, seed: 1 });
    expect(result.status).toBe('diverged');
    expect(result.stepsDone).toBe(0);
    expect(result.message).toMatch(/non-finite at step 1/);
    expect(paramsEqual(result.params, model.init(splitKey(randomKey(1), 2)[0]))).toBe(true);
  });

  test('throws a TrainingDivergedError naming the step when asked to, after the checkpoint saved the last finite parameters', () => {
    // The same overflow as above, and a run that diverges later: lr 50 throws the weights far enough
    // for tanh's slope and the targets to overflow within a few hundred steps.
    for (const [runData, lr] of [
      [overflowing, 1e-3],
      [data, 50],
    ] as const) {
      const model = baselineModel({ inputDim: 2, hiddenDim: 4 });
      const options = { model, data: runData, steps: 400, seed: 1, optimiser: sgd({ lr }) };
      const stopped = train(options);
      expect(stopped.status).toBe('diverged');
      expect(stopped.divergence?.step).toBe(stopped.stepsDone + 1);
      const saved: MlpParams[] = [];
      const checkpoint = { every: 1000, save: (p: MlpParams) => saved.push(p) };
      let thrown: unknown;
      try {
        train({ ...options, onDiverged: 'throw', checkpoint });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TrainingDivergedError);
      const error = thrown as TrainingDivergedError;
      expect(error.step).toBe(stopped.stepsDone + 1);
      expect(error.message).toBe(`train: ${stopped.message}`);
      expect(error.message).toMatch(
        new RegExp(`non-finite at step ${error.step}; kept the parameters of step ${error.step - 1}`),
      );
      expect(paramsEqual(error.params, stopped.params)).toBe(true);
      expect(error.history.trainLoss).toHaveLength(stopped.stepsDone);
      expect(saved).toHaveLength(1);
      expect(paramsEqual(saved[0], stopped.params)).toBe(true);
    }
  });

  test('rejects an onDiverged other than stop or throw', () => {
    const model = baselineModel({ inputDim: 2, hiddenDim: 4 });
    expect(() => train({ model, data, steps: 1, onDiverged: 'ignore' as 'stop' })).toThrow(/train: onDiverged/);
  });

  test('saves loadable checkpoints atomically', () => {
    const path = join(tmp, 'model.json');
    const result = train({
      model: baselineModel({ inputDim: 2, hiddenDim: 4 }),
      data,
      steps: 4,
      checkpoint: fileCheckpoint(path, 2),
    });
    const loaded = loadParams(path);
    expect(paramsEqual(loaded.params, result.params)).toBe(true);
    expect((loaded.meta as { step: number }).step).toBe(4);
  });

  test('rejects a non-integer number of steps', () => {
    expect(() => train({ model: baselineModel({ inputDim: 2 }), data, steps: 1.5 })).toThrow(/steps/);
  });
});
