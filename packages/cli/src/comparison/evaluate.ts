import { primalTensor } from '@liouville/ad';
import {
  type DhnnModel,
  type Estimate,
  type Rollout,
  type SeparableHnnModel,
  type Split,
  dopri5Rollout,
  energyDrift,
  energyMse,
  energyMseAgainstData,
  gridRollout,
  modelField,
  rolloutErrors,
  rolloutErrorsAgainstData,
  stepRollout,
} from '@liouville/hamiltonian';
import { MaxStepsExceededError, StepSizeTooSmallError, leapfrog } from '@liouville/integrators';
import { SingularMatrixError } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import { type TrainedComparison, SRNN_TRAINING } from './models.js';
import type { ComparisonEvaluation } from './tasks.js';

/** Every figure of one trained model: losses, the energy figure, rollout errors and (DHNN) the learned dissipation. */
export interface ModelFigures {
  readonly trainLoss: Estimate;
  readonly testLoss: Estimate;
  /** Absent when the rollout failed (see `rolloutFailure`). */
  readonly energy?: Estimate;
  /** Horizon (as text, e.g. '5', or '5, test starts' from the test trajectories' starts) → squared state error. */
  readonly rolloutError: Readonly<Record<string, Estimate>>;
  /** −mean ΔD_φ over the test rows: the learned rate of phase-space contraction (DHNN only). */
  readonly dissipation?: number;
  readonly rolloutFailure?: string;
}

/**
 * How a model is rolled out: its field by dopri5 at the task's tolerances; the SRNN by the leapfrog
 * it was trained through, with steps no longer than its training step (the observation interval of
 * the training data over its substeps), so it is judged as it learned.
 */
function rolloutOf(trained: TrainedComparison, evaluation: ComparisonEvaluation, trainingStep: number): Rollout {
  const { model, params } = trained;
  if (trained.kind === 'srnn') {
    const system = (model as SeparableHnnModel).system(params);
    const onGrid = (spacing: number) =>
      stepRollout(
        (dt) => leapfrog(system, dt),
        model.inputDim / 2,
        Math.max(1, Math.ceil(spacing / trainingStep - 1e-9)),
      );
    // Measurements with gaps: step on their sampling grid and read the measured times off it.
    if (evaluation.kind === 'measured') return gridRollout(onGrid(evaluation.spacing), evaluation.spacing);
    return (x0, tEval) => onGrid(tEval[1] - tEval[0])(x0, tEval);
  }
  return dopri5Rollout(modelField(model, params), { rtol: evaluation.rtol, atol: evaluation.atol });
}

/** The rollout errors at the task's horizons, labelled by horizon (and ', test starts' for those starts). */
function labelledErrors(rollout: Rollout, evaluation: Extract<ComparisonEvaluation, { kind: 'simulated' }>) {
  const { truth, starts, horizons, testStarts } = evaluation;
  const label = (h: number) => String(Number(h.toFixed(3)));
  const errors = rolloutErrors({ truth, model: rollout, initialStates: starts, horizons });
  const labelled = errors.map((e) => [label(e.horizon), e.error] as const);
  if (testStarts === undefined || testStarts.length === 0) return labelled;
  const inside = rolloutErrors({ truth, model: rollout, initialStates: testStarts, horizons });
  return [...labelled, ...inside.map((e) => [`${label(e.horizon)}, test starts`, e.error] as const)];
}

/** The rollout figures: the energy figure and the state errors at the task's horizons. */
function rolloutFigures(rollout: Rollout, evaluation: ComparisonEvaluation) {
  if (evaluation.kind === 'measured') {
    const { states, times, energy, horizons } = evaluation;
    const mse = energyMseAgainstData({ energy, states, times, model: rollout });
    const errors = rolloutErrorsAgainstData({ states, times, model: rollout, horizons });
    const labelled = errors.map((e) => [String(Number(e.horizon.toFixed(3))), e.error] as const);
    return { energy: { mean: mse.mean, error: mse.error }, errors: labelled };
  }
  const { truth, starts, energy, tEnd, points } = evaluation;
  const errors = labelledErrors(rollout, evaluation);
  if (evaluation.energyMetric === 'drift') {
    const end = typeof tEnd === 'number' ? tEnd : Math.min(...tEnd);
    return {
      energy: energyDrift({ model: rollout, energy, initialStates: starts, tEnd: end, points }).meanDeviation,
      errors,
    };
  }
  const mse = energyMse({ energy, truth, model: rollout, initialStates: starts, tEnd, points });
  return { energy: { mean: mse.mean, error: mse.error }, errors };
}

/** The mean over rows of the DHNN's −ΔD_φ (its learned contraction rate; γ for linear friction). */
function learnedDissipation(trained: TrainedComparison, test: Split): number | undefined {
  if (trained.kind !== 'dhnn' && trained.kind !== 'dhnn-fd') return undefined;
  const divergence = Array.from(
    primalTensor((trained.model as DhnnModel).divergence(trained.params as MlpParams, test.x)).data,
  );
  return -divergence.reduce((a, b) => a + b, 0) / divergence.length;
}

/**
 * Evaluates one trained model on a task. A rollout that cannot be completed (a learned Lagrangian
 * whose ∂²L/∂q̇² turns singular stops dopri5) leaves the rollout figures out and says why.
 */
export function evaluateModel(
  trained: TrainedComparison,
  evaluation: ComparisonEvaluation,
  test: Split,
  observationInterval: number,
): ModelFigures {
  const base = {
    trainLoss: trained.trainLoss,
    testLoss: trained.testLoss,
    dissipation: learnedDissipation(trained, test),
  };
  try {
    const rollout = rolloutOf(trained, evaluation, observationInterval / SRNN_TRAINING.substeps);
    const { energy, errors } = rolloutFigures(rollout, evaluation);
    const rolloutError = Object.fromEntries(errors);
    return { ...base, energy, rolloutError };
  } catch (error) {
    const stopped =
      error instanceof StepSizeTooSmallError ||
      error instanceof MaxStepsExceededError ||
      error instanceof SingularMatrixError;
    if (!stopped) throw error;
    return { ...base, rolloutError: {}, rolloutFailure: (error as Error).message };
  }
}
