// The registry of benchmark groups run by the CLI, in the order they run. A new group is a file
// in this folder exporting a `defineGroup(...)` value, added to this list.
import type { Group } from '../harness.js';
import { matmulGroup } from './matmul.js';

/** Every benchmark group of the default suite. */
export const allGroups: readonly Group[] = [matmulGroup];
