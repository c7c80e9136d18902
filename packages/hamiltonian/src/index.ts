/**
 * Physics as typed values: the catalogue of Hamiltonian systems, invariants, the HNN paper's
 * datasets, and learned systems (Hamiltonian Neural Networks and their baseline).
 * @module @liouville/hamiltonian
 */

// The system type and building one from your own energies.
export type {
  Hamiltonian,
  SeparableHamiltonian,
  GeneralHamiltonian,
  HamiltonianInfo,
  HamiltonianGradient,
  GradientFn,
  Particles,
  ParticleHamiltonian,
} from './Hamiltonian.js';
export { separable, general, type SeparableSpec, type GeneralSpec } from './build.js';

// The catalogue.
export { massSpring, type MassSpringOptions, type MassSpringVariant } from './systems/massSpring.js';
export { pendulum, type PendulumOptions, type PendulumVariant } from './systems/pendulum.js';
export { kepler, keplerInitialState, type KeplerOptions, type KeplerInitialStateOptions } from './systems/kepler.js';
export { nBody, twoBody, threeBody, type NBodyOptions, type FewBodyOptions } from './systems/nBody.js';
export { henonHeiles, type HenonHeilesOptions } from './systems/henonHeiles.js';
export { doublePendulum, type DoublePendulumOptions } from './systems/doublePendulum.js';
export { fput, type FputOptions } from './systems/fput.js';
export { SYSTEMS, SYSTEM_NAMES, type SystemName, type CatalogueSize } from './systems/catalogue.js';
export type { Parameter } from './systems/parameters.js';

// Invariants and the vector field.
export { energy, vectorField, linearMomentum, angularMomentum, type StateDerivative } from './invariants.js';
// Liouville's theorem made measurable: a circle of states and the area a curve encloses.
export { phaseCircle, enclosedArea } from './phaseArea.js';

// Learned systems: Hamiltonian Neural Networks (Greydanus, Dzamba & Yosinski 2019).
export * from './learned/index.js';
// Units for learning that keep Hamilton's equations, periodic coordinates, and the parameter-file format.
export {
  type PhaseScaling,
  phaseScaling,
  scaleSplit,
  scaleDataset,
  unscaledModel,
  scaleState,
  unscaleState,
} from './learned/scaling.js';
export { periodicEmbedding } from './learned/embedding.js';
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  type SavedModelKind,
  type SavableModel,
  SAVED_MODEL_KINDS,
  type SavedHyperparameters,
  type ModelFileMeta,
  type ModelFileMetaOptions,
  type SavedModel,
  modelFileMeta,
  checkModelFileMeta,
  modelFromFile,
  serializeModel,
  parseModel,
} from './learned/modelFile.js';

// Datasets: the HNN paper's tasks, generated as the reference code does, and loaders of the
// reference's exact data files.
export type { Split, Dataset, DatasetOptions } from './data/Dataset.js';
export { DataFileError } from './data/DataFileError.js';
export type { OscillatorDatasetOptions } from './data/oscillator.js';
export { springDataset } from './data/springDataset.js';
export { pendulumDataset } from './data/pendulumDataset.js';
export {
  dampedSpringDataset,
  dampedSpringField,
  type DampedSpringDatasetOptions,
} from './data/dampedSpringDataset.js';
export {
  doublePendulumDataset,
  doublePendulumVelocityField,
  doublePendulumVelocityEnergy,
  type DoublePendulumDatasetOptions,
} from './data/doublePendulumDataset.js';
export type { OrbitDatasetOptions } from './data/orbits.js';
export { twoBodyDataset, type TwoBodyDatasetOptions } from './data/twoBodyDataset.js';
export { threeBodyDataset, type ThreeBodyDatasetOptions } from './data/threeBodyDataset.js';
// Parsers of the reference's files from text or bytes (a browser can fetch them); reading them
// from disk, the reference-data folder and its checks: '@liouville/hamiltonian/node'.
export type { ParseOptions } from './data/csv.js';
export {
  type DatasetCsvOptions,
  parseDatasetCsv,
  parseSpringReference,
  parsePendulumReference,
} from './data/oscillatorReference.js';
export { parseRealPendulum, parseRealPendulumRaw } from './data/realPendulum.js';
export { parseTwoBodyReference, type TwoBodyReferenceBytes } from './data/twoBodyReference.js';
// Your own measurements: tables of trajectories as datasets.
export {
  type ColumnRef,
  type MeasurementTable,
  type MeasurementTableOptions,
  parseMeasurementTable,
} from './data/measured/table.js';
export {
  type DerivativeMethod,
  centralDerivative,
  savgolDerivative,
  unwrapAngle,
} from './data/measured/derivatives.js';
export { type MeasuredDataOptions, measuredDataset, parseMeasurements } from './data/measured/measuredDataset.js';
// The pixel pendulum (the paper's sixth task): frames rendered here, the autoencoder and its latent HNN.
export { FRAME_SIDE, ROD_INTENSITY, renderPendulumFrame } from './pixels/render.js';
export {
  type PixelPendulumOptions,
  type PixelPendulumData,
  PENDULUM_V0,
  pixelPendulumDataset,
  pixelRows,
  pixelRowState,
} from './pixels/pixelDataset.js';
export {
  type PixelModelOptions,
  type PixelParams,
  type PixelParamTree,
  type PixelModel,
  pixelModel,
  pixelLoss,
} from './pixels/pixelModel.js';
export { type PixelTrainOptions, type PixelTrainResult, trainPixelModel } from './pixels/pixelTraining.js';
export {
  type PixelEnergyOptions,
  type PixelEnergyResult,
  inFloat64,
  pixelSplitLoss,
  pixelLatents,
  latentField,
  latentHamiltonian,
  latentRollout,
  fitAffineMap,
  pixelPendulumEnergy,
  pixelEnergyMse,
  decodeLaterFrames,
} from './pixels/pixelMetrics.js';
export {
  type ReferenceFileEntry,
  type ReferenceFileName,
  type ReferenceManifest,
  type ReferenceRowUnit,
  REFERENCE_MANIFEST,
  referenceFileEntry,
  countReferenceRows,
  checkReferenceFile,
} from './data/referenceManifest.js';
