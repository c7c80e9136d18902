import type { EvaluatedModel } from '../evaluation.js';
import type { ModelKind, TaskSpec } from '../tasks.js';
import { type DiscSeries, baselineDisc, hnnDisc } from './liouvilleFigure.js';
import { type PlotModels, type PlotSpan, type Sampled, modelTrajectory, symplecticTrajectory } from './plotData.js';

/**
 * What the figures compute from one trained model alone: its curves along the plotted trajectory
 * and, for one degree of freedom, its evolution of Liouville's disc (most of the plotting time).
 * Each is a function of that model's saved parameters only, so it can be computed as soon as that
 * model is saved (see figuresAhead.ts) and gives the same figures.
 */
export interface ModelShare {
  /** The dopri5 curve. */
  readonly trajectory: Sampled;
  /** The HNN's Gauss–Legendre 4 curve. */
  readonly symplectic?: Sampled;
  /** The disc's evolution (one degree of freedom only). */
  readonly disc?: DiscSeries;
}

/** The figures' share of a model of `kind`. */
export function modelShare(kind: ModelKind, span: PlotSpan, spec: TaskSpec, model: EvaluatedModel): ModelShare {
  const oneDof = spec.inputDim === 2;
  if (kind === 'baseline') {
    return { trajectory: modelTrajectory(span, model), disc: oneDof ? baselineDisc(spec, model) : undefined };
  }
  return {
    trajectory: modelTrajectory(span, model),
    symplectic: symplecticTrajectory(span, model),
    disc: oneDof ? hnnDisc(spec, model) : undefined,
  };
}

/** Both models' shares, computed now. */
export function modelShares(span: PlotSpan, spec: TaskSpec, models: PlotModels): Record<ModelKind, ModelShare> {
  return {
    baseline: modelShare('baseline', span, spec, models.baseline),
    hnn: modelShare('hnn', span, spec, models.hnn),
  };
}
