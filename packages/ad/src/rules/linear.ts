import * as L from '@liouville/linalg';
import { matmul, sumToShape, transposeLast2, where } from '../ops.js';
import type { RuleTable } from '../primitives.js';
import type { Value } from '../Tracer.js';
import { addTangents, fitTangent } from './fit.js';

type LinearPrimitive = 'matmul' | 'where' | 'stopGradient';

export const linearRules: RuleTable<LinearPrimitive> = {
  // ∂(A·B) = Ȧ·B + A·Ḃ; reverse: Ā = Ȳ·Bᵀ, B̄ = Aᵀ·Ȳ, each summed over broadcast batch axes
  matmul: {
    evaluate: ([a, b]) => L.matmul(a, b),
    jvp: ({ primals: [a, b], tangents: [ta, tb], out, layout }) => {
      const rank = out.shape.length;
      const termA = ta === null ? null : matmul(layout.expand(ta, rank), b);
      const termB = tb === null ? null : matmul(a, layout.expand(tb, rank));
      const total = addTangents(termA, termB);
      return total === null ? null : fitTangent(layout, total, out.shape);
    },
    vjp: ({ cotangent, primals: [a, b], wanted }) => [
      wanted[0] ? sumToShape(matmul(cotangent, transposeLast2(b)), a.shape) : null,
      wanted[1] ? sumToShape(matmul(transposeLast2(a), cotangent), b.shape) : null,
    ],
  },
  // ∂ where(c, a, b) = where(c, ȧ, ḃ); the condition is a mask, not differentiated
  where: {
    evaluate: ([condition, a, b]) => L.where(condition, a, b),
    jvp: ({ primals: [condition], tangents: [, ta, tb], out, layout }) => {
      if (ta === null && tb === null) return null;
      const rank = out.shape.length;
      const expand = (t: Value | null): Value => (t === null ? L.scalar(0, out.dtype) : layout.expand(t, rank));
      return fitTangent(layout, where(condition, expand(ta), expand(tb)), out.shape);
    },
    vjp: ({ cotangent, primals: [condition, a, b], wanted }) => {
      const zero = L.scalar(0, cotangent.dtype);
      return [
        null,
        wanted[1] ? sumToShape(where(condition, cotangent, zero), a.shape) : null,
        wanted[2] ? sumToShape(where(condition, zero, cotangent), b.shape) : null,
      ];
    },
  },
  // A constant to every transformation: no tangent, no cotangent.
  stopGradient: {
    evaluate: ([x]) => x,
    jvp: () => null,
    vjp: () => [null],
  },
};
