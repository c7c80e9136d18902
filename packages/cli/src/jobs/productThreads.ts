import { ThreadsUnavailableError, matmulThreadsReady, useMatmulThreads } from '@liouville/linalg/node';

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
