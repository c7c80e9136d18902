import fc from 'fast-check';
import type { State } from '@liouville/integrators';
import { InvalidArgumentError, checkFinitePositive, checkPositiveInteger, tensor } from '@liouville/linalg';
import type { Hamiltonian, Particles, SeparableHamiltonian } from '../Hamiltonian.js';
import { type CatalogueOptions, SYSTEMS, type SystemName } from '../systems/catalogue.js';
import { type NBodyOptions, nBody } from '../systems/nBody.js';

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

/**
 * Random valid physical parameters of every system of the catalogue (`SYSTEMS`), by its name, and
 * of the N-body family, which has no default (its masses choose the number of bodies); `dim` is
 * the number of degrees of freedom where that is free (the FPUT chain). The type requires
 * one entry per name of `SYSTEMS`: a system added there is drawn here, or this does not compile.
 */
const PARAMETERS = {
  massSpring: () => fc.record({ k: scale(), m: scale() }),
  'massSpring:hnnPaper': () => fc.record({ k: scale(), m: scale() }),
  'massSpring:hnnCode': () => fc.constant({}),
  pendulum: () => fc.record({ m: scale(), l: scale(), g: scale() }),
  'pendulum:hnnPaper': () => fc.record({ m: scale(), l: scale(), g: scale() }),
  'pendulum:hnnCode': () => fc.constant({}),
  kepler: () => fc.record({ mu: scale() }),
  nBody: () =>
    fc.record({
      masses: fc.array(scale(), { minLength: 2, maxLength: 4 }),
      G: scale(),
      dim: fc.constantFrom(2 as const, 3 as const),
    }),
  twoBody: () => fc.record({ masses: fc.tuple(scale(), scale()), G: scale() }),
  threeBody: () => fc.record({ masses: fc.tuple(scale(), scale(), scale()), G: scale() }),
  henonHeiles: () => fc.record({ lambda: between(-1, 1) }),
  fput: () =>
    fc
      .record({ n: fc.integer({ min: 1, max: 6 }), alpha: between(-1, 1), beta: between(0, 1), k: scale() })
      .map(({ n, ...parameters }) => ({ ...parameters, dim: n })),
  doublePendulum: () => fc.record({ m1: scale(), m2: scale(), l1: scale(), l2: scale(), g: scale() }),
} satisfies Record<SystemName | 'nBody', () => fc.Arbitrary<object>>;

/** The name of a catalogue system (with its variant), as its `name` reads: 'pendulum:hnnCode', 'fput', ... */
export type CatalogueName = keyof typeof PARAMETERS;

/** The names of `SYSTEMS` whose systems are separable (every one but the double pendulum), by their type. */
type SeparableSystemName = {
  [N in SystemName]: ReturnType<(typeof SYSTEMS)[N]> extends SeparableHamiltonian ? N : never;
}[SystemName];

/** The name of a separable catalogue system, as its `name` reads. */
export type SeparableCatalogueName = SeparableSystemName | 'nBody';

/** A system of the catalogue with the drawn parameters (a drawn `dim`: its number of degrees of freedom). */
function buildSystem(name: CatalogueName, drawn: object): Hamiltonian {
  if (name === 'nBody') return nBody(drawn as NBodyOptions);
  const { dim, ...parameters } = drawn as { dim?: number };
  const make: (options: CatalogueOptions<object>) => Hamiltonian = SYSTEMS[name];
  return make({ parameters, dim });
}

/** A system's arbitrary: its parameters drawn, the system built and tagged with them. */
function systemArbitrary(name: CatalogueName): fc.Arbitrary<Hamiltonian> {
  return (PARAMETERS[name]() as fc.Arbitrary<object>).map((drawn) => tagged(buildSystem(name, drawn), drawn));
}

/** Every catalogue system `arbitrarySystem` draws from: the separable ones first, as `arbitrarySeparableSystem` draws. */
const separableNames = (Object.keys(PARAMETERS) as CatalogueName[]).filter(
  (name): name is SeparableCatalogueName => name === 'nBody' || SYSTEMS[name]().kind === 'separable',
);

/** Every catalogue system `arbitrarySystem` draws from: the separable ones, then the others. */
export const catalogueNames: readonly CatalogueName[] = Object.freeze([
  ...separableNames,
  ...(Object.keys(PARAMETERS) as CatalogueName[]).filter((name) => !(separableNames as string[]).includes(name)),
]);

/** Options of `arbitrarySystem` and `arbitrarySeparableSystem`. */
export interface ArbitrarySystemOptions<N extends string> {
  /** Draw only from these systems (default: all). */
  readonly only?: readonly N[];
}

function pick<N extends CatalogueName>(operation: string, known: readonly N[], only: readonly N[] | undefined) {
  const names: readonly N[] = only ?? known;
  const valid = Array.isArray(names) && names.length > 0 && names.every((n) => known.includes(n));
  if (!valid)
    throw new InvalidArgumentError(`${operation}: only`, `a non-empty list of names from ${known.join(', ')}`, names);
  return fc.oneof(...names.map(systemArbitrary));
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
  return pick('arbitrarySeparableSystem', separableNames, options.only) as fc.Arbitrary<SeparableHamiltonian>;
}

/** Any system of the catalogue (the separable ones and the double pendulum), with random valid parameters. */
export function arbitrarySystem(options: ArbitrarySystemOptions<CatalogueName> = {}): fc.Arbitrary<Hamiltonian> {
  return pick('arbitrarySystem', catalogueNames, options.only);
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
