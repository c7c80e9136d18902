// Shared fixtures for the hamiltonian tests: closed-form energies and gradients of every
// catalogue system, written from the textbook formulas in plain arithmetic (no AD, no code shared
// with src/), and comparison helpers.
import { type Value, primalTensor } from '@liouville/ad';
import { expect } from 'vitest';
import type { Hamiltonian } from '../src/index.js';

/** Energy and gradient of H at one state, from closed forms. */
export interface ClosedForm {
  readonly H: number;
  readonly dHdq: number[];
  readonly dHdp: number[];
}

/** The numbers of a value (a plain tensor when the inputs were plain tensors). */
export function numbers(v: Value): number[] {
  return Array.from(primalTensor(v).data);
}

/**
 * Asserts ‖actual − expected‖∞ ≤ rel · max(‖expected‖∞, scale). The scale is the size of the
 * terms the compared numbers are sums of (default 1: states and parameters in the tests are of
 * order 1), so cancellation between terms does not turn rounding into a spurious failure.
 */
export function expectClose(actual: readonly number[], expected: readonly number[], rel: number, scale = 1): void {
  expect(actual.length).toBe(expected.length);
  const size = Math.max(scale, ...expected.map(Math.abs));
  const error = Math.max(0, ...actual.map((a, i) => Math.abs(a - expected[i])));
  expect(error).toBeLessThanOrEqual(rel * size);
}

const sq = (x: number) => x * x;
const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The 1-D systems all read H = c_T p² + V(q); `potential` returns V(q) and V′(q). */
function oneDimensional(cT: number, potential: (q: number) => [number, number]) {
  return (q: number[], p: number[]): ClosedForm => {
    const [V, dV] = potential(q[0]);
    return { H: cT * sq(p[0]) + V, dHdq: [dV], dHdp: [2 * cT * p[0]] };
  };
}

const spring =
  (k: number) =>
  (q: number): [number, number] => [(k / 2) * q * q, k * q];
const swing =
  (height: number) =>
  (q: number): [number, number] => [height * (1 - Math.cos(q)), height * Math.sin(q)];

/** H = Σ|pᵢ|²/2mᵢ − Σ_{i<j} G mᵢmⱼ/rᵢⱼ, ∂H/∂qᵢ = Σ_{j≠i} G mᵢmⱼ (qᵢ − qⱼ)/rᵢⱼ³. */
function gravity(masses: number[], G: number, d: number) {
  return (q: number[], p: number[]): ClosedForm => {
    const N = masses.length;
    let H = sumOf(p.map((pk, k) => sq(pk) / (2 * masses[Math.floor(k / d)])));
    const dHdq = new Array<number>(N * d).fill(0);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        if (i === j) continue;
        const diff = Array.from({ length: d }, (_, c) => q[i * d + c] - q[j * d + c]);
        const r = Math.sqrt(sumOf(diff.map(sq)));
        if (j > i) H -= (G * masses[i] * masses[j]) / r;
        for (let c = 0; c < d; c++) dHdq[i * d + c] += (G * masses[i] * masses[j] * diff[c]) / r ** 3;
      }
    }
    return { H, dHdq, dHdp: p.map((pk, k) => pk / masses[Math.floor(k / d)]) };
  };
}

function keplerForm(mu: number) {
  return (q: number[], p: number[]): ClosedForm => {
    const r = Math.hypot(q[0], q[1]);
    return { H: (sq(p[0]) + sq(p[1])) / 2 - mu / r, dHdq: q.map((x) => (mu * x) / r ** 3), dHdp: [...p] };
  };
}

function henonHeilesForm(lambda: number) {
  return ([x, y]: number[], p: number[]): ClosedForm => ({
    H: (sq(p[0]) + sq(p[1])) / 2 + (x * x + y * y) / 2 + lambda * (x * x * y - (y * y * y) / 3),
    dHdq: [x + 2 * lambda * x * y, y + lambda * (x * x - y * y)],
    dHdp: [...p],
  });
}

/**
 * Double pendulum: H = N/D + V with N = m₂l₂²p₁² + (m₁+m₂)l₁²p₂² − 2m₂l₁l₂p₁p₂cos Δ and
 * D = 2m₂l₁²l₂²(m₁ + m₂sin²Δ), Δ = q₁ − q₂; ∂(N/D)/∂Δ by the quotient rule.
 */
function doublePendulumForm({ m1, m2, l1, l2, g }: Record<string, number>) {
  return ([q1, q2]: number[], [p1, p2]: number[]): ClosedForm => {
    const [c, s] = [Math.cos(q1 - q2), Math.sin(q1 - q2)];
    const N = m2 * l2 * l2 * p1 * p1 + (m1 + m2) * l1 * l1 * p2 * p2 - 2 * m2 * l1 * l2 * p1 * p2 * c;
    const D = 2 * m2 * l1 * l1 * l2 * l2 * (m1 + m2 * s * s);
    const dN = 2 * m2 * l1 * l2 * p1 * p2 * s;
    const dD = 2 * m2 * l1 * l1 * l2 * l2 * 2 * m2 * s * c;
    const dK = (dN * D - N * dD) / (D * D);
    const V = (m1 + m2) * g * l1 * (1 - Math.cos(q1)) + m2 * g * l2 * (1 - Math.cos(q2));
    return {
      H: N / D + V,
      dHdq: [dK + (m1 + m2) * g * l1 * Math.sin(q1), -dK + m2 * g * l2 * Math.sin(q2)],
      dHdp: [
        (2 * m2 * l2 * l2 * p1 - 2 * m2 * l1 * l2 * p2 * c) / D,
        (2 * (m1 + m2) * l1 * l1 * p2 - 2 * m2 * l1 * l2 * p1 * c) / D,
      ],
    };
  };
}

/** FPUT: spring extensions dᵢ = q_{i+1} − qᵢ with q₀ = q_{n+1} = 0, force F(d) = kd + αd² + βd³, ∂V/∂qᵢ = F(d_{i−1}) − F(dᵢ). */
function fputForm({ n, alpha, beta, k }: Record<string, number>) {
  return (q: number[], p: number[]): ClosedForm => {
    const ext = [0, ...q, 0];
    const d = Array.from({ length: n + 1 }, (_, i) => ext[i + 1] - ext[i]);
    const F = (x: number) => k * x + alpha * x * x + beta * x * x * x;
    const V = sumOf(d.map((x) => (k / 2) * x * x + (alpha / 3) * x ** 3 + (beta / 4) * x ** 4));
    return { H: sumOf(p.map(sq)) / 2 + V, dHdq: q.map((_, i) => F(d[i]) - F(d[i + 1])), dHdp: [...p] };
  };
}

function massesOf(params: Readonly<Record<string, number>>): number[] {
  const masses: number[] = [];
  for (let i = 1; `m${i}` in params; i++) masses.push(params[`m${i}`]);
  return masses;
}

/** The closed form of a catalogue system, chosen by its name and read from its parameters. */
export function closedForm(system: Hamiltonian): (q: number[], p: number[]) => ClosedForm {
  const P = system.params;
  switch (system.name) {
    case 'massSpring':
    case 'massSpring:hnnPaper':
      return oneDimensional(1 / (2 * P.m), spring(P.k));
    case 'massSpring:hnnCode':
      return oneDimensional(1, spring(2)); // H = q² + p²
    case 'pendulum':
      return oneDimensional(1 / (2 * P.m * P.l * P.l), swing(P.m * P.g * P.l));
    case 'pendulum:hnnPaper':
      return oneDimensional((P.l * P.l) / (2 * P.m), swing(2 * P.m * P.g * P.l));
    case 'pendulum:hnnCode':
      return oneDimensional(1, swing(3)); // H = 3(1 − cos q) + p²
    case 'kepler':
      return keplerForm(P.mu);
    case 'nBody':
    case 'twoBody':
    case 'threeBody':
      return gravity(massesOf(P), P.G, P.spatialDim);
    case 'henonHeiles':
      return henonHeilesForm(P.lambda);
    case 'doublePendulum':
      return doublePendulumForm(P);
    case 'fput':
      return fputForm(P);
    default:
      throw new Error(`no closed form for ${system.name}`);
  }
}

/** Row b of a [B, dim] tensor's numbers. */
export function row(xs: readonly number[], b: number, dim: number): number[] {
  return xs.slice(b * dim, (b + 1) * dim);
}

// ——— The sweep of every method over the catalogue (sweep*.test.ts) ———
// Imports for this part stay beside it, so the fixtures above read on their own.
import {
  GENERAL_METHODS,
  type GeneralMethod,
  SEPARABLE_METHODS,
  type SeparableMethod,
  type State,
} from '@liouville/integrators';
import { Tensor, tensor } from '@liouville/linalg';

/** Every explicit splitting or composition method (separable systems only), from the catalogue. */
export const separableMethods: readonly SeparableMethod[] = SEPARABLE_METHODS;

/** Every method for any system (implicit Gauss–Legendre, Tao, RK4), from the catalogue. */
export const anyMethods: readonly GeneralMethod[] = GENERAL_METHODS;

/** describe.each tables: [name, method]. */
export const separableMethodTable = separableMethods.map((m) => [m.info.name, m] as const);
export const anyMethodTable = anyMethods.map((m) => [m.info.name, m] as const);

/** The numbers of a state, q then p. */
export function phasePoint(state: State): number[] {
  return [...numbers(state.q), ...numbers(state.p)];
}

/** The largest |aᵢ − bᵢ|. */
export function maxDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((x, i) => Math.abs(x - b[i])));
}

/**
 * The exact flow of the mass-spring H = p²/(2m) + kq²/2 from state0: with ω = √(k/m),
 * q(t) = q₀ cos ωt + p₀/(mω) sin ωt and p(t) = p₀ cos ωt − mωq₀ sin ωt (a rotation in the
 * scaled phase plane; Goldstein, Poole & Safko, Classical Mechanics, 3rd ed., §2.6 and ch. 8).
 */
export function massSpringExact(params: Readonly<Record<string, number>>, state0: State): (t: number) => State {
  const { k, m } = params;
  const omega = Math.sqrt(k / m);
  const [q0] = numbers(state0.q);
  const [p0] = numbers(state0.p);
  return (t) => {
    const [c, s] = [Math.cos(omega * t), Math.sin(omega * t)];
    return { q: tensor([q0 * c + (p0 / (m * omega)) * s]), p: tensor([p0 * c - m * omega * q0 * s]) };
  };
}

/**
 * The closed-form energy of a catalogue system, computed in plain arithmetic from the textbook
 * formula (see `closedForm`): an energy meter independent of the code under test. One state
 * [dim] gives a scalar; states stacked along leading axes ([N, dim], a whole trajectory) give
 * one energy each, read straight from the arrays, cheap enough for 1e5 states.
 */
export function closedFormEnergy(system: Hamiltonian): (q: Value, p: Value) => Value {
  const form = closedForm(system);
  const dim = system.dim;
  return (q, p) => {
    const [qs, ps] = [primalTensor(q), primalTensor(p)];
    if (qs.shape.length === 1) return tensor(form(numbers(q), numbers(p)).H);
    const out = new Float64Array(qs.size / dim);
    const [qRow, pRow] = [new Array<number>(dim), new Array<number>(dim)];
    for (let b = 0; b < out.length; b++) {
      for (let i = 0; i < dim; i++) {
        qRow[i] = qs.data[b * dim + i];
        pRow[i] = ps.data[b * dim + i];
      }
      out[b] = form(qRow, pRow).H;
    }
    return new Tensor(out, qs.shape.slice(0, -1));
  };
}

/**
 * The signed area enclosed by a closed polygon (x_i, y_i), i = 0 … n−1, by the shoelace formula
 * A = ½ Σ (x_i y_{i+1} − x_{i+1} y_i) with indices mod n: positive when the vertices run
 * counter-clockwise. Summed with Neumaier's compensation, so the comparison of two areas at
 * 1e-10 measures the polygons and not the rounding of a sum of ~1000 terms.
 */
export function shoelaceArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const term = x[i] * y[j] - x[j] * y[i];
    const t = s + term;
    c += Math.abs(s) >= Math.abs(term) ? s - t + term : term - t + s;
    s = t;
  }
  return (s + c) / 2;
}
