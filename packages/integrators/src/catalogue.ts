import { gaussLegendre4, gaussLegendre6 } from './implicit/gaussLegendre.js';
import { implicitMidpoint } from './implicit/implicitMidpoint.js';
import {
  blanesMoan4,
  forestRuth,
  kahanLi6,
  kahanLi8,
  leapfrog,
  leapfrogDKD,
  mclachlan4,
  mclachlan8,
  ruth3,
  suzuki4,
  symplecticEuler,
  symplecticEulerQ,
  velocityVerlet,
  yoshida4,
  yoshida6,
  yoshida8,
} from './methods.js';
import { rk4 } from './rk4.js';
import type { GeneralMethod, Method, SeparableMethod } from './system.js';
import { tao, tao4 } from './tao.js';

/**
 * Every explicit splitting or composition method, for separable systems, by increasing order.
 * `stormerVerlet` is the same object as `leapfrog`, so it is listed once, under that name.
 * Property suites sweep this list (describe.each over [method.info.name, method]).
 */
export const SEPARABLE_METHODS: readonly SeparableMethod[] = Object.freeze([
  symplecticEuler,
  symplecticEulerQ,
  leapfrog,
  leapfrogDKD,
  velocityVerlet,
  ruth3,
  forestRuth,
  yoshida4,
  suzuki4,
  mclachlan4,
  blanesMoan4,
  yoshida6,
  kahanLi6,
  yoshida8,
  kahanLi8,
  mclachlan8,
]);

/**
 * Every fixed-step method for any system: the implicit Gauss–Legendre family, Tao's explicit
 * extended-phase-space methods (projected to (q, p); `taoExtended` steps another state type) and
 * RK4 (the non-symplectic reference).
 */
export const GENERAL_METHODS: readonly GeneralMethod[] = Object.freeze([
  implicitMidpoint,
  gaussLegendre4,
  gaussLegendre6,
  tao,
  tao4,
  rk4,
]);

/** Every fixed-step method by its name (`info.name`), plus the alias `stormerVerlet`. */
export const METHODS: Readonly<Record<string, Method>> = Object.freeze({
  ...Object.fromEntries([...SEPARABLE_METHODS, ...GENERAL_METHODS].map((m) => [m.info.name, m])),
  stormerVerlet: leapfrog,
});
