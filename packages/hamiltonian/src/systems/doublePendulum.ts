import { type Value, add, cos, div, mul, neg, sin, square, stack, sub } from '@liouville/ad';
import { general } from '../build.js';
import type { GeneralHamiltonian, GradientFn } from '../Hamiltonian.js';
import { component } from './coordinates.js';
import { withGradient } from './gradient.js';
import { type Parameter, parameterNumbers, product, total } from './parameters.js';
import { optionsObject, positiveParameter } from './validate.js';

/**
 * Options of `doublePendulum`: bob masses and rod lengths (each > 0, default 1) and gravity g > 0
 * (default 1), each a number or a scalar value of @liouville/ad.
 */
export interface DoublePendulumOptions {
  readonly m1?: Parameter;
  readonly m2?: Parameter;
  readonly l1?: Parameter;
  readonly l2?: Parameter;
  readonly g?: Parameter;
}

/** The constant coefficients of the double pendulum's H, products of its parameters computed once. */
interface Coefficients {
  /** m₂l₂², (m₁ + m₂)l₁², −2m₂l₁l₂: the numerator's terms. */
  readonly p1p1: Parameter;
  readonly p2p2: Parameter;
  readonly p1p2: Parameter;
  /** 2m₂l₁²l₂², m₁, m₂: the denominator 2m₂l₁²l₂²(m₁ + m₂ sin²Δ). */
  readonly scale: Parameter;
  readonly m1: Parameter;
  readonly m2: Parameter;
  /** (m₁ + m₂)gl₁ and m₂gl₂: the heights of the potential. */
  readonly height1: Parameter;
  readonly height2: Parameter;
  /** 4m₂²l₁²l₂²: D′ = 4m₂²l₁²l₂² sin Δ cos Δ. */
  readonly dDenominator: Parameter;
}

function coefficients(m1: Parameter, m2: Parameter, l1: Parameter, l2: Parameter, g: Parameter): Coefficients {
  const both = total(m1, m2);
  return {
    p1p1: product(m2, l2, l2),
    p2p2: product(both, l1, l1),
    p1p2: product(-2, m2, l1, l2),
    scale: product(2, m2, l1, l1, l2, l2),
    m1,
    m2,
    height1: product(both, g, l1),
    height2: product(m2, g, l2),
    dDenominator: product(4, m2, m2, l1, l1, l2, l2),
  };
}

/** The numerator N and denominator D of the kinetic energy N/D at the angle difference Δ (cos Δ = c, sin Δ = s). */
function kineticParts(
  k: Coefficients,
  p1: Value,
  p2: Value,
  c: Value,
  s: Value,
): { numerator: Value; denominator: Value } {
  const numerator = add(add(mul(k.p1p1, square(p1)), mul(k.p2p2, square(p2))), mul(k.p1p2, mul(mul(p1, p2), c)));
  const denominator = mul(k.scale, add(k.m1, mul(k.m2, square(s))));
  return { numerator, denominator };
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
  const param = (key: keyof DoublePendulumOptions) => positiveParameter('doublePendulum', key, opts[key] ?? 1);
  const [m1, m2, l1, l2, g] = [param('m1'), param('m2'), param('l1'), param('l2'), param('g')];
  const k = coefficients(m1, m2, l1, l2, g);
  const system = general({
    name: 'doublePendulum',
    dim: 2,
    H: (q: Value, p: Value) => {
      const [q1, q2, p1, p2] = [component(q, 0), component(q, 1), component(p, 0), component(p, 1)];
      const delta = sub(q1, q2);
      const { numerator, denominator } = kineticParts(k, p1, p2, cos(delta), sin(delta));
      const potential = add(mul(k.height1, sub(1, cos(q1))), mul(k.height2, sub(1, cos(q2))));
      return add(div(numerator, denominator), potential);
    },
    params: parameterNumbers({ m1, m2, l1, l2, g }),
  });
  return withGradient(system, doublePendulumGradient(k));
}

/**
 * The analytic gradient of the double pendulum's H = N/D + V (see `doublePendulum`), with
 * Δ = θ₁ − θ₂: the kinetic part depends on the angles only through Δ, by the quotient rule
 * ∂(N/D)/∂Δ = (N′D − ND′)/D² with N′ = 2m₂l₁l₂p₁p₂ sin Δ and D′ = 4m₂²l₁²l₂² sin Δ cos Δ;
 * ∂H/∂p₁ = 2(m₂l₂²p₁ − m₂l₁l₂p₂ cos Δ)/D and ∂H/∂p₂ = 2((m₁ + m₂)l₁²p₂ − m₂l₁l₂p₁ cos Δ)/D.
 */
function doublePendulumGradient(k: Coefficients): GradientFn {
  // N′ = −p1p2·p₁p₂ sin Δ = 2m₂l₁l₂p₁p₂ sin Δ; ∂N/∂p₁ = 2·p1p1·p₁ + p1p2·p₂ cos Δ, ∂N/∂p₂ alike.
  const dN = product(-1, k.p1p2);
  const [twiceP1p1, twiceP2p2] = [product(2, k.p1p1), product(2, k.p2p2)];
  return (q: Value, p: Value) => {
    const [q1, q2, p1, p2] = [component(q, 0), component(q, 1), component(p, 0), component(p, 1)];
    const delta = sub(q1, q2);
    const [c, s] = [cos(delta), sin(delta)];
    const { numerator, denominator } = kineticParts(k, p1, p2, c, s);
    const dNumerator = mul(dN, mul(mul(p1, p2), s));
    const dDenominator = mul(k.dDenominator, mul(s, c));
    const dKinetic = div(sub(mul(dNumerator, denominator), mul(numerator, dDenominator)), square(denominator));
    const dHdq = stack([add(dKinetic, mul(k.height1, sin(q1))), add(neg(dKinetic), mul(k.height2, sin(q2)))], -1);
    const dHdp1 = add(mul(twiceP1p1, p1), mul(k.p1p2, mul(p2, c)));
    const dHdp2 = add(mul(twiceP2p2, p2), mul(k.p1p2, mul(p1, c)));
    return { dHdq, dHdp: stack([div(dHdp1, denominator), div(dHdp2, denominator)], -1) };
  };
}
