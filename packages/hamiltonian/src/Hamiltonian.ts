import type { GeneralSystem, GradientFn, HamiltonianGradient, SeparableSystem } from '@liouville/integrators';

// The analytic gradient is the integrators' concept (their problem interface accepts it and
// uses it instead of AD); a physics system supplies it under the same name and shape.
export type { GradientFn, HamiltonianGradient };

/** What a physics system adds to the integrators' problem interface. */
export interface HamiltonianInfo {
  /** The system's name, e.g. 'pendulum' or 'massSpring:hnnCode'. */
  readonly name: string;
  /**
   * The physical parameters the system was built with (masses, lengths, couplings, ...), as
   * numbers: a parameter given as a value of @liouville/ad appears by the number underneath (and
   * not at all when traced by `jit`, where it has none yet).
   */
  readonly params: Readonly<Record<string, number>>;
  /** Optional analytic gradient of H (see the integrators' GradientFn); when absent, forces come from AD. */
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
