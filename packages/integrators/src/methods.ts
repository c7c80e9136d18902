import { TRIPLE_JUMP, compose } from './compose.js';
import { type SplittingMethod, splittingMethod } from './splitting.js';
import type { SeparableMethod } from './system.js';

// The catalogue of explicit symplectic methods for separable H = T(p) + V(q). Splittings are
// coefficient lists (see splitting.ts: drifts a, kicks b); compositions are weights γ applied
// to the leapfrog (see compose.ts). Every order claimed here is checked by the property tests
// on linear and nonlinear problems. Constants published with more digits than a double holds
// are written as the double nearest to them (shortest round-trip form).

/**
 * Symplectic Euler, kick then drift: p₁ = p₀ − dt ∂V/∂q(q₀), q₁ = q₀ + dt ∂T/∂p(p₁). Order 1
 * (Hairer, Lubich & Wanner, Geometric Numerical Integration, 2nd ed., §I.1.2 and Thm. VI.3.3).
 */
export const symplecticEuler: SplittingMethod = splittingMethod({
  name: 'symplecticEuler',
  order: 1,
  symmetric: false,
  a: [1],
  b: [1],
  firstKick: true,
});

/**
 * Symplectic Euler, drift then kick: q₁ = q₀ + dt ∂T/∂p(p₀), p₁ = p₀ − dt ∂V/∂q(q₁); the adjoint
 * of `symplecticEuler`. Order 1 (Hairer, Lubich & Wanner, GNI 2nd ed., §I.1.2 and §II.3).
 */
export const symplecticEulerQ: SplittingMethod = splittingMethod({
  name: 'symplecticEulerQ',
  order: 1,
  symmetric: false,
  a: [1],
  b: [1],
});

/**
 * The leapfrog (Störmer–Verlet) method, kick–drift–kick: half kick, drift, half kick. Order 2,
 * symmetric (Verlet, Phys. Rev. 159, 98–103, 1967; Hairer, Lubich & Wanner, Acta Numerica 12, 399–450, 2003).
 *
 * @example
 * ```ts
 * import { type Value, cos, mul, square, sub, sum } from '@liouville/ad';
 * import { type SeparableSystem, leapfrog } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * // The pendulum H = p²/2 + (1 − cos q). The energies sum over the last axis, so one state
 * // ([dim]) and a batch of states ([B, dim]) both work.
 * const swing: SeparableSystem = {
 *   kind: 'separable',
 *   dim: 1,
 *   T: (p: Value) => sum(mul(0.5, square(p)), -1),
 *   V: (q: Value) => sum(sub(1, cos(q)), -1),
 * };
 * const step = leapfrog(swing, 0.1); // method(system, dt) → step
 * step({ q: tensor([1]), p: tensor([0]) }); // { q: [0.99579], p: [-0.08403] }
 * ```
 */
export const leapfrog: SplittingMethod = splittingMethod({
  name: 'leapfrog',
  order: 2,
  symmetric: true,
  a: [1],
  b: [0.5, 0.5],
  firstKick: true,
});

/** Störmer–Verlet: the same method as `leapfrog` (kick–drift–kick), under its other name. */
export const stormerVerlet: SplittingMethod = leapfrog;

/** The leapfrog in drift–kick–drift form: half drift, kick, half drift. Order 2, symmetric (Hairer, Lubich & Wanner, GNI 2nd ed., §I.1.4). */
export const leapfrogDKD: SplittingMethod = splittingMethod({
  name: 'leapfrogDKD',
  order: 2,
  symmetric: true,
  a: [0.5, 0.5],
  b: [1],
});

/**
 * Velocity Verlet (Swope, Andersen, Berens & Wilson, J. Chem. Phys. 76, 637–649, 1982): algebraically the
 * kick–drift–kick leapfrog, under the name molecular dynamics uses. Order 2, symmetric.
 */
export const velocityVerlet: SplittingMethod = splittingMethod({
  name: 'velocityVerlet',
  order: 2,
  symmetric: true,
  a: [1],
  b: [0.5, 0.5],
  firstKick: true,
});

/**
 * Ruth's third-order method (Ruth, IEEE Trans. Nucl. Sci. NS-30(4), 2669–2671, 1983): kicks
 * 7/24, 3/4, −1/24 alternating with drifts 2/3, −2/3, 1. Order 3, not symmetric.
 */
export const ruth3: SplittingMethod = splittingMethod({
  name: 'ruth3',
  order: 3,
  symmetric: false,
  b: [7 / 24, 3 / 4, -1 / 24],
  a: [2 / 3, -2 / 3, 1],
  firstKick: true,
});

/**
 * Forest & Ruth's fourth-order method (Physica D 43, 105–117, 1990), drift first: drifts θ/2,
 * (1−θ)/2, (1−θ)/2, θ/2 and kicks θ, 1−2θ, θ with θ = 1/(2 − 2^{1/3}). Order 4, symmetric.
 */
export const forestRuth: SplittingMethod = splittingMethod({
  name: 'forestRuth',
  order: 4,
  symmetric: true,
  a: [TRIPLE_JUMP / 2, (1 - TRIPLE_JUMP) / 2, (1 - TRIPLE_JUMP) / 2, TRIPLE_JUMP / 2],
  b: [TRIPLE_JUMP, 1 - 2 * TRIPLE_JUMP, TRIPLE_JUMP],
});

/** The palindrome [...half, center, ...half reversed] of composition weights. */
function palindrome(half: readonly number[], center: number): number[] {
  return [...half, center, ...[...half].reverse()];
}

/**
 * Yoshida's triple jump of the leapfrog, weights w₁, w₀, w₁ with w₁ = 1/(2 − 2^{1/3}),
 * w₀ = −2^{1/3}/(2 − 2^{1/3}) (Yoshida, Phys. Lett. A 150, 262–268, 1990). Order 4.
 *
 * @example
 * ```ts
 * import { energy, kepler, keplerInitialState } from '@liouville/hamiltonian';
 * import { integrate, yoshida4 } from '@liouville/integrators';
 *
 * const orbit = kepler(); // H = |p|²/2 − 1/|q|, separable
 * const { q, p } = integrate(yoshida4(orbit, 0.05), keplerInitialState(0.5), { steps: 10_000 }, { saveEvery: 100 });
 * energy(orbit)({ q, p }); // [101]: within 7e-5 of H₀ = −0.5 over 10 000 steps, with no drift
 * ```
 */
export const yoshida4: SeparableMethod = compose(
  leapfrog,
  [TRIPLE_JUMP, 1 - 2 * TRIPLE_JUMP, TRIPLE_JUMP],
  'yoshida4',
  4,
);

/** p = 1/(4 − 4^{1/3}): Suzuki's fractal weight. */
const SUZUKI = 1 / (4 - 4 ** (1 / 3));

/**
 * Suzuki's fractal (five-stage) composition of the leapfrog, weights p, p, 1 − 4p, p, p with
 * p = 1/(4 − 4^{1/3}) (Suzuki, Phys. Lett. A 146, 319–323, 1990). Order 4, symmetric.
 */
export const suzuki4: SeparableMethod = compose(leapfrog, palindrome([SUZUKI, SUZUKI], 1 - 4 * SUZUKI), 'suzuki4', 4);

const SQRT19 = Math.sqrt(19);
/** McLachlan's weights α₁…α₅ of the symmetric composition of symplectic Euler and its adjoint. */
const MCLACHLAN4_ALPHA = [
  (146 + 5 * SQRT19) / 540,
  (-2 + 10 * SQRT19) / 135,
  1 / 5,
  (-23 - 20 * SQRT19) / 270,
  (14 - SQRT19) / 108,
];

/**
 * McLachlan's five-stage fourth-order method (SIAM J. Sci. Comput. 16(1), 151–168, 1995; given in
 * Hairer, Lubich & Wanner, GNI 2nd ed., §V.3.2): a symmetric composition of symplectic Euler and
 * its adjoint with weights αᵢ and βᵢ = α₆₋ᵢ. Written out, it is the splitting below (drift β₁,
 * kick β₁ + α₁, drift α₁ + β₂, …), 5 force evaluations per step.
 */
export const mclachlan4: SplittingMethod = (() => {
  const alpha = MCLACHLAN4_ALPHA;
  const beta = [...alpha].reverse();
  // Φ*_{βh} = drift β then kick β; Φ_{αh} = kick α then drift α: neighbours merge pairwise.
  const a = [beta[0], ...alpha.slice(0, 4).map((x, i) => x + beta[i + 1]), alpha[4]];
  const b = alpha.map((x, i) => beta[i] + x);
  return splittingMethod({ name: 'mclachlan4', order: 4, symmetric: true, a, b });
})();

/**
 * Blanes & Moan's optimised six-stage fourth-order splitting S₆ (J. Comput. Appl. Math. 142,
 * 313–330, 2002): drifts a₁ a₂ a₃ a₄ a₃ a₂ a₁, kicks b₁ b₂ b₃ b₃ b₂ b₁, with
 * a₄ = 1 − 2(a₁ + a₂ + a₃) and b₃ = 1/2 − (b₁ + b₂). Order 4, symmetric.
 */
export const blanesMoan4: SplittingMethod = (() => {
  const [a1, a2, a3] = [0.0792036964311957, 0.353172906049774, -0.0420650803577195];
  const [b1, b2] = [0.209515106613362, -0.143851773179818];
  const a4 = 1 - 2 * (a1 + a2 + a3);
  const b3 = 0.5 - (b1 + b2);
  return splittingMethod({
    name: 'blanesMoan4',
    order: 4,
    symmetric: true,
    a: [a1, a2, a3, a4, a3, a2, a1],
    b: [b1, b2, b3, b3, b2, b1],
  });
})();

/** Yoshida's sixth-order weights, solution A (w₃, w₂, w₁ outermost first). */
const YOSHIDA6_A = [0.7845136104775573, 0.23557321335935813, -1.177679984178871];

/**
 * Yoshida's sixth-order seven-stage composition of the leapfrog, solution A, weights
 * w₃ w₂ w₁ w₀ w₁ w₂ w₃ with w₀ = 1 − 2(w₁ + w₂ + w₃) (Yoshida, Phys. Lett. A 150, 1990, Table 1).
 */
export const yoshida6: SeparableMethod = compose(
  leapfrog,
  palindrome(YOSHIDA6_A, 1 - 2 * YOSHIDA6_A.reduce((s, w) => s + w, 0)),
  'yoshida6',
  6,
);

/** Yoshida's eighth-order weights, solution A (w₇ … w₁, outermost first). */
const YOSHIDA8_A = [
  0.104242620869991e1, 0.182020630970714e1, 0.157739928123617, 0.244002732616735e1, -0.71698941970812e-2,
  -0.244699182370524e1, -0.161582374150097e1,
];

/**
 * Yoshida's eighth-order fifteen-stage composition of the leapfrog, solution A, weights
 * w₇ … w₁ w₀ w₁ … w₇ with w₀ = 1 − 2Σwᵢ (Yoshida, Phys. Lett. A 150, 1990, Table 2). The
 * weights are published to 15 digits, so the order conditions hold to about 1e-15.
 */
export const yoshida8: SeparableMethod = compose(
  leapfrog,
  palindrome(YOSHIDA8_A, 1 - 2 * YOSHIDA8_A.reduce((s, w) => s + w, 0)),
  'yoshida8',
  8,
);

/**
 * Kahan & Li's sixth-order nine-stage symmetric composition of the leapfrog, s9odr6a
 * (Math. Comp. 66(219), 1089–1099, 1997). Order 6.
 */
export const kahanLi6: SeparableMethod = compose(
  leapfrog,
  palindrome([0.3921614440073141, 0.33259913678935943, -0.7062461725576393, 0.0822135962935508], 0.79854399093483),
  'kahanLi6',
  6,
);

/**
 * Kahan & Li's eighth-order seventeen-stage symmetric composition of the leapfrog, s17odr8a
 * (Math. Comp. 66(219), 1089–1099, 1997). Order 8.
 */
export const kahanLi8: SeparableMethod = compose(
  leapfrog,
  palindrome(
    [
      0.13020248308889007, 0.5611629817751084, -0.38947496264484727, 0.1588419065551556, -0.39590389413323757,
      0.1845396409783157, 0.25837438768632204, 0.2950117236093103,
    ],
    -0.6055085338300346,
  ),
  'kahanLi8',
  8,
);

/**
 * McLachlan's eighth-order fifteen-stage symmetric composition of the leapfrog (SIAM J. Sci.
 * Comput. 16(1), 151–168, 1995, the m = 15 method of order 8). Order 8.
 */
export const mclachlan8: SeparableMethod = compose(
  leapfrog,
  palindrome(
    [
      0.741670364350613, -0.4091008258000316, 0.1907547102962384, -0.5738624711160822, 0.2990641813036559,
      0.33462491824529816, 0.3152930923967666,
    ],
    -0.7968879393529164,
  ),
  'mclachlan8',
  8,
);
