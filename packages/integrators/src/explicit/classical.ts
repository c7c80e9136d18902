import { type ExplicitTableau, explicitTableau } from './tableau.js';
import { dopri5Tableau } from './dopri5Tableau.js';

/** The classical explicit Runge–Kutta methods of orders 1 to 4, as tableau data. */

/** Euler's method, order 1 (Euler 1768; Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §I.7). */
export const eulerTableau: ExplicitTableau = explicitTableau({
  name: 'euler',
  order: 1,
  a: [[]],
  b: [[1, 1]],
  c: [[0, 1]],
});

/** Runge's midpoint method, order 2 (Runge 1895; Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.1). */
export const midpointTableau: ExplicitTableau = explicitTableau({
  name: 'midpoint',
  order: 2,
  a: [[], [[1, 2]]],
  b: [
    [0, 1],
    [1, 1],
  ],
  c: [
    [0, 1],
    [1, 2],
  ],
});

/** Kutta's method of order 3 (Kutta 1901; Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.1). */
export const kutta3Tableau: ExplicitTableau = explicitTableau({
  name: 'kutta3',
  order: 3,
  a: [
    [],
    [[1, 2]],
    [
      [-1, 1],
      [2, 1],
    ],
  ],
  b: { numerators: [1, 4, 1], denominator: 6 },
  c: [
    [0, 1],
    [1, 2],
    [1, 1],
  ],
});

/**
 * The classical Runge–Kutta method of order 4 (Kutta 1901; Hairer, Nørsett & Wanner, Solving
 * ODEs I, 2nd ed., §II.1, Table 1.2, left). Its weights over the denominator 6 make the update
 * x + h/6·(k₁ + 2(k₂ + k₃) + k₄).
 */
export const rk4Tableau: ExplicitTableau = explicitTableau({
  name: 'rk4',
  order: 4,
  a: [
    [],
    [[1, 2]],
    [
      [0, 1],
      [1, 2],
    ],
    [
      [0, 1],
      [0, 1],
      [1, 1],
    ],
  ],
  b: { numerators: [1, 2, 2, 1], denominator: 6 },
  c: [
    [0, 1],
    [1, 2],
    [1, 2],
    [1, 1],
  ],
});

/** Kutta's 3/8 rule, order 4 (Kutta 1901; Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.1, Table 1.2, right). */
export const rule38Tableau: ExplicitTableau = explicitTableau({
  name: 'rule38',
  order: 4,
  a: [
    [],
    [[1, 3]],
    [
      [-1, 3],
      [1, 1],
    ],
    [
      [1, 1],
      [-1, 1],
      [1, 1],
    ],
  ],
  b: { numerators: [1, 3, 3, 1], denominator: 8 },
  c: [
    [0, 1],
    [1, 3],
    [2, 3],
    [1, 1],
  ],
});

/** Every explicit tableau of the package, by increasing order: the classical ones and DOPRI5. */
export const EXPLICIT_TABLEAUX: readonly ExplicitTableau[] = Object.freeze([
  eulerTableau,
  midpointTableau,
  kutta3Tableau,
  rk4Tableau,
  rule38Tableau,
  dopri5Tableau,
]);
