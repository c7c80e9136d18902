import { InvalidArgumentError, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gravityField } from '../src/data/fields.js';
import {
  type Dataset,
  type Split,
  nBody,
  threeBody,
  threeBodyDataset,
  twoBody,
  twoBodyDataset,
  vectorField,
} from '../src/index.js';
import { closedForm, expectClose, numbers } from './helpers.js';

/** Row r of a split's x (width 2n), as numbers. */
const rowOf = (split: Split, r: number): number[] => {
  const w = split.x.shape[1];
  return Array.from(split.x.data.subarray(r * w, (r + 1) * w));
};
const rowsOf = (split: Split): number[][] => Array.from({ length: split.x.shape[0] }, (_, r) => rowOf(split, r));
const everything = (d: Dataset) => [...d.train.x.data, ...d.test.x.data, ...d.train.dxdt.data, ...d.test.dxdt.data];

/** The first row of each orbit of a split. */
const startsOf = (split: Split): number[][] =>
  rowsOf(split).filter((_, r) => r === 0 || split.trajectory?.[r] !== split.trajectory?.[r - 1]);

/** Eccentricity of the relative orbit r = q₁ − q₂, v = p₁ − p₂ of two unit masses (μ = G(m₁ + m₂) = 2). */
function eccentricity([x1, y1, x2, y2, px1, py1, px2, py2]: number[]): number {
  const [rx, ry, vx, vy] = [x1 - x2, y1 - y2, px1 - px2, py1 - py2];
  const r = Math.hypot(rx, ry);
  const [v2, rv] = [vx * vx + vy * vy, rx * vx + ry * vy];
  // Laplace–Runge–Lenz: e = ((|v|² − μ/r) r − (r·v) v)/μ.
  return Math.hypot((v2 - 2 / r) * rx - rv * vx, (v2 - 2 / r) * ry - rv * vy) / 2;
}

/** The largest spread of the energy column within one orbit. */
function energyDrift(split: Split): number {
  const spread = new Map<number, [number, number]>();
  split.energy?.data.forEach((e, r) => {
    const k = split.trajectory?.[r] ?? 0;
    const [lo, hi] = spread.get(k) ?? [e, e];
    spread.set(k, [Math.min(lo, e), Math.max(hi, e)]);
  });
  return Math.max(...[...spread.values()].map(([lo, hi]) => hi - lo));
}

const orbitGenerators = [
  { make: twoBodyDataset, system: twoBody(), points: 50 },
  { make: threeBodyDataset, system: threeBody(), points: 20 },
];

for (const { make, system, points } of orbitGenerators) {
  describe(make.name, () => {
    test('holds out the FIRST 20% of the orbits as the test split', () => {
      const d = make({ trajectories: 10 });
      const w = 2 * system.dim;
      expect([d.dof, d.train.x.shape, d.test.x.shape]).toEqual([system.dim, [8 * points, w], [2 * points, w]]);
      expect([...new Set(d.test.trajectory)]).toEqual([0, 1]);
      expect([...new Set(d.train.trajectory)]).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      expect(d.train.energy?.shape).toEqual([8 * points]);
    });

    test('gives bit-identical arrays for the same seed and different arrays for different seeds', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 20 }), (seed, offset) => {
          const a = make({ seed, trajectories: 2, points: 5 });
          expect(everything(make({ seed, trajectories: 2, points: 5 }))).toEqual(everything(a));
          expect(everything(make({ seed: seed + offset, trajectories: 2, points: 5 }))).not.toEqual(everything(a));
        }),
        { numRuns: 3 },
      );
    });

    test('gives targets equal to the closed-form J∇H and energies equal to the closed-form H', () => {
      const H = closedForm(system);
      const d = make({ trajectories: 3, testFraction: 0 });
      const n = system.dim;
      rowsOf(d.train).forEach((x, r) => {
        const form = H(x.slice(0, n), x.slice(n));
        const target = Array.from(d.train.dxdt.data.subarray(2 * n * r, 2 * n * (r + 1)));
        // AD against a closed form: rel 1e-12 (DESIGN.md §4); forces are at most ~5 here.
        expectClose(target, [...form.dHdp, ...form.dHdq.map((g) => -g)], 1e-12);
        expectClose([d.train.energy?.data[r] ?? Number.NaN], [form.H], 1e-12);
      });
    });

    test('conserves the energy along each orbit to the solver tolerance', () => {
      const d = make({ trajectories: 6, testFraction: 0 });
      // rtol 1e-9 per step, < 200 steps per orbit, |∇H|·|x| ≤ ~10 for these orbits:
      // worst case 200 · 1e-9 · 10 = 2e-6 (observed ≲ 4e-7).
      expect(energyDrift(d.train)).toBeLessThan(2e-6);
    });

    test('rejects invalid options with InvalidArgumentError', () => {
      const bad = [
        { trajectories: 1.5 },
        { orbitNoise: -1 },
        { testFraction: -0.1 },
        { tSpan: [0, Number.NaN] },
        { noise: Number.POSITIVE_INFINITY },
      ];
      for (const options of bad) expect(() => make(options as never)).toThrow(InvalidArgumentError);
    });
  });
}

describe('twoBodyDataset', () => {
  test('keeps the centre of mass at the origin and the total momentum zero', () => {
    const d = twoBodyDataset({ trajectories: 4 });
    for (const [x1, y1, x2, y2, px1, py1, px2, py2] of [...rowsOf(d.train), ...rowsOf(d.test)]) {
      // Body 2 starts at the mirror image of body 1 and the field is odd, so the sums stay
      // at rounding level (1e-12 leaves room for a different summation order).
      expect(Math.max(Math.abs(x1 + x2), Math.abs(y1 + y2), Math.abs(px1 + px2), Math.abs(py1 + py2))).toBeLessThan(
        1e-12,
      );
    }
  });

  test('follows circular orbits when the orbit noise is 0', () => {
    const d = twoBodyDataset({ trajectories: 4, orbitNoise: 0 });
    const worst = Math.max(...[...rowsOf(d.train), ...rowsOf(d.test)].map(eccentricity));
    // e = 0 at t = 0 up to rounding; the solver (rtol 1e-9, < 200 steps) can add at most
    // ~200 · 1e-9 relative error to |v| and r, and e changes by about twice that: < 1e-6.
    expect(worst).toBeLessThan(1e-6);
  });

  test('scales the circular velocity by one factor, so the eccentricity is |s² − 1|', () => {
    const d = twoBodyDataset({ trajectories: 20, testFraction: 0 });
    for (const start of startsOf(d.train)) {
      const [x1, y1, , , px1, py1] = start;
      const r = Math.hypot(x1, y1);
      // Circular speed of each body at distance r from the centre of mass: 1/(2√r).
      const s = Math.hypot(px1, py1) * 2 * Math.sqrt(r);
      // The velocity is perpendicular to the radius, so the start is an apsis and e = |s² − 1|.
      expect(Math.abs(x1 * px1 + y1 * py1)).toBeLessThan(1e-15);
      expect(eccentricity(start)).toBeCloseTo(Math.abs(s * s - 1), 12);
    }
  });

  test('draws each initial coordinate of body 1 from the coordinate range', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (low, width) => {
          const d = twoBodyDataset({
            trajectories: 6,
            points: 2,
            coordinateRange: [low, low + width],
            testFraction: 0,
          });
          for (const [x1, y1] of startsOf(d.train)) {
            for (const c of [x1, y1]) expect(c >= low && c < low + width).toBe(true);
          }
        },
      ),
      { numRuns: 5 },
    );
  });
});

describe('threeBodyDataset', () => {
  const R = (x: number, y: number): [number, number] => {
    const [c, s] = [Math.cos((2 * Math.PI) / 3), Math.sin((2 * Math.PI) / 3)];
    return [c * x - s * y, s * x + c * y];
  };

  test('starts from three bodies 120° apart on a circle with circular velocities when the orbit noise is 0', () => {
    const d = threeBodyDataset({ trajectories: 5, orbitNoise: 0, points: 2, testFraction: 0 });
    for (const x of startsOf(d.train)) {
      const radius = Math.hypot(x[0], x[1]);
      expect(radius >= 0.9 && radius < 1.2 + 1e-15).toBe(true);
      for (const offset of [0, 6]) {
        // Body i + 1 is body i rotated by 120°, positions (offset 0) and momenta (offset 6):
        // one rotation of order-1 numbers, so agreement to a few ulps (1e-14).
        for (let i = 0; i < 2; i++) {
          const [u, v] = R(x[offset + 2 * i], x[offset + 2 * i + 1]);
          expectClose([u, v], [x[offset + 2 * i + 2], x[offset + 2 * i + 3]], 1e-14);
        }
      }
      // Circular speed 3^(−1/4) r^(−1/2), perpendicular to the radius.
      expect(Math.hypot(x[6], x[7])).toBeCloseTo(3 ** -0.25 / Math.sqrt(radius), 14);
      expect(Math.abs(x[0] * x[6] + x[1] * x[7])).toBeLessThan(1e-14);
    }
  });

  test('perturbs each velocity component by a factor in [1 − ν, 1 + ν)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.01, max: 0.5, noNaN: true }), (seed, nu) => {
        const options = { seed, trajectories: 3, points: 2, testFraction: 0 };
        const circular = startsOf(threeBodyDataset({ ...options, orbitNoise: 0 }).train);
        const perturbed = startsOf(threeBodyDataset({ ...options, orbitNoise: nu }).train);
        perturbed.forEach((x, k) => {
          // The same keys draw the positions, so only the velocities differ.
          expect(x.slice(0, 6)).toEqual(circular[k].slice(0, 6));
          for (let c = 6; c < 12; c++) {
            const factor = x[c] / circular[k][c];
            expect(factor >= 1 - nu - 1e-12 && factor < 1 + nu + 1e-12).toBe(true);
          }
        });
      }),
      { numRuns: 5 },
    );
  });

  test('keeps the rigid rotation of the Lagrange configuration when the orbit noise is 0', () => {
    const d = threeBodyDataset({ trajectories: 2, orbitNoise: 0, testFraction: 0 });
    const [first] = startsOf(d.train);
    const radius = Math.hypot(first[0], first[1]);
    for (const x of rowsOf(d.train).slice(0, 20)) {
      // A relative equilibrium: the radius stays put up to the solver's error (rtol 1e-9 over
      // < 200 steps, so < 2e-7 relative).
      for (let i = 0; i < 3; i++) expect(Math.abs(Math.hypot(x[2 * i], x[2 * i + 1]) / radius - 1)).toBeLessThan(2e-7);
    }
  });
});

describe('gravityField', () => {
  test('agrees with the catalogue vector field of the planar N-body problem', () => {
    const positive = fc.double({ min: 0.5, max: 2, noNaN: true });
    const unit = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 16, maxLength: 16 });
    fc.assert(
      fc.property(fc.array(positive, { minLength: 2, maxLength: 4 }), positive, unit, (masses, G, numbersIn) => {
        const n = 2 * masses.length;
        const x = numbersIn.slice(0, 2 * n);
        // Body i near (3i, 0): pairwise distances ≥ 1, so every force term is at most G·m² ≤ 8.
        for (let i = 0; i < masses.length; i++) x[2 * i] += 3 * i;
        const field = vectorField(nBody({ masses, G }))({ q: tensor(x.slice(0, n)), p: tensor(x.slice(n)) });
        const expected = [...numbers(field.dq), ...numbers(field.dp)];
        // AD against a closed form: rel 1e-12 of the largest term (scale 8).
        expectClose(Array.from(gravityField(masses, G)(Float64Array.from(x))), expected, 1e-12, 8);
      }),
      { numRuns: 50 },
    );
  });
});
