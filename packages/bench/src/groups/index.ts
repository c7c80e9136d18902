// The registry of benchmark groups run by the CLI, in the order they run. A new group is a file
// in this folder exporting a `defineGroup(...)` value (or a list of them), added to this list.
import type { Group } from '../harness.js';
import { adCostGroups } from './adCost.js';
import { adOverheadGroup } from './adOverhead.js';
import { hnnStepGroup } from './hnnStep.js';
import { integratorGroups } from './integrators.js';
import { leapfrogAdGroup } from './leapfrogAd.js';
import { matmulGroup } from './matmul.js';
import { twoBodyGroup } from './twoBody.js';
import { vmapForwardGroups } from './vmapForward.js';

/** Every benchmark group of the default suite. */
export const allGroups: readonly Group[] = [
  matmulGroup,
  ...adCostGroups,
  adOverheadGroup,
  hnnStepGroup,
  ...integratorGroups,
  leapfrogAdGroup,
  twoBodyGroup,
  ...vmapForwardGroups,
];
