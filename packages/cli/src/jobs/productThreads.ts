import { availableParallelism } from 'node:os';
import { ThreadsUnavailableError, matmulThreadsReady, useMatmulThreads } from '@liouville/linalg/node';
import { type FlagValues, type FlagSpec, integerFlag } from '../args.js';

/** The `--matmul-threads` flag of the commands that train (reproduce, train). */
export const MATMUL_THREADS_FLAG: Record<'matmul-threads', FlagSpec> = {
  'matmul-threads': {
    type: 'string',
    value: 'N',
    description:
      'Threads for the large matrix products of each model being trained (and of the plots), 1 or 2: with 2 a helper thread takes half of each product, with the same bits either way.',
    defaultText: 'min(2, number of CPUs)',
  },
};

/** The value of `--matmul-threads`: 1 or 2, by default 2 where there are two CPUs or more. */
export function matmulThreadsFlag(values: FlagValues): 1 | 2 {
  return integerFlag(values, 'matmul-threads', Math.min(2, availableParallelism()), 1, 2) as 1 | 2;
}

/**
 * Large matrix products of the programs this thread compiles from now on, on `threads` threads
 * (1, or 2: this one and a helper, @liouville/linalg/node's useMatmulThreads), with the same bits
 * either way. Resolves true once the helper runs; false with 1, or where threads are unavailable
 * (the products then stay on this thread).
 */
export async function useProductThreads(threads: 1 | 2): Promise<boolean> {
  if (threads === 1) return false;
  try {
    useMatmulThreads(2);
    await matmulThreadsReady();
    return true;
  } catch (error) {
    if (!(error instanceof ThreadsUnavailableError)) throw error;
    useMatmulThreads(1);
    return false;
  }
}
