import { Tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { gravityField } from '../src/data/fields.js';
import {
  type Split,
  energy,
  pendulumDataset,
  springDataset,
  twoBody,
  twoBodyDataset,
  vectorField,
} from '../src/index.js';
import {
  loadPendulumReference,
  loadRealPendulum,
  loadRealPendulumRaw,
  loadSpringReference,
  loadTwoBodyReference,
} from '../src/node/index.js';
import { numbers } from './helpers.js';

// These tests read the HNN reference's own data files, which ship with the package
// (data/hnn-reference; LIOUVILLE_REFERENCE_DATA may name another copy of the same files).
/** A value computed on first use and kept (the files are read once per suite). */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

const column = (split: Split, c: number): number[] => {
  const w = split.x.shape[1];
  return Array.from({ length: split.x.shape[0] }, (_, r) => split.x.data[r * w + c]);
};
const targetColumn = (split: Split, c: number): number[] => {
  const w = split.dxdt.shape[1];
  return Array.from({ length: split.dxdt.shape[0] }, (_, r) => split.dxdt.data[r * w + c]);
};
function moments(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) };
}
/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical CDFs. */
function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const cdf = (xs: readonly number[], v: number) => xs.filter((x) => x <= v).length / xs.length;
  return Math.max(...[...a, ...b].map((v) => Math.abs(cdf(a, v) - cdf(b, v))));
}
/** The first row's value of each trajectory of a split. */
const firstOfEach = <T>(split: Split, values: readonly T[]): T[] =>
  values.filter((_, r) => r === 0 || split.trajectory?.[r] !== split.trajectory?.[r - 1]);

describe('loadSpringReference', () => {
  const reference = once(() => loadSpringReference());
  // For H = q² + p² the exact targets are q̇ = 2p, ṗ = −2q at the noise-free state, so that state
  // is (−ṗ/2, q̇/2), and (q̇² + ṗ²)/4 = r² is the squared radius of the trajectory.
  const radii2 = (split: Split) =>
    targetColumn(split, 0).map((dq, r) => (dq * dq + targetColumn(split, 1)[r] ** 2) / 4);

  test('reads 750 train rows (trajectories 0–24) and 750 test rows (25–49)', () => {
    const d = reference();
    expect([d.train.x.shape, d.test.x.shape, d.train.dxdt.shape]).toEqual([
      [750, 2],
      [750, 2],
      [750, 2],
    ]);
    expect([
      d.train.trajectory?.[0],
      d.train.trajectory?.[749],
      d.test.trajectory?.[0],
      d.test.trajectory?.[749],
    ]).toEqual([0, 24, 25, 49]);
  });

  test('holds targets that keep (dq/dt)² + (dp/dt)² = 4r² constant along each trajectory', () => {
    const d = reference();
    for (const split of [d.train, d.test]) {
      const r2 = radii2(split);
      for (let k = 0; k < 25; k++) {
        const chunk = r2.slice(30 * k, 30 * (k + 1));
        // The reference solved with rtol 1e-10 but SciPy's default atol = 1e-6, which governs for
        // |x| ≤ 1: its trajectories are accurate to ~1e-6 (observed spread 3.2e-6), so 1e-5.
        expect(Math.max(...chunk) - Math.min(...chunk)).toBeLessThan(1e-5);
      }
    }
  });

  test('holds states with noise of standard deviation 0.1 around the noise-free states', () => {
    const d = reference();
    const residuals = [d.train, d.test].flatMap((s) => [
      ...column(s, 0).map((q, r) => q + targetColumn(s, 1)[r] / 2),
      ...column(s, 1).map((p, r) => p - targetColumn(s, 0)[r] / 2),
    ]);
    const { mean, std } = moments(residuals);
    // 3000 draws: relative standard error of the std 1/√6000 = 1.3%, of the mean 0.1/√3000;
    // 5 standard errors.
    expect(Math.abs(std / 0.1 - 1)).toBeLessThan(0.065);
    expect(Math.abs(mean)).toBeLessThan((5 * 0.1) / Math.sqrt(3000));
  });

  test('has radii distributed as springDataset draws them, at the same sample times', () => {
    const d = reference();
    const ours = springDataset({ noise: 0 });
    const theirs = [d.train, d.test].flatMap((s) => firstOfEach(s, radii2(s)).map(Math.sqrt));
    const mine = [ours.train, ours.test].flatMap((s) =>
      firstOfEach(
        s,
        column(s, 0).map((q, r) => Math.hypot(q, column(s, 1)[r])),
      ),
    );
    for (const r of [...theirs, ...mine]) expect(r >= 0.1 - 1e-6 && r < 1 + 1e-6).toBe(true);
    // Two samples of 50 from one distribution: P(D > 0.39) < 0.001 (Smirnov's c(α) = 1.95 times √(2/50)).
    expect(ksStatistic(theirs, mine)).toBeLessThan(0.39);
    expect(Array.from(ours.train.t?.data.subarray(0, 30) ?? [])).toEqual(
      Array.from(d.train.t?.data.subarray(0, 30) ?? []),
    );
  });
});

describe('loadPendulumReference', () => {
  const reference = once(() => loadPendulumReference());

  test('reads 1125 train rows and 1125 test rows of 45-point trajectories', () => {
    const d = reference();
    expect([d.train.x.shape, d.test.x.shape]).toEqual([
      [1125, 2],
      [1125, 2],
    ]);
    expect([d.train.trajectory?.[44], d.train.trajectory?.[45], d.test.trajectory?.[0]]).toEqual([0, 1, 25]);
  });

  test('holds targets of H = 3(1 − cos q) + p² with noise 0.1 on p', () => {
    const d = reference();
    const splits = [d.train, d.test];
    // ṗ = −3 sin q at the noise-free q: never more than 3 in size.
    for (const dp of splits.flatMap((s) => targetColumn(s, 1))) expect(Math.abs(dp)).toBeLessThanOrEqual(3);
    // q̇ = 2p at the noise-free p, so p − q̇/2 is the noise: 2250 draws, 5 standard errors (1.5% each).
    const { mean, std } = moments(splits.flatMap((s) => column(s, 1).map((p, r) => p - targetColumn(s, 0)[r] / 2)));
    expect(Math.abs(std / 0.1 - 1)).toBeLessThan(0.075);
    expect(Math.abs(mean)).toBeLessThan((5 * 0.1) / Math.sqrt(2250));
  });

  test('samples at the times pendulumDataset uses', () => {
    const d = reference();
    const ours = pendulumDataset({ trajectories: 2 });
    expect(Array.from(ours.train.t?.data ?? [])).toEqual(Array.from(d.train.t?.data.subarray(0, 45) ?? []));
  });
});

describe('loadRealPendulum', () => {
  test('reads 445 train rows and 110 test rows, the test rows spanning t = 81 … 99.17', () => {
    const d = loadRealPendulum();
    expect([d.train.x.shape, d.test.x.shape]).toEqual([
      [445, 2],
      [110, 2],
    ]);
    expect(d.test.t?.data[0]).toBe(81);
    expect(d.test.t?.data[109]).toBeCloseTo(99 + 1 / 6, 12);
  });
});

describe('loadRealPendulumRaw', () => {
  test('recomputes exactly the targets and split of real_pend_processed.csv from the raw file', () => {
    const raw = loadRealPendulumRaw();
    const processed = loadRealPendulum();
    // The same float64 subtractions and divisions as the reference, so bit-identical.
    for (const s of ['train', 'test'] as const) {
      expect(Array.from(raw[s].x.data)).toEqual(Array.from(processed[s].x.data));
      expect(Array.from(raw[s].dxdt.data)).toEqual(Array.from(processed[s].dxdt.data));
      expect(Array.from(raw[s].t?.data ?? [])).toEqual(Array.from(processed[s].t?.data ?? []));
    }
    expect(raw.meta.testRows).toEqual([444, 554]);
  });
});

describe('loadTwoBodyReference', () => {
  const reference = once(() => loadTwoBodyReference());
  const F32 = 2 ** -24; // relative rounding error of float32 (half an ulp)

  test('reads 40000 train rows (orbits 200–999) and 10000 test rows (orbits 0–199)', () => {
    const d = reference();
    expect([d.train.x.shape, d.test.x.shape, d.train.energy?.shape]).toEqual([[40000, 8], [10000, 8], [40000]]);
    expect([
      d.test.trajectory?.[0],
      d.test.trajectory?.[9999],
      d.train.trajectory?.[0],
      d.train.trajectory?.[39999],
    ]).toEqual([0, 199, 200, 999]);
  });

  test('stores energies equal to our nBody energy of the converted rows to float32 precision', () => {
    const d = reference();
    for (const split of [d.train, d.test]) {
      const rows = split.x.shape[0];
      const x = split.x.data;
      const state = { q: slice8(x, rows, 0), p: slice8(x, rows, 4) };
      const ours = numbers(energy(twoBody())(state));
      const { dq, dp } = vectorField(twoBody())(state);
      const [gp, gq] = [numbers(dq), numbers(dp)]; // ∂H/∂p = q̇, ∂H/∂q = −ṗ
      let worst = 0;
      ours.forEach((e, r) => {
        // Each stored coordinate is its float64 value rounded to float32 (relative error ≤ 2⁻²⁴),
        // and so is the stored energy: to first order |ΔE| ≤ 2⁻²⁴ (Σ|∂E/∂xᵢ||xᵢ| + |E|); 1.1 covers the second order.
        let sensitivity = Math.abs(e);
        for (let k = 0; k < 4; k++)
          sensitivity += Math.abs(gq[4 * r + k] * x[8 * r + k]) + Math.abs(gp[4 * r + k] * x[8 * r + 4 + k]);
        worst = Math.max(worst, Math.abs(e - (split.energy?.data[r] ?? Number.NaN)) / (F32 * sensitivity));
      });
      expect(worst).toBeLessThanOrEqual(1.1);
    }
  });

  test('stores targets equal to the gravity field of the converted rows to float32 precision', () => {
    const d = reference();
    const field = gravityField([1, 1]);
    for (const split of [d.train, d.test]) {
      let [velocityMismatches, worst] = [0, 0];
      for (let r = 0; r < split.x.shape[0]; r++) {
        const row = split.x.data.subarray(8 * r, 8 * r + 8) as Float64Array;
        const target = split.dxdt.data.subarray(8 * r, 8 * r + 8);
        const f = field(row);
        // q̇ = p: both are the same float64 number rounded to float32, so equal exactly.
        for (let k = 0; k < 4; k++) velocityMismatches += target[k] === row[4 + k] ? 0 : 1;
        const size = Math.max(...Array.from(f.subarray(4), Math.abs));
        for (let k = 4; k < 8; k++) worst = Math.max(worst, Math.abs(f[k] - target[k]) / (F32 * size));
      }
      expect(velocityMismatches).toBe(0);
      // ṗ = Δ/|Δ|³ has relative condition ≤ 1 + 3 in the coordinates; +1 for rounding the target.
      expect(worst).toBeLessThanOrEqual(5);
    }
  });

  test('starts orbits as twoBodyDataset does: mirrored bodies, coordinates in [0.5, 1.5), 5% speed noise', () => {
    const d = reference();
    const ours = twoBodyDataset({ trajectories: 200, points: 2 });
    for (const [data, orbits] of [
      [d, 1000],
      [ours, 200],
    ] as const) {
      const starts = [data.test, data.train].flatMap((s) => firstStates(s));
      expect(starts.length).toBe(orbits);
      const speeds = starts.map(([x1, y1, x2, y2, px1, py1, px2, py2]) => {
        expect([x1 + x2, y1 + y2, px1 + px2, py1 + py2]).toEqual([0, 0, 0, 0]);
        for (const c of [x1, y1]) expect(c >= 0.5 && c < 1.5).toBe(true);
        // The start is an apsis: velocity ⟂ radius (to float32 rounding of order-1 numbers).
        expect(Math.abs(x1 * px1 + y1 * py1)).toBeLessThan(1e-6);
        return Math.hypot(px1, py1) * 2 * Math.sqrt(Math.hypot(x1, y1)); // speed / circular speed
      });
      const { mean, std } = moments(speeds);
      // s = 1 + 0.05·N(0, 1): 5 standard errors of the mean (0.05/√n) and of the std (1/√(2n) relative).
      expect(Math.abs(mean - 1)).toBeLessThan((5 * 0.05) / Math.sqrt(orbits));
      expect(Math.abs(std / 0.05 - 1)).toBeLessThan(5 / Math.sqrt(2 * orbits));
    }
  });
});

/** Columns offset … offset + 3 of [rows, 8] numbers, as a [rows, 4] tensor. */
function slice8(x: ArrayLike<number>, rows: number, offset: number): Tensor {
  const out = new Float64Array(rows * 4);
  for (let r = 0; r < rows; r++) for (let k = 0; k < 4; k++) out[4 * r + k] = x[8 * r + offset + k];
  return new Tensor(out, [rows, 4]);
}

/** The first state of each orbit of a split. */
function firstStates(split: Split): number[][] {
  const w = split.x.shape[1];
  const rows = Array.from({ length: split.x.shape[0] }, (_, r) =>
    Array.from(split.x.data.subarray(r * w, (r + 1) * w)),
  );
  return firstOfEach(split, rows);
}
