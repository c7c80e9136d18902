import { resolve } from 'node:path';
import type { MeasuredDataOptions, SavedModel } from '@liouville/hamiltonian';
import { loadMeasurements, loadModel } from '@liouville/hamiltonian/node';
import { type CommandSpec, type FlagValues, parseFlags, requiredFlag, stringFlag } from '../args.js';
import { RuntimeError, UsageError } from '../errors.js';
import { commandHelp } from '../help.js';
import type { CliIO } from '../io.js';
import { DATA_COLUMN_FLAGS, measuredOptions } from '../measured/dataFlags.js';
import { type DataEvaluation, evaluateOnData } from '../measured/evaluation.js';
import { trivialMse } from '../measured/trainOnData.js';

/** `liouville evaluate`: saved models against the held-out part of a file of measurements. */
export const evaluateSpec: CommandSpec = {
  name: 'evaluate',
  summary:
    'Evaluate saved models on the held-out segment of a file of measurements: test MSE of dx/dt, rollout error at a few horizons, and how constant the learned H stays.',
  synopsis: '--params FILE[,FILE] --data FILE [--horizons N,N,…] [column flags as for train --data]',
  flags: {
    params: {
      type: 'string',
      value: 'FILES',
      description:
        'One or more model files written by `liouville train --data` (comma-separated: an HNN beside a baseline).',
    },
    data: { type: 'string', value: 'FILE', description: 'The file of measurements.' },
    horizons: {
      type: 'string',
      value: 'N,N,…',
      description: 'Rollout horizons, in held-out samples after the first.',
      defaultText: '1,10,100',
    },
    ...DATA_COLUMN_FLAGS,
  },
  details: [
    'The columns, derivative method and held-out fraction default to those the (first) model was trained with, read from its metadata; the column flags override them.',
    'Rollouts start at the first held-out state of every trajectory and are integrated by Dormand–Prince (rtol 1e-8) to the measured times, gaps included; their error is the mean squared difference of (q, p) over the first N held-out samples (angle differences taken modulo 2π). For an HNN, max |H_θ(x(t)) − H_θ(x₀)| along them is reported relative to the spread (standard deviation) of H_θ over the test states.',
  ],
  examples: [
    'liouville evaluate --params pendulum-hnn.params.json,pendulum-baseline.params.json --data pendulum.txt',
    'liouville evaluate --params spring-hnn.params.json --data spring.csv --horizons 5,50',
  ],
};

/** The horizons flag: positive integers. */
function horizons(values: FlagValues): number[] {
  const text = stringFlag(values, 'horizons') ?? '1,10,100';
  const list = text.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN));
  if (list.some((h) => !Number.isSafeInteger(h) || h < 1)) {
    throw new UsageError(`--horizons must be comma-separated positive integers, got '${text}'`);
  }
  return list;
}

/** The data options: from the flags when --time is given, otherwise from the model's metadata. */
function dataOptions(values: FlagValues, first: { path: string; saved: SavedModel }): MeasuredDataOptions {
  if (values.time !== undefined || values.q !== undefined) return measuredOptions(values, 'evaluate');
  const saved = (first.saved.meta.data as { options?: MeasuredDataOptions } | undefined)?.options;
  if (saved === undefined) {
    throw new UsageError(`${first.path} does not record the columns it was trained on: give --time, --q and --p`);
  }
  return saved;
}

const sci = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toExponential(2));

/** The evaluation table: one line per model. */
function table(results: readonly { path: string; result: DataEvaluation }[], trivial: number): string {
  const hs = results[0].result.rolloutMse.map((r) => r.horizon);
  const header = `${'model'.padEnd(10)}${'test MSE dx/dt'.padEnd(22)}${`rollout MSE up to ${hs.join(' / ')} samples`.padEnd(40)}max |ΔH_θ| / spread`;
  const lines = results.map(({ result: r }) => {
    const mse = `${sci(r.testMse.mean)} ± ${sci(r.testMse.error)}`;
    const roll = r.rolloutMse.map((h) => sci(h.mse)).join(' / ');
    const failed = r.failed > 0 ? ` (${r.failed} rollouts failed)` : '';
    return `${r.kind.padEnd(10)}${mse.padEnd(22)}${(roll + failed).padEnd(40)}${sci(r.energyDrift)}`;
  });
  return `${header}\n${lines.join('\n')}\ntrivial predictor dx/dt = 0: test MSE ${sci(trivial)}\n`;
}

/** Runs `liouville evaluate`; returns the exit status. */
export function runEvaluate(argv: readonly string[], io: CliIO): number {
  const values = parseFlags(evaluateSpec, argv);
  if (values.help) {
    io.stdout(commandHelp(evaluateSpec));
    return 0;
  }
  const files = requiredFlag(evaluateSpec, values, 'params')
    .split(',')
    .map((f) => f.trim());
  if (files.some((f) => f === '')) throw new UsageError('--params must be comma-separated file names');
  const dataPath = resolve(io.cwd, requiredFlag(evaluateSpec, values, 'data'));
  const hs = horizons(values);
  const models = files.map((f) => ({ path: resolve(io.cwd, f), saved: loadModel(resolve(io.cwd, f)) }));
  const options = dataOptions(values, models[0]);
  const dataset = loadMeasurements(dataPath, options);
  for (const m of models) {
    if (m.saved.meta.inputDim !== 2 * dataset.dof) {
      throw new RuntimeError(
        `${m.path}: a model of ${m.saved.meta.inputDim / 2} degrees of freedom, but the data have ${dataset.dof}`,
      );
    }
  }
  const results = models.map((m) => ({ path: m.path, result: evaluateOnData(m.saved, dataset, hs) }));
  io.stdout(
    `evaluation on ${dataPath}: ${dataset.test.x.shape[0]} held-out rows in ${new Set(dataset.test.trajectory).size} trajectories\n`,
  );
  io.stdout(table(results, trivialMse(dataset, 'test')));
  return 0;
}
