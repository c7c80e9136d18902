import type { Value } from '@liouville/ad';
import type { GeneralSystem, SeparableSystem } from '@liouville/integrators';

/** The gradient of H at a state (or a batch of states): ∂H/∂q and ∂H/∂p, each shaped like q. */
export interface HamiltonianGradient {
  readonly dHdq: Value;
  readonly dHdp: Value;
}

/** An analytic gradient (q, p) ↦ { dHdq, dHdp }, used instead of AD when a system supplies one. */
export type GradientFn = (q: Value, p: Value) => HamiltonianGradient;

/** What a physics system adds to the integrators' problem interface (DESIGN.md §3). */
export interface HamiltonianInfo {
  /** The system's name, e.g. 'pendulum' or 'massSpring:hnnCode'. */
  readonly name: string;
  /** The physical parameters the system was built with (masses, lengths, couplings, ...). */
  readonly params: Readonly<Record<string, number>>;
  /** Optional analytic gradient of H; when absent, forces come from automatic differentiation. */
  readonly gradient?: GradientFn;
}

/** A separable Hamiltonian H(q, p) = T(p) + V(q): explicit splitting methods accept it. */
export type SeparableHamiltonian = SeparableSystem & HamiltonianInfo;

/** A Hamiltonian H(q, p) that need not split (double pendulum, learned systems). */
export type GeneralHamiltonian = GeneralSystem & HamiltonianInfo;

/**
 * Physics as a typed value: the integrators' system type, discriminated by `kind`, with a name
 * and its parameters. Energies take q, p of shape [dim] or [B, dim] and return [] or [B].
 */
export type Hamiltonian = SeparableHamiltonian | GeneralHamiltonian;

/**
 * A system of point particles in `spatialDim` dimensions: q and p of length bodies·spatialDim,
 * laid out body by body ([x₁, y₁, x₂, y₂, ...] in the plane). N-body and Kepler systems are these.
 */
export interface Particles {
  readonly bodies: number;
  readonly spatialDim: number;
  readonly masses: readonly number[];
}

/** A separable Hamiltonian of point particles, for which momenta are defined (nBody, kepler). */
export type ParticleHamiltonian = SeparableHamiltonian & Particles;
