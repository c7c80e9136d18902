// The stored reference of the two-body group (reference/twoBody.json) is checked here against
// what it must be, independently of the solver that wrote it: the analytic solution of the
// relative Kepler orbit (through Kepler's equation), conservation of energy, momentum and angular
// momentum, and the plain and Liouville Gauss–Legendre steps against each other.
import { describe, expect, test } from 'vitest';
import { gaussLegendreScratch, handGaussLegendre4, twoBodyEnergy } from '../src/groups/handTwoBody.js';
import { GL_DT, accuracy, liouvilleDopriRun } from '../src/groups/twoBody.js';
import { ORBIT, T_END, computeReference, loadReference, twoBodyInitial } from '../src/groups/twoBodyReference.js';
import { gaussLegendre4 } from '@liouville/integrators';
import { twoBody } from '@liouville/hamiltonian';
import { type Tensor, tensor } from '@liouville/linalg';

/**
 * The state (q₁, q₂, p₁, p₂) at time t of the problem in twoBodyReference.ts, in closed form. The
 * relative vector r = q₁ − q₂ moves on a Kepler ellipse with GM = G(m₁ + m₂), starting at
 * periapsis at t = 0: with a = r_p/(1 − e), n = √(GM/a³), the mean anomaly M = n t and the
 * eccentric anomaly E solving Kepler's equation E − e sin E = M,
 *   r = (a(cos E − e), b sin E), ṙ = (−a n sin E, b n cos E)/(1 − e cos E), b = a√(1 − e²)
 * (Murray & Dermott, Solar System Dynamics, 1999, §2.4). The centre of mass stays at rest at the
 * origin: q₁ = (m₂/M) r, q₂ = −(m₁/M) r, p₁ = −p₂ = μ ṙ with μ = m₁m₂/M.
 */
function keplerState(t: number): number[] {
  const { e, periapsis, m1, m2, G } = ORBIT;
  const M = m1 + m2;
  const a = periapsis / (1 - e);
  const b = a * Math.sqrt(1 - e * e);
  const n = Math.sqrt((G * M) / a ** 3);
  const meanAnomaly = n * t;
  let E = meanAnomaly;
  for (let k = 0; k < 50; k++) E -= (E - e * Math.sin(E) - meanAnomaly) / (1 - e * Math.cos(E)); // Newton
  const [x, y] = [a * (Math.cos(E) - e), b * Math.sin(E)];
  const d = 1 - e * Math.cos(E);
  const [vx, vy] = [(-a * n * Math.sin(E)) / d, (b * n * Math.cos(E)) / d];
  const mu = (m1 * m2) / M;
  return [(m2 / M) * x, (m2 / M) * y, -(m1 / M) * x, -(m1 / M) * y, mu * vx, mu * vy, -mu * vx, -mu * vy];
}

const params = { m1: ORBIT.m1, m2: ORBIT.m2, G: ORBIT.G };

describe('twoBody reference', () => {
  const reference = loadReference();

  test('the analytic solution starts at the stored initial state', () => {
    const start = keplerState(0);
    twoBodyInitial().forEach((xi, i) => {
      expect(Math.abs(xi - start[i])).toBeLessThan(1e-15);
    });
    expect(reference.initial).toEqual([...twoBodyInitial()]);
  });

  test('the stored end state is the analytic Kepler solution at tEnd to 1e-11', () => {
    expect(reference.problem.tEnd).toBe(T_END);
    const exact = keplerState(T_END);
    reference.end.forEach((xi, i) => {
      expect(Math.abs(xi - exact[i])).toBeLessThan(1e-11);
    });
  });

  test('the stored end state conserves energy, momentum and angular momentum', () => {
    const [x1, y1, x2, y2, px1, py1, px2, py2] = reference.end;
    const [X1, Y1, X2, Y2, PX1, PY1, PX2, PY2] = twoBodyInitial();
    expect(Math.abs(twoBodyEnergy(reference.end, params) - twoBodyEnergy(twoBodyInitial(), params))).toBeLessThan(
      1e-12,
    );
    expect(Math.abs(px1 + px2)).toBeLessThan(1e-14);
    expect(Math.abs(py1 + py2)).toBeLessThan(1e-14);
    const L = (a: number[]) => a[0] * a[5] - a[1] * a[4] + a[2] * a[7] - a[3] * a[6];
    expect(Math.abs(L([x1, y1, x2, y2, px1, py1, px2, py2]) - L([X1, Y1, X2, Y2, PX1, PY1, PX2, PY2]))).toBeLessThan(
      1e-12,
    );
  });

  test('recomputing the reference gives the stored values', () => {
    const again = computeReference();
    expect(again.steps).toBe(reference.steps);
    again.end.forEach((xi, i) => {
      expect(Math.abs(xi - reference.end[i])).toBeLessThan(1e-13);
    });
  });

  test('the dopri5 row at rtol 1e-10 is within 1e-8 of the reference', () => {
    const { end } = liouvilleDopriRun();
    expect(accuracy(end).error).toBeLessThan(1e-8);
  });
});

describe('handGaussLegendre4', () => {
  test("takes the steps of Liouville's gaussLegendre4 to 1e-12", () => {
    const steps = 50;
    const x = twoBodyInitial();
    handGaussLegendre4(x, GL_DT, steps, params, gaussLegendreScratch());
    const step = gaussLegendre4(twoBody(), GL_DT);
    const x0 = twoBodyInitial();
    let state = { q: tensor(x0.slice(0, 4)), p: tensor(x0.slice(4)) };
    for (let n = 0; n < steps; n++) state = step(state) as typeof state;
    const liouville = [...(state.q as Tensor).toFlatArray(), ...(state.p as Tensor).toFlatArray()];
    liouville.forEach((xi, i) => {
      expect(Math.abs(xi - x[i])).toBeLessThan(1e-12);
    });
  });
});
