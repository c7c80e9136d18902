import * as L from '@liouville/linalg';
import type { Tensor } from '@liouville/linalg';
import { add, cos, div, heaviside, mul, neg, sigmoid, sign, sin, sub } from '../ops.js';
import type { Rule, RuleTable, UnaryPrimitive } from '../primitives.js';
import type { Value } from '../Tracer.js';

/**
 * The derivative f'(x) of an elementwise function, given x and the output y = f(x), written with
 * the differentiable functions so it can be differentiated again; null when f' ≡ 0.
 */
type Derivative = ((x: Value, y: Value) => Value) | null;

/** One unary rule from its evaluation and derivative: jvp = f'(x)·ẋ, vjp = f'(x)·ȳ. */
function unaryRule<P extends UnaryPrimitive>(evaluate: (x: Tensor) => Tensor, derivative: Derivative): Rule<P> {
  return {
    evaluate: ([x]) => evaluate(x),
    jvp: ({ primals: [x], tangents: [t], out }) =>
      derivative === null || t === null ? null : mul(t, derivative(x, out)),
    vjp: ({ cotangent, primals: [x], out }) => [derivative === null ? null : mul(cotangent, derivative(x, out))],
    scalesCotangent: derivative !== null,
  };
}

export const unaryRules: RuleTable<UnaryPrimitive> = {
  // d(−x) = −1
  neg: {
    evaluate: ([x]) => L.neg(x),
    jvp: ({ tangents: [t] }) => (t === null ? null : neg(t)),
    vjp: ({ cotangent }) => [neg(cotangent)],
  },
  // d eˣ = eˣ
  exp: unaryRule(L.exp, (_x, y) => y),
  // d (eˣ − 1) = eˣ = y + 1
  expm1: unaryRule(L.expm1, (_x, y) => add(y, 1)),
  // d log x = 1/x
  log: unaryRule(L.log, (x) => div(1, x)),
  // d log(1 + x) = 1/(1 + x)
  log1p: unaryRule(L.log1p, (x) => div(1, add(1, x))),
  // d √x = 1/(2√x)
  sqrt: unaryRule(L.sqrt, (_x, y) => div(0.5, y)),
  // d x² = 2x
  square: unaryRule(L.square, (x) => mul(2, x)),
  // d sin x = cos x
  sin: unaryRule(L.sin, (x) => cos(x)),
  // d cos x = −sin x
  cos: unaryRule(L.cos, (x) => neg(sin(x))),
  // d tanh x = 1 − tanh² x
  tanh: unaryRule(L.tanh, (_x, y) => sub(1, mul(y, y))),
  // d |x| = sign x (0 at 0: the subgradient JAX and PyTorch choose)
  abs: unaryRule(L.abs, (x) => sign(x)),
  // d sign x = 0 almost everywhere
  sign: unaryRule(L.sign, null),
  // d σ(x) = σ(x)(1 − σ(x))
  sigmoid: unaryRule(L.sigmoid, (_x, y) => mul(y, sub(1, y))),
  // d log(1 + eˣ) = σ(x)
  softplus: unaryRule(L.softplus, (x) => sigmoid(x)),
  // d max(x, 0) = H(x), the Heaviside step (a constant mask: its own derivative is 0)
  relu: unaryRule(L.relu, (x) => heaviside(x)),
  // d H(x) = 0 almost everywhere
  heaviside: unaryRule(L.heaviside, null),
};
