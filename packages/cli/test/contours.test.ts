import { describe, expect, test } from 'vitest';
import { contourLines } from '../src/plots/contours.js';

/** f sampled on an n × n grid over [−a, a]². */
function sample(f: (x: number, y: number) => number, n: number, a: number) {
  const xs = Array.from({ length: n }, (_, i) => -a + (2 * a * i) / (n - 1));
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = f(xs[i], xs[j]);
  return { xs, ys: xs, values };
}

describe('contourLines', () => {
  test('traces a circle as one closed polyline on the level set', () => {
    const field = sample((x, y) => x * x + y * y, 41, 2);
    const lines = contourLines(field, 1);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line[0]).toEqual(line[line.length - 1]);
    // Linear interpolation of x² + y² along a grid edge of length h = 0.1 errs by at most h²/4 in f.
    for (const [x, y] of line) expect(Math.abs(x * x + y * y - 1)).toBeLessThan(0.0026);
    expect(line.length).toBeGreaterThan(40);
  });

  test('gives one polyline per separate component', () => {
    const bumps = (x: number, y: number) =>
      Math.exp(-((x - 1) ** 2 + y * y) * 4) + Math.exp(-((x + 1) ** 2 + y * y) * 4);
    expect(contourLines(sample(bumps, 61, 2), 0.5)).toHaveLength(2);
  });

  test('keeps open contours open where they leave the grid', () => {
    const lines = contourLines(
      sample((x) => x, 11, 1),
      0.25,
    );
    expect(lines).toHaveLength(1);
    const xs = lines[0].map(([x]) => x);
    for (const x of xs) expect(x).toBeCloseTo(0.25, 12);
    const ys = lines[0].map(([, y]) => y).sort((a, b) => a - b);
    expect(ys[0]).toBeCloseTo(-1, 12);
    expect(ys[ys.length - 1]).toBeCloseTo(1, 12);
  });

  test('separates the two branches of a saddle by the centre value', () => {
    // f = xy: the level 0.05 has two branches, in the first and third quadrants.
    const lines = contourLines(
      sample((x, y) => x * y, 20, 1),
      0.05,
    );
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const signs = new Set(line.map(([x]) => Math.sign(x)));
      expect(signs.size).toBe(1);
    }
  });

  test('returns nothing for a level outside the range of the field', () => {
    expect(
      contourLines(
        sample((x, y) => x * x + y * y, 11, 1),
        5,
      ),
    ).toEqual([]);
  });
});
