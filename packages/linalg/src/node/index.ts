/**
 * Node-only parts of the package: matrix products of compiled programs on two threads.
 * @module @liouville/linalg/node
 */
export { useMatmulThreads, matmulThreads, matmulThreadsReady } from './matmulThreads.js';
export { ThreadsUnavailableError } from '../wasm/gemmThreads.js';
