import type { BatchRuleTable } from '../BatchRule.js';
import { elementwiseBatchRules } from './elementwise.js';
import { structuralBatchRules } from './structural.js';

/** Every primitive's batching rule; the annotation makes a missing rule a compile error. */
export const batchRules: BatchRuleTable = {
  ...elementwiseBatchRules,
  ...structuralBatchRules,
};
