import { type Value, div, mul, pow, sqrt, square, sum } from '@liouville/ad';
import { InvalidArgumentError, tensor } from '@liouville/linalg';
import type { State } from '@liouville/integrators';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { ParticleHamiltonian } from '../Hamiltonian.js';
import { type Parameter, parameterNumbers, product } from './parameters.js';
import { optionsObject, positiveParam, positiveParameter } from './validate.js';

/** Options of `kepler`. */
export interface KeplerOptions {
  /** Gravitational parameter μ = G(M + m) > 0 (default 1): a number or a scalar value of @liouville/ad. */
  readonly mu?: Parameter;
}

/**
 * The Kepler problem, one body in the central potential −μ/r (dim 2, q the position relative
 * to the centre, p the velocity per unit mass): H = |p|²/2 − μ/|q| (Hairer, Lubich & Wanner,
 * Geometric Numerical Integration, 2nd ed., 2006, §I.2; Goldstein, Poole & Safko, Classical
 * Mechanics, 3rd ed., 2002, ch. 3). A particle system with one body of unit mass, so
 * `angularMomentum` applies.
 */
export function kepler(options?: KeplerOptions): ParticleHamiltonian {
  const opts = optionsObject('kepler', options);
  const mu = positiveParameter('kepler', 'mu', opts.mu ?? 1);
  const minusMu = product(-1, mu);
  const system = separable({
    name: 'kepler',
    dim: 2,
    T: (p: Value) => mul(0.5, sum(square(p), -1)),
    V: (q: Value) => div(minusMu, sqrt(sum(square(q), -1))),
    params: parameterNumbers({ mu }),
  });
  // ∂V/∂q = μ q/|q|³ = μ q (r²)^(−3/2), with r² kept as [..., 1] to scale each state's q; ∂T/∂p = p.
  const gradient = separableGradient(
    (q) => mul(mul(mu, q), pow(sum(square(q), -1, { keepDims: true }), -1.5)),
    (p) => p,
  );
  return withGradient({ ...system, bodies: 1, spatialDim: 2, masses: Object.freeze([1]) }, gradient);
}

/** Options of `keplerInitialState`. */
export interface KeplerInitialStateOptions {
  /** Gravitational parameter μ > 0 (default 1); use the same value as the system's. */
  readonly mu?: number;
  /** Semi-major axis a > 0 (default 1). */
  readonly semiMajorAxis?: number;
}

/**
 * The periapsis state of the Kepler orbit with eccentricity e ∈ [0, 1) and semi-major axis a:
 * q = (a(1 − e), 0), p = (0, v_p) with v_p = √(μ(1 + e)/(a(1 − e))), the speed the vis-viva
 * equation v² = μ(2/r − 1/a) gives at r = a(1 − e) (Murray & Dermott, Solar System Dynamics,
 * 1999, ch. 2). The orbit has energy −μ/(2a), period 2π√(a³/μ), and runs counter-clockwise.
 */
export function keplerInitialState(eccentricity: number, options?: KeplerInitialStateOptions): State {
  const opts = optionsObject('keplerInitialState', options);
  if (typeof eccentricity !== 'number' || !Number.isFinite(eccentricity) || eccentricity < 0 || eccentricity >= 1) {
    throw new InvalidArgumentError(
      'keplerInitialState: eccentricity',
      'a number in [0, 1) (a bound, elliptic orbit)',
      eccentricity,
    );
  }
  const mu = positiveParam('keplerInitialState', 'mu', opts.mu ?? 1);
  const a = positiveParam('keplerInitialState', 'semiMajorAxis', opts.semiMajorAxis ?? 1);
  const e = eccentricity;
  const r = a * (1 - e);
  const v = Math.sqrt((mu * (1 + e)) / r);
  return { q: tensor([r, 0]), p: tensor([0, v]) };
}
