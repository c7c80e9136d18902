import { loadPlotModels, taskMeasurements } from '../commands/plot.js';
import { type PreparedTask, paramsFileName, setInfo } from '../reproduction.js';
import { MODEL_KINDS, type ModelKind } from '../tasks.js';
import { type FigureContext, type NamedFigures, modelFigures } from './figures.js';

/**
 * The figures of a reproduced task that need only its first seed's trained models (modelFigures:
 * the rollouts and Liouville's discs, most of the plotting time), computed as soon as both models
 * are saved rather than after every evaluation: on the spring, the HNN's evaluation on a worker
 * (about 8 s) and these figures in the main thread (about 6 s) then run on two cores side by side
 * instead of one after the other. They are computed from the saved parameter files, exactly as
 * the plotting at the end would, so the SVGs are the same bytes.
 */
export interface FiguresAhead {
  /** Tells that the first seed's `kind` model is saved; computes the figures once both are. */
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
  const saved = new Set<ModelKind>();
  let started = false;
  let figures: NamedFigures | undefined;
  let failure: unknown;
  return {
    saved(kind, stderr) {
      saved.add(kind);
      if (saved.size < MODEL_KINDS.length || started) return;
      started = true;
      stderr(`${spec.name}: computing the plots' trajectories while the workers finish…\n`);
      const context: FigureContext = {
        task: spec.name,
        title: spec.title,
        seed: first.seed,
        set: setInfo(protocol.sets[0]),
      };
      const file = (k: ModelKind) => paramsFileName(spec.name, first.seed, k);
      try {
        const models = loadPlotModels(folder, spec.name, { baseline: file('baseline'), hnn: file('hnn') });
        figures = modelFigures(context, spec, models, taskMeasurements(spec.name, { [spec.name]: first.dataset }));
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
