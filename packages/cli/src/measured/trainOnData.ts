import { basename, dirname, extname, resolve } from 'node:path';
import {
  type BaselineModel,
  type Dataset,
  type Estimate,
  type HnnModel,
  baselineModel,
  hnnModel,
  phaseScaling,
  scaleDataset,
  serializeModel,
  splitLoss,
  train,
  unscaledModel,
} from '@liouville/hamiltonian';
import { loadMeasurements } from '@liouville/hamiltonian/node';
import type { JsonValue } from '@liouville/nn';
import { adam } from '@liouville/nn';
import { type FlagValues, choiceFlag, integerFlag, stringFlag } from '../args.js';
import { RuntimeError, UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { checkCanWriteIn, outputTarget, writeFileAtomic } from '../outputFile.js';
import { progressLine } from '../progress.js';
import { evalEveryFor } from '../training.js';
import { measuredOptions } from './dataFlags.js';

/** Training settings for your own data: the reference's network and optimiser, full batch. */
export const MEASURED_TRAINING = { hiddenDim: 200, hiddenLayers: 2, learningRate: 1e-3, steps: 2000 } as const;

/** Whether `--data` names a file rather than one of the paper's data sources. */
export function isDataFile(value: string | boolean | undefined): value is string {
  return typeof value === 'string' && value !== 'generated' && value !== 'reference';
}

/** The mean squared dx/dt of a split: the error of the trivial predictor dx/dt = 0. */
export function trivialMse(dataset: Dataset, split: 'train' | 'test'): number {
  const d = dataset[split].dxdt.data;
  let sum = 0;
  for (const v of d) sum += v * v;
  return sum / d.length;
}

/** The model of a kind for n degrees of freedom and its angles. */
export function measuredModel(
  kind: 'hnn' | 'baseline',
  inputDim: number,
  periodic?: readonly boolean[],
): HnnModel | BaselineModel {
  const o = {
    inputDim,
    hiddenDim: MEASURED_TRAINING.hiddenDim,
    hiddenLayers: MEASURED_TRAINING.hiddenLayers,
    ...(periodic ? { periodic } : {}),
  };
  return kind === 'hnn' ? hnnModel(o) : baselineModel(o);
}

/** The report of a training on measured data: the model's and the trivial predictor's MSE on both splits. */
function report(io: CliIO, kind: string, train: Estimate, test: Estimate, dataset: Dataset): void {
  const f = (x: number) => x.toExponential(3);
  io.stdout(
    `${kind} on ${dataset.meta.path} (${dataset.train.x.shape[0]} train rows, ${dataset.test.x.shape[0]} test rows, n = ${dataset.dof})\n`,
  );
  io.stdout('mean squared error of dx/dt, in the data’s units:\n');
  io.stdout(`          ${'model'.padEnd(24)}dx/dt = 0\n`);
  io.stdout(
    `train     ${`${f(train.mean)} ± ${train.error.toExponential(1)}`.padEnd(24)}${f(trivialMse(dataset, 'train'))}\n`,
  );
  io.stdout(
    `test      ${`${f(test.mean)} ± ${test.error.toExponential(1)}`.padEnd(24)}${f(trivialMse(dataset, 'test'))}\n`,
  );
  if (dataset.meta.momentum === 'velocity') {
    io.stdout(
      `note: p := velocity (--velocity): the ${kind === 'baseline' ? 'learned field' : 'learned H'} is in (q, q̇)\n`,
    );
  }
}

/**
 * `liouville train --data FILE …`: a dataset from the user's file, the coordinates scaled so the
 * network sees numbers of order one (a change of units that keeps Hamilton's equations), a model
 * trained on them, and a model file in the data's units (scaling, columns and coordinates in its
 * metadata) that `simulate --params` and `evaluate` read.
 */
export function runTrainOnData(io: CliIO, values: FlagValues, path: string): number {
  if (values.task !== undefined) throw new UsageError("'train' takes either --task or --data FILE, not both");
  const kind = choiceFlag(values, 'model', ['hnn', 'baseline'] as const, 'hnn', 'model for --data FILE');
  if (values.model === undefined) throw new UsageError("'train --data FILE' needs --model hnn|baseline");
  const options = measuredOptions(values, 'train');
  const seed = integerFlag(values, 'seed', 0, 0);
  const steps = integerFlag(values, 'steps', MEASURED_TRAINING.steps, 1);
  const file = resolve(io.cwd, path);
  const defaultOut = `${basename(file, extname(file))}-${kind}.params.json`;
  const out = resolve(io.cwd, stringFlag(values, 'out') ?? defaultOut);
  const target = outputTarget(out);
  checkCanWriteIn(dirname(target));
  const dataset = loadMeasurements(file, options);
  const scaling = phaseScaling(dataset.train, { periodic: options.periodic });
  const model = measuredModel(kind, 2 * dataset.dof, options.periodic);
  const progress = progressLine(io, `${kind} on ${basename(file)}`, steps);
  const result = train({
    model,
    data: scaleDataset(dataset, scaling),
    steps,
    optimiser: adam({ lr: MEASURED_TRAINING.learningRate }),
    seed,
    evalEvery: evalEveryFor(steps),
    onStep: ({ step, trainLoss }) => progress.update(step, trainLoss),
  });
  progress.done(result.message);
  const user = unscaledModel(model, scaling);
  const [trainMse, testMse] = [
    splitLoss(user, result.params, dataset.train),
    splitLoss(user, result.params, dataset.test),
  ];
  report(io, kind, trainMse, testMse, dataset);
  const meta = {
    scaling,
    data: { ...dataset.meta, options } as unknown as JsonValue,
    hyperparameters: { ...MEASURED_TRAINING, steps, optimiser: 'adam', batchSize: null },
    extra: {
      seed,
      stepsDone: result.stepsDone,
      status: result.status,
      finalTrainLoss: trainMse.mean,
      finalTestLoss: testMse.mean,
      trivialTestLoss: trivialMse(dataset, 'test'),
    },
  };
  writeFileAtomic(target, serializeModel(model, result.params, meta));
  io.stdout(`saved ${out}\n`);
  if (result.status !== 'completed') throw new RuntimeError(`training diverged: ${result.message} (saved ${out})`);
  return 0;
}
