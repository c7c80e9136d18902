// Learned systems: Hamiltonian Neural Networks and their baseline, the loss, training and metrics.
export {
  type FieldType,
  type InputGradientMode,
  type FieldModelOptions,
  type FieldModelKind,
  type HnnOptions,
  type FieldModel,
  type HnnModel,
  type BaselineModel,
  permutationTensor,
  hnnModel,
  baselineModel,
} from './fieldModels.js';
export { hnn } from './learnedHamiltonian.js';
export { type DhnnOptions, type DhnnModel, dhnnModel, rowwiseLaplacian } from './dissipative.js';
export { type LnnOptions, type LnnModel, lnnModel, lagrangianAcceleration } from './lagrangian.js';
export { type SeparableHnnOptions, type SeparableHnnModel, separableHnnModel } from './separable.js';
export {
  type TrajectorySegments,
  type SegmentOptions,
  type SmoothingOptions,
  trajectorySegments,
  centralDifferenceTargets,
  smoothedStates,
} from './segments.js';
export { type RolloutTrainOptions, rolloutLoss, trainRollout } from './rolloutTraining.js';
export {
  type RolloutErrorOptions,
  type HorizonError,
  type EnergyDriftOptions,
  type EnergyDriftResult,
  type DataRolloutErrorOptions,
  meanEstimate,
  rolloutErrors,
  rolloutErrorsAgainstData,
  energyDrift,
} from './trajectoryMetrics.js';
export { fieldLoss } from './loss.js';
export {
  type TrainSplit,
  type TrainProgress,
  type TrainOptions,
  type TrainHistory,
  type TrainResult,
  type TrainCheckpoint,
  TrainingDivergedError,
  train,
  splitLossValue,
} from './train.js';
export { type TrainStep, type TrainStepResult, compileTrainStep, compileSplitLoss } from './trainStep.js';
export {
  type Estimate,
  type Rollout,
  type EnergyMseOptions,
  type EnergyMseResult,
  splitLoss,
  splitEstimate,
  dopri5Rollout,
  modelField,
  stepRollout,
  energyMse,
} from './metrics.js';
export {
  type MeasuredEnergyOptions,
  type MeasuredEnergyResult,
  energyMseAgainstData,
  gridRollout,
} from './measuredEnergy.js';
