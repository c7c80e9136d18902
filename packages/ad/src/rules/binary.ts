import * as L from '@liouville/linalg';
import { div, log, mul, mulAdd, neg, pow, sub, sumToShape } from '../ops.js';
import type { BinaryPrimitive, JvpArgs, RuleTable } from '../primitives.js';
import type { Value } from '../Tracer.js';
import { addTangents, fitTangent } from './fit.js';

/**
 * Forward rule of a broadcasting binary op from its two partial derivatives' products:
 * ẏ = ∂f/∂a·ȧ + ∂f/∂b·ḃ, each tangent first expanded past the direction axis, then fitted to
 * the output's full tangent shape.
 */
function jvpFrom(
  { tangents: [ta, tb], out, layout }: JvpArgs<BinaryPrimitive>,
  partA: (ta: Value) => Value,
  partB: (tb: Value) => Value,
): Value | null {
  const rank = out.shape.length;
  const termA = ta === null ? null : partA(layout.expand(ta, rank));
  const termB = tb === null ? null : partB(layout.expand(tb, rank));
  const total = addTangents(termA, termB);
  return total === null ? null : fitTangent(layout, total, out.shape);
}

export const binaryRules: RuleTable<BinaryPrimitive> = {
  // ∂(a + b) = ȧ + ḃ; reverse: ȳ summed down to each operand's shape (the adjoint of broadcasting)
  add: {
    evaluate: ([a, b]) => L.add(a, b),
    jvp: (args) =>
      jvpFrom(
        args,
        (t) => t,
        (t) => t,
      ),
    vjp: ({ cotangent, primals: [a, b], wanted }) => [
      wanted[0] ? sumToShape(cotangent, a.shape) : null,
      wanted[1] ? sumToShape(cotangent, b.shape) : null,
    ],
  },
  // ∂(a − b) = ȧ − ḃ
  sub: {
    evaluate: ([a, b]) => L.sub(a, b),
    jvp: (args) =>
      jvpFrom(
        args,
        (t) => t,
        (t) => neg(t),
      ),
    vjp: ({ cotangent, primals: [a, b], wanted }) => [
      wanted[0] ? sumToShape(cotangent, a.shape) : null,
      wanted[1] ? sumToShape(neg(cotangent), b.shape) : null,
    ],
  },
  // ∂(a·b) = ȧ·b + a·ḃ
  mul: {
    evaluate: ([a, b]) => L.mul(a, b),
    // Both tangents present: one fused pass ȧ·b + a·ḃ instead of two products and a sum.
    jvp: (args) => {
      const [ta, tb] = args.tangents;
      if (ta === null || tb === null) {
        return jvpFrom(
          args,
          (t) => mul(t, args.primals[1]),
          (t) => mul(args.primals[0], t),
        );
      }
      const { layout, out, primals } = args;
      const rank = out.shape.length;
      const product = mulAdd(layout.expand(ta, rank), primals[1], primals[0], layout.expand(tb, rank));
      return fitTangent(layout, product, out.shape);
    },
    vjp: ({ cotangent, primals: [a, b], wanted }) => [
      wanted[0] ? sumToShape(mul(cotangent, b), a.shape) : null,
      wanted[1] ? sumToShape(mul(cotangent, a), b.shape) : null,
    ],

    scalesCotangent: true,
  },
  // ∂(a/b) = ȧ/b − (a/b)·ḃ/b
  div: {
    evaluate: ([a, b]) => L.div(a, b),
    jvp: (args) =>
      jvpFrom(
        args,
        (t) => div(t, args.primals[1]),
        (t) => neg(div(mul(args.out, t), args.primals[1])),
      ),
    vjp: ({ cotangent, primals: [a, b], out, wanted }) => [
      wanted[0] ? sumToShape(div(cotangent, b), a.shape) : null,
      wanted[1] ? sumToShape(neg(div(mul(cotangent, out), b)), b.shape) : null,
    ],

    scalesCotangent: true,
  },
  // ∂(aᵇ) = b·aᵇ⁻¹·ȧ + aᵇ·log(a)·ḃ (the log term only when the exponent is being differentiated)
  pow: {
    evaluate: ([a, b]) => L.pow(a, b),
    jvp: (args) =>
      jvpFrom(
        args,
        (t) => mul(t, mul(args.primals[1], pow(args.primals[0], sub(args.primals[1], 1)))),
        (t) => mul(t, mul(args.out, log(args.primals[0]))),
      ),
    vjp: ({ cotangent, primals: [a, b], out, wanted }) => [
      wanted[0] ? sumToShape(mul(cotangent, mul(b, pow(a, sub(b, 1)))), a.shape) : null,
      wanted[1] ? sumToShape(mul(cotangent, mul(out, log(a))), b.shape) : null,
    ],
  },
};
