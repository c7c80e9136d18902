import { type ExplicitTableau, type Fraction, explicitTableau, fractionValue } from './tableau.js';

/** The 5th-order weights b, also the last row of a (FSAL). */
const fifthOrder: readonly Fraction[] = [
  [35, 384],
  [0, 1],
  [500, 1113],
  [125, 192],
  [-2187, 6784],
  [11, 84],
  [0, 1],
];

/**
 * The Dormand–Prince 5(4) pair (Dormand & Prince, J. Comput. Appl. Math. 6 (1980) 19–26; Hairer,
 * Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.5, Table 5.2). Seven stages; the last row of a
 * is the 5th-order solution b, so its slope is the next step's first stage (FSAL). The embedded
 * 4th-order b̂ estimates the local error; the error weights e = b − b̂ are written out as in
 * Hairer's dopri5.f (E1…E7).
 */
export const dopri5Tableau: ExplicitTableau = explicitTableau({
  name: 'dopri5',
  order: 5,
  a: [
    [],
    [[1, 5]],
    [
      [3, 40],
      [9, 40],
    ],
    [
      [44, 45],
      [-56, 15],
      [32, 9],
    ],
    [
      [19372, 6561],
      [-25360, 2187],
      [64448, 6561],
      [-212, 729],
    ],
    [
      [9017, 3168],
      [-355, 33],
      [46732, 5247],
      [49, 176],
      [-5103, 18656],
    ],
    fifthOrder.slice(0, 6),
  ],
  b: fifthOrder,
  c: [
    [0, 1],
    [1, 5],
    [3, 10],
    [4, 5],
    [8, 9],
    [1, 1],
    [1, 1],
  ],
  embedded: {
    order: 4,
    bHat: [
      [5179, 57600],
      [0, 1],
      [7571, 16695],
      [393, 640],
      [-92097, 339200],
      [187, 2100],
      [1, 40],
    ],
    error: [
      [71, 57600],
      [0, 1],
      [-71, 16695],
      [71, 1920],
      [-17253, 339200],
      [22, 525],
      [-1, 40],
    ],
  },
});

/**
 * The coefficients d₁…d₇ of DOPRI5's continuous extension of order 4 (Shampine, Math. Comp. 46
 * (1986) 135–150; Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., §II.6; dopri5.f, D1…D7):
 * r₅ = h Σ dᵢkᵢ in the form of denseOutput.ts.
 */
export const dopri5DenseFractions: readonly Fraction[] = [
  [-12715105075, 11282082432],
  [0, 1],
  [87487479700, 32700410799],
  [-10690763975, 1880347072],
  [701980252875, 199316789632],
  [-1453857185, 822651844],
  [69997945, 29380423],
];

/** d₁…d₇ in floating point. */
export const dopri5DenseCoefficients: readonly number[] = dopri5DenseFractions.map(fractionValue);
