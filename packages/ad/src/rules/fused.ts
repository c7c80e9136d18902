import * as L from '@liouville/linalg';
import { mul, mulAdd, sumToShape } from '../ops.js';
import type { RuleTable } from '../primitives.js';
import type { Value } from '../Tracer.js';
import { addTangents, fitTangent } from './fit.js';

/** Sums products pairwise, two at a time through the fused kernel. */
export function sumOfProducts(products: readonly (readonly [Value, Value])[]): Value | null {
  let total: Value | null = null;
  for (let i = 0; i < products.length; i += 2) {
    const [a, b] = products[i];
    const term = i + 1 < products.length ? mulAdd(a, b, products[i + 1][0], products[i + 1][1]) : mul(a, b);
    total = addTangents(total, term);
  }
  return total;
}

export const fusedRules: RuleTable<'mulAdd'> = {
  // ∂(a·b + c·d) = ȧ·b + a·ḃ + ċ·d + c·ḋ; reverse: ā = ȳ·b, b̄ = ȳ·a, c̄ = ȳ·d, d̄ = ȳ·c, each
  // summed down to its operand's shape
  mulAdd: {
    evaluate: ([a, b, c, d]) => L.mulAdd(a, b, c, d),
    jvp: ({ primals, tangents, out, layout }) => {
      const rank = out.shape.length;
      const partner = [1, 0, 3, 2];
      const products: [Value, Value][] = [];
      tangents.forEach((t, i) => {
        if (t !== null) products.push([layout.expand(t, rank), primals[partner[i]]]);
      });
      const total = sumOfProducts(products);
      return total === null ? null : fitTangent(layout, total, out.shape);
    },
    vjp: ({ cotangent, primals, wanted }) => {
      const partner = [1, 0, 3, 2];
      return primals.map((x, i) => (wanted[i] ? sumToShape(mul(cotangent, primals[partner[i]]), x.shape) : null));
    },
    scalesCotangent: true,
  },
};
