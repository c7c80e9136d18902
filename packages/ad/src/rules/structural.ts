import * as L from '@liouville/linalg';
import { cast, concat, pad, reshape, slice, sumToShape, transpose } from '../ops.js';
import type { RuleTable } from '../primitives.js';
import { fitTangent } from './fit.js';

type StructuralPrimitive = 'reshape' | 'transpose' | 'broadcastTo' | 'slice' | 'pad' | 'concat' | 'cast';

/** The inverse of a permutation. */
function invert(permutation: readonly number[]): number[] {
  const inverse = new Array<number>(permutation.length);
  permutation.forEach((p, i) => {
    inverse[p] = i;
  });
  return inverse;
}

/**
 * Linear operations that only move, copy or convert elements: each derivative is the same
 * operation applied to the tangent (shifted past the direction axis when tangents are batched),
 * and each reverse rule is the operation's adjoint (reshape ↔ reshape, slice ↔ pad, ...).
 */
export const structuralRules: RuleTable<StructuralPrimitive> = {
  reshape: {
    evaluate: ([x], { shape }) => L.reshape(x, shape),
    jvp: ({ tangents: [t], params: { shape }, layout }) => (t === null ? null : reshape(t, layout.shape(shape))),
    vjp: ({ cotangent, primals: [x] }) => [reshape(cotangent, x.shape)],
  },
  transpose: {
    evaluate: ([x], { permutation }) => L.transpose(x, permutation),
    jvp: ({ tangents: [t], params: { permutation }, layout }) =>
      t === null ? null : transpose(t, layout.size === null ? permutation : [0, ...permutation.map((a) => a + 1)]),
    vjp: ({ cotangent, params: { permutation } }) => [transpose(cotangent, invert(permutation))],
  },
  broadcastTo: {
    evaluate: ([x], { shape }) => L.broadcastTo(x, shape),
    jvp: ({ tangents: [t], params: { shape }, layout }) => (t === null ? null : fitTangent(layout, t, shape)),
    vjp: ({ cotangent, primals: [x] }) => [sumToShape(cotangent, x.shape)],
  },
  slice: {
    evaluate: ([x], { starts, ends }) => L.slice(x, starts, ends),
    jvp: ({ tangents: [t], params: { starts, ends }, layout }) =>
      t === null
        ? null
        : layout.size === null
          ? slice(t, starts, ends)
          : slice(t, [0, ...starts], [layout.size, ...ends]),
    vjp: ({ cotangent, primals: [x], params: { starts } }) => [pad(cotangent, x.shape, starts)],
  },
  pad: {
    evaluate: ([x], { shape, starts }) => L.pad(x, shape, starts),
    jvp: ({ tangents: [t], params: { shape, starts }, layout }) =>
      t === null ? null : pad(t, layout.shape(shape), layout.size === null ? starts : [0, ...starts]),
    vjp: ({ cotangent, primals: [x], params: { starts } }) => [
      slice(
        cotangent,
        starts,
        starts.map((s, i) => s + x.shape[i]),
      ),
    ],
  },
  concat: {
    evaluate: (xs, { axis }) => L.concat(xs, axis),
    jvp: ({ primals, tangents, params: { axis }, layout }) =>
      tangents.every((t) => t === null)
        ? null
        : concat(
            tangents.map((t, i) => t ?? L.zeros(layout.shape(primals[i].shape), primals[i].dtype)),
            layout.axis(axis),
          ),
    vjp: ({ cotangent, primals, params: { axis }, wanted }) => {
      let offset = 0;
      return primals.map((x, i) => {
        const starts = x.shape.map((_, a) => (a === axis ? offset : 0));
        const ends = x.shape.map((n, a) => (a === axis ? offset + n : cotangent.shape[a]));
        offset += x.shape[axis];
        return wanted[i] ? slice(cotangent, starts, ends) : null;
      });
    },
  },
  cast: {
    evaluate: ([x], { dtype }) => L.cast(x, dtype),
    jvp: ({ tangents: [t], params: { dtype } }) => (t === null ? null : cast(t, dtype)),
    vjp: ({ cotangent, primals: [x] }) => [cast(cotangent, x.dtype)],
  },
};
