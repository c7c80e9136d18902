import type { Primitive, RuleTable } from '../primitives.js';
import { binaryRules } from './binary.js';
import { comparisonRules } from './comparison.js';
import { fusedRules } from './fused.js';
import { linearRules } from './linear.js';
import { reductionRules } from './reduction.js';
import { solveRules } from './solve.js';
import { structuralRules } from './structural.js';
import { unaryRules } from './unary.js';

/** Every primitive's rules, one table per kind; the annotation makes a missing rule a compile error. */
export const rules: RuleTable<Primitive> = {
  ...unaryRules,
  ...binaryRules,
  ...comparisonRules,
  ...fusedRules,
  ...reductionRules,
  ...structuralRules,
  ...linearRules,
  ...solveRules,
};
