// Training through the integrator: segments cut from trajectories, finite-difference targets, the
// rollout loss (its parameter gradient through leapfrog steps against central differences), and a
// separable model fitted to noiseless spring trajectories that recovers H up to a constant.
import { type Value, grad, primalTensor } from '@liouville/ad';
import { Tensor, randomKey, tensor } from '@liouville/linalg';
import { type MlpParams, adam } from '@liouville/nn';
import { describe, expect, test } from 'vitest';
import {
  centralDifferenceTargets,
  energyDrift,
  rolloutErrors,
  rolloutErrorsAgainstData,
  rolloutLoss,
  separableHnnModel,
  springDataset,
  trainRollout,
  trajectorySegments,
} from '../src/index.js';
import { expectClose, numbers } from './helpers.js';

const spring = springDataset({ seed: 1, trajectories: 4, noise: 0 });

describe('trajectorySegments', () => {
  test('cuts every window of K + 1 consecutive observations inside each trajectory', () => {
    const { states, dt } = trajectorySegments(spring.train, { steps: 4, stride: 3 });
    // Two training trajectories of 30 points: windows start at 0, 3, …, 24 in each (9 per trajectory).
    expect(states.shape).toEqual([18, 5, 2]);
    expect(dt).toBeCloseTo(3 / 29, 14);
    const x = numbers(spring.train.x);
    const s = numbers(states);
    // Segment 10 is the second trajectory's window starting at its row 3, i.e. row 33.
    expect(s.slice(10 * 10, 11 * 10)).toEqual(x.slice(33 * 2, 38 * 2));
    expect(() => trajectorySegments(spring.train, { steps: 30 })).toThrow(/steps/);
    expect(() => trajectorySegments({ x: spring.train.x, dxdt: spring.train.dxdt }, { steps: 2 })).toThrow(
      /trajectory/,
    );
  });
});

describe('centralDifferenceTargets', () => {
  test('estimates ẋ to O(dt²) inside trajectories, never across them', () => {
    const estimated = numbers(centralDifferenceTargets(spring.train).dxdt);
    const exact = numbers(spring.train.dxdt);
    const x = numbers(spring.train.x);
    const dt = 3 / 29;
    for (let row = 0; row < 60; row++) {
      const inner = row % 30 !== 0 && row % 30 !== 29;
      const r = Math.hypot(x[2 * row], x[2 * row + 1]);
      // Central: error ≤ dt²/6·|x'''| = dt²/6·8r (ω = 2); one-sided at the ends: ≤ dt/2·|x''| = dt/2·4r.
      const bound = inner ? ((dt * dt) / 6) * 8 * r : (dt / 2) * 4 * r;
      for (const j of [0, 1]) {
        expect(Math.abs(estimated[2 * row + j] - exact[2 * row + j])).toBeLessThanOrEqual(bound * 1.01 + 1e-12);
      }
    }
  });
});

describe('uninterrupted stretches', () => {
  // One trajectory x = t² sampled every 0.1 with two pauses: 0.0–0.3, a lone row at 0.7, then 1.2–1.4.
  const times = [0, 0.1, 0.2, 0.3, 0.7, 1.2, 1.3, 1.4];
  const split = {
    x: tensor(times.map((t) => [t * t, 0])),
    dxdt: tensor(times.map(() => [0, 0])),
    t: tensor(times),
    trajectory: new Int32Array(times.length),
  };

  test('central differences never reach across a pause and leave a lone row out', () => {
    const fd = centralDifferenceTargets(split);
    expect(numbers(fd.t as Tensor)).toEqual([0, 0.1, 0.2, 0.3, 1.2, 1.3, 1.4]);
    // Central differences of t² are exact (2t) inside a stretch; one-sided ones at its ends are 2t ± dt.
    const expected = [0.1, 0.2, 0.4, 0.5, 2.5, 2.6, 2.7];
    expectClose(
      numbers(fd.dxdt).filter((_, i) => i % 2 === 0),
      expected,
      1e-12,
      1,
    );
  });

  test('segments stay inside a stretch', () => {
    const { states, dt } = trajectorySegments(split, { steps: 2 });
    expect(dt).toBeCloseTo(0.1, 12);
    // Windows of 3: two in the first stretch (from 0 and 0.1), one in the last (from 1.2).
    expect(numbers(states).filter((_, i) => i % 2 === 0)).toEqual(
      [0, 0.1, 0.2, 0.1, 0.2, 0.3, 1.2, 1.3, 1.4].map((t) => t * t),
    );
  });
});

describe('rolloutLoss', () => {
  test('has the parameter gradient of central differences through the leapfrog steps', () => {
    const model = separableHnnModel({ inputDim: 2, hiddenDim: 6 });
    const params = model.init(randomKey(7));
    const { states, dt } = trajectorySegments(spring.train, { steps: 3, stride: 10 });
    const loss = (p: MlpParams<Value>) => rolloutLoss(model, 2)(p, states, dt);
    const g = grad(loss)(params) as MlpParams;
    for (const key of Object.keys(params)) {
      const leaf = params[key];
      const fd = Array.from(leaf.data, (value, i) => {
        // h = 1e-6 on O(1) parameters of an O(1) loss: truncation and rounding both ≲ 1e-9.
        const h = 1e-6;
        const at = (sign: number) => {
          const data = Float64Array.from(leaf.data);
          data[i] = value + sign * h;
          return primalTensor(loss({ ...params, [key]: new Tensor(data, leaf.shape) })).item();
        };
        return (at(1) - at(-1)) / (2 * h);
      });
      expectClose(numbers(g[key]), fd, 1e-6, 1);
    }
  });
});

describe('trainRollout', () => {
  test('recovers the spring’s H = q² + p² up to a constant from noiseless trajectories', () => {
    const data = springDataset({ seed: 0, trajectories: 20, noise: 0 });
    const model = separableHnnModel({ inputDim: 2, hiddenDim: 32 });
    const segments = (split: typeof data.train) => trajectorySegments(split, { steps: 5, stride: 5 });
    const result = trainRollout({
      model,
      data: { train: segments(data.train), test: segments(data.test) },
      steps: 300,
      optimiser: adam({ lr: 3e-3 }),
      evalEvery: 300,
    });
    expect(result.status).toBe('completed');
    const grid: number[][] = [];
    for (let i = -4; i <= 4; i++) for (let j = -4; j <= 4; j++) if (i * i + j * j <= 16) grid.push([i / 5, j / 5]);
    const learned = numbers(model.hamiltonian(result.params, tensor(grid)));
    const truth = grid.map(([q, p]) => q * q + p * p);
    const spread = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    };
    // H_θ − H is constant up to the training error and leapfrog's own O(dt²) bias (the model
    // learns the modified Hamiltonian whose leapfrog flow matches the data, (ω dt)² ≈ 4% of H
    // at dt = 0.103, a fraction of it in the spread). Measured: 1.2% of the spread of H over the
    // disc |x| ≤ 0.8; an untrained model is near 100%.
    expect(spread(learned.map((v, k) => v - truth[k]))).toBeLessThan(0.05 * spread(truth));
  });
});

describe('rolloutErrors and energyDrift', () => {
  /** The exact flow of H = ω(q² + p²)/2: a rotation of the (q, p) plane at angular speed ω. */
  const rotation =
    (omega: number, decay = 0) =>
    (x0: Tensor, times: readonly number[]) =>
      new Tensor(
        Float64Array.from(
          times.flatMap((t) => {
            const [c, s, r] = [Math.cos(omega * t), Math.sin(omega * t), Math.exp(-decay * t)];
            return [r * (c * x0.data[0] + s * x0.data[1]), r * (-s * x0.data[0] + c * x0.data[1])];
          }),
        ),
        [times.length, 2],
      );
  const starts = [tensor([1, 0]), tensor([0, 0.5])];

  test('measure the squared state error at each horizon: 2r²(1 − cos Δω·t) for two rotations', () => {
    const errors = rolloutErrors({
      truth: rotation(1),
      model: rotation(1.1),
      initialStates: starts,
      horizons: [1, 2.5],
    });
    // |R(ω₁t)x − R(ω₂t)x|² = 2|x|²(1 − cos((ω₁ − ω₂)t)), over the 2 coordinates, averaged over the starts.
    const expected = (t: number) => (2 * (1 + 0.25) * (1 - Math.cos(0.1 * t))) / 2 / 2;
    expect(errors.map((e) => e.horizon)).toEqual([1, 2.5]);
    for (const e of errors) expect(e.error.mean).toBeCloseTo(expected(e.horizon), 12);
    expect(() =>
      rolloutErrors({ truth: rotation(1), model: rotation(1), initialStates: starts, horizons: [0.15] }),
    ).toThrow(/multiples of 0.1/);
  });

  test('compare one rollout with measured states at the last measurement before each horizon', () => {
    // Measurements of the unit rotation at uneven times (a gap between 0.4 and 1.5).
    const times = [0, 0.2, 0.4, 1.5, 1.7];
    const states = rotation(1)(tensor([1, 0]), times);
    const errors = rolloutErrorsAgainstData({ states, times, model: rotation(1.1), horizons: [1, 1.7] });
    expect(errors.map((e) => e.horizon)).toEqual([0.4, 1.7]);
    // At time t the two unit-radius rotations are 2(1 − cos 0.1t) apart in squared distance, over 2 coordinates.
    for (const e of errors) expect(e.error.mean).toBeCloseTo(1 - Math.cos(0.1 * e.horizon), 12);
  });

  test('measure how far the energy moves: none for a rotation, e^{−2γt} − 1 for a decaying one', () => {
    const energy = (x: Tensor) => x.data[0] ** 2 + x.data[1] ** 2;
    const still = energyDrift({ model: rotation(1), energy, initialStates: starts, tEnd: 5 });
    expect(still.finalDeviation.mean).toBeLessThan(1e-15);
    const decaying = energyDrift({ model: rotation(1, 0.1), energy, initialStates: starts, tEnd: 5 });
    expect(decaying.finalRelativeChange.mean).toBeCloseTo(Math.exp(-1) - 1, 12);
  });
});
