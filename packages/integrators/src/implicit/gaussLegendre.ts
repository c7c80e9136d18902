import { InvalidArgumentError } from '@liouville/linalg';
import type { ButcherTableau } from './butcherTableau.js';
import { type ImplicitRungeKuttaMethod, implicitRungeKutta } from './collocation.js';
import { implicitMidpointTableau } from './implicitMidpoint.js';

const r3 = Math.sqrt(3);
const r15 = Math.sqrt(15);

/** Gauss–Legendre collocation with 2 stages, order 4 (Hairer, Lubich & Wanner, GNI, 2nd ed., §II.1.3, Table 1.1). */
export const gaussLegendre4Tableau: ButcherTableau = {
  name: 'gaussLegendre4',
  order: 4,
  a: [
    [1 / 4, 1 / 4 - r3 / 6],
    [1 / 4 + r3 / 6, 1 / 4],
  ],
  b: [1 / 2, 1 / 2],
  c: [1 / 2 - r3 / 6, 1 / 2 + r3 / 6],
};

/** Gauss–Legendre collocation with 3 stages, order 6 (Hairer, Lubich & Wanner, GNI, 2nd ed., §II.1.3, Table 1.2). */
export const gaussLegendre6Tableau: ButcherTableau = {
  name: 'gaussLegendre6',
  order: 6,
  a: [
    [5 / 36, 2 / 9 - r15 / 15, 5 / 36 - r15 / 30],
    [5 / 36 + r15 / 24, 2 / 9, 5 / 36 - r15 / 24],
    [5 / 36 + r15 / 30, 2 / 9 + r15 / 15, 5 / 36],
  ],
  b: [5 / 18, 4 / 9, 5 / 18],
  c: [1 / 2 - r15 / 10, 1 / 2, 1 / 2 + r15 / 10],
};

const tableaux: Record<number, ButcherTableau> = {
  1: implicitMidpointTableau,
  2: gaussLegendre4Tableau,
  3: gaussLegendre6Tableau,
};

/**
 * Gauss–Legendre collocation with s stages, order 2s, symplectic and symmetric (Hairer, Lubich &
 * Wanner, GNI, 2nd ed., §II.1.3 and Theorem VI.4.2); s = 1, 2, 3 with closed-form coefficients.
 */
export function gaussLegendre(stages: number): ImplicitRungeKuttaMethod {
  const tableau = tableaux[stages];
  if (!Number.isInteger(stages) || tableau === undefined) {
    throw new InvalidArgumentError('gaussLegendre: stages', '1, 2 or 3 (orders 2, 4, 6)', stages);
  }
  return implicitRungeKutta(tableau);
}

/**
 * The 2-stage Gauss–Legendre method, order 4 (Hairer, Lubich & Wanner, GNI, 2nd ed., Table II.1.1).
 *
 * @example
 * ```ts
 * import { doublePendulum, energy } from '@liouville/hamiltonian';
 * import { gaussLegendre4, integrate } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * const system = doublePendulum(); // a general (non-separable) Hamiltonian
 * const start = { q: tensor([1, 0.5]), p: tensor([0, 0]) };
 * const { q, p } = integrate(gaussLegendre4(system, 0.01), start, { steps: 1000 }, { saveEvery: 100 });
 * energy(system)({ q, p }); // [11]: constant to about 1e-10
 * ```
 */
export const gaussLegendre4: ImplicitRungeKuttaMethod = gaussLegendre(2);

/** The 3-stage Gauss–Legendre method, order 6 (Hairer, Lubich & Wanner, GNI, 2nd ed., Table II.1.2). */
export const gaussLegendre6: ImplicitRungeKuttaMethod = gaussLegendre(3);
