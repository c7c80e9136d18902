// Learned systems: Hamiltonian Neural Networks and their baseline, the loss, training and metrics.
export {
  type FieldType,
  type InputGradientMode,
  type FieldModelOptions,
  type HnnOptions,
  type FieldModel,
  type HnnModel,
  type BaselineModel,
  permutationTensor,
  hnnModel,
  baselineModel,
} from './fieldModels.js';
export { hnn } from './learnedHamiltonian.js';
export { fieldLoss } from './loss.js';
export {
  type TrainSplit,
  type TrainProgress,
  type TrainOptions,
  type TrainHistory,
  type TrainResult,
  type TrainCheckpoint,
  train,
  splitLossValue,
} from './train.js';
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
