import { randomKey, randomNormal } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DataFileError,
  centralDerivative,
  measuredDataset,
  parseMeasurementTable,
  parseMeasurements,
  savgolDerivative,
  unwrapAngle,
} from '../src/index.js';

/** The DataFileError a call throws (the test fails when it throws nothing or something else). */
function dataFileError(call: () => unknown): DataFileError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(DataFileError);
    return error as DataFileError;
  }
  throw new Error('expected a DataFileError, nothing was thrown');
}

/** A text table of rows, one line each, fields joined by `sep`. */
const table = (rows: readonly (readonly number[])[], sep = ' ') => rows.map((r) => r.join(sep)).join('\n');

/** Strictly increasing times with steps in [0.5h, 1.5h]. */
const unevenTimes = (n: number, h = 0.05) =>
  fc
    .array(fc.double({ min: 0.5 * h, max: 1.5 * h, noNaN: true }), { minLength: n - 1, maxLength: n - 1 })
    .map((steps) => {
      const t = [0.3];
      for (const s of steps) t.push(t[t.length - 1] + s);
      return t;
    });

describe('parseMeasurementTable', () => {
  test('reads whitespace-separated rows under a % header that names only the last columns', () => {
    const text = '% recorded by hand\n%o v\n1 0.00 0.5 0.1\n1 0.05   0.52 0.08\n\n# a note\n2 14.0 -0.3 0.2\n';
    const t = parseMeasurementTable(text, { file: 'pend.txt' });
    expect(t.names).toEqual([undefined, undefined, 'o', 'v']);
    expect(t.separator).toBe('whitespace');
    expect(t.lines).toEqual([3, 4, 7]);
    expect(Array.from(t.columns[2])).toEqual([0.5, 0.52, -0.3]);
  });

  test('reads comma-separated rows with a header line, names aligned to the start on request', () => {
    const t = parseMeasurementTable('t, x\n0, 1.5, 7\n0.1, 1.25, 8\n', { headerAlign: 'start' });
    expect(t.names).toEqual(['t', 'x', undefined]);
    expect(t.separator).toBe(',');
    expect(Array.from(t.columns[1])).toEqual([1.5, 1.25]);
  });

  test.each([
    ['a NaN cell', '0 1\n0.1 NaN\n', 'line 2, column 2'],
    ['an empty comma-separated cell', 't,q\n0,1\n0.1,\n', 'line 3, column 2'],
    ['a word among numbers', '0 1\n0.1 1O\n', 'line 2, column 2'],
    ['a ragged row', '0 1 2\n0.1 1\n', 'line 2'],
    ['a header naming more columns than there are', 'a b c\n1 2\n', 'line 1'],
  ])('rejects %s with a DataFileError naming where', (_what, text, location) => {
    const error = dataFileError(() => parseMeasurementTable(text, { file: 'mine.txt' }));
    expect(error.path).toBe('mine.txt');
    expect(error.location).toBe(location);
  });

  test('rejects a file with no rows of data', () => {
    expect(dataFileError(() => parseMeasurementTable('# only\n% comments\n')).problem).toMatch(/no rows/);
  });
});

describe('centralDerivative', () => {
  test('is exact for quadratics on any uneven grid, at interior samples and at both ends', () => {
    const cases = fc.record({
      t: fc.integer({ min: 3, max: 12 }).chain((n) => unevenTimes(n)),
      c: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(cases, ({ t, c }) => {
        const x = t.map((s) => c[0] + c[1] * s + c[2] * s * s);
        const exact = t.map((s) => c[1] + 2 * c[2] * s);
        // Weights of size 1/h ≈ 40 multiply values of size ≈ 2: rounding ≈ 1e-14, far below 1e-10.
        Array.from(centralDerivative(t, x)).forEach((d, i) => {
          expect(Math.abs(d - exact[i])).toBeLessThan(1e-10);
        });
      }),
    );
  });

  test('gives the slope for two samples and no derivative (NaN) for one', () => {
    expect(Array.from(centralDerivative([0, 0.5], [1, 2]))).toEqual([2, 2]);
    expect(Number.isNaN(centralDerivative([0], [1])[0])).toBe(true);
  });
});

describe('savgolDerivative', () => {
  test('is exact for polynomials of its degree on any uneven grid', () => {
    const cases = fc.record({
      degree: fc.integer({ min: 1, max: 3 }),
      extra: fc.integer({ min: 1, max: 6 }),
      t: fc.integer({ min: 8, max: 20 }).chain((n) => unevenTimes(n, 0.1)),
      c: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(cases, ({ degree, extra, t, c }) => {
        const coefficients = c.slice(0, degree + 1);
        const x = t.map((s) => coefficients.reduce((sum, a, k) => sum + a * s ** k, 0));
        const exact = t.map((s) => coefficients.reduce((sum, a, k) => sum + (k > 0 ? k * a * s ** (k - 1) : 0), 0));
        // Normal equations of a cubic fit in scaled time have condition ≈ 1e3: errors ≈ 1e-12.
        const d = savgolDerivative(t, x, degree + 1 + extra, degree);
        Array.from(d).forEach((v, i) => {
          expect(Math.abs(v - exact[i])).toBeLessThan(1e-8);
        });
      }),
    );
  });

  test('averages the noise that central differences amplify', () => {
    const n = 400;
    const dt = 0.01;
    const t = Array.from({ length: n }, (_, i) => i * dt);
    const noise = randomNormal(randomKey(3), [n]).data;
    const x = t.map((s, i) => Math.sin(s) + 0.01 * noise[i]);
    const rmse = (d: Float64Array) => Math.sqrt(d.reduce((a, v, i) => a + (v - Math.cos(t[i])) ** 2, 0) / n);
    const central = rmse(centralDerivative(t, x));
    const smoothed = rmse(savgolDerivative(t, x, 21, 2));
    // Central differences turn σ = 0.01 into σ/(√2·dt) ≈ 0.7; a 21-point line fit into about
    // σ·√12/(dt·21^1.5) ≈ 0.04: an order of magnitude less.
    expect(central).toBeGreaterThan(0.4);
    expect(smoothed).toBeLessThan(central / 5);
  });
});

describe('unwrapAngle', () => {
  test('undoes wrapping into (−π, π] of any path with steps below π', () => {
    const steps = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), steps, (start, ds) => {
        const path = [start];
        for (const d of ds) path.push(path[path.length - 1] + d);
        const wrapped = path.map((a) => Math.atan2(Math.sin(a), Math.cos(a)));
        const unwrapped = unwrapAngle(wrapped);
        // atan2 of a sine and cosine returns the angle to a few ulps; 40 steps add them up.
        unwrapped.forEach((a, i) => {
          expect(Math.abs(a - path[i])).toBeLessThan(1e-12 * (1 + Math.abs(path[i])) * 40);
        });
      }),
    );
  });
});

/** Two trials of a 2-dof system sampled unevenly, with a gap in the first: rows trial, t, q1, q2, p1, p2. */
function twoTrials(): number[][] {
  const rows: number[][] = [];
  const times = [0, 0.1, 0.19, 0.31, 0.4, 0.52, 3.0, 3.1, 3.22, 3.3, 3.41, 3.5, 3.61, 3.7];
  for (const t of times) rows.push([1, t, t * t, 1 + t, 2 * t, -t * t]);
  for (const t of [10, 10.1, 10.2, 10.32, 10.4, 10.5, 10.61, 10.7, 10.8, 10.93, 11.0, 11.1])
    rows.push([2, t, 100 + t * t, t, 5, t * t]);
  return rows;
}

describe('measuredDataset', () => {
  const options = { time: 't', q: ['q1', 'q2'], p: ['p1', 'p2'], trajectory: 'trial', testFraction: 0.25 };
  const text = `# trial t q1 q2 p1 p2\n${table(twoTrials())}\n`;

  test('estimates derivatives exactly for quadratic signals: never across a gap, a new trial or the split', () => {
    const data = parseMeasurements(text, { ...options, file: 'two.txt' });
    expect(data.dof).toBe(2);
    for (const split of [data.train, data.test]) {
      const t = (split.t as NonNullable<typeof split.t>).data;
      const d = split.dxdt.data;
      t.forEach((s, r) => {
        const trial = (split.trajectory as Int32Array)[r];
        const expected = trial === 0 ? [2 * s, 1, 2, -2 * s] : [2 * s, 1, 0, 2 * s];
        // The 100 jump between trials and the gap from 0.52 to 3.0 would break any stencil across them.
        expected.forEach((e, j) => {
          expect(Math.abs(d[4 * r + j] - e)).toBeLessThan(1e-9);
        });
      });
    }
    expect(data.meta).toMatchObject({ gaps: 1, trajectories: 2, rows: { file: 26, train: 19, test: 7, dropped: 0 } });
  });

  test('holds out the last rows of each trajectory, and a test row never changes a training target', () => {
    const base = parseMeasurements(text, options);
    const trials = twoTrials();
    trials[12][2] += 7; // a test row of the first trial (its last 4 rows are test: 14 − round(3.5))
    trials[24][4] -= 3; // a test row of the second (its last 3 of 12)
    const changed = parseMeasurements(`# trial t q1 q2 p1 p2\n${table(trials)}`, options);
    expect(Array.from(changed.train.dxdt.data)).toEqual(Array.from(base.train.dxdt.data));
    expect(Array.from(changed.test.dxdt.data)).not.toEqual(Array.from(base.test.dxdt.data));
    const times = (s: typeof base.train) => Array.from((s.t as NonNullable<typeof s.t>).data);
    expect(times(base.test)).toEqual([3.41, 3.5, 3.61, 3.7, 10.93, 11, 11.1]);
    expect(Math.max(...times(base.train).filter((s) => s < 5))).toBeLessThan(3.41);
  });

  test('takes derivative columns from the file when named, and columns by 1-based number', () => {
    const rows = [0, 0.1, 0.2, 0.3, 0.4].map((t) => [t, Math.sin(t), Math.cos(t), 7 + t, -1 - t]);
    const data = parseMeasurements(table(rows, ','), {
      time: 1,
      q: ['2'],
      p: [3],
      dqdt: [4],
      dpdt: ['5'],
      testFraction: 0.2,
    });
    expect(Array.from(data.train.dxdt.data)).toEqual([7, -1, 7.1, -1.1, 7.2, -1.2, 7.3, -1.3]);
    expect(data.meta).toMatchObject({ derivatives: 'from the file', columns: { time: 'column 1', q: ['column 2'] } });
  });

  test('differentiates a wrapped angle across the ±π seam when it is declared periodic', () => {
    const omega = 2.5;
    const rows = Array.from({ length: 60 }, (_, i) => {
      const t = 0.05 * i;
      return [t, Math.atan2(Math.sin(omega * t + 2), Math.cos(omega * t + 2)), omega];
    });
    const periodic = parseMeasurements(table(rows), { time: 1, q: [2], p: [3], periodic: [true] });
    periodic.train.dxdt.data.forEach((d, k) => {
      if (k % 2 === 0) expect(Math.abs(d - omega)).toBeLessThan(1e-9);
    });
    const plain = parseMeasurements(table(rows), { time: 1, q: [2], p: [3] });
    expect(Math.max(...Array.from(plain.train.dxdt.data).map(Math.abs))).toBeGreaterThan(20);
  });

  test('records velocities declared as momenta in its metadata', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [0.1 * i, 0.1 * i, 1]);
    const data = parseMeasurements(table(rows), { time: 1, q: [2], p: [3], momentum: 'velocity' });
    expect(data.meta.momentum).toBe('velocity');
    expect(String(data.meta.note)).toMatch(/p := velocity/);
  });

  test('rejects time that goes back inside a trajectory, naming the line and the time column', () => {
    const text = '%t x v\n0 1 0\n0.1 1 0\n0.05 1 0\n0.2 1 0\n';
    const error = dataFileError(() => parseMeasurements(text, { time: 't', q: ['x'], p: ['v'], file: 'back.txt' }));
    expect(error.location).toBe('line 4, column 1');
    expect(error.problem).toMatch(/expected a time after 0.1/);
  });

  test('rejects an unknown column name, listing the columns', () => {
    const error = dataFileError(() =>
      parseMeasurements('%t x v\n0 1 0\n0.1 1 0\n', { time: 't', q: ['theta'], p: ['v'] }),
    );
    expect(error.problem).toMatch(/no column named "theta" \(columns: t \(1\), x \(2\), v \(3\)\)/);
  });

  test('uses Savitzky–Golay derivatives on request and says so', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [0.1 * i, (0.1 * i) ** 2, 1]);
    const data = measuredDataset(parseMeasurementTable(table(rows)), {
      time: 1,
      q: [2],
      p: [3],
      derivative: { method: 'savgol', window: 9, degree: 2 },
    });
    expect(data.meta.derivatives).toEqual({ method: 'savgol', window: 9, degree: 2 });
    const t = (data.train.t as NonNullable<typeof data.train.t>).data;
    t.forEach((s, r) => {
      expect(Math.abs(data.train.dxdt.data[2 * r] - 2 * s)).toBeLessThan(1e-9);
    });
  });
});
