import { type Value, add, concat, jacfwd, mul, primalTensor, slice, square, sum } from '@liouville/ad';
import {
  InvalidArgumentError,
  ShapeError,
  type Tensor,
  matmul,
  symplecticJ,
  tensor,
  transpose,
} from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { solveHamiltonian } from '../src/dopri5.js';
import type { GeneralMethod, GeneralSystem, State } from '../src/system.js';
import { type ExtendedState, type TaoMethod, tao, tao4, taoExtended } from '../src/tao.js';

/** The non-separable H = (q² + 1)(p² + 1)/2 (one degree of freedom; closed orbits around 0). */
const coupled: GeneralSystem = {
  kind: 'general',
  dim: 1,
  H: (q, p) => mul(0.5, mul(add(sum(square(q), -1), 1), add(sum(square(p), -1), 1))),
};

const flat = (s: State): number[] => [...primalTensor(s.q).data, ...primalTensor(s.p).data];
const maxDiff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const point = (n: number) => fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: n, maxLength: n });

/** The extended step as a map of (q, x, p, y): positions first, then their conjugate momenta. */
function extendedMap(step: (s: ExtendedState) => ExtendedState): (v: Value) => Value {
  return (v) => {
    const s = step({ q: slice(v, [0], [1]), x: slice(v, [1], [2]), p: slice(v, [2], [3]), y: slice(v, [3], [4]) });
    return concat([s.q, s.x, s.p, s.y], 0);
  };
}

/** max |MᵀJM − J| for a map of a 2n-vector at v. */
function defect(map: (v: Value) => Value, v: Tensor): number {
  const M = primalTensor(jacfwd(map)(v) as Value);
  const J = symplecticJ(v.size / 2);
  const MtJM = matmul(matmul(transpose(M), J), M);
  return Math.max(...Array.from(MtJM.data, (m, i) => Math.abs(m - J.data[i])));
}

/** The least-squares growth of a series over its whole length: slope × length. */
function trend(ys: number[]): number {
  const n = ys.length;
  const tMean = (n - 1) / 2;
  const yMean = ys.reduce((a, y) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, t) => {
    sxy += (t - tMean) * (y - yMean);
    sxx += (t - tMean) ** 2;
  });
  return (sxy / sxx) * n;
}

/** Error at t = 1 from (0.5, 0.3) against a DOPRI5 reference with rtol = atol = 1e-12 (error ~1e-12). */
function errorsAt(method: TaoMethod, dts: number[]): number[] {
  const start: State = { q: tensor([0.5]), p: tensor([0.3]) };
  const reference = solveHamiltonian(coupled, start, [0, 1], { rtol: 1e-12, atol: 1e-12, tEval: [1] });
  const exact = [reference.q.item(), reference.p.item()];
  return dts.map((dt) => {
    const step = method(coupled, dt);
    let s = start;
    for (let i = 0; i < Math.round(1 / dt); i++) s = step(s);
    return Math.hypot(...flat(s).map((v, i) => v - exact[i]));
  });
}

describe('tao', () => {
  test('declares order 2, explicit, and (as a projected map) neither symplectic nor symmetric', () => {
    const general: GeneralMethod = tao; // usable wherever a method for any system is expected
    expect(general.info.requires).toBe('any');
    expect(tao.info).toEqual({
      name: 'tao',
      order: 2,
      symplectic: false,
      symmetric: false,
      requires: 'any',
      implicit: false,
    });
  });

  test('converges with order 2 within 0.2 on a non-separable system', () => {
    // ω = 20: the ratios are asymptotic once the rotation 2ωδ per step is small (δ ≤ 0.01); the
    // smallest error (~2e-6) is far above the reference's ~1e-12.
    const errors = errorsAt(tao, [0.01, 0.005, 0.0025]);
    for (let i = 1; i < errors.length; i++)
      expect(Math.abs(Math.log2(errors[i - 1] / errors[i]) - 2)).toBeLessThanOrEqual(0.2);
  });

  test.each([
    [1, 0.5],
    [-1, 1],
    [0.5, -1.5],
  ])('is measurably non-symplectic at (%d, %d), as its info declares', (q, p) => {
    // Resetting the copy each step breaks symplecticity (measured |det M − 1| ≈ 1e-2 at dt = 0.1 at
    // these states). The defect changes sign across curves of phase space (it is 0 at the
    // equilibrium, where the linearised map is symplectic), so fixed states stand in for random ones.
    const step = tao(coupled, 0.1);
    const map = (v: Value) => {
      const s = step({ q: slice(v, [0], [1]), p: slice(v, [1], [2]) });
      return concat([s.q, s.p], 0);
    };
    expect(defect(map, tensor([q, p]))).toBeGreaterThan(1e-3);
  });

  test('steps a batch as it steps each state alone', () => {
    fc.assert(
      fc.property(fc.array(point(2), { minLength: 1, maxLength: 4 }), (rows) => {
        const step = tao(coupled, 0.05);
        const batch = step({ q: tensor(rows.map((r) => [r[0]])), p: tensor(rows.map((r) => [r[1]])) });
        const q = primalTensor(batch.q).toFlatArray();
        const p = primalTensor(batch.p).toFlatArray();
        // Elementwise operations row by row: identical up to the summation order of the energies.
        rows.forEach((r, b) => {
          expect(maxDiff([q[b], p[b]], flat(step({ q: tensor([r[0]]), p: tensor([r[1]]) })))).toBeLessThanOrEqual(
            1e-15,
          );
        });
      }),
      { numRuns: 10 },
    );
  });

  test('rejects a bad binding constant, step size or state shape, naming the argument', () => {
    for (const omega of [0, -1, Number.NaN]) expect(() => tao(coupled, 0.1, { omega })).toThrow(/tao: omega/);
    expect(() => tao(coupled, -0.1)).toThrow(InvalidArgumentError);
    expect(() => tao(coupled, 0.1)({ q: tensor([1, 2]), p: tensor([1, 2]) })).toThrow(ShapeError);
  });
});

describe('tao4', () => {
  test('converges with order 4 within 0.2 on a non-separable system', () => {
    // Asymptotic for δ ≤ 0.01 with ω = 20; the smallest error (~3e-9) is ≫ the reference's 1e-12.
    const errors = errorsAt(tao4, [0.01, 0.005, 0.0025]);
    expect(tao4.info.order).toBe(4);
    for (let i = 1; i < errors.length; i++)
      expect(Math.abs(Math.log2(errors[i - 1] / errors[i]) - 4)).toBeLessThanOrEqual(0.2);
  });
});

describe('taoExtended', () => {
  test.each([2, 4] as const)('of order %i is symplectic on the extended phase space to rounding', (order) => {
    // A composition of exact flows (shears and a rotation), each symplectic: only rounding remains,
    // ~1e-16 per entry for entries of M of order 1–10 (measured ≤ 6e-16); 1e-12 as for explicit methods.
    fc.assert(
      fc.property(point(4), fc.double({ min: 0.01, max: 0.2, noNaN: true }), (v, dt) => {
        expect(defect(extendedMap(taoExtended(coupled, dt, { order })), tensor(v))).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 15 },
    );
  });

  test.each([2, 4] as const)('of order %i returns to the start after a step and a backward step', (order) => {
    // Symmetric composition of exact flows: the backward step undoes each substep up to rounding.
    fc.assert(
      fc.property(point(4), fc.double({ min: 0.01, max: 0.2, noNaN: true }), (v, dt) => {
        const forward = extendedMap(taoExtended(coupled, dt, { order }));
        const backward = extendedMap(taoExtended(coupled, dt, { order, backward: true }));
        expect(maxDiff(Array.from(primalTensor(backward(forward(tensor(v)))).data), v)).toBeLessThanOrEqual(1e-13);
      }),
      { numRuns: 15 },
    );
  });

  test('keeps the energy error bounded over a long run with the copies carried along', () => {
    // 2000 steps of dt = 0.05 (≈ 60 orbits) on a batch of states. An error that oscillates without
    // drifting has a least-squares trend over the run of about amplitude / (number of orbits), ~2%
    // of its maximum (measured ≤ 2.3%); a linear drift shows its whole growth in the trend (the
    // projected map, which resets the copy, measured 23–51% here). The size is O(dt²): ≤ dt².
    const starts = [
      [0.5, 0.3],
      [-0.8, 0.1],
      [0.2, -0.6],
    ];
    let s: ExtendedState = {
      q: tensor(starts.map((r) => [r[0]])),
      p: tensor(starts.map((r) => [r[1]])),
      x: tensor(starts.map((r) => [r[0]])),
      y: tensor(starts.map((r) => [r[1]])),
    };
    const energy = (e: ExtendedState) => primalTensor(coupled.H(e.q, e.p)).toFlatArray();
    const h0 = energy(s);
    const step = taoExtended(coupled, 0.05);
    const errors: number[][] = starts.map(() => []);
    for (let i = 0; i < 2000; i++) {
      s = step(s);
      for (const [b, h] of energy(s).entries()) errors[b].push(h - h0[b]);
    }
    for (const e of errors) {
      const largest = Math.max(...e.map(Math.abs));
      expect(Math.abs(trend(e))).toBeLessThanOrEqual(0.1 * largest);
      expect(largest).toBeLessThanOrEqual(0.05 ** 2);
    }
  });

  test('rejects an unsupported order', () => {
    expect(() => taoExtended(coupled, 0.1, { order: 3 as 2 })).toThrow(/tao: order/);
  });
});
