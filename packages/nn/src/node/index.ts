/**
 * Parameter files on disk (Node only). The main entry works on strings and bytes
 * (`serializeParams`, `parseParams`) and runs anywhere, a browser included.
 * @module @liouville/nn/node
 */
export { saveParams, loadParams } from './io.js';
export { type AtomicFileSystem, nodeFileSystem, writeFileAtomic } from './atomicWrite.js';
