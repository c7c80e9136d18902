import type { Hamiltonian } from '../Hamiltonian.js';
import { type DoublePendulumOptions, doublePendulum } from './doublePendulum.js';
import { type FputOptions, fput } from './fput.js';
import { type HenonHeilesOptions, henonHeiles } from './henonHeiles.js';
import { type KeplerOptions, kepler } from './kepler.js';
import { type MassSpringOptions, massSpring } from './massSpring.js';
import { type FewBodyOptions, threeBody, twoBody } from './nBody.js';
import { type PendulumOptions, pendulum } from './pendulum.js';

/** The size of a catalogue system whose number of degrees of freedom is free (the FPUT chain's n; default 8). */
export interface CatalogueSize {
  readonly dim?: number;
}

/**
 * What builds a catalogue system: its size (where that is free) and its physical parameters, the
 * options of its constructor but the variant (which the name fixes) and the size; each absent
 * parameter takes its default.
 */
export interface CatalogueOptions<P extends object> extends CatalogueSize {
  readonly parameters?: P;
}

/** The physical parameters of a mass-spring or pendulum variant that has any ('hnnCode' has none). */
type Physical<O extends { readonly variant?: unknown }> = Omit<O, 'variant'>;

/**
 * The catalogue as data, beside the integrators' `METHODS`: every system by its `name`, built with
 * its default parameters unless given others (the paper's variants by their own names). What the
 * command line lists, what the property tests' arbitraries draw from, and what code that runs over
 * "every system" iterates.
 */
export const SYSTEMS = Object.freeze({
  massSpring: (o: CatalogueOptions<Physical<MassSpringOptions>> = {}) => massSpring(o.parameters),
  'massSpring:hnnPaper': (o: CatalogueOptions<Physical<MassSpringOptions>> = {}) =>
    massSpring({ ...o.parameters, variant: 'hnnPaper' }),
  'massSpring:hnnCode': (_size: CatalogueSize = {}) => massSpring({ variant: 'hnnCode' }),
  pendulum: (o: CatalogueOptions<Physical<PendulumOptions>> = {}) => pendulum(o.parameters),
  'pendulum:hnnPaper': (o: CatalogueOptions<Physical<PendulumOptions>> = {}) =>
    pendulum({ ...o.parameters, variant: 'hnnPaper' }),
  'pendulum:hnnCode': (_size: CatalogueSize = {}) => pendulum({ variant: 'hnnCode' }),
  kepler: (o: CatalogueOptions<KeplerOptions> = {}) => kepler(o.parameters),
  twoBody: (o: CatalogueOptions<FewBodyOptions> = {}) => twoBody(o.parameters),
  threeBody: (o: CatalogueOptions<FewBodyOptions> = {}) => threeBody(o.parameters),
  henonHeiles: (o: CatalogueOptions<HenonHeilesOptions> = {}) => henonHeiles(o.parameters),
  fput: (o: CatalogueOptions<Omit<FputOptions, 'n'>> = {}) => fput({ ...o.parameters, n: o.dim ?? 8 }),
  doublePendulum: (o: CatalogueOptions<DoublePendulumOptions> = {}) => doublePendulum(o.parameters),
} satisfies Record<string, (options?: CatalogueOptions<object>) => Hamiltonian>);

/** A catalogue system's name, as its `name` reads. */
export type SystemName = keyof typeof SYSTEMS;

/** Every name of `SYSTEMS`. */
export const SYSTEM_NAMES: readonly SystemName[] = Object.freeze(Object.keys(SYSTEMS) as SystemName[]);
