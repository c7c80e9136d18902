import { InvalidArgumentError } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Segment, contourSegments } from '../src/contour.js';
import { discBoundary, polygonArea } from '../src/liouville.js';

describe('polygonArea', () => {
  test('gives a regular n-gon its closed-form area (n/2) r² sin(2π/n), with the sign of its orientation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 500 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        (n, r, cq, cp) => {
          const { q, p } = discBoundary([cq, cp], r, n);
          const exact = (n / 2) * r * r * Math.sin((2 * Math.PI) / n);
          // Shoelace terms are products of coordinates up to |c| + r ≈ 20 summed n times: the
          // rounding error is ~n·20²·ε ≈ 5e-11 against an area ≥ 0.013, so rel 1e-8 is generous.
          expect(Math.abs(polygonArea(q.data, p.data) - exact)).toBeLessThan(1e-8 * exact);
          const reversed = [Array.from(q.data).reverse(), Array.from(p.data).reverse()] as const;
          expect(Math.abs(polygonArea(...reversed) + exact)).toBeLessThan(1e-8 * exact);
        },
      ),
    );
  });

  test('rejects fewer than three points or mismatched lists', () => {
    expect(() => polygonArea([0, 1], [0, 1])).toThrow(InvalidArgumentError);
    expect(() => polygonArea([0, 1, 2], [0, 1])).toThrow(/polygonArea/);
  });
});

/** A segment as its two endpoints in a fixed order, so the comparison ignores direction. */
const unordered = (s: Segment) =>
  [
    [s.x1, s.y1],
    [s.x2, s.y2],
  ].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('contourSegments', () => {
  test('traces the circle x² + y² = r² within the linear-interpolation error h²/(8r)', () => {
    const n = 41;
    const h = 4 / (n - 1);
    const coordinate = (i: number) => -2 + i * h;
    const values = Float64Array.from(
      { length: n * n },
      (_, k) => coordinate(k % n) ** 2 + coordinate(Math.floor(k / n)) ** 2,
    );
    for (const r of [0.5, 1, 1.7]) {
      const segments = contourSegments(values, n, n, r * r);
      let length = 0;
      for (const s of segments) {
        for (const [gi, gj] of [
          [s.x1, s.y1],
          [s.x2, s.y2],
        ]) {
          // On an edge, f is quadratic with f'' = 2 and |f'| ≥ 2r·(component): interpolating it
          // linearly misplaces the crossing by at most h²·f''/(8|f'|) = h²/(8r) (factor 2 kept as margin).
          const radius = Math.hypot(coordinate(gi), coordinate(gj));
          expect(Math.abs(radius - r)).toBeLessThan(h ** 2 / (4 * r));
        }
        length += Math.hypot(s.x2 - s.x1, s.y2 - s.y1) * h;
      }
      // Chords of a circle fall short of its length by O(h²): within 1 %.
      expect(Math.abs(length - 2 * Math.PI * r)).toBeLessThan(0.01 * 2 * Math.PI * r);
    }
  });

  test('splits a saddle cell by the value at its centre', () => {
    // f = x·y on the corners (±1, ±1): corners 0 and 2 (ccw from (−1, −1)) are +1, 1 and 3 are −1.
    const values = [1, -1, -1, 1];
    // Level 0.5: the centre (mean 0) is below, like corners 1 and 3, so each +1 corner is cut off alone.
    const high = contourSegments(values, 2, 2, 0.5);
    expect(high).toHaveLength(2);
    expect(high.map(unordered)).toEqual([
      [
        [0, 0.25],
        [0.25, 0],
      ],
      [
        [0.75, 1],
        [1, 0.75],
      ],
    ]);
    // Level −0.5: the centre is above, so each −1 corner is cut off alone.
    const low = contourSegments(values, 2, 2, -0.5);
    expect(low.map(unordered)).toEqual([
      [
        [0.75, 0],
        [1, 0.25],
      ],
      [
        [0, 0.75],
        [0.25, 1],
      ],
    ]);
  });

  test('leaves cells with a non-finite corner empty and rejects a grid of the wrong size', () => {
    expect(contourSegments([0, 1, Number.NaN, 1], 2, 2, 0.5)).toEqual([]);
    expect(() => contourSegments([0, 1, 2], 2, 2, 0.5)).toThrow(InvalidArgumentError);
  });
});
