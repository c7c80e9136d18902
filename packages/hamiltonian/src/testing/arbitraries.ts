import fc from 'fast-check';
import type { State } from '@liouville/integrators';
import { InvalidArgumentError, checkFinitePositive, checkPositiveInteger, tensor } from '@liouville/linalg';
import type { Hamiltonian, Particles, SeparableHamiltonian } from '../Hamiltonian.js';
import { doublePendulum } from '../systems/doublePendulum.js';
import { fput } from '../systems/fput.js';
import { henonHeiles } from '../systems/henonHeiles.js';
import { kepler } from '../systems/kepler.js';
import { massSpring } from '../systems/massSpring.js';
import { nBody, threeBody, twoBody } from '../systems/nBody.js';
import { pendulum } from '../systems/pendulum.js';

/** A double in [min, max]: never NaN or infinite. */
const between = (min: number, max: number) => fc.double({ min, max, noNaN: true });

/** Physical scales (masses, lengths, stiffnesses) kept within a factor 2 of 1, so energies stay moderate. */
const scale = () => between(0.5, 2);

/**
 * Tags a system with how it was built: fast-check prints this in a counterexample instead of
 * the functions inside the system.
 */
function tagged<H extends Hamiltonian>(system: H, options: object): H {
  const label = `${system.name}(${JSON.stringify(options)})`;
  const copy: H = { ...system };
  Object.defineProperty(copy, fc.toStringMethod, { value: () => label });
  return Object.freeze(copy);
}

function build<O extends object, H extends Hamiltonian>(options: fc.Arbitrary<O>, make: (o: O) => H): fc.Arbitrary<H> {
  return options.map((o) => tagged(make(o), o));
}

const separableCatalogue = {
  massSpring: () => build(fc.record({ k: scale(), m: scale() }), massSpring),
  'massSpring:hnnPaper': () =>
    build(fc.record({ k: scale(), m: scale(), variant: fc.constant('hnnPaper' as const) }), massSpring),
  'massSpring:hnnCode': () => build(fc.constant({ variant: 'hnnCode' as const }), massSpring),
  pendulum: () => build(fc.record({ m: scale(), l: scale(), g: scale() }), pendulum),
  'pendulum:hnnPaper': () =>
    build(fc.record({ m: scale(), l: scale(), g: scale(), variant: fc.constant('hnnPaper' as const) }), pendulum),
  'pendulum:hnnCode': () => build(fc.constant({ variant: 'hnnCode' as const }), pendulum),
  kepler: () => build(fc.record({ mu: scale() }), kepler),
  nBody: () =>
    build(
      fc.record({
        masses: fc.array(scale(), { minLength: 2, maxLength: 4 }),
        G: scale(),
        dim: fc.constantFrom(2 as const, 3 as const),
      }),
      nBody,
    ),
  twoBody: () => build(fc.record({ masses: fc.tuple(scale(), scale()), G: scale() }), twoBody),
  threeBody: () => build(fc.record({ masses: fc.tuple(scale(), scale(), scale()), G: scale() }), threeBody),
  henonHeiles: () => build(fc.record({ lambda: between(-1, 1) }), henonHeiles),
  fput: () =>
    build(
      fc.record({ n: fc.integer({ min: 1, max: 6 }), alpha: between(-1, 1), beta: between(0, 1), k: scale() }),
      fput,
    ),
} satisfies Record<string, () => fc.Arbitrary<SeparableHamiltonian>>;

const generalCatalogue = {
  doublePendulum: () =>
    build(fc.record({ m1: scale(), m2: scale(), l1: scale(), l2: scale(), g: scale() }), doublePendulum),
} satisfies Record<string, () => fc.Arbitrary<Hamiltonian>>;

/** The name of a separable catalogue system, as its `name` reads. */
export type SeparableCatalogueName = keyof typeof separableCatalogue;

/** The name of a catalogue system (with its variant), as its `name` reads: 'pendulum:hnnCode', 'fput', ... */
export type CatalogueName = SeparableCatalogueName | keyof typeof generalCatalogue;

/** Every catalogue system `arbitrarySystem` draws from. */
export const catalogueNames: readonly CatalogueName[] = Object.freeze([
  ...(Object.keys(separableCatalogue) as SeparableCatalogueName[]),
  ...(Object.keys(generalCatalogue) as CatalogueName[]),
]);

/** Options of `arbitrarySystem` and `arbitrarySeparableSystem`. */
export interface ArbitrarySystemOptions<N extends string> {
  /** Draw only from these systems (default: all). */
  readonly only?: readonly N[];
}

function pick<N extends string, H extends Hamiltonian>(
  operation: string,
  table: Record<N, () => fc.Arbitrary<H>>,
  only: readonly N[] | undefined,
): fc.Arbitrary<H> {
  const known = Object.keys(table) as N[];
  const names: readonly N[] = only ?? known;
  const valid = Array.isArray(names) && names.length > 0 && names.every((n) => known.includes(n));
  if (!valid)
    throw new InvalidArgumentError(`${operation}: only`, `a non-empty list of names from ${known.join(', ')}`, names);
  return fc.oneof(...names.map((n: N) => table[n]()));
}

/**
 * A separable system of the catalogue with random valid parameters (each variant of massSpring
 * and pendulum, kepler, nBody in 2 or 3 dimensions with 2–4 bodies, twoBody, threeBody,
 * henonHeiles, fput with 1–6 particles), tagged with its name and parameters for counterexamples.
 * Masses, lengths, stiffnesses, G and μ lie in [0.5, 2].
 */
export function arbitrarySeparableSystem(
  options: ArbitrarySystemOptions<SeparableCatalogueName> = {},
): fc.Arbitrary<SeparableHamiltonian> {
  return pick('arbitrarySeparableSystem', separableCatalogue, options.only);
}

/** Any system of the catalogue (the separable ones and the double pendulum), with random valid parameters. */
export function arbitrarySystem(options: ArbitrarySystemOptions<CatalogueName> = {}): fc.Arbitrary<Hamiltonian> {
  const table: Record<CatalogueName, () => fc.Arbitrary<Hamiltonian>> = { ...separableCatalogue, ...generalCatalogue };
  return pick('arbitrarySystem', table, options.only);
}

/** Options of `arbitraryState`. */
export interface ArbitraryStateOptions {
  /** The scale of the state: momenta and (non-particle) coordinates lie in [−radius, radius] (default 1). */
  readonly radius?: number;
  /** When given, a batch of this many states: q and p of shape [batch, dim]. */
  readonly batch?: number;
}

const isParticles = (system: object): system is Particles =>
  Number.isInteger((system as Partial<Particles>).bodies) &&
  Number.isInteger((system as Partial<Particles>).spatialDim);

/**
 * Positions of N bodies kept apart, so the gravitational potential is smooth: body i starts on
 * the circle of radius R in the xy-plane at angle φ + 2πi/N, then moves by a jitter of length
 * at most min(s, R)/4, where s = 2R sin(π/N) is the spacing of those points (s = R for one
 * body). Any two bodies are then at least s/2 = R sin(π/N) apart, a lone body at least 3R/4
 * from the origin, and every coordinate has magnitude at most 1.25R.
 */
function particlePositions(bodies: number, d: number, R: number): fc.Arbitrary<number[]> {
  const s = bodies === 1 ? R : 2 * R * Math.sin(Math.PI / bodies);
  const jitter = Math.min(s, R) / 4 / Math.sqrt(d); // per coordinate, so the jitter vector has length ≤ min(s, R)/4
  return fc
    .tuple(
      between(0, 2 * Math.PI),
      fc.array(between(-jitter, jitter), { minLength: bodies * d, maxLength: bodies * d }),
    )
    .map(([phi, jitters]) =>
      jitters.map((j, k) => {
        const [body, axis] = [Math.floor(k / d), k % d];
        const angle = phi + (2 * Math.PI * body) / bodies;
        const base = axis === 0 ? R * Math.cos(angle) : axis === 1 ? R * Math.sin(angle) : 0;
        return base + j;
      }),
    );
}

function oneState(system: Hamiltonian, radius: number): fc.Arbitrary<{ q: number[]; p: number[] }> {
  const box = fc.array(between(-radius, radius), { minLength: system.dim, maxLength: system.dim });
  const q = isParticles(system) ? particlePositions(system.bodies, system.spatialDim, radius) : box;
  return fc.record({ q, p: box });
}

/**
 * A state { q, p } of float64 tensors of shape [dim] (or [batch, dim]) that is safe for the
 * system: components bounded by the radius and, for particle systems (nBody, kepler), bodies a
 * minimum distance apart and away from the Kepler centre (see `particlePositions`).
 */
export function arbitraryState(system: Hamiltonian, options: ArbitraryStateOptions = {}): fc.Arbitrary<State> {
  const radius = options.radius ?? 1;
  checkFinitePositive(`arbitraryState(${system.name}): radius`, radius);
  const { batch } = options;
  if (batch === undefined) return oneState(system, radius).map(({ q, p }) => ({ q: tensor(q), p: tensor(p) }));
  checkPositiveInteger(`arbitraryState(${system.name}): batch`, batch);
  return fc.array(oneState(system, radius), { minLength: batch, maxLength: batch }).map((states) => ({
    q: tensor(states.map((s) => s.q)),
    p: tensor(states.map((s) => s.p)),
  }));
}
