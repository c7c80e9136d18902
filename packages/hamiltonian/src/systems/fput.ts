import { type Value, add, mul, pad, square, sub, sum } from '@liouville/ad';
import { separable } from '../build.js';
import { separableGradient, withGradient } from './gradient.js';
import type { SeparableHamiltonian } from '../Hamiltonian.js';
import { lastAxisBlock } from './coordinates.js';
import { type Parameter, parameterNumbers, quotient } from './parameters.js';
import { finiteParameter, integerParam, optionsObject, positiveParameter } from './validate.js';

/** Options of `fput`. */
export interface FputOptions {
  /** Number of moving particles n ≥ 1 (the system's dim). */
  readonly n: number;
  /** Cubic (α-model) coupling, any finite number (default 0); a number or a scalar value of @liouville/ad. */
  readonly alpha?: Parameter;
  /** Quartic (β-model) coupling, any finite number (default 0); a number or a scalar value. */
  readonly beta?: Parameter;
  /** Linear spring stiffness k > 0 (default 1); a number or a scalar value. */
  readonly k?: Parameter;
}

/**
 * The Fermi–Pasta–Ulam–Tsingou chain: n unit masses joined by nonlinear springs, ends fixed
 * (q₀ = q_{n+1} = 0), dim n:
 *   H = Σᵢ pᵢ²/2 + Σ_{i=0}^{n} [½k(q_{i+1} − qᵢ)² + α/3 (q_{i+1} − qᵢ)³ + β/4 (q_{i+1} − qᵢ)⁴]
 * (E. Fermi, J. Pasta & S. Ulam, "Studies of nonlinear problems", Los Alamos report LA-1940,
 * 1955; T. Dauxois, Physics Today 61(1), 55, 2008). With α = β = 0 its normal modes
 * sin(ijπ/(n+1)) have frequencies 2√k sin(jπ/(2(n+1))).
 */
export function fput(options: FputOptions): SeparableHamiltonian {
  const opts = optionsObject('fput', options);
  const n = integerParam('fput', 'n', opts.n, 1);
  const alpha = finiteParameter('fput', 'alpha', opts.alpha ?? 0);
  const beta = finiteParameter('fput', 'beta', opts.beta ?? 0);
  const k = positiveParameter('fput', 'k', opts.k ?? 1);
  const [halfK, alphaThird, betaQuarter] = [quotient(k, 2), quotient(alpha, 3), quotient(beta, 4)];
  const system = separable({
    name: 'fput',
    dim: n,
    T: (p: Value) => mul(0.5, sum(square(p), -1)),
    V: (q: Value) => {
      const d = extensions(q, n);
      const d2 = square(d);
      const energy = add(add(mul(halfK, d2), mul(alphaThird, mul(d2, d))), mul(betaQuarter, square(d2)));
      return sum(energy, -1);
    },
    params: { n, ...parameterNumbers({ alpha, beta, k }) },
  });
  // Spring i pulls with F(dᵢ) = k dᵢ + α dᵢ² + β dᵢ³, so ∂V/∂qᵢ = F(d_{i−1}) − F(dᵢ); ∂T/∂p = p.
  const gradient = separableGradient(
    (q) => {
      const d = extensions(q, n);
      const force = mul(d, add(add(k, mul(alpha, d)), mul(beta, square(d))));
      return sub(lastAxisBlock(force, 0, n), lastAxisBlock(force, 1, n + 1));
    },
    (p) => p,
  );
  return withGradient(system, gradient);
}

/** The n + 1 spring extensions dᵢ = q_{i+1} − qᵢ, i = 0 … n, with the fixed ends q₀ = q_{n+1} = 0. */
function extensions(q: Value, n: number): Value {
  const lead = q.shape.slice(0, -1);
  const padded = pad(q, [...lead, n + 2], [...lead.map(() => 0), 1]);
  return sub(lastAxisBlock(padded, 1, n + 2), lastAxisBlock(padded, 0, n + 1));
}
