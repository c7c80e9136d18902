import { type Tree, grad, primalTensor } from '@liouville/ad';
import { randomKey, tensor } from '@liouville/linalg';
import { type ParamTree, adam, treeLeaves } from '@liouville/nn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  FRAME_SIDE,
  PENDULUM_V0,
  ROD_INTENSITY,
  type PixelParams,
  fitAffineMap,
  inFloat64,
  latentHamiltonian,
  latentRollout,
  pixelLoss,
  pixelModel,
  pixelPendulumDataset,
  pixelRowState,
  pixelRows,
  renderPendulumFrame,
  trainPixelModel,
} from '../src/index.js';
import { expectClose } from './helpers.js';

const frame = (theta: number) => {
  const out = new Float64Array(FRAME_SIDE * FRAME_SIDE);
  renderPendulumFrame(theta, out);
  return out;
};

describe('renderPendulumFrame', () => {
  // The crop spans 340 of 1000 px over 4.4 units: a pixel is (1.496 / 28)² units².
  const pixelArea = (340 / (1000 / 4.4) / FRAME_SIDE) ** 2;
  const angles = fc.double({ min: -0.6, max: 0.6, noNaN: true });

  test('draws the visible rod’s area: a capsule of length 1 and radius 0.1 less the axle of radius 0.05', () => {
    fc.assert(
      fc.property(angles, (theta) => {
        const area = (frame(theta).reduce((a, v) => a + v, 0) / ROD_INTENSITY) * pixelArea;
        const exact = 2 * 0.1 * 1 + Math.PI * 0.1 ** 2 - Math.PI * 0.05 ** 2;
        // 72 samples on each of the ~60 edge pixels: the area error is below half a pixel (0.0029 units²).
        expect(Math.abs(area - exact)).toBeLessThan(0.0015);
      }),
      { numRuns: 20 },
    );
  });

  test('mirrors the frame left to right when the angle changes sign', () => {
    fc.assert(
      fc.property(angles, (theta) => {
        const [a, b] = [frame(theta), frame(-theta)];
        for (let r = 0; r < FRAME_SIDE; r++) {
          for (let c = 0; c < FRAME_SIDE; c++) {
            // Sample points mirror exactly up to rounding of their coordinates: at most one of 72 flips.
            expect(Math.abs(a[r * FRAME_SIDE + c] - b[r * FRAME_SIDE + FRAME_SIDE - 1 - c])).toBeLessThanOrEqual(
              ROD_INTENSITY / 72 + 1e-12,
            );
          }
        }
      }),
      { numRuns: 10 },
    );
  });

  test('points the rod’s centroid at the angle from the downward vertical', () => {
    fc.assert(
      fc.property(angles, (theta) => {
        const f = frame(theta);
        const h = 340 / (1000 / 4.4) / FRAME_SIDE;
        let [mx, my, m] = [0, 0, 0];
        f.forEach((v, i) => {
          const [r, c] = [Math.floor(i / FRAME_SIDE), i % FRAME_SIDE];
          mx += v * (-0.748 + (c + 0.5) * h);
          my += v * (0.264 - (r + 0.5) * h);
          m += v;
        });
        // The centroid sits on the rod's axis; pixelation moves it by well under a pixel (0.05).
        expect(Math.abs(Math.atan2(mx / m, -my / m) - theta)).toBeLessThan(0.02);
      }),
      { numRuns: 20 },
    );
  });
});

describe('pixelPendulumDataset', () => {
  const data = pixelPendulumDataset({ seed: 3, trials: 5, steps: 12 });

  test('steps Pendulum-v0 as gym does and keeps its energy bounded', () => {
    const { g, l, dt } = PENDULUM_V0;
    const s = data.states;
    for (let k = 0; k < 5; k++) {
      const base = k * 13 * 2;
      expect(Math.abs(s[base])).toBeLessThan(Math.PI / 6);
      expect(Math.abs(s[base + 1])).toBeLessThanOrEqual(1);
      for (let i = 0; i < 12; i++) {
        const [theta, omega] = [s[base + 2 * i], s[base + 2 * i + 1]];
        const nextOmega = omega - ((3 * g) / (2 * l)) * Math.sin(theta) * dt;
        expect(s[base + 2 * i + 3]).toBe(nextOmega);
        expect(s[base + 2 * i + 2]).toBe(theta + nextOmega * dt);
      }
    }
  });

  test('pairs frames j + 1 and j + 2 in row j, the next pair one frame later, the first 20% of rows as test', () => {
    expect([data.rowsPerTrial, data.test.length, data.train.length]).toEqual([9, 9, 36]);
    expect(Array.from(data.test)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const n = data.framePixels;
    const row = 9 * 2 + 4; // trial 2, j = 4
    const x = pixelRows(data, [row], false, 'float64').data;
    const next = pixelRows(data, [row], true, 'float64').data;
    const f = (i: number) => Array.from(data.frames.subarray((2 * 12 + i) * n, (2 * 12 + i + 1) * n));
    expect(Array.from(x)).toEqual([...f(5), ...f(6)]);
    expect(Array.from(next)).toEqual([...f(6), ...f(7)]);
    expect(pixelRowState(data, row)).toEqual([data.states[(2 * 13 + 6) * 2], data.states[(2 * 13 + 6) * 2 + 1]]);
    expect(Array.from(f(6))).toEqual(Array.from(frame(data.states[(2 * 13 + 6) * 2])).map(Math.fround));
  });

  test('gives the same bits for the same seed', () => {
    const again = pixelPendulumDataset({ seed: 3, trials: 5, steps: 12 });
    expect(Array.from(again.frames)).toEqual(Array.from(data.frames));
  });
});

describe('pixelModel', () => {
  const data = pixelPendulumDataset({ seed: 1, trials: 4, steps: 10 });
  const rows = [0, 5, 11, 20];

  test.each(['hnn', 'baseline'] as const)('%s: its loss is the reference’s sum of three parts, row by row', (kind) => {
    const model = pixelModel({ kind, hiddenDim: 8, dtype: 'float64' });
    const params = model.init(randomKey(2)) as unknown as PixelParams;
    const [x, xn] = [pixelRows(data, rows, false, 'float64'), pixelRows(data, rows, true, 'float64')];
    const loss = primalTensor(model.rowLoss(params, x, xn)).data;
    const z = primalTensor(model.encode(params, x)).toArray() as number[][];
    const zn = primalTensor(model.encode(params, xn)).toArray() as number[][];
    const xhat = primalTensor(model.decode(params, tensor(z))).toArray() as number[][];
    const f = primalTensor(model.dynamics.timeDerivative(params.dynamics, tensor(z))).toArray() as number[][];
    const xs = x.toArray() as number[][];
    rows.forEach((_, b) => {
      const ae = xs[b].reduce((a, v, j) => a + (v - xhat[b][j]) ** 2, 0) / xs[b].length;
      const cc = (z[b][1] - (zn[b][0] - z[b][0])) ** 2;
      const step = ((zn[b][0] - z[b][0] - f[b][0]) ** 2 + (zn[b][1] - z[b][1] - f[b][1]) ** 2) / 2;
      // The same sums in a different order: rel 1e-12 of the loss.
      expectClose([loss[b]], [ae + cc + 0.1 * step], 1e-12, Math.abs(loss[b]));
    });
  });

  test('has a parameter gradient equal to central finite differences (through the latent HNN’s input gradient)', () => {
    const model = pixelModel({ kind: 'hnn', hiddenDim: 6, dtype: 'float64', autoencoderActivation: 'tanh' });
    const params = model.init(randomKey(3));
    const [x, xn] = [pixelRows(data, rows, false, 'float64'), pixelRows(data, rows, true, 'float64')];
    const loss = (p: Tree) => pixelLoss(model, p as unknown as PixelParams, x, xn);
    const g = grad(loss)(params as unknown as Tree) as unknown as ParamTree;
    const leaves = treeLeaves(params as unknown as ParamTree);
    const grads = treeLeaves(g);
    for (const k of [0, 5, 9, leaves.length - 1]) {
      const leaf = leaves[k].leaf;
      const i = Math.floor(leaf.size / 2);
      const h = 1e-6;
      const at = (d: number) => {
        const old = leaf.data[i];
        leaf.data[i] = old + d;
        const v = primalTensor(loss(params as unknown as Tree)).item();
        leaf.data[i] = old;
        return v;
      };
      // h = 1e-6 on O(1) weights: truncation O(h²) ≈ 1e-12, rounding O(ε·L/h) ≈ 1e-10 relative.
      const fd = (at(h) - at(-h)) / (2 * h);
      expectClose([grads[k].leaf.data[i]], [fd], 1e-6, Math.max(1e-3, Math.abs(fd)));
    }
  });
});

describe('trainPixelModel', () => {
  const data = pixelPendulumDataset({ seed: 2, trials: 5, steps: 14 });
  const run = () =>
    trainPixelModel({
      model: pixelModel({ kind: 'hnn', hiddenDim: 16 }),
      data,
      steps: 40,
      batchSize: 20,
      optimiser: adam({ lr: 3e-3 }),
      evalEvery: 20,
      seed: 5,
    });

  test('lowers the loss and gives the same bits for the same seed', () => {
    const a = run();
    expect(a.status).toBe('completed');
    const head = a.history.trainLoss.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    const tail = a.history.trainLoss.slice(-5).reduce((s, v) => s + v, 0) / 5;
    expect(tail).toBeLessThan(head / 2);
    const b = run();
    expect(b.history.trainLoss).toEqual(a.history.trainLoss);
  });
});

describe('latentRollout', () => {
  test('keeps the latent HNN’s own H_θ along its flow', () => {
    const model = pixelModel({ kind: 'hnn', hiddenDim: 12 });
    const wide = inFloat64(model, model.init(randomKey(4)));
    const H = latentHamiltonian(wide.model, wide.params);
    expect(H).toBeDefined();
    const z = latentRollout(wide.model, wide.params, [0.3, -0.2], 40);
    const energy = (t: number) =>
      primalTensor((H as NonNullable<typeof H>).H(tensor([z.data[2 * t]]), tensor([z.data[2 * t + 1]]))).item();
    // Dormand–Prince at rtol = atol = 1e-9 over 40 frames: H drifts by about the tolerance.
    for (const t of [10, 20, 40]) expect(Math.abs(energy(t) - energy(0))).toBeLessThan(1e-6);
  });
});

describe('fitAffineMap', () => {
  test('recovers an affine map from exact samples', () => {
    const z = tensor(Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]));
    const y = Array.from({ length: 12 }, (_, i): [number, number] => {
      const [w, v] = [Math.sin(i), Math.cos(3 * i)];
      return [2 * w - v + 0.5, 0.25 * v - 1];
    });
    const map = fitAffineMap(z, y);
    expectClose(map.flat(), [2, 0, -1, 0.25, 0.5, -1], 1e-12);
  });
});
