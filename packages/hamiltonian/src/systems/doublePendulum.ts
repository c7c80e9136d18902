import { type Value, add, cos, div, mul, neg, sin, square, stack, sub } from '@liouville/ad';
import { general } from '../build.js';
import type { GeneralHamiltonian, GradientFn } from '../Hamiltonian.js';
import { component } from './coordinates.js';
import { withGradient } from './gradient.js';
import { optionsObject, positiveParam } from './validate.js';

/** Options of `doublePendulum`: bob masses and rod lengths (each > 0, default 1) and gravity g > 0 (default 1). */
export interface DoublePendulumOptions {
  readonly m1?: number;
  readonly m2?: number;
  readonly l1?: number;
  readonly l2?: number;
  readonly g?: number;
}

/**
 * The planar double pendulum with point masses on massless rods, q = (θ₁, θ₂) the angles from
 * the downward vertical and p the canonical momenta (dim 2, NOT separable). Its Lagrangian
 *   L = ½(m₁ + m₂)l₁²θ̇₁² + ½m₂l₂²θ̇₂² + m₂l₁l₂θ̇₁θ̇₂cos(θ₁ − θ₂) − V(θ)
 * has mass matrix M(θ) = [[(m₁ + m₂)l₁², m₂l₁l₂cos Δ], [m₂l₁l₂cos Δ, m₂l₂²]], Δ = θ₁ − θ₂, and
 * the Legendre transform H = ½pᵀM(θ)⁻¹p + V(θ) gives
 *   H = [m₂l₂²p₁² + (m₁ + m₂)l₁²p₂² − 2m₂l₁l₂p₁p₂cos Δ] / [2m₂l₁²l₂²(m₁ + m₂sin²Δ)]
 *       + (m₁ + m₂)gl₁(1 − cos θ₁) + m₂gl₂(1 − cos θ₂)
 * (T. Stachowiak & T. Okada, "A numerical analysis of chaos in the double pendulum", Chaos,
 * Solitons & Fractals 29, 417–422, 2006). The potential is zero at rest, hanging down.
 */
export function doublePendulum(options?: DoublePendulumOptions): GeneralHamiltonian {
  const opts = optionsObject('doublePendulum', options);
  const param = (key: keyof DoublePendulumOptions) => positiveParam('doublePendulum', key, opts[key] ?? 1);
  const [m1, m2, l1, l2, g] = [param('m1'), param('m2'), param('l1'), param('l2'), param('g')];
  const system = general({
    name: 'doublePendulum',
    dim: 2,
    H: (q: Value, p: Value) => {
      const [q1, q2, p1, p2] = [component(q, 0), component(q, 1), component(p, 0), component(p, 1)];
      const delta = sub(q1, q2);
      const numerator = add(
        add(mul(m2 * l2 * l2, square(p1)), mul((m1 + m2) * l1 * l1, square(p2))),
        mul(-2 * m2 * l1 * l2, mul(mul(p1, p2), cos(delta))),
      );
      const denominator = mul(2 * m2 * l1 * l1 * l2 * l2, add(m1, mul(m2, square(sin(delta)))));
      const potential = add(mul((m1 + m2) * g * l1, sub(1, cos(q1))), mul(m2 * g * l2, sub(1, cos(q2))));
      return add(div(numerator, denominator), potential);
    },
    params: { m1, m2, l1, l2, g },
  });
  return withGradient(system, doublePendulumGradient(m1, m2, l1, l2, g));
}

/**
 * The analytic gradient of the double pendulum's H = N/D + V (see `doublePendulum`), with
 * Δ = θ₁ − θ₂: the kinetic part depends on the angles only through Δ, by the quotient rule
 * ∂(N/D)/∂Δ = (N′D − ND′)/D² with N′ = 2m₂l₁l₂p₁p₂ sin Δ and D′ = 4m₂²l₁²l₂² sin Δ cos Δ;
 * ∂H/∂p₁ = 2(m₂l₂²p₁ − m₂l₁l₂p₂ cos Δ)/D and ∂H/∂p₂ = 2((m₁ + m₂)l₁²p₂ − m₂l₁l₂p₁ cos Δ)/D.
 */
function doublePendulumGradient(m1: number, m2: number, l1: number, l2: number, g: number): GradientFn {
  return (q: Value, p: Value) => {
    const [q1, q2, p1, p2] = [component(q, 0), component(q, 1), component(p, 0), component(p, 1)];
    const delta = sub(q1, q2);
    const [c, s] = [cos(delta), sin(delta)];
    const numerator = add(
      add(mul(m2 * l2 * l2, square(p1)), mul((m1 + m2) * l1 * l1, square(p2))),
      mul(-2 * m2 * l1 * l2, mul(mul(p1, p2), c)),
    );
    const denominator = mul(2 * m2 * l1 * l1 * l2 * l2, add(m1, mul(m2, square(s))));
    const dNumerator = mul(2 * m2 * l1 * l2, mul(mul(p1, p2), s));
    const dDenominator = mul(4 * m2 * m2 * l1 * l1 * l2 * l2, mul(s, c));
    const dKinetic = div(sub(mul(dNumerator, denominator), mul(numerator, dDenominator)), square(denominator));
    const dHdq = stack(
      [add(dKinetic, mul((m1 + m2) * g * l1, sin(q1))), add(neg(dKinetic), mul(m2 * g * l2, sin(q2)))],
      -1,
    );
    const dHdp1 = sub(mul(2 * m2 * l2 * l2, p1), mul(2 * m2 * l1 * l2, mul(p2, c)));
    const dHdp2 = sub(mul(2 * (m1 + m2) * l1 * l1, p2), mul(2 * m2 * l1 * l2, mul(p1, c)));
    return { dHdq, dHdp: stack([div(dHdp1, denominator), div(dHdp2, denominator)], -1) };
  };
}
