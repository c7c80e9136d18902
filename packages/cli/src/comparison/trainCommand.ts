import { dirname, resolve } from 'node:path';
import { type FlagValues, choiceFlag, integerFlag, stringFlag } from '../args.js';
import { RuntimeError, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { saveTrainedModel } from '../modelFile.js';
import { checkCanWriteIn, outputTarget } from '../outputFile.js';
import { DATA_SOURCES, MODEL_KINDS, TASK_NAMES } from '../tasks.js';
import { modelMetaOf } from '../training.js';
import { COMPARISON_MODELS, trainComparisonModel } from './models.js';
import { COMPARISON_TASKS, checkModelsFor, parseComparisonTasks, targetsLabel, withTargets } from './tasks.js';

/** True when `train` is asked for a model or task beyond the paper's (handled by `trainBeyond`). */
export function isBeyondThePaper(task: string, model: string): boolean {
  return !(MODEL_KINDS as readonly string[]).includes(model) || !(TASK_NAMES as readonly string[]).includes(task);
}

/**
 * `liouville train --model dhnn|lnn|srnn|hnn-fd` (or a task beyond the paper's: damped-spring,
 * double-pendulum): trains one model as `reproduce --models` does and saves it with the metadata of
 * `train`, a complete model file that `simulate --params` rolls out.
 */
export function trainBeyond(io: CliIO, values: FlagValues, taskText: string, modelText: string): number {
  if (!(COMPARISON_TASKS as readonly string[]).includes(taskText)) {
    const tasks = [...new Set<string>([...TASK_NAMES, ...COMPARISON_TASKS])];
    if (!tasks.includes(taskText)) {
      throw new UsageError(`unknown task '${taskText}' (expected ${tasks.join(', ')})`);
    }
    throw new UsageError(`model '${modelText}' trains on ${COMPARISON_TASKS.join(', ')}; got task '${taskText}'`);
  }
  const [task] = parseComparisonTasks(taskText);
  const kind = choiceFlag(values, 'model', COMPARISON_MODELS, 'hnn', 'model');
  checkModelsFor(task, [kind]);
  const seed = integerFlag(values, 'seed', 0, 0);
  const steps = values.steps === undefined ? undefined : integerFlag(values, 'steps', 1, 1);
  const h = steps === undefined ? task.hyperparameters : { ...task.hyperparameters, steps };
  const source = choiceFlag(values, 'data', DATA_SOURCES, 'generated', 'data source');
  const out = resolve(io.cwd, stringFlag(values, 'out') ?? `${task.name}-${kind}-seed${seed}.params.json`);
  const target = outputTarget(out);
  checkCanWriteIn(dirname(target));
  const loaded = task.load(source, seed);
  const { origin } = loaded;
  // The task's own targets, as `reproduce --models` (central differences on the measured pendulum).
  const dataset = withTargets(loaded.dataset, task.targets);
  const trained = trainComparisonModel(io, kind, task.inputDim, dataset, h, seed, `${task.name} ${kind} seed ${seed}`);
  const fmt = (e: { mean: number; error: number }) => `${e.mean.toExponential(4)} ± ${e.error.toExponential(2)}`;
  const targets = targetsLabel(task.targets);
  io.stdout(`${task.name} ${kind} (seed ${seed}, ${trained.stepsDone} steps, ${origin} data${targets})\n`);
  io.stdout(`train loss ${fmt(trained.trainLoss)}\ntest loss  ${fmt(trained.testLoss)}\n`);
  saveTrainedModel(target, trained.params, modelMetaOf(task, trained, h, seed, origin), io.env);
  io.stdout(`saved ${out}\n`);
  if (trained.status !== 'completed') throw new RuntimeError(`training diverged: ${trained.message} (saved ${out})`);
  return 0;
}
