import {
  type Value,
  add,
  cast as castValue,
  concat,
  div,
  mul,
  neg,
  outer,
  reshape,
  slice,
  sqrt,
  square,
  stack,
  sub,
  sum,
} from '@liouville/ad';
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
  const pairwise = tables.pairList.length >= 1 && tables.pairList.length <= PAIRWISE_MAX_PAIRS;
  const system = separable({
    name,
    dim: N * d,
    T: (p: Value) => sum(mul(square(p), tables.kinetic(p.dtype)), -1),
    V: pairwise ? pairwisePotential(tables, d) : gravitationalPotential(tables, N, d),
    params: { spatialDim: d, ...parameterNumbers({ G, ...massParams }) },
  });
  const force = pairwise ? pairwiseForce(tables, N, d) : gravitationalForce(tables, N, d);
  const gradient = separableGradient(force, (p) => mul(p, tables.inverseMass(p.dtype)));
  const numbers = Object.freeze(masses.map((m) => parameterNumber(m) ?? Number.NaN));
  return withGradient({ ...system, bodies: N, spatialDim: d, masses: numbers }, gradient);
}

/**
 * The constant tensors of an N-body system, each in the dtype of the state it meets: the kinetic
 * weights 1/(2mᵢ) and inverse masses 1/mᵢ repeated for each coordinate of body i ([N·d]), the
 * pair weights G mᵢ mⱼ above the diagonal (potential, each pair once) and off it (force), [N, N],
 * and the identity [N, N]; and the pairs i < j in row-major order with the weight G mᵢ mⱼ of each
 * (shape [1], the same number as the entry (i, j) of the matrices).
 */
interface BodyTables {
  readonly kinetic: (dtype: DType) => Value;
  readonly inverseMass: (dtype: DType) => Value;
  readonly pairs: (dtype: DType) => Value;
  readonly forcePairs: (dtype: DType) => Value;
  readonly identity: (dtype: DType) => Value;
  readonly pairList: readonly (readonly [number, number])[];
  readonly pairWeights: (dtype: DType) => readonly Value[];
}

/** The pairs i < j of N bodies in row-major order: (0, 1), (0, 2), …, (1, 2), …. */
function pairsOf(N: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) pairs.push([i, j]);
  return pairs;
}

/** The tables of numeric masses and G: tensors converted once per dtype. */
function numberTables(masses: readonly number[], G: number, d: number): BodyTables {
  const perCoordinate = (f: (m: number) => number) => tensor(masses.flatMap((m) => Array<number>(d).fill(f(m))));
  const pairs = (keep: (i: number, j: number) => boolean) =>
    tensor(masses.map((mi, i) => masses.map((mj, j) => (keep(i, j) ? G * mi * mj : 0))));
  const pairList = pairsOf(masses.length);
  const weights = pairList.map(([i, j]) => inDType(tensor([G * masses[i] * masses[j]])));
  const weightLists = new Map<DType, readonly Tensor[]>();
  return {
    kinetic: inDType(perCoordinate((m) => 1 / (2 * m))),
    inverseMass: inDType(perCoordinate((m) => 1 / m)),
    pairs: inDType(pairs((i, j) => j > i)),
    forcePairs: inDType(pairs((i, j) => j !== i)),
    identity: inDType(eye(masses.length)),
    pairList,
    pairWeights: (dtype) => {
      let list = weightLists.get(dtype);
      if (list === undefined) {
        list = weights.map((w) => w(dtype));
        weightLists.set(dtype, list);
      }
      return list;
    },
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
  const pairList = pairsOf(N);
  // G·(mᵢ·mⱼ), as the entry (i, j) of G·(m ⊗ m) above, of shape [1] like the numbers' weights (a
  // float64 weight of shape [] beside float32 states would compute in float32).
  const weights = pairList.map(([i, j]) => reshape(mul(G, product(masses[i], masses[j])), [1]));
  return {
    kinetic: () => kinetic,
    inverseMass: () => inverseMass,
    pairs: () => pairs,
    forcePairs: () => forcePairs,
    identity: inDType(eye(N)),
    pairList,
    pairWeights: () => weights,
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

/**
 * Up to this many pairs (four bodies), V and its gradient are written pair by pair, one coordinate
 * at a time: the N(N−1)/2 pairs once each, with no regularised diagonal, one square root and one
 * division per pair, as a loop written by hand computes them. Compiled, every operation acts on
 * one number per state, so a batch fuses into one loop over the states. Eagerly each of its
 * ≈(5d + 3)·N(N−1)/2 operations is dispatched on its own, so for more bodies the all-pairs form
 * above (a dozen operations on [N, N] tensors) is kept.
 */
const PAIRWISE_MAX_PAIRS = 6;

/** The coordinates of q ([..., N·d]) as values of shape [..., 1], body by body. */
function coordinates(q: Value): Value[] {
  const lead = q.shape.slice(0, -1);
  const zeros = lead.map(() => 0);
  const count = q.shape[q.shape.length - 1];
  return Array.from({ length: count }, (_, k) => slice(q, [...zeros, k], [...lead, k + 1]));
}

/**
 * Σ xₖ accumulated in float64 and rounded once to the terms' dtype, as linalg's `sum` accumulates
 * (so these sums are the all-pairs form's in float32 too; in float64 the casts are no-ops).
 */
function sumInFloat64(terms: readonly Value[], signs?: readonly boolean[]): Value {
  const wide = terms.map((t) => castValue(t, 'float64'));
  const plus = (k: number) => signs === undefined || signs[k];
  const first = plus(0) ? wide[0] : neg(wide[0]);
  const total = wide.slice(1).reduce((acc, t, k) => (plus(k + 1) ? add(acc, t) : sub(acc, t)), first);
  return castValue(total, terms[0].dtype);
}

/** The differences qᵢ − qⱼ coordinate by coordinate, and the squared distance. */
function separation(x: readonly Value[], i: number, j: number, d: number): { diffs: Value[]; r2: Value } {
  const diffs = Array.from({ length: d }, (_, a) => sub(x[i * d + a], x[j * d + a]));
  return { diffs, r2: sumInFloat64(diffs.map((dx) => square(dx))) };
}

/**
 * V = −Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ| pair by pair, the terms summed as the all-pairs form sums its
 * [N, N] matrix (in the same row-major order, its other entries being zeros): the same energies.
 */
function pairwisePotential(tables: BodyTables, d: number): (q: Value) => Value {
  return (q: Value) => {
    const x = coordinates(q);
    const weights = tables.pairWeights(q.dtype);
    const terms = tables.pairList.map(([i, j], k) => div(weights[k], sqrt(separation(x, i, j, d).r2)));
    return neg(reshape(sumInFloat64(terms), q.shape.slice(0, -1)));
  };
}

/**
 * ∂V/∂qᵢ = Σ_{j≠i} G mᵢ mⱼ (qᵢ − qⱼ)/|qᵢ − qⱼ|³ pair by pair: each pair's term is added to body i
 * and subtracted from body j (Newton's third law holds exactly), in the order of the other body,
 * summed in float64 as the all-pairs form sums over j. The all-pairs form weighs the entry (j, i)
 * by G mⱼ mᵢ, which can round differently from G mᵢ mⱼ, so the two forms' forces agree to that
 * rounding; a loop written by hand, like this form, uses G mᵢ mⱼ for both bodies.
 */
function pairwiseForce(tables: BodyTables, N: number, d: number): (q: Value) => Value {
  return (q: Value) => {
    const x = coordinates(q);
    const weights = tables.pairWeights(q.dtype);
    const terms: Value[][] = Array.from({ length: N * d }, () => []);
    const signs: boolean[][] = Array.from({ length: N * d }, () => []);
    tables.pairList.forEach(([i, j], k) => {
      const { diffs, r2 } = separation(x, i, j, d);
      const coefficient = div(weights[k], mul(r2, sqrt(r2)));
      diffs.forEach((dx, a) => {
        const term = mul(coefficient, dx);
        terms[i * d + a].push(term);
        signs[i * d + a].push(true);
        terms[j * d + a].push(term);
        signs[j * d + a].push(false);
      });
    });
    return concat(
      terms.map((t, k) => sumInFloat64(t, signs[k])),
      -1,
    );
  };
}
