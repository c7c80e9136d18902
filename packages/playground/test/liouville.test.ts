import { doublePendulum, massSpring, pendulum } from '@liouville/hamiltonian';
import { InvalidArgumentError } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { type LiouvilleRequest, liouvilleEvolution, liouvilleSystem } from '../src/liouville.js';
import { systemChoice } from '../src/systems.js';

const request = (method: string, dt: number, steps: number): LiouvilleRequest => ({
  centre: [1, 0],
  radius: 0.4,
  points: 400,
  method,
  dt,
  steps,
  snapshotSteps: [0, steps],
});

const maxDeviation = (ratios: Float64Array) => Math.max(...Array.from(ratios, (a) => Math.abs(a - 1)));

describe('liouvilleEvolution', () => {
  test("shrinks the oscillator's disc by RK4's |R(ih)|² = 1 − h⁶/72 + h⁸/576 per step", () => {
    // For q̇ = p, ṗ = −q the RK4 step is the linear map R(hA) with R(z) = 1 + z + z²/2 + z³/6 + z⁴/24
    // and eigenvalues ±ih of hA, so det = |R(ih)|² = (1 − h²/2 + h⁴/24)² + (h − h³/6)². A linear map
    // scales a polygon's area exactly by its determinant, so the ratio is exact up to rounding.
    for (const h of [0.3, 0.8]) {
      const [, rk4] = liouvilleEvolution(massSpring(), request('leapfrog', h, 50));
      const perStep = 1 - h ** 6 / 72 + h ** 8 / 576;
      for (const k of [1, 10, 50]) expect(rk4.areaRatio[k]).toBeCloseTo(perStep ** k, 12);
      expect(rk4.method).toBe('rk4');
      expect(rk4.symplectic).toBe(false);
    }
  });

  test("keeps the oscillator's disc area to rounding with leapfrog (a linear map of determinant 1)", () => {
    const [leap] = liouvilleEvolution(massSpring(), request('leapfrog', 0.8, 150));
    expect(leap.method).toBe('leapfrog');
    expect(leap.symplectic).toBe(true);
    expect(maxDeviation(leap.areaRatio)).toBeLessThan(1e-12);
  });

  test("keeps the pendulum's disc area within the polygon's resolution with symplectic methods, where RK4 loses a quarter", () => {
    // The step maps have det 1; the polygon through 400 boundary points misses the curved,
    // stretched boundary by ~2e-3 after 150 steps of 0.8 (measured), hence the 1e-2 tolerance.
    for (const method of ['leapfrog', 'yoshida4', 'implicitMidpoint']) {
      const [chosen, rk4] = liouvilleEvolution(pendulum(), request(method, 0.8, 150));
      expect(chosen.method).toBe(method);
      expect(maxDeviation(chosen.areaRatio)).toBeLessThan(1e-2);
      expect(rk4.areaRatio[150]).toBeLessThan(0.9);
    }
  });

  test('keeps the boundary at the requested snapshot steps', () => {
    const [leap] = liouvilleEvolution(massSpring(), { ...request('leapfrog', 0.5, 20), snapshotSteps: [0, 5, 20] });
    expect(leap.snapshots.map((s) => s.step)).toEqual([0, 5, 20]);
    expect(leap.snapshots[0].q[0]).toBeCloseTo(1.4, 14);
    expect(leap.snapshots[2].q).toHaveLength(400);
  });

  test('rejects a system whose phase space is not a plane', () => {
    expect(() => liouvilleEvolution(doublePendulum(), request('leapfrog', 0.1, 2))).toThrow(InvalidArgumentError);
  });
});

describe('liouvilleSystem', () => {
  test('uses the chosen system in one degree of freedom and the pendulum otherwise', () => {
    expect(liouvilleSystem(systemChoice('spring')).name).toBe(massSpring().name);
    expect(liouvilleSystem(systemChoice('pendulum')).name).toBe('pendulum');
    expect(liouvilleSystem(systemChoice('doublePendulum')).name).toBe('pendulum');
    expect(liouvilleSystem(systemChoice('kepler')).name).toBe('pendulum');
  });
});
