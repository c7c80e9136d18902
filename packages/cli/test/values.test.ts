// What goes in and what comes out (issue rows 6, 7, 8, 9, 11): no NaN printed as a result, data and
// parameter files checked before use, every invalid value a usage error.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DATA_ENV, referenceDataDir } from '@liouville/hamiltonian/node';
import { Tensor } from '@liouville/linalg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE, type ModelMeta, loadModel, saveModel } from '../src/index.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

/** One line on standard error, `liouville: …`, containing `text`. */
function expectOneLine(err: string, text: string | RegExp): void {
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).toMatch(/^liouville: /);
  if (typeof text === 'string') expect(err).toContain(text);
  else expect(err).toMatch(text);
}

const simulateModel = (file: string, method = 'rk4') => [
  'simulate',
  '--params',
  file,
  '--method',
  method,
  '--q0',
  '0.5',
  '--p0',
  '0',
  '--dt',
  '0.1',
  '--steps',
  '3',
];

/** A copy of a trained model's file with its metadata or parameters changed (written with a valid checksum). */
function forged(from: string, to: string, change: { meta?: Record<string, unknown>; nan?: boolean }): void {
  const { meta, params } = loadModel(join(cwd, from));
  const newMeta = { ...meta, ...change.meta } as unknown as ModelMeta;
  const newParams = Object.fromEntries(
    Object.entries(params).map(([k, t]) => {
      const data = Float64Array.from(t.data);
      if (change.nan === true && k === 'W0') data[0] = Number.NaN;
      return [k, new Tensor(data, t.shape)];
    }),
  );
  saveModel(join(cwd, to), newParams, newMeta);
}

beforeAll(async () => {
  for (const model of ['baseline', 'hnn']) {
    const argv = ['train', '--task', 'spring', '--model', model, '--steps', '1', '--out', `${model}.json`];
    expect((await run(argv, cwd)).code).toBe(0);
  }
}, 60_000);

describe('non-finite results (row 6)', () => {
  test('stops at the first non-finite row, naming the step and time, with exit 1', async () => {
    const kepler = ['simulate', '--system', 'kepler', '--method', 'leapfrog', '--q0', '0,0', '--p0', '0,1'];
    const { code, out, err } = await run([...kepler, '--dt', '0.1', '--steps', '3'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    // H = |p|²/2 − 1/|q| is −∞ at the origin: the very first row.
    expect(out).toBe('t,q1,q2,p1,p2,energy\n');
    expectOneLine(err, 'the energy became non-finite (NaN or infinite) at step 0, t = 0');
    const json = await run([...kepler, '--dt', '0.1', '--steps', '3', '--format', 'json'], cwd);
    expect(json.code).toBe(EXIT_RUNTIME);
    expect(json.out).not.toContain('null');
  });

  test('writes the finite rows before an escape to infinity, then stops', async () => {
    const argv = [
      'simulate',
      '--system',
      'henonHeiles',
      '--method',
      'rk4',
      '--q0',
      '2,2',
      '--p0',
      '0,0',
      '--dt',
      '0.1',
    ];
    const { code, out, err } = await run([...argv, '--steps', '100'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    const rows = out.trimEnd().split('\n').slice(1);
    for (const row of rows) for (const cell of row.split(',')) expect(Number.isFinite(Number(cell))).toBe(true);
    // The step named is the first row not written.
    expectOneLine(err, `non-finite (NaN or infinite) at step ${rows.length}, t = ${rows.length * 0.1}`);
  });

  test('writes non-finite rows when asked to, with exit 0', async () => {
    const argv = ['simulate', '--system', 'kepler', '--method', 'leapfrog', '--q0', '0,0', '--p0', '0,1'];
    const { code, out } = await run(
      [...argv, '--dt', '0.1', '--steps', '2', '--allow-nonfinite', '--format', 'json'],
      cwd,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).energy).toEqual([null, null, null]);
  });

  test('refuses a parameter file whose weights are NaN, before integrating', async () => {
    forged('baseline.json', 'nan-weights.json', { nan: true });
    const { code, out, err } = await run(simulateModel('nan-weights.json'), cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(out).toBe('');
    expectOneLine(err, /nan-weights\.json: the parameter W0 holds NaN or infinite values/);
  });
});

describe('reference data (row 7)', () => {
  const saved = process.env[REFERENCE_DATA_ENV];
  afterAll(() => {
    if (saved === undefined) delete process.env[REFERENCE_DATA_ENV];
    else process.env[REFERENCE_DATA_ENV] = saved;
  });

  test('refuses the spring file with one trajectory removed, naming the file and the row count', async () => {
    const copy = join(cwd, 'reference-copy');
    cpSync(referenceDataDir(), copy, { recursive: true });
    const csv = join(copy, 'spring_dataset_seed0.csv');
    const lines = readFileSync(csv, 'utf8').split('\n');
    writeFileSync(csv, lines.filter((l) => !l.startsWith('train,3,')).join('\n'));
    process.env[REFERENCE_DATA_ENV] = copy;
    const argv = [
      'train',
      '--task',
      'spring',
      '--model',
      'hnn',
      '--steps',
      '1',
      '--data',
      'reference',
      '--out',
      'r.json',
    ];
    const { code, out, err } = await run(argv, cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(out).toBe('');
    expectOneLine(
      err,
      /reference-copy\/spring_dataset_seed0\.csv: this is not the reference file .*lines after the header: expected 1500, found 1470/,
    );
    expect(existsSync(join(cwd, 'r.json'))).toBe(false);
  });
});

describe('the command line (rows 8 and 9)', () => {
  test.each([
    ['simulate', '--steps', '3', '--steps', '5'],
    ['train', '--task', 'spring', '--task', 'pendulum', '--model', 'hnn'],
    ['reproduce', '--quick', '--quick'],
    ['plot', '--results', 'a', '--results=b'],
  ])('refuses a repeated flag: %j', async (...argv) => {
    const { code, out, err } = await run(argv, cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expectOneLine(err, /flag '--\w+' is given more than once/);
  });

  const pendulum = ['simulate', '--system', 'pendulum', '--q0', '1', '--p0', '0'];
  test.each([
    [
      ['--method', 'dopri5', '--dt', '0.1', '--steps', '3', '--rtol', '1e-20'],
      "--rtol must be a number in [1e-13, 1], got '1e-20'",
    ],
    [['--method', 'dopri5', '--dt', '0.1', '--steps', '3', '--rtol', '2'], '--rtol must be a number in [1e-13, 1]'],
    [['--method', 'dopri5', '--dt', '0.1', '--steps', '3', '--atol', '0'], '--atol must be a number > 0'],
    [['--method', 'leapfrog', '--dt', '1e303', '--steps', '1000000'], 'overflows'],
    [['--method', 'leapfrog', '--dt', '0.1', '--steps', '2000000000'], '--steps must be an integer in [1, 1000000000]'],
  ])('exits 2 on an invalid value: %j', async (flags, message) => {
    const { code, out, err } = await run([...pendulum, ...flags], cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expectOneLine(err, message);
  });
});

describe('parameter files against what they are loaded for (row 11)', () => {
  test.each([
    [
      { meta: { hyperparameters: { hiddenDim: 100_000, hiddenLayers: 2 } } },
      'absurd architecture in the metadata: inputDim 2, hiddenDim 100000',
    ],
    [
      { meta: { hyperparameters: { hiddenDim: 300, hiddenLayers: 2 } } },
      'do not fit the baseline model its metadata describes',
    ],
    [{ meta: { inputDim: 4 } }, "the metadata gives inputDim 4, but task 'spring' has 2"],
    [{ meta: { task: 'two-body' } }, "the metadata gives inputDim 2, but task 'two-body' has 8"],
    [{ meta: { task: 'double-pendulum' } }, "the metadata gives inputDim 2, but task 'double-pendulum' has 4"],
    [{ meta: { task: 'moon' } }, 'unknown task "moon" in the metadata (expected spring, pendulum, real, two-body'],
    [{ meta: { trainedAs: 'lnn' } }, 'the metadata calls a "baseline" model \'lnn\', which is a lnn'],
    [{ meta: { trainedAs: 'mlp' } }, 'unknown model name trainedAs "mlp" (expected baseline, hnn, dhnn'],
    [
      { meta: { hyperparameters: { hiddenDim: 200, hiddenLayers: 2, activation: 'gelu' } } },
      'the metadata\'s hyperparameters.activation is "gelu" (expected one of tanh',
    ],
  ])('refuses %j before integrating, with exit 1', async (change, message) => {
    forged('baseline.json', 'forged.json', change);
    const { code, out, err } = await run(simulateModel('forged.json'), cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(out).toBe('');
    expectOneLine(err, message);
    expect(err).not.toContain('RangeError');
  });

  test('plot refuses a results folder whose parameter file is of another task or kind', async () => {
    const argv = [
      'reproduce',
      '--task',
      'spring',
      '--steps',
      '2',
      '--eval-trajectories',
      '1',
      '--jobs',
      '1',
      '--out',
      'run',
    ];
    expect((await run(argv, cwd)).code).toBe(0);
    const results = join(cwd, 'run');
    const swap = (kind: string, from: string) =>
      cpSync(join(cwd, from), join(results, 'params', `spring-seed0-${kind}.params.json`));
    swap('hnn', 'baseline.json');
    const kind = await run(['plot', '--results', 'run', '--out', 'figures'], cwd);
    expect(kind.code).toBe(EXIT_RUNTIME);
    expectOneLine(kind.err, /spring-seed0-hnn\.params\.json: a baseline model, expected hnn/);
    expect(existsSync(join(cwd, 'figures'))).toBe(false);
    forged('hnn.json', 'pendulum-hnn.json', { meta: { task: 'pendulum' } });
    swap('hnn', 'pendulum-hnn.json');
    const task = await run(['plot', '--results', 'run', '--out', 'figures'], cwd);
    expect(task.code).toBe(EXIT_RUNTIME);
    expectOneLine(task.err, "a model of task 'pendulum', expected 'spring'");
  }, 120_000);
});
