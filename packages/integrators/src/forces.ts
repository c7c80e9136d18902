import { type Value, grad, isValue, sum } from '@liouville/ad';
import {
  InvalidArgumentError,
  ShapeError,
  checkPositiveInteger,
  checkShapesEqual,
  formatShape,
} from '@liouville/linalg';
import type { GeneralSystem, HamiltonianGradient, SeparableSystem, State, System } from './system.js';

// Forces: the system's analytic `gradient` when it supplies one, automatic differentiation
// otherwise. Energies return one value per state (shape [] or [B]); the states of a batch are
// independent, so the gradient of the summed energy is, row by row, the gradient of each
// state's own energy: ∂V/∂q = ∇_q Σ_b V(q_b).

/**
 * ∂V/∂q of a separable system (same shape as q): its analytic gradient's dHdq, or reverse-mode
 * AD of q ↦ Σ V(q). For a separable system dHdq depends on q alone, so q itself stands in for
 * the momentum argument the kick does not have (see GradientFn).
 */
export function dVdq(system: SeparableSystem): (q: Value) => Value {
  const { gradient } = system;
  if (gradient !== undefined) return (q) => gradient(q, q).dHdq;
  return grad((q: Value) => sum(system.V(q)));
}

/**
 * ∂T/∂p of a separable system (same shape as p): its analytic gradient's dHdp, or reverse-mode
 * AD of p ↦ Σ T(p). p stands in for the position argument, which dHdp does not depend on.
 */
export function dTdp(system: SeparableSystem): (p: Value) => Value {
  const { gradient } = system;
  if (gradient !== undefined) return (p) => gradient(p, p).dHdp;
  return grad((p: Value) => sum(system.T(p)));
}

/** ∂H/∂q of a general system at (q, p): its analytic gradient's dHdq, or reverse-mode AD of q ↦ Σ H(q, p). */
export function dHdq(system: GeneralSystem): (q: Value, p: Value) => Value {
  const { gradient } = system;
  if (gradient !== undefined) return (q, p) => gradient(q, p).dHdq;
  return (q, p) => grad((x: Value) => sum(system.H(x, p)))(q);
}

/** ∂H/∂p of a general system at (q, p): its analytic gradient's dHdp, or reverse-mode AD of p ↦ Σ H(q, p). */
export function dHdp(system: GeneralSystem): (q: Value, p: Value) => Value {
  const { gradient } = system;
  if (gradient !== undefined) return (q, p) => gradient(q, p).dHdp;
  return (q, p) => grad((x: Value) => sum(system.H(q, x)))(p);
}

/**
 * ∂H/∂q and ∂H/∂p at (q, p) of a system of either kind: its analytic gradient when it has one,
 * otherwise reverse-mode AD (of V and T separately for a separable system, of H in one backward
 * pass for a general one). Rows of a batch are independent states.
 */
export function hamiltonianGradient(system: System, q: Value, p: Value): HamiltonianGradient {
  if (system.gradient !== undefined) return system.gradient(q, p);
  if (system.kind === 'separable') {
    // H = T(p) + V(q): the two partial derivatives are the gradients of the two parts.
    return { dHdq: grad((x: Value) => sum(system.V(x)))(q), dHdp: grad((x: Value) => sum(system.T(x)))(p) };
  }
  // Summing the energies of a batch gives every row's gradient in one backward pass.
  const [gq, gp] = grad(([x, y]: Value[]) => sum(system.H(x, y)))([q, p]) as Value[];
  return { dHdq: gq, dHdp: gp };
}

function checkGradient(system: { gradient?: unknown }, method: string): void {
  if (system.gradient !== undefined && typeof system.gradient !== 'function') {
    throw new InvalidArgumentError(
      `${method}: system.gradient`,
      'absent, or a function (q, p) ↦ { dHdq, dHdp }',
      system.gradient,
    );
  }
}

/** The number of degrees of freedom: the shared positive-integer check. */
function checkDim(system: { dim?: unknown }, method: string): void {
  checkPositiveInteger(`${method}: system.dim`, system.dim);
}

/**
 * Run-time guard for callers outside the type system: throws InvalidArgumentError unless
 * `system` is a separable system { kind: 'separable', dim, T, V }.
 */
export function assertSeparable(system: unknown, method: string): asserts system is SeparableSystem {
  const s = system as Partial<SeparableSystem> | null;
  if (s === null || typeof s !== 'object') {
    throw new InvalidArgumentError(
      `${method}: system`,
      "a separable system { kind: 'separable', dim, T(p), V(q) }",
      system,
    );
  }
  if (s.kind !== 'separable') {
    throw new InvalidArgumentError(
      `${method}: system.kind`,
      "'separable' (explicit splitting needs H = T(p) + V(q); use an implicit method for a general H(q, p))",
      s.kind,
    );
  }
  if (typeof s.T !== 'function' || typeof s.V !== 'function') {
    throw new InvalidArgumentError(`${method}: system.T, system.V`, 'functions of p and of q', [
      typeof s.T,
      typeof s.V,
    ]);
  }
  checkDim(s, method);
  checkGradient(s, method);
}

/** Run-time guard that `system` is a system of either kind, with a valid dim and energy functions. */
export function assertSystem(system: unknown, method: string): asserts system is System {
  const s = system as Partial<GeneralSystem> | null;
  if (s !== null && typeof s === 'object' && s.kind === 'general') {
    if (typeof s.H !== 'function') throw new InvalidArgumentError(`${method}: system.H`, 'a function of (q, p)', s.H);
    checkDim(s, method);
    checkGradient(s, method);
    return;
  }
  assertSeparable(system, method);
}

/**
 * Checks a state against its system: q and p are values of one shape whose last axis is
 * `dim` ([dim] for one state, [B, dim] for a batch). ShapeError otherwise.
 */
export function assertState(system: System, state: State, method: string): void {
  if (state === null || typeof state !== 'object' || !isValue(state.q) || !isValue(state.p)) {
    throw new InvalidArgumentError(`${method}: state`, 'a state { q, p } of tensors or differentiable values', state);
  }
  const { q, p } = state;
  checkShapesEqual(method, 'q', q.shape, 'p', p.shape);
  if (q.shape.length === 0 || q.shape[q.shape.length - 1] !== system.dim) {
    throw new ShapeError(
      method,
      `the last axis of q and p must be the system's dim = ${system.dim} ([dim] for one state, [B, dim] for a batch), got ${formatShape(q.shape)}`,
    );
  }
}
