import { join } from 'node:path';
import { taskMeasurements } from '../commands/plot.js';
import type { EvaluatedModel } from '../evaluation.js';
import { loadModel } from '../modelFile.js';
import { type PreparedTask, paramsFileName, setInfo } from '../reproduction.js';
import { MODEL_KINDS, type ModelKind } from '../tasks.js';
import { type FigureContext, type NamedFigures, modelFigures } from './figures.js';
import { type PlotModels, plotSpan } from './plotData.js';
import { type ModelShare, modelShare } from './modelShare.js';

/**
 * The figures of a reproduced task that need only its first seed's trained models (modelFigures:
 * the rollouts and Liouville's discs, most of the plotting time), computed while the workers are
 * still busy rather than after every evaluation. What needs one model alone (its ModelShare) is
 * computed as soon as that model is saved: on the spring the baseline's (about 1.5 s) while the
 * HNN still trains and the baseline's worker has nothing left to do; the rest once the HNN is
 * saved, beside its evaluation. They are computed from the saved parameter files, exactly as the
 * plotting at the end would, so the SVGs are the same bytes.
 */
export interface FiguresAhead {
  /** Tells that the first seed's `kind` model is saved; computes what it can of the figures. */
  saved(kind: ModelKind, stderr: (text: string) => void): void;
  /**
   * The figures, or undefined if they were not computed; throws what computing them threw, to be
   * called where the plotting at the end would have computed them (the same error at the same point).
   */
  figures(): NamedFigures | undefined;
}

/** Figures ahead for `task`, whose parameter files are written into `folder`. */
export function figuresAhead(task: PreparedTask, folder: string): FiguresAhead {
  const { spec, datasets, protocol } = task;
  const first = datasets[0];
  const context: FigureContext = {
    task: spec.name,
    title: spec.title,
    seed: first.seed,
    set: setInfo(protocol.sets[0]),
  };
  const models: Partial<Record<ModelKind, EvaluatedModel>> = {};
  const shares: Partial<Record<ModelKind, ModelShare>> = {};
  let figures: NamedFigures | undefined;
  let failure: unknown;
  return {
    saved(kind, stderr) {
      if (failure !== undefined || shares[kind] !== undefined) return;
      try {
        const measured = taskMeasurements(spec.name, { [spec.name]: first.dataset });
        const loaded = loadModel(join(folder, paramsFileName(spec.name, first.seed, kind)), {
          task: spec.name,
          model: kind,
        });
        models[kind] = { model: loaded.model, params: loaded.params };
        shares[kind] = modelShare(kind, plotSpan(context.set, spec, measured), spec, models[kind]);
        if (MODEL_KINDS.some((k) => shares[k] === undefined)) return;
        stderr(`${spec.name}: computing the plots' trajectories while the workers finish…\n`);
        const both = models as PlotModels;
        figures = modelFigures(context, spec, both, measured, shares as Record<ModelKind, ModelShare>);
      } catch (error) {
        // Thrown here, it would escape the pool's message handler and end the process.
        failure = error;
      }
    },
    figures() {
      if (failure !== undefined) throw failure;
      return figures;
    },
  };
}
