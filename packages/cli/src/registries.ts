import { type Hamiltonian, SYSTEMS, SYSTEM_NAMES as CATALOGUE_NAMES, type SystemName } from '@liouville/hamiltonian';
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

/** Every system name `simulate --system` accepts. */
export const SYSTEM_NAMES: readonly string[] = CATALOGUE_NAMES;

/** A catalogue system by name with its default parameters; `dim` sizes the FPUT chain. */
export function systemByName(name: string, dim: number): Hamiltonian {
  if (!(SYSTEM_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown system '${name}' (expected ${SYSTEM_NAMES.join(', ')})`);
  }
  return SYSTEMS[name as SystemName]({ dim });
}
