// @liouville/cli: the `liouville` command line (train, reproduce the HNN paper's table, simulate, plot).
// Thin by design: every number it reports is computed by @liouville/hamiltonian and the packages below it.
export { main, COMMANDS, VERSION } from './main.js';
export { type CliIO, nodeIO, memoryIO } from './io.js';
export { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, RuntimeError } from './errors.js';
export { MODEL_FORMAT, MODEL_VERSION, type ModelMeta, type LoadedModel, saveModel, loadModel } from './modelFile.js';
export { RESULTS_FORMAT, RESULTS_VERSION, type ReproduceResults, readResults } from './results.js';
export { TASK_NAMES, type TaskName, MODEL_KINDS, type ModelKind, type Hyperparameters, taskSpec } from './tasks.js';
