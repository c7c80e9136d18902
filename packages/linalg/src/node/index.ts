/**
 * Node-only parts of the package: matrix products of compiled programs on two threads, and the
 * V8 flag that Node 20 needs for the fused multiply-add of the matmul kernels (enableRelaxedSimd).
 * @module @liouville/linalg/node
 */
export { useMatmulThreads, matmulThreads, matmulThreadsReady } from './matmulThreads.js';
export { ThreadsUnavailableError } from '../wasm/gemmThreads.js';
export { enableRelaxedSimd } from './relaxedSimd.js';
