import * as L from '@liouville/linalg';
import type { Tensor } from '@liouville/linalg';
import type { ComparisonPrimitive, Rule, RuleTable } from '../primitives.js';

/**
 * A comparison: a 0/1 mask that is locally constant in its arguments, so its derivative is zero
 * (no tangent, no cotangent). Being primitives, they trace and batch like any other operation.
 */
function comparisonRule<P extends ComparisonPrimitive>(evaluate: (a: Tensor, b: Tensor) => Tensor): Rule<P> {
  return {
    evaluate: ([a, b]) => evaluate(a, b),
    jvp: () => null,
    vjp: () => [null, null],
  };
}

export const comparisonRules: RuleTable<ComparisonPrimitive> = {
  greater: comparisonRule(L.greater),
  greaterEqual: comparisonRule(L.greaterEqual),
  less: comparisonRule(L.less),
  lessEqual: comparisonRule(L.lessEqual),
  equal: comparisonRule(L.equal),
};
