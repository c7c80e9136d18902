/**
 * The HNN reference data on disk and parameter-file checkpoints (Node only). The main entry
 * parses the same files from text or bytes and runs anywhere.
 * @module @liouville/hamiltonian/node
 */
export { REFERENCE_DATA_ENV, referenceDataDir } from './referenceDataDir.js';
export {
  type TwoBodyReferencePaths,
  readDataFile,
  readReferenceFile,
  verifyReferenceBytes,
  loadSpringReference,
  loadPendulumReference,
  loadRealPendulum,
  loadRealPendulumRaw,
  loadTwoBodyReference,
} from './referenceFiles.js';
export { fileCheckpoint, saveModel, loadModel } from './modelFiles.js';
export { loadMeasurements } from './measurements.js';
