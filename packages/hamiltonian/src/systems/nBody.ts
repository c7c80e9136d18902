import { type Value, add, div, mul, reshape, sqrt, square, sub, sum } from '@liouville/ad';
import { type DType, InvalidArgumentError, type Tensor, cast, eye, tensor } from '@liouville/linalg';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { ParticleHamiltonian } from '../Hamiltonian.js';
import { optionsObject, positiveParam } from './validate.js';

/** Options of `nBody`. */
export interface NBodyOptions {
  /** The masses m₁ … m_N (each finite and > 0); their count is the number of bodies. */
  readonly masses: readonly number[];
  /** Gravitational constant G > 0 (default 1). */
  readonly G?: number;
  /** Spatial dimension of each body, 2 (planar, default) or 3. */
  readonly dim?: 2 | 3;
}

/** Options of `twoBody` and `threeBody`: the masses default to 1. */
export interface FewBodyOptions {
  readonly masses?: readonly number[];
  readonly G?: number;
  readonly dim?: 2 | 3;
}

/**
 * The gravitational N-body problem (Hairer, Lubich & Wanner, Geometric Numerical Integration,
 * 2nd ed., 2006, §I.2, "the outer solar system"):
 *   H = Σᵢ |pᵢ|²/(2mᵢ) − Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ|,
 * with q, p of shape [N·d] (or [B, N·d]) laid out body by body: [x₁, y₁, x₂, y₂, ...] in the
 * plane (d = 2). The system's `dim` is N·d; `bodies`, `spatialDim` and `masses` describe the
 * layout for `linearMomentum` and `angularMomentum`.
 */
export function nBody(options: NBodyOptions): ParticleHamiltonian {
  const opts = optionsObject('nBody', options);
  return buildNBody('nBody', opts.masses, opts.G ?? 1, opts.dim ?? 2);
}

/** Two bodies of mass 1 (by default) under gravity, G = 1: `nBody` with N = 2 (HNN paper, task 5). */
export function twoBody(options?: FewBodyOptions): ParticleHamiltonian {
  const opts = optionsObject('twoBody', options);
  return buildNBody('twoBody', opts.masses ?? [1, 1], opts.G ?? 1, opts.dim ?? 2, 2);
}

/** Three bodies of mass 1 (by default) under gravity, G = 1: `nBody` with N = 3 (HNN paper, task 6). */
export function threeBody(options?: FewBodyOptions): ParticleHamiltonian {
  const opts = optionsObject('threeBody', options);
  return buildNBody('threeBody', opts.masses ?? [1, 1, 1], opts.G ?? 1, opts.dim ?? 2, 3);
}

function checkMasses(name: string, masses: unknown, count?: number): number[] {
  const ok = Array.isArray(masses) && masses.length >= 1 && (count === undefined || masses.length === count);
  if (!ok) {
    throw new InvalidArgumentError(
      `${name}: masses`,
      count === undefined ? 'a non-empty array of masses' : `an array of ${count} masses`,
      masses,
    );
  }
  return masses.map((m, i) => positiveParam(name, `masses[${i}]`, m));
}

function buildNBody(name: string, massesIn: unknown, Gin: unknown, dIn: unknown, count?: number): ParticleHamiltonian {
  const masses = checkMasses(name, massesIn, count);
  const G = positiveParam(name, 'G', Gin);
  if (dIn !== 2 && dIn !== 3) throw new InvalidArgumentError(`${name}: dim`, 'a spatial dimension of 2 or 3', dIn);
  const d = dIn;
  const N = masses.length;
  const massParams = Object.fromEntries(masses.map((m, i) => [`m${i + 1}`, m]));
  const system = separable({
    name,
    dim: N * d,
    T: kineticEnergy(masses, d),
    V: gravitationalPotential(masses, G, d),
    params: { G, spatialDim: d, ...massParams },
  });
  const gradient = separableGradient(gravitationalForce(masses, G, d), velocity(masses, d));
  return withGradient({ ...system, bodies: N, spatialDim: d, masses: Object.freeze([...masses]) }, gradient);
}

/** A constant tensor in the dtype of the state it meets (float64 or float32), converted once per dtype. */
function inDType(value: Tensor): (dtype: DType) => Tensor {
  const cache = new Map<DType, Tensor>([[value.dtype, value]]);
  return (dtype) => {
    if (!cache.has(dtype)) cache.set(dtype, cast(value, dtype));
    return cache.get(dtype) as Tensor;
  };
}

/** T = Σᵢ |pᵢ|²/(2mᵢ), as Σ_k p_k² w_k with the weight 1/(2mᵢ) repeated for each coordinate of body i. */
function kineticEnergy(masses: readonly number[], d: number): (p: Value) => Value {
  const weights = inDType(tensor(masses.flatMap((m) => Array<number>(d).fill(1 / (2 * m)))));
  return (p: Value) => sum(mul(square(p), weights(p.dtype)), -1);
}

/**
 * V = −Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ| for all pairs at once: the [N, N] matrix of squared distances
 * from broadcast differences, with the identity added so the (unused) diagonal is 1 instead of
 * 0 (no 1/0, and a zero derivative there since the weights vanish); W holds G mᵢ mⱼ above the
 * diagonal and 0 elsewhere, so each pair counts once.
 */
function gravitationalPotential(masses: readonly number[], G: number, d: number): (q: Value) => Value {
  const N = masses.length;
  const W = inDType(tensor(masses.map((mi, i) => masses.map((mj, j) => (j > i ? G * mi * mj : 0)))));
  const I = inDType(eye(N));
  return (q: Value) => {
    const lead = q.shape.slice(0, -1);
    const bodies = reshape(q, [...lead, N, d]);
    const diff = sub(reshape(bodies, [...lead, N, 1, d]), reshape(bodies, [...lead, 1, N, d]));
    const r = sqrt(add(sum(square(diff), -1), I(q.dtype)));
    return mul(-1, sum(div(W(q.dtype), r), [-2, -1]));
  };
}

/** ∂T/∂p = pᵢ/mᵢ, each coordinate divided by the mass of its body. */
function velocity(masses: readonly number[], d: number): (p: Value) => Value {
  const inverse = inDType(tensor(masses.flatMap((m) => Array<number>(d).fill(1 / m))));
  return (p: Value) => mul(p, inverse(p.dtype));
}

/**
 * ∂V/∂qᵢ = Σ_{j≠i} G mᵢ mⱼ (qᵢ − qⱼ)/|qᵢ − qⱼ|³ for all bodies at once: the [N, N] coefficients
 * G mᵢ mⱼ / rᵢⱼ³ (zero on the diagonal, where the identity keeps r = 1) scale the [N, N, d]
 * differences, summed over j.
 */
function gravitationalForce(masses: readonly number[], G: number, d: number): (q: Value) => Value {
  const N = masses.length;
  const W = inDType(tensor(masses.map((mi, i) => masses.map((mj, j) => (j !== i ? G * mi * mj : 0)))));
  const I = inDType(eye(N));
  return (q: Value) => {
    const lead = q.shape.slice(0, -1);
    const bodies = reshape(q, [...lead, N, d]);
    const diff = sub(reshape(bodies, [...lead, N, 1, d]), reshape(bodies, [...lead, 1, N, d]));
    const r2 = add(sum(square(diff), -1), I(q.dtype));
    const coefficients = div(W(q.dtype), mul(r2, sqrt(r2)));
    const force = sum(mul(reshape(coefficients, [...lead, N, N, 1]), diff), -2);
    return reshape(force, [...lead, N * d]);
  };
}
