import {
  type Hamiltonian,
  doublePendulum,
  fput,
  henonHeiles,
  kepler,
  massSpring,
  pendulum,
  threeBody,
  twoBody,
} from '@liouville/hamiltonian';
import { METHODS, type Method } from '@liouville/integrators';
import { UsageError } from './errors.js';

/** The fixed-step methods of @liouville/integrators by name; 'dopri5' (adaptive) is handled apart. */
export const STEP_METHODS: Readonly<Record<string, Method>> = METHODS;

/** Every method name `simulate --method` accepts. */
export const METHOD_NAMES: readonly string[] = [...Object.keys(STEP_METHODS), 'dopri5'];

/** Checks a method name; returns the method, or 'dopri5'. */
export function methodByName(name: string): Method | 'dopri5' {
  if (name === 'dopri5') return 'dopri5';
  const method = STEP_METHODS[name];
  if (method === undefined) throw new UsageError(`unknown method '${name}' (expected ${METHOD_NAMES.join(', ')})`);
  return method;
}

/** Catalogue systems by command-line name; `dim` is the state's q length (fput takes it from --q0). */
const SYSTEMS: Readonly<Record<string, (dim: number) => Hamiltonian>> = {
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
  fput: (dim) => fput({ n: dim }),
};

/** Every system name `simulate --system` accepts. */
export const SYSTEM_NAMES: readonly string[] = Object.keys(SYSTEMS);

/** A catalogue system by name with its default parameters; `dim` sizes the FPUT chain. */
export function systemByName(name: string, dim: number): Hamiltonian {
  const make = SYSTEMS[name];
  if (make === undefined) throw new UsageError(`unknown system '${name}' (expected ${SYSTEM_NAMES.join(', ')})`);
  return make(dim);
}
