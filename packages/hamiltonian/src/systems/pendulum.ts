import { type Value, cos, mul, sin, square, sub, sum } from '@liouville/ad';
import { InvalidArgumentError } from '@liouville/linalg';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { SeparableHamiltonian } from '../Hamiltonian.js';
import { type Parameter, parameterNumbers, product, quotient } from './parameters.js';
import { optionsObject, positiveParameter, variantParam } from './validate.js';

/**
 * Which pendulum Hamiltonian: 'standard' (the textbook one), or one of the two versions in the
 * Hamiltonian Neural Networks work (Greydanus, Dzamba & Yosinski, NeurIPS 2019,
 * arXiv:1906.01563): 'hnnPaper' (the paper's formula, §4 task 2) or 'hnnCode' (what the
 * reference code greydanus/hamiltonian-nn, experiment-pend/data.py, actually integrates).
 */
export type PendulumVariant = 'standard' | 'hnnPaper' | 'hnnCode';

/** Options of `pendulum`. */
export interface PendulumOptions {
  /** Bob mass m > 0 (default 1): a number, or a scalar value of @liouville/ad to differentiate with respect to. */
  readonly m?: Parameter;
  /** Rod length l > 0 (default 1); a number or a scalar value. */
  readonly l?: Parameter;
  /** Gravitational acceleration g > 0 (default 1; 3 for 'hnnPaper', the paper's setting); a number or a scalar value. */
  readonly g?: Parameter;
  /** Default 'standard'. */
  readonly variant?: PendulumVariant;
}

const VARIANTS: readonly PendulumVariant[] = ['standard', 'hnnPaper', 'hnnCode'];

/**
 * The ideal (mathematical) pendulum, q the angle from the downward vertical (dim 1):
 * - 'standard': H = p²/(2ml²) + mgl(1 − cos q), p = ml²q̇ (Hairer, Lubich & Wanner, Geometric
 *   Numerical Integration, 2nd ed., 2006, §I.1);
 * - 'hnnPaper': H = 2mgl(1 − cos q) + l²p²/(2m), as printed in the HNN paper, defaults
 *   m = l = 1, g = 3 (the paper's settings);
 * - 'hnnCode': H = 3(1 − cos q) + p², fixed, the reference code's choice (the same as
 *   'standard' with m = ½, l = 1, g = 6).
 */
export function pendulum(options?: PendulumOptions): SeparableHamiltonian {
  const opts = optionsObject('pendulum', options);
  const variant = variantParam('pendulum', opts.variant ?? 'standard', VARIANTS);
  if (variant === 'hnnCode') return hnnCodePendulum(opts);
  const name = variant === 'standard' ? 'pendulum' : 'pendulum:hnnPaper';
  const m = positiveParameter(name, 'm', opts.m ?? 1);
  const l = positiveParameter(name, 'l', opts.l ?? 1);
  const g = positiveParameter(name, 'g', opts.g ?? (variant === 'hnnPaper' ? 3 : 1));
  // standard: T = p²/(2ml²), V = mgl(1 − cos q); the paper: T = l²p²/(2m), V = 2mgl(1 − cos q).
  const kinetic = variant === 'standard' ? quotient(1, product(2, m, l, l)) : quotient(product(l, l), product(2, m));
  const height = variant === 'standard' ? product(m, g, l) : product(2, m, g, l);
  const system = separable({
    name,
    dim: 1,
    T: (p: Value) => mul(kinetic, sum(square(p), -1)),
    V: (q: Value) => mul(height, sum(sub(1, cos(q)), -1)),
    params: parameterNumbers({ m, l, g }),
  });
  // ∂V/∂q = height·sin q, ∂T/∂p = 2·kinetic·p.
  const twiceKinetic = product(2, kinetic);
  return withGradient(
    system,
    separableGradient(
      (q) => mul(height, sin(q)),
      (p) => mul(twiceKinetic, p),
    ),
  );
}

/** H = 3(1 − cos q) + p² of the reference code: it has no parameters. */
function hnnCodePendulum(opts: PendulumOptions): SeparableHamiltonian {
  for (const key of ['m', 'l', 'g'] as const) {
    if (opts[key] !== undefined) {
      throw new InvalidArgumentError(
        `pendulum:hnnCode: ${key}`,
        "no parameter (the reference code fixes H = 3(1 − cos q) + p²; use variant 'standard' to choose m, l, g)",
        opts[key],
      );
    }
  }
  const system = separable({
    name: 'pendulum:hnnCode',
    dim: 1,
    T: (p: Value) => sum(square(p), -1),
    V: (q: Value) => mul(3, sum(sub(1, cos(q)), -1)),
  });
  // ∂V/∂q = 3 sin q, ∂T/∂p = 2p.
  return withGradient(
    system,
    separableGradient(
      (q) => mul(3, sin(q)),
      (p) => mul(2, p),
    ),
  );
}
