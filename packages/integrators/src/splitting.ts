import { type Value, add, mul } from '@liouville/ad';
import { InvalidArgumentError, checkPositiveInteger, scalar } from '@liouville/linalg';
import { assertSeparable, assertState, dTdp, dVdq } from './forces.js';
import {
  type MethodInfo,
  type SeparableMethod,
  type SeparableSystem,
  type State,
  type Step,
  type StepOptions,
  signedStep,
} from './system.js';

/**
 * A splitting method for H = T(p) + V(q) as data (Hairer, Lubich & Wanner, Geometric Numerical
 * Integration, 2nd ed., §II.5 and §V.3): the step is the product of exact sub-flows
 *   drift  q ← q + aᵢ·dt·∂T/∂p(p)      kick  p ← p − bᵢ·dt·∂V/∂q(q)
 * taken alternately, a₁ b₁ a₂ b₂ … (drift first) or b₁ a₁ b₂ a₂ … (firstKick). The sequence
 * that starts has as many coefficients as the other or one more. Each sub-flow is the exact
 * flow of T or of V, so every such method is symplectic.
 */
export interface SplittingScheme {
  readonly name: string;
  /** Global order of accuracy the coefficients achieve. */
  readonly order: number;
  /** True when the sequence of sub-flows is a palindrome, so step(−dt) inverts step(dt). */
  readonly symmetric: boolean;
  /** Drift (position) coefficients. */
  readonly a: readonly number[];
  /** Kick (momentum) coefficients. */
  readonly b: readonly number[];
  /** Start with a kick instead of a drift (default false). */
  readonly firstKick?: boolean;
}

/** One sub-flow of a splitting: a drift or a kick by c·dt. */
export interface Substep {
  readonly kind: 'drift' | 'kick';
  readonly c: number;
}

/** A separable method built from a splitting scheme; it carries the (validated) scheme. */
export type SplittingMethod = SeparableMethod & { readonly scheme: SplittingScheme };

/** Coefficient sums must equal 1 to this absolute tolerance (first-order consistency). */
const CONSISTENCY_TOL = 1e-14;

/**
 * Σ xᵢ with Neumaier's compensated summation, so the consistency check measures the
 * coefficients and not the rounding of their sum (Higham, Accuracy and Stability, §4.3).
 */
export function accurateSum(xs: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const x of xs) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

/** Whether xs reads the same backwards, to a relative tolerance of 1e-14 per entry. */
export function isPalindrome<T>(xs: readonly T[], value: (x: T) => number, kind: (x: T) => string = () => ''): boolean {
  return xs.every((x, i) => {
    const y = xs[xs.length - 1 - i];
    return kind(x) === kind(y) && Math.abs(value(x) - value(y)) <= CONSISTENCY_TOL * Math.max(1, Math.abs(value(x)));
  });
}

function checkCoefficients(name: string, label: 'a' | 'b', xs: unknown): readonly number[] {
  if (!Array.isArray(xs) || xs.length === 0 || !xs.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new InvalidArgumentError(`${name}: ${label}`, 'a non-empty array of finite coefficients', xs);
  }
  const total = accurateSum(xs);
  if (Math.abs(total - 1) > CONSISTENCY_TOL) {
    throw new InvalidArgumentError(
      `${name}: ${label}`,
      `coefficients summing to 1 (consistency), to ${CONSISTENCY_TOL}`,
      `a sum of ${total}`,
    );
  }
  return Object.freeze([...xs]);
}

/** The alternating sequence of sub-flows, with zero steps dropped and neighbours of one kind merged. */
export function substeps(scheme: SplittingScheme): Substep[] {
  const raw: Substep[] = [];
  const [first, second] = scheme.firstKick ? [scheme.b, scheme.a] : [scheme.a, scheme.b];
  const [k1, k2]: Array<Substep['kind']> = scheme.firstKick ? ['kick', 'drift'] : ['drift', 'kick'];
  first.forEach((c, i) => {
    raw.push({ kind: k1, c });
    if (i < second.length) raw.push({ kind: k2, c: second[i] });
  });
  return mergeSubsteps(raw);
}

/** Drops zero sub-flows and merges neighbours of one kind (their flows commute: φ_s ∘ φ_t = φ_{s+t}). */
export function mergeSubsteps(sequence: readonly Substep[]): Substep[] {
  const out: Substep[] = [];
  for (const s of sequence) {
    if (s.c === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.kind === s.kind) {
      const c = last.c + s.c;
      out.pop();
      if (c !== 0) out.push({ kind: s.kind, c });
    } else out.push(s);
  }
  // A merge that cancels to zero pops its entry, so the next sub-flow meets the one before it
  // and merges with it when of the same kind: the result always alternates.
  return out;
}

/** The scheme (coefficient lists) of an alternating sequence of sub-flows. */
export function schemeOf(
  spec: Omit<SplittingScheme, 'a' | 'b' | 'firstKick'>,
  sequence: readonly Substep[],
): SplittingScheme {
  const seq = mergeSubsteps(sequence);
  return splittingScheme({
    ...spec,
    a: seq.filter((s) => s.kind === 'drift').map((s) => s.c),
    b: seq.filter((s) => s.kind === 'kick').map((s) => s.c),
    firstKick: seq.length > 0 && seq[0].kind === 'kick',
  });
}

/**
 * Validates a splitting scheme and returns a frozen copy: a name, a positive integer order,
 * finite coefficients with Σa = Σb = 1 to 1e-14 (consistency), lengths that alternate, and a
 * `symmetric` flag that matches whether the sequence of sub-flows is a palindrome.
 */
export function splittingScheme(spec: SplittingScheme): SplittingScheme {
  const name = spec?.name;
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError('splittingScheme: name', 'a non-empty string', name);
  checkPositiveInteger(`${name}: order`, spec.order);
  const a = checkCoefficients(name, 'a', spec.a);
  const b = checkCoefficients(name, 'b', spec.b);
  const firstKick = spec.firstKick ?? false;
  const [lead, follow] = firstKick ? [b, a] : [a, b];
  if (lead.length !== follow.length && lead.length !== follow.length + 1) {
    const expected = firstKick
      ? 'b.length = a.length or a.length + 1 (kicks lead)'
      : 'a.length = b.length or b.length + 1 (drifts lead)';
    throw new InvalidArgumentError(`${name}: a, b`, expected, `a.length = ${a.length}, b.length = ${b.length}`);
  }
  const scheme: SplittingScheme = Object.freeze({
    name,
    order: spec.order,
    symmetric: spec.symmetric,
    a,
    b,
    firstKick,
  });
  const palindrome = isPalindrome(
    substeps(scheme),
    (s) => s.c,
    (s) => s.kind,
  );
  if (spec.symmetric !== palindrome) {
    throw new InvalidArgumentError(
      `${name}: symmetric`,
      `${palindrome} (the sequence of sub-flows is ${palindrome ? '' : 'not '}a palindrome)`,
      spec.symmetric,
    );
  }
  return scheme;
}

/** f with a one-entry cache keyed by the identity of its argument. */
function rememberLast(f: (x: Value) => Value): (x: Value) => Value {
  let lastIn: Value | undefined;
  let lastOut: Value | undefined;
  return (x) => {
    if (x !== lastIn || lastOut === undefined) {
      lastOut = f(x);
      lastIn = x;
    }
    return lastOut;
  };
}

function splittingStep(system: SeparableSystem, h: number, sequence: readonly Substep[], name: string): Step {
  // First same as last: a step that ends with a kick at q_{n+1} and the next one that begins
  // with a kick at the same q_{n+1} share one force evaluation (likewise ∂T/∂p for drifts).
  // The cache is keyed by object identity; states are treated as immutable values.
  const force = rememberLast(dVdq(system));
  const velocity = rememberLast(dTdp(system));
  // Each sub-flow's signed coefficient c·h as a rank-0 tensor made once, not on every step.
  const coefficients = sequence.map((s) => scalar(s.kind === 'drift' ? s.c * h : -s.c * h));
  return (state: State): State => {
    assertState(system, state, name);
    let { q, p } = state;
    for (let i = 0; i < sequence.length; i++) {
      if (sequence[i].kind === 'drift') q = add(q, mul(coefficients[i], velocity(p)));
      else p = add(p, mul(coefficients[i], force(q)));
    }
    return { q, p };
  };
}

/**
 * The method of a splitting scheme: method(system, dt, { backward }) → step. Every sub-flow
 * is built from the differentiable functions, so rollouts are differentiable with respect to
 * the initial state and to parameters captured by T and V.
 */
export function splittingMethod(scheme: SplittingScheme): SplittingMethod {
  const s = splittingScheme(scheme);
  const sequence = substeps(s);
  const info: MethodInfo = Object.freeze({
    name: s.name,
    order: s.order,
    symplectic: true,
    symmetric: s.symmetric,
    requires: 'separable' as const,
    implicit: false,
  });
  const method = (system: SeparableSystem, dt: number, options: StepOptions = {}): Step => {
    assertSeparable(system, s.name);
    return splittingStep(system, signedStep(s.name, dt, options), sequence, s.name);
  };
  return Object.assign(method, { info, scheme: s });
}
