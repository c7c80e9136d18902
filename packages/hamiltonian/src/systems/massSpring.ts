import { type Value, div, mul, square, sum } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { SeparableHamiltonian } from '../Hamiltonian.js';
import { type Parameter, parameterNumbers, product, quotient } from './parameters.js';
import { optionsObject, positiveParameter, variantParam } from './validate.js';

/**
 * Which mass-spring Hamiltonian: 'standard' (the textbook one), or one of the two versions in
 * the Hamiltonian Neural Networks work (Greydanus, Dzamba & Yosinski, NeurIPS 2019,
 * arXiv:1906.01563): 'hnnPaper' (the paper's formula, §4 task 1) or 'hnnCode' (what the
 * reference code greydanus/hamiltonian-nn, experiment-spring/data.py, actually integrates).
 */
export type MassSpringVariant = 'standard' | 'hnnPaper' | 'hnnCode';

/** Options of `massSpring`. */
export interface MassSpringOptions {
  /** Spring stiffness k > 0 (default 1): a number or a scalar value of @liouville/ad. Not accepted by 'hnnCode'. */
  readonly k?: Parameter;
  /** Mass m > 0 (default 1): a number or a scalar value. Not accepted by 'hnnCode'. */
  readonly m?: Parameter;
  /** Default 'standard'. */
  readonly variant?: MassSpringVariant;
}

const VARIANTS: readonly MassSpringVariant[] = ['standard', 'hnnPaper', 'hnnCode'];

/**
 * The one-dimensional harmonic oscillator, a mass on an ideal spring (dim 1):
 * - 'standard' and 'hnnPaper': H = p²/(2m) + k q²/2 (Goldstein, Poole & Safko, Classical
 *   Mechanics, 3rd ed., 2002, ch. 8; the HNN paper's task 1 uses this with k = m = 1);
 * - 'hnnCode': H = q² + p², fixed, the reference code's choice: the same dynamics as
 *   k = 2, m = ½ (twice the paper's energy, and a period of π instead of 2π).
 */
export function massSpring(options?: MassSpringOptions): SeparableHamiltonian {
  const opts = optionsObject('massSpring', options);
  const variant = variantParam('massSpring', opts.variant ?? 'standard', VARIANTS);
  if (variant === 'hnnCode') return hnnCodeSpring(opts);
  const name = variant === 'standard' ? 'massSpring' : 'massSpring:hnnPaper';
  const k = positiveParameter(name, 'k', opts.k ?? 1);
  const m = positiveParameter(name, 'm', opts.m ?? 1);
  const [twiceMass, halfStiffness] = [product(2, m), quotient(k, 2)];
  const system = separable({
    name,
    dim: 1,
    T: (p: Value) => div(sum(square(p), -1), twiceMass),
    V: (q: Value) => mul(halfStiffness, sum(square(q), -1)),
    params: parameterNumbers({ k, m }),
  });
  // ∂V/∂q = k q, ∂T/∂p = p/m.
  return withGradient(
    system,
    separableGradient(
      (q) => mul(k, q),
      (p) => div(p, m),
    ),
  );
}

/** H = q² + p² of the reference code: it has no parameters, so passing k or m is an error. */
function hnnCodeSpring(opts: MassSpringOptions): SeparableHamiltonian {
  for (const key of ['k', 'm'] as const) {
    if (opts[key] !== undefined) {
      throw new InvalidArgumentError(
        `massSpring:hnnCode: ${key}`,
        "no parameter (the reference code fixes H = q² + p²; use variant 'standard' with k = 2, m = 0.5 to scale it)",
        opts[key],
      );
    }
  }
  const system = separable({
    name: 'massSpring:hnnCode',
    dim: 1,
    T: (p: Value) => sum(square(p), -1),
    V: (q: Value) => sum(square(q), -1),
  });
  // ∂V/∂q = 2q, ∂T/∂p = 2p.
  return withGradient(
    system,
    separableGradient(
      (q) => mul(2, q),
      (p) => mul(2, p),
    ),
  );
}
