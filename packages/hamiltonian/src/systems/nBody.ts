import { type Value, add, div, mul, outer, reshape, sqrt, square, stack, sub, sum } from '@liouville/ad';
import { type DType, InvalidArgumentError, type Tensor, cast, eye, tensor } from '@liouville/linalg';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { ParticleHamiltonian } from '../Hamiltonian.js';
import { type Parameter, anyValue, parameterNumber, parameterNumbers, product, quotient } from './parameters.js';
import { optionsObject, positiveParameter } from './validate.js';

/** Options of `nBody`. */
export interface NBodyOptions {
  /** The masses m₁ … m_N (each finite and > 0; numbers or scalar values of @liouville/ad); their count is the number of bodies. */
  readonly masses: readonly Parameter[];
  /** Gravitational constant G > 0 (default 1); a number or a scalar value. */
  readonly G?: Parameter;
  /** Spatial dimension of each body, 2 (planar, default) or 3. */
  readonly dim?: 2 | 3;
}

/** Options of `twoBody` and `threeBody`: the masses default to 1. */
export interface FewBodyOptions {
  readonly masses?: readonly Parameter[];
  readonly G?: Parameter;
  readonly dim?: 2 | 3;
}

/**
 * The gravitational N-body problem (Hairer, Lubich & Wanner, Geometric Numerical Integration,
 * 2nd ed., 2006, §I.2, "the outer solar system"):
 *   H = Σᵢ |pᵢ|²/(2mᵢ) − Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ|,
 * with q, p of shape [N·d] (or [B, N·d]) laid out body by body: [x₁, y₁, x₂, y₂, ...] in the
 * plane (d = 2). The system's `dim` is N·d; `bodies`, `spatialDim` and `masses` describe the
 * layout for `linearMomentum` and `angularMomentum` (`masses` holds the numbers of traced masses,
 * NaN for one traced by `jit`, which has no number yet).
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

function checkMasses(name: string, masses: unknown, count?: number): Parameter[] {
  const ok = Array.isArray(masses) && masses.length >= 1 && (count === undefined || masses.length === count);
  if (!ok) {
    throw new InvalidArgumentError(
      `${name}: masses`,
      count === undefined ? 'a non-empty array of masses' : `an array of ${count} masses`,
      masses,
    );
  }
  return masses.map((m, i) => positiveParameter(name, `masses[${i}]`, m));
}

function buildNBody(name: string, massesIn: unknown, Gin: unknown, dIn: unknown, count?: number): ParticleHamiltonian {
  const masses = checkMasses(name, massesIn, count);
  const G = positiveParameter(name, 'G', Gin);
  if (dIn !== 2 && dIn !== 3) throw new InvalidArgumentError(`${name}: dim`, 'a spatial dimension of 2 or 3', dIn);
  const d = dIn;
  const N = masses.length;
  const massParams = Object.fromEntries(masses.map((m, i) => [`m${i + 1}`, m]));
  const tables = anyValue([G, ...masses])
    ? tracedTables(masses, G, d)
    : numberTables(masses as number[], G as number, d);
  const system = separable({
    name,
    dim: N * d,
    T: (p: Value) => sum(mul(square(p), tables.kinetic(p.dtype)), -1),
    V: gravitationalPotential(tables, N, d),
    params: { spatialDim: d, ...parameterNumbers({ G, ...massParams }) },
  });
  const gradient = separableGradient(gravitationalForce(tables, N, d), (p) => mul(p, tables.inverseMass(p.dtype)));
  const numbers = Object.freeze(masses.map((m) => parameterNumber(m) ?? Number.NaN));
  return withGradient({ ...system, bodies: N, spatialDim: d, masses: numbers }, gradient);
}

/**
 * The constant tensors of an N-body system, each in the dtype of the state it meets: the kinetic
 * weights 1/(2mᵢ) and inverse masses 1/mᵢ repeated for each coordinate of body i ([N·d]), the
 * pair weights G mᵢ mⱼ above the diagonal (potential, each pair once) and off it (force), [N, N],
 * and the identity [N, N].
 */
interface BodyTables {
  readonly kinetic: (dtype: DType) => Value;
  readonly inverseMass: (dtype: DType) => Value;
  readonly pairs: (dtype: DType) => Value;
  readonly forcePairs: (dtype: DType) => Value;
  readonly identity: (dtype: DType) => Value;
}

/** The tables of numeric masses and G: tensors converted once per dtype. */
function numberTables(masses: readonly number[], G: number, d: number): BodyTables {
  const perCoordinate = (f: (m: number) => number) => tensor(masses.flatMap((m) => Array<number>(d).fill(f(m))));
  const pairs = (keep: (i: number, j: number) => boolean) =>
    tensor(masses.map((mi, i) => masses.map((mj, j) => (keep(i, j) ? G * mi * mj : 0))));
  return {
    kinetic: inDType(perCoordinate((m) => 1 / (2 * m))),
    inverseMass: inDType(perCoordinate((m) => 1 / m)),
    pairs: inDType(pairs((i, j) => j > i)),
    forcePairs: inDType(pairs((i, j) => j !== i)),
    identity: inDType(eye(masses.length)),
  };
}

/**
 * The tables when a mass or G is a value of @liouville/ad: built once from the values, so
 * derivatives with respect to them flow through T, V and the forces. They keep the values'
 * dtype (a float64 parameter beside float32 states computes in float64).
 */
function tracedTables(masses: readonly Parameter[], G: Parameter, d: number): BodyTables {
  const N = masses.length;
  const perCoordinate = (f: (m: Parameter) => Parameter) =>
    stack(masses.flatMap((m) => Array<Parameter>(d).fill(f(m))));
  const massVector = stack(masses);
  const mask = (keep: (i: number, j: number) => boolean) =>
    tensor(Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (keep(i, j) ? 1 : 0))));
  const weighted = mul(G, outer(massVector, massVector));
  const [kinetic, inverseMass] = [
    perCoordinate((m) => quotient(1, product(2, m))),
    perCoordinate((m) => quotient(1, m)),
  ];
  const [pairs, forcePairs] = [
    mul(
      weighted,
      mask((i, j) => j > i),
    ),
    mul(
      weighted,
      mask((i, j) => j !== i),
    ),
  ];
  return {
    kinetic: () => kinetic,
    inverseMass: () => inverseMass,
    pairs: () => pairs,
    forcePairs: () => forcePairs,
    identity: inDType(eye(N)),
  };
}

/** A constant tensor in the dtype of the state it meets (float64 or float32), converted once per dtype. */
function inDType(value: Tensor): (dtype: DType) => Tensor {
  const cache = new Map<DType, Tensor>([[value.dtype, value]]);
  return (dtype) => {
    if (!cache.has(dtype)) cache.set(dtype, cast(value, dtype));
    return cache.get(dtype) as Tensor;
  };
}

/**
 * V = −Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ| for all pairs at once: the [N, N] matrix of squared distances
 * from broadcast differences, with the identity added so the (unused) diagonal is 1 instead of
 * 0 (no 1/0, and a zero derivative there since the weights vanish); W holds G mᵢ mⱼ above the
 * diagonal and 0 elsewhere, so each pair counts once.
 */
function gravitationalPotential(tables: BodyTables, N: number, d: number): (q: Value) => Value {
  const [W, I] = [tables.pairs, tables.identity];
  return (q: Value) => {
    const lead = q.shape.slice(0, -1);
    const bodies = reshape(q, [...lead, N, d]);
    const diff = sub(reshape(bodies, [...lead, N, 1, d]), reshape(bodies, [...lead, 1, N, d]));
    const r = sqrt(add(sum(square(diff), -1), I(q.dtype)));
    return mul(-1, sum(div(W(q.dtype), r), [-2, -1]));
  };
}

/**
 * ∂V/∂qᵢ = Σ_{j≠i} G mᵢ mⱼ (qᵢ − qⱼ)/|qᵢ − qⱼ|³ for all bodies at once: the [N, N] coefficients
 * G mᵢ mⱼ / rᵢⱼ³ (zero on the diagonal, where the identity keeps r = 1) scale the [N, N, d]
 * differences, summed over j.
 */
function gravitationalForce(tables: BodyTables, N: number, d: number): (q: Value) => Value {
  const [W, I] = [tables.forcePairs, tables.identity];
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
