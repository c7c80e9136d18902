import { type Rollout, energyMseAgainstData, gridRollout } from '../src/index.js';
import { Tensor, tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';

// The learned-system helpers the command line adds to @liouville/hamiltonian for the real pendulum.

const energy = (x: Tensor) => x.data[0] ** 2 + x.data[1] ** 2;

describe('energyMseAgainstData', () => {
  const states = tensor(Array.from({ length: 10 }, (_, k) => [Math.cos(k / 3), Math.sin(k / 3)]));
  const times = Array.from({ length: 10 }, (_, k) => k / 3);

  test('is zero for a model that reproduces the data', () => {
    const exact: Rollout = () => states;
    const r = energyMseAgainstData({ energy, states, times, model: exact });
    expect(r.mean).toBe(0);
    expect(r.perPoint).toHaveLength(10);
  });

  test('averages the squared energy differences and splits them in five chunks for the ±', () => {
    // A model whose radius grows by 0.1 per point: E_model = (1 + 0.1k)², E_data = 1.
    const model: Rollout = (_x0, t) => tensor(t.map((_, k) => [1 + 0.1 * k, 0]));
    const r = energyMseAgainstData({ energy, states, times, model });
    const expected = Array.from({ length: 10 }, (_, k) => ((1 + 0.1 * k) ** 2 - 1) ** 2);
    for (const [k, v] of r.perPoint.entries()) expect(v).toBeCloseTo(expected[k], 14);
    expect(r.mean).toBeCloseTo(expected.reduce((a, b) => a + b) / 10, 14);
    const chunks = [0, 1, 2, 3, 4].map((c) => (expected[2 * c] + expected[2 * c + 1]) / 2);
    const m = chunks.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(chunks.reduce((a, v) => a + (v - m) ** 2, 0) / 5);
    expect(r.error).toBeCloseTo(sd / Math.sqrt(5), 14);
  });

  test('starts the model from the first measured state at the measured times', () => {
    const seen: { x0: number[]; t: readonly number[] }[] = [];
    const model: Rollout = (x0, t) => {
      seen.push({ x0: Array.from(x0.data), t });
      return states;
    };
    energyMseAgainstData({ energy, states, times, model });
    expect(seen).toEqual([{ x0: [1, 0], t: times }]);
  });

  test('rejects times that do not start at zero', () => {
    expect(() => energyMseAgainstData({ energy, states, times: times.map((t) => t + 1), model: () => states })).toThrow(
      /starting at 0/,
    );
  });
});

describe('gridRollout', () => {
  test('rolls out on the full grid and returns the rows at the requested (gapped) times', () => {
    const calls: number[][] = [];
    // A rollout that records its grid and returns x0 + t in both coordinates.
    const inner: Rollout = (x0, t) => {
      calls.push([...t]);
      return new Tensor(Float64Array.from(t.flatMap((s) => [x0.data[0] + s, x0.data[1] + s])), [t.length, 2]);
    };
    const y = gridRollout(inner, 1 / 6)(tensor([1, 2]), [0, 1 / 6, 0.5, 0.8333333333333, 1]);
    expect(calls[0]).toHaveLength(7);
    const expected = [0, 1, 3, 5, 6].flatMap((k) => [1 + k / 6, 2 + k / 6]);
    for (const [i, v] of Array.from(y.data).entries()) expect(v).toBeCloseTo(expected[i], 14);
  });

  test('rejects a time off the grid', () => {
    expect(() => gridRollout(() => tensor([[0, 0]]), 0.5)(tensor([0, 0]), [0, 0.3])).toThrow(/multiples of 0.5/);
  });
});
