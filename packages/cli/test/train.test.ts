import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { REFERENCE_DATA_ENV, referenceDataDir } from '@liouville/hamiltonian/node';
import { join } from 'node:path';
import { paramsEqual } from '@liouville/nn';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE, loadModel } from '../src/index.js';
import { cleanup, filesUnder, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

const trainArgs = (model: string, out: string, seed = 0, steps = 5) => [
  'train',
  '--task',
  'spring',
  '--model',
  model,
  '--steps',
  String(steps),
  '--seed',
  String(seed),
  '--out',
  out,
];

describe('train', () => {
  test('writes a loadable parameter file with the task, model and hyperparameters', async () => {
    const { code, out, err } = await run(trainArgs('hnn', 'models/hnn.json'), cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/train loss \d\.\d+e[-+]\d+ ± /);
    expect(err).toContain('spring hnn seed 0 step 5/5');
    const loaded = loadModel(join(cwd, 'models/hnn.json'));
    expect(loaded.meta).toMatchObject({
      task: 'spring',
      model: 'hnn',
      inputDim: 2,
      seed: 0,
      stepsDone: 5,
      data: 'generated',
      status: 'completed',
    });
    expect(loaded.meta.hyperparameters).toMatchObject({
      steps: 5,
      hiddenDim: 200,
      hiddenLayers: 2,
      learningRate: 1e-3,
      weightDecay: 1e-4,
      batchSize: null,
    });
    expect(loaded.model.kind).toBe('hnn');
    expect(filesUnder(join(cwd, 'models'))).toEqual(['hnn.json']);
  });

  test('gives the same bits for the same seed and different ones for another seed', async () => {
    await run(trainArgs('baseline', 'same-a.json', 3, 3), cwd);
    await run(trainArgs('baseline', 'same-b.json', 3, 3), cwd);
    await run(trainArgs('baseline', 'other.json', 4, 3), cwd);
    const [a, b, c] = ['same-a.json', 'same-b.json', 'other.json'].map((f) => loadModel(join(cwd, f)).params);
    expect(paramsEqual(a, b)).toBe(true);
    expect(paramsEqual(a, c)).toBe(false);
  });

  test('simulates the saved HNN with a symplectic method, which conserves its learned H', async () => {
    const { code, out } = await run(
      [
        'simulate',
        '--params',
        'models/hnn.json',
        '--method',
        'gaussLegendre4',
        '--q0',
        '0.5',
        '--p0',
        '-0.2',
        '--dt',
        '0.05',
        '--steps',
        '40',
      ],
      cwd,
    );
    expect(code).toBe(0);
    const [head, ...lines] = out.trimEnd().split('\n');
    expect(head).toBe('t,q,p,energy,learnedEnergy');
    const learned = lines.map((l) => Number(l.split(',')[4]));
    const drift = Math.max(...learned.map((h) => Math.abs(h - learned[0])));
    expect(drift).toBeLessThan(1e-7 * Math.max(1, Math.abs(learned[0])));
  });

  test('integrates a saved baseline with rk4 but refuses a symplectic method (it has no H)', async () => {
    const flags = ['--q0', '0.5', '--p0', '0', '--dt', '0.1', '--steps', '10'];
    const ok = await run(['simulate', '--params', 'same-a.json', '--method', 'rk4', ...flags], cwd);
    expect(ok.code).toBe(0);
    expect(ok.out.split('\n')[0]).toBe('t,q,p,energy');
    const refused = await run(['simulate', '--params', 'same-a.json', '--method', 'leapfrog', ...flags], cwd);
    expect(refused.code).toBe(EXIT_USAGE);
    expect(refused.err).toContain('a baseline model has no Hamiltonian');
  });

  test('fails with exit 1 on a parameter file whose checksum does not match', async () => {
    const text = readFileSync(join(cwd, 'same-a.json'), 'utf8');
    writeFileSync(join(cwd, 'tampered.json'), text.replace('"seed":3', '"seed":9'));
    const { code, err } = await run(
      [
        'simulate',
        '--params',
        'tampered.json',
        '--method',
        'rk4',
        '--q0',
        '1',
        '--p0',
        '0',
        '--dt',
        '0.1',
        '--steps',
        '2',
      ],
      cwd,
    );
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toMatch(/^liouville: .*tampered\.json.*checksum/);
  });

  test('fails with exit 1 before training when --out is under a file, leaving nothing', async () => {
    writeFileSync(join(cwd, 'plain-file'), 'x');
    const before = filesUnder(cwd);
    const { code, err } = await run(trainArgs('hnn', 'plain-file/model.json'), cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).not.toContain('step');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(cwd, 'plain-file/model.json'))).toBe(false);
    expect(filesUnder(cwd)).toEqual(before);
  });

  describe('with the reference data', () => {
    const saved = process.env[REFERENCE_DATA_ENV];
    const copy = join(cwd, 'reference-copy');
    afterAll(() => {
      if (saved === undefined) delete process.env[REFERENCE_DATA_ENV];
      else process.env[REFERENCE_DATA_ENV] = saved;
    });

    test('fails with exit 1 naming the file when a data file differs from the manifest, writing nothing', async () => {
      cpSync(referenceDataDir(), copy, { recursive: true });
      const csv = join(copy, 'spring_dataset_seed0.csv');
      writeFileSync(csv, readFileSync(csv, 'utf8').replace(/\n(train,0,3,)[^,]+/, '\n$1three'));
      process.env[REFERENCE_DATA_ENV] = copy;
      const { code, out, err } = await run([...trainArgs('hnn', 'from-corrupt.json'), '--data', 'reference'], cwd);
      expect(code).toBe(EXIT_RUNTIME);
      expect(out).toBe('');
      // One field changed, same row count: the manifest's SHA-256 catches it before any parsing.
      expect(err).toMatch(
        /^liouville: .*reference-copy\/spring_dataset_seed0\.csv: this is not the reference file spring_dataset_seed0\.csv .*sha256: expected 1c1bd57e955269da[0-9a-f]{48}, found [0-9a-f]{64}\..*\n$/,
      );
      expect(err).not.toContain('lines after the header');
      expect(existsSync(join(cwd, 'from-corrupt.json'))).toBe(false);
    });

    test('fails with exit 1 when the reference data folder is missing', async () => {
      process.env[REFERENCE_DATA_ENV] = join(cwd, 'no-such-folder');
      const { code, err } = await run(['reproduce', '--task', 'spring', '--steps', '1', '--out', 'never'], cwd);
      expect(code).toBe(EXIT_RUNTIME);
      expect(err).toMatch(
        /^liouville: .*no-such-folder: LIOUVILLE_REFERENCE_DATA is set to this path, which is not an existing folder\n$/,
      );
      expect(existsSync(join(cwd, 'never'))).toBe(false);
    });
  });
});
