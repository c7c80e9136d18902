import type { CliIO } from '../io.js';
import { loadReferenceFile } from '../reference.js';
import { runModel } from '../reproduction.js';
import type { ModelResult } from '../results.js';
import { truthRollouts } from '../evaluation.js';
import { type DataSource, type ModelKind, type TaskName, hyperparametersFor } from '../tasks.js';
import { prepareTask } from '../reproduction.js';

/** One model of one seed of one task to train, save and evaluate: all a worker thread needs. */
export interface ModelJob {
  readonly task: TaskName;
  readonly kind: ModelKind;
  readonly seed: number;
  /** The data source already resolved for the task (never 'reference' for a task without reference files). */
  readonly source: DataSource;
  readonly steps?: number;
  readonly out: string;
  readonly evalTrajectories: number;
}

/**
 * Runs a job from its description alone: loads (or generates) the seed's data, builds the task's
 * evaluation protocol and true rollouts, then trains, saves and evaluates the model. Everything is
 * seeded, so the result is the same bits as the same model trained in the main thread. `onSaved`
 * is called once the parameter file is written, before the evaluation.
 */
export function runModelJob(io: CliIO, job: ModelJob, onSaved?: () => void): ModelResult {
  const reference = loadReferenceFile();
  const options = {
    seeds: 1,
    out: job.out,
    steps: job.steps,
    data: job.source,
    evalTrajectories: job.evalTrajectories,
  };
  const task = prepareTask(io, job.task, options, reference, [job.seed], false);
  const h = hyperparametersFor(task.spec, job.steps);
  const truths = truthRollouts(task.protocol, task.spec.system());
  return runModel(io, task, task.datasets[0], job.kind, h, options, truths, onSaved);
}
