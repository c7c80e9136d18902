// Shared fixtures for the integrators' tests: small separable systems with their exact
// solutions, and the list of every explicit method, so each property runs over every method.
import { type Value, add, cos, mul, square, sub, sum } from '@liouville/ad';
import { tensor } from '@liouville/linalg';
import { SEPARABLE_METHODS, type SeparableMethod, type SeparableSystem, type State } from '../src/index.js';

/** Every explicit method of the catalogue (stormerVerlet is the same object as leapfrog). */
export const explicitMethods: readonly SeparableMethod[] = SEPARABLE_METHODS;

/** describe.each table: [name, method]. */
export const methodTable = explicitMethods.map((m) => [m.info.name, m] as const);

/** ½ Σ x² over the last axis: one value per state. */
const halfSquare = (x: Value): Value => mul(0.5, sum(square(x), -1));

/** The harmonic oscillator H = p²/2 + k q²/2 in `dim` degrees of freedom (k = 1 by default, or a value). */
export function harmonicOscillator(dim = 1, k: Value | number = 1): SeparableSystem {
  return { kind: 'separable', dim, name: 'harmonic oscillator', T: halfSquare, V: (q) => mul(k, halfSquare(q)) };
}

/** Exact flow of the unit harmonic oscillator: a rotation of (q, p) by angle t. */
export function harmonicExact(state0: State): (t: number) => State {
  const q0 = state0.q;
  const p0 = state0.p;
  return (t) => ({
    q: add(mul(Math.cos(t), q0), mul(Math.sin(t), p0)),
    p: sub(mul(Math.cos(t), p0), mul(Math.sin(t), q0)),
  });
}

/** The pendulum H = p²/2 + 1 − cos q (one degree of freedom per column). */
export function pendulum(dim = 1): SeparableSystem {
  return { kind: 'separable', dim, name: 'pendulum', T: halfSquare, V: (q) => sum(sub(1, cos(q)), -1) };
}

/** The Hénon–Heiles system: V = (x² + y²)/2 + x²y − y³/3 (Hénon & Heiles, Astron. J. 69, 1964). */
export const henonHeiles: SeparableSystem = {
  kind: 'separable',
  dim: 2,
  name: 'Hénon–Heiles',
  T: halfSquare,
  V: (q) => {
    const rank = q.shape.length;
    const x = sum(mul(q, tensor([1, 0])), rank - 1);
    const y = sum(mul(q, tensor([0, 1])), rank - 1);
    return add(mul(0.5, add(square(x), square(y))), sub(mul(square(x), y), mul(1 / 3, mul(square(y), y))));
  },
};

/** H(q, p) = T(p) + V(q) of a separable system. */
export function energyOf(system: SeparableSystem): (q: Value, p: Value) => Value {
  return (q, p) => add(system.T(p), system.V(q));
}

/**
 * Jacobi's sn(u | m) and cn(u | m) for 0 ≤ m < 1 by the arithmetic–geometric mean and descending
 * Landen transformation (Abramowitz & Stegun, Handbook, 16.4), accurate to a few ulps.
 */
export function jacobiSnCn(u: number, m: number): { sn: number; cn: number } {
  const a = [1];
  const c = [Math.sqrt(m)];
  let b = Math.sqrt(1 - m);
  // c halves its digits' distance to 0 each pass (quadratic convergence); stop at rounding level.
  while (Math.abs(c[c.length - 1]) > Number.EPSILON * a[a.length - 1] && a.length < 40) {
    const an = a[a.length - 1];
    a.push((an + b) / 2);
    c.push((an - b) / 2);
    b = Math.sqrt(an * b);
  }
  const n = a.length - 1;
  let phi = 2 ** n * a[n] * u;
  for (let k = n; k >= 1; k--) phi = (phi + Math.asin((c[k] / a[k]) * Math.sin(phi))) / 2;
  return { sn: Math.sin(phi), cn: Math.cos(phi) };
}

/**
 * Exact pendulum motion from q(0) = 0, p(0) = p0 with |p0| < 2 (libration): with k = p0/2,
 * q(t) = 2 arcsin(k sn(t | k²)) and p(t) = 2k cn(t | k²) (Lawden, Elliptic Functions, §5.2).
 */
export function pendulumExact(p0: number): (t: number) => State {
  const k = p0 / 2;
  return (t) => {
    const { sn, cn } = jacobiSnCn(t, k * k);
    return { q: tensor([2 * Math.asin(k * sn)]), p: tensor([2 * k * cn]) };
  };
}

/** One state of `dim` degrees of freedom from plain arrays. */
export function state(q: number[], p: number[]): State {
  return { q: tensor(q), p: tensor(p) };
}

/**
 * Step sizes for measuring each method's empirical order over tEnd = 10 (each divides 10). For
 * every method the largest step is already in the asymptotic regime (successive error ratios
 * within ~0.1 of the declared order, on the oscillator and on the pendulum from p0 = 1.2), and
 * the smallest keeps the global error above 1e-11, far above the rounding floor (~1e-15 here,
 * measured): high-order methods reach that floor fast, so they get larger steps.
 */
export const orderDts: Readonly<Record<string, readonly number[]>> = {
  symplecticEuler: [0.1, 0.05, 0.025],
  symplecticEulerQ: [0.1, 0.05, 0.025],
  leapfrog: [0.2, 0.1, 0.05],
  leapfrogDKD: [0.2, 0.1, 0.05],
  velocityVerlet: [0.2, 0.1, 0.05],
  ruth3: [0.2, 0.1, 0.05],
  forestRuth: [0.1, 0.05, 0.025],
  yoshida4: [0.1, 0.05, 0.025],
  suzuki4: [0.1, 0.05, 0.025],
  mclachlan4: [0.1, 0.05, 0.025],
  blanesMoan4: [0.1, 0.05, 0.025],
  yoshida6: [0.4, 0.2, 0.1],
  kahanLi6: [0.4, 0.2, 0.1],
  // Yoshida's eighth-order weights are large (|w| up to 2.4), so its asymptotic regime starts
  // at smaller steps than Kahan–Li's or McLachlan's.
  yoshida8: [0.1, 0.08, 0.0625, 0.05],
  kahanLi8: [0.4, 0.3125, 0.25, 0.2],
  mclachlan8: [0.25, 0.2, 0.15625],
};
