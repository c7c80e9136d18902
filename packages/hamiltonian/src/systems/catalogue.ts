import type { Hamiltonian } from '../Hamiltonian.js';
import { doublePendulum } from './doublePendulum.js';
import { fput } from './fput.js';
import { henonHeiles } from './henonHeiles.js';
import { kepler } from './kepler.js';
import { massSpring } from './massSpring.js';
import { threeBody, twoBody } from './nBody.js';
import { pendulum } from './pendulum.js';

/** The size of a catalogue system whose number of degrees of freedom is free (the FPUT chain's n; default 8). */
export interface CatalogueSize {
  readonly dim?: number;
}

/**
 * The catalogue as data, beside the integrators' `METHODS`: every system by its `name`, built with
 * its default parameters (the paper's variants by their own names). What the command line lists,
 * and what code that runs over "every system" iterates.
 */
export const SYSTEMS = Object.freeze({
  massSpring: () => massSpring(),
  'massSpring:hnnPaper': () => massSpring({ variant: 'hnnPaper' }),
  'massSpring:hnnCode': () => massSpring({ variant: 'hnnCode' }),
  pendulum: () => pendulum(),
  'pendulum:hnnPaper': () => pendulum({ variant: 'hnnPaper' }),
  'pendulum:hnnCode': () => pendulum({ variant: 'hnnCode' }),
  kepler: () => kepler(),
  twoBody: () => twoBody(),
  threeBody: () => threeBody(),
  henonHeiles: () => henonHeiles(),
  doublePendulum: () => doublePendulum(),
  fput: (size: CatalogueSize = {}) => fput({ n: size.dim ?? 8 }),
} satisfies Record<string, (size?: CatalogueSize) => Hamiltonian>);

/** A catalogue system's name, as its `name` reads. */
export type SystemName = keyof typeof SYSTEMS;

/** Every name of `SYSTEMS`. */
export const SYSTEM_NAMES: readonly SystemName[] = Object.freeze(Object.keys(SYSTEMS) as SystemName[]);
