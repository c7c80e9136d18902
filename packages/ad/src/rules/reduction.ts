import * as L from '@liouville/linalg';
import type { Shape } from '@liouville/linalg';
import { div, equal, mul, reshape, sum } from '../ops.js';
import type { RuleTable } from '../primitives.js';
import type { Value } from '../Tracer.js';

type ReductionPrimitive = 'sum' | 'max';

/**
 * The adjoint of summing: the reduced cotangent with the summed axes kept as size 1, which
 * broadcasts over the input's shape. It is left unexpanded: the reverse pass expands it only for
 * rules that need the full shape (ReverseTrace.backward), so `grad` of `sum(f(x))` does not
 * write a tensor of ones, and multiplying by a one-element 1 costs nothing.
 */
function unreduce(cotangent: Value, inputShape: Shape, axes: readonly number[], keepDims: boolean): Value {
  return keepDims ? cotangent : reshape(cotangent, L.reducedShape(inputShape, axes, true));
}

/**
 * Where the maximum is attained, weighted so the weights of each reduced group sum to one: ties
 * share the derivative equally (a valid subgradient; JAX does the same). The mask comes from a
 * comparison, whose derivative is zero, so the weights are constants of every transformation.
 */
function maxWeights(x: Value, out: Value, axes: readonly number[]): Value {
  const mask = equal(x, reshape(out, L.reducedShape(x.shape, axes, true)));
  return div(mask, sum(mask, axes, { keepDims: true }));
}

export const reductionRules: RuleTable<ReductionPrimitive> = {
  // ∂ Σ x = Σ ẋ; reverse: ȳ broadcast back over the summed axes
  sum: {
    evaluate: ([x], { axes, keepDims }) => L.sum(x, axes, { keepDims }),
    jvp: ({ tangents: [t], params: { axes, keepDims }, layout }) =>
      t === null
        ? null
        : sum(
            t,
            axes.map((a) => layout.axis(a)),
            { keepDims },
          ),
    vjp: ({ cotangent, primals: [x], params: { axes, keepDims } }) => [unreduce(cotangent, x.shape, axes, keepDims)],
  },
  // ∂ max x = Σ w·ẋ with w the tie-shared indicator of the maximisers
  max: {
    evaluate: ([x], { axes, keepDims }) => L.max(x, axes, { keepDims }),
    jvp: ({ primals: [x], tangents: [t], out, params: { axes, keepDims }, layout }) =>
      t === null
        ? null
        : sum(
            mul(t, maxWeights(x, out, axes)),
            axes.map((a) => layout.axis(a)),
            { keepDims },
          ),
    // The weights have the input's shape, so the product has it too.
    vjp: ({ cotangent, primals: [x], out, params: { axes, keepDims } }) => [
      mul(unreduce(cotangent, x.shape, axes, keepDims), maxWeights(x, out, axes)),
    ],
  },
};
