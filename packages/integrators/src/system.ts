import type { Value } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';

/** The gradient of H at a state (or a batch of states): ∂H/∂q and ∂H/∂p, each shaped like q. */
export interface HamiltonianGradient {
  readonly dHdq: Value;
  readonly dHdp: Value;
}

/**
 * An analytic gradient (q, p) ↦ { dHdq, dHdp }, used instead of AD when a system supplies one.
 * It must be written with the differentiable functions of @liouville/ad (so rollouts, Jacobians
 * and Newton's method can differentiate through it) and accept one state or a batch, as the
 * energies do. For a separable system, dHdq = ∂V/∂q must depend on q alone and dHdp = ∂T/∂p on
 * p alone: a kick needs only the first and a drift only the second, so a method may pass a
 * placeholder of the right shape for the other argument and read one field. Reading a field
 * need not compute the other (a system may return them lazily).
 */
export type GradientFn = (q: Value, p: Value) => HamiltonianGradient;

/**
 * The problem interface a solver needs. Energies take one state, q and p of
 * shape [dim], or a batch, [B, dim], and return one energy per state: shape [] or [B].
 * They are written with the differentiable functions of @liouville/ad, so forces come from AD
 * unless the system supplies its analytic `gradient`.
 */
export interface SeparableSystem {
  readonly kind: 'separable';
  /** Degrees of freedom: q and p each have `dim` components. */
  readonly dim: number;
  /** Kinetic energy T(p). */
  readonly T: (p: Value) => Value;
  /** Potential energy V(q). */
  readonly V: (q: Value) => Value;
  readonly name?: string;
  /** Optional analytic { dHdq: ∂V/∂q, dHdp: ∂T/∂p }; when absent, forces come from AD of V and T. */
  readonly gradient?: GradientFn;
}

/** A Hamiltonian that need not split: H(q, p). */
export interface GeneralSystem {
  readonly kind: 'general';
  readonly dim: number;
  readonly H: (q: Value, p: Value) => Value;
  readonly name?: string;
  /** Optional analytic { dHdq, dHdp }; when absent, both come from AD of H. */
  readonly gradient?: GradientFn;
}

/** Any Hamiltonian system an integrator can step. */
export type System = SeparableSystem | GeneralSystem;

/** A phase-space point (or a batch of them along a leading axis). */
export interface State {
  readonly q: Value;
  readonly p: Value;
}

/** One step of a method with its system and step size fixed: state ↦ next state. */
export type Step = (state: State) => State;

/** What a method declares about itself; the property tests hold it to these claims. */
export interface MethodInfo {
  /** The method's public name, e.g. 'leapfrog'. */
  readonly name: string;
  /** Global order of accuracy. */
  readonly order: number;
  /** Whether the step map is symplectic (Mᵀ J M = J). */
  readonly symplectic: boolean;
  /** Whether step(dt) ∘ step(−dt) is the identity. */
  readonly symmetric: boolean;
  /** 'separable': needs T(p) + V(q) (explicit splitting); 'any': works on every system. */
  readonly requires: 'separable' | 'any';
  /** True when a step solves nonlinear equations (Newton iterations). */
  readonly implicit: boolean;
}

/** Options every method accepts. */
export interface StepOptions {
  /** Step from t to t − dt instead (time reversal): for reversibility checks and backward runs. */
  readonly backward?: boolean;
}

/** A method for separable systems only: the type rejects a general system. */
export type SeparableMethod = ((system: SeparableSystem, dt: number, options?: StepOptions) => Step) & {
  readonly info: MethodInfo;
};

/** A method for any system. */
export type GeneralMethod = ((system: System, dt: number, options?: StepOptions) => Step) & {
  readonly info: MethodInfo;
};

/** Any integration method. */
export type Method = SeparableMethod | GeneralMethod;

/**
 * Validates a step size and returns the signed step: dt must be finite and > 0 (clear error
 * otherwise); `backward` makes it −dt.
 */
export function signedStep(method: string, dt: number, options: StepOptions = {}): number {
  if (typeof dt !== 'number' || !Number.isFinite(dt) || dt <= 0) {
    throw new InvalidArgumentError(
      `${method}: dt`,
      'a finite step size > 0 (use { backward: true } to step back in time)',
      dt,
    );
  }
  return options.backward ? -dt : dt;
}
