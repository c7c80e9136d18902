import { dirname, resolve } from 'node:path';
import { type CommandSpec, choiceFlag, integerFlag, parseFlags, requiredFlag, stringFlag } from '../args.js';
import { RuntimeError, UsageError } from '../errors.js';
import { commandHelp } from '../help.js';
import type { CliIO } from '../io.js';
import { saveTrainedModel } from '../modelFile.js';
import { checkCanWriteIn, outputTarget } from '../outputFile.js';
import { DATA_SOURCES, type DataSource, MODEL_KINDS, hyperparametersFor, parseTaskName, taskSpec } from '../tasks.js';
import { modelMetaOf, trainModel } from '../training.js';
import { isBeyondThePaper, trainBeyond } from '../comparison/trainCommand.js';
import { MATMUL_THREADS_FLAG, matmulThreadsFlag, useProductThreads } from '../jobs/productThreads.js';
import { DATA_COLUMN_FLAGS } from '../measured/dataFlags.js';
import { isDataFile, runTrainOnData } from '../measured/trainOnData.js';

/** `liouville train`: one model of one task, saved with its metadata. */
export const trainSpec: CommandSpec = {
  name: 'train',
  summary:
    'Train one model (the HNN or the baseline) on one task with the reference hyperparameters and save its parameters.',
  synopsis:
    '--task TASK --model hnn|baseline|dhnn|lnn|srnn|hnn-fd|dhnn-fd [--seed S] [--steps N] [--data generated|reference] [--out FILE]\n   or: liouville train --data FILE --time COL --q COLS --p COLS [--dqdt COLS --dpdt COLS] [--trajectory COL] [--velocity] [--periodic COLS] [--derivative central|savgol] [--test-fraction F] --model hnn|baseline [--steps N] [--out FILE]',
  flags: {
    task: {
      type: 'string',
      value: 'TASK',
      description:
        'spring, pendulum, real, two-body or three-body; beyond the paper: damped-spring, double-pendulum (angles and angular velocities).',
    },
    model: {
      type: 'string',
      value: 'KIND',
      description:
        'hnn (Hamiltonian Neural Network) or baseline (MLP predicting ẋ); beyond the paper (spring, pendulum, real, damped-spring, double-pendulum): dhnn (dissipative HNN), lnn (Lagrangian Neural Network, double-pendulum), srnn (separable HNN trained through leapfrog rollouts), hnn-fd and dhnn-fd (HNN, DHNN on central-difference ẋ of the observed states).',
    },
    seed: {
      type: 'string',
      value: 'S',
      description: 'Seeds the initial parameters, the minibatches and generated data.',
      defaultText: '0',
    },
    steps: {
      type: 'string',
      value: 'N',
      description: 'Number of Adam steps (overrides the reference setting, for quick runs).',
      defaultText: '2000 (spring, pendulum, real), 10000 (two-body, three-body)',
    },
    data: {
      type: 'string',
      value: 'SOURCE',
      description:
        "generated (this project's generators) or reference (the files the reference code trained on; not for three-body); the real pendulum always uses its measurements. Or a FILE of your own measurements, with the column flags below instead of --task (write ./reference for a file of that name).",
      defaultText: 'generated',
    },
    out: {
      type: 'string',
      value: 'FILE',
      description: 'Where to save the parameters and metadata (atomically).',
      defaultText: './<task>-<model>-seed<S>.params.json (with --data FILE: ./<file>-<model>.params.json)',
    },
    ...DATA_COLUMN_FLAGS,
    ...MATMUL_THREADS_FLAG,
  },
  details: [
    'The file holds the parameters in the liouville-params format with metadata: task, model kind, architecture, hyperparameters, seed, data source and final losses. `liouville simulate --params FILE` rolls the learned model out.',
  ],
  examples: [
    'liouville train --task spring --model hnn --seed 0 --out spring-hnn.params.json',
    'liouville train --task two-body --model baseline --steps 500 --data reference',
    'liouville train --data pendulum.txt --trajectory trial --time t --q theta --p omega --velocity --periodic theta --model hnn',
  ],
};

/** Checks the data source against the task: three-body has no reference files. */
export function checkDataSource(taskName: string, hasReference: boolean, source: DataSource): void {
  if (source === 'reference' && !hasReference) {
    throw new UsageError(`no reference data for task '${taskName}' (only generated data exists); use --data generated`);
  }
}

/** Runs `liouville train`; returns the exit status. */
export async function runTrain(argv: readonly string[], io: CliIO): Promise<number> {
  const values = parseFlags(trainSpec, argv);
  if (values.help) {
    io.stdout(commandHelp(trainSpec));
    return 0;
  }
  await useProductThreads(matmulThreadsFlag(values));
  if (isDataFile(values.data)) return runTrainOnData(io, values, values.data);
  const dataOnly = Object.keys(DATA_COLUMN_FLAGS).find((name) => values[name] !== undefined);
  if (dataOnly !== undefined)
    throw new UsageError(`--${dataOnly} goes with --data FILE (a file of your own measurements)`);
  const taskText = requiredFlag(trainSpec, values, 'task');
  const modelText = requiredFlag(trainSpec, values, 'model');
  if (isBeyondThePaper(taskText, modelText)) return trainBeyond(io, values, taskText, modelText);
  const [taskName] = parseTaskName(taskText, false);
  const kind = choiceFlag(values, 'model', MODEL_KINDS, 'hnn', 'model');
  const seed = integerFlag(values, 'seed', 0, 0);
  const task = taskSpec(taskName);
  const h = hyperparametersFor(task, values.steps === undefined ? undefined : integerFlag(values, 'steps', 1, 1));
  const source = choiceFlag(values, 'data', DATA_SOURCES, 'generated', 'data source');
  checkDataSource(taskName, task.hasReferenceData, source);
  const out = resolve(io.cwd, stringFlag(values, 'out') ?? `${taskName}-${kind}-seed${seed}.params.json`);
  // Before any training: a folder, FIFO or device as --out, or a folder that cannot be written, fails now.
  const target = outputTarget(out);
  checkCanWriteIn(dirname(target));
  const { dataset, origin } = task.load(source, seed);
  const trained = trainModel(io, task, kind, seed, dataset, h, `${taskName} ${kind} seed ${seed}`);
  const fmt = (e: { mean: number; error: number }) => `${e.mean.toExponential(4)} ± ${e.error.toExponential(2)}`;
  io.stdout(
    `${taskName} ${kind} (seed ${seed}, ${trained.stepsDone} steps, ${origin} data, ${trained.msPerStep.toFixed(1)} ms/step)\n`,
  );
  io.stdout(`train loss ${fmt(trained.trainLoss)}\ntest loss  ${fmt(trained.testLoss)}\n`);
  saveTrainedModel(target, trained.params, modelMetaOf(task, trained, h, seed, origin), io.env);
  io.stdout(`saved ${out}\n`);
  if (trained.status !== 'completed') throw new RuntimeError(`training diverged: ${trained.message} (saved ${out})`);
  return 0;
}
