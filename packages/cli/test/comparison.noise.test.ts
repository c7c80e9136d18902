// `reproduce --models --noise σ`: a generated task's data at another observation noise, named in the
// table and results.json; and the damped spring's own settings (no weight decay) recover its γ.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { primalTensor } from '@liouville/ad';
import { type DhnnModel, splitLoss } from '@liouville/hamiltonian';
import type { MlpParams } from '@liouville/nn';
import { loadParams } from '@liouville/nn/node';
import { afterAll, describe, expect, test } from 'vitest';
import { buildComparisonModel, trainComparisonModel } from '../src/comparison/models.js';
import { comparisonTask } from '../src/comparison/tasks.js';
import { EXIT_USAGE, memoryIO } from '../src/index.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

describe('reproduce --models --noise', () => {
  test('trains and tests on the task’s data generated at σ, and says so', async () => {
    const argv = ['reproduce', '--task', 'damped-spring', '--models', 'dhnn', '--noise', '0.1', '--steps', '2'];
    const { code, out } = await run([...argv, '--eval-trajectories', '1', '--out', 'noise'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/generated data, noise σ = 0\.1, 2 steps/);
    const task = JSON.parse(readFileSync(join(cwd, 'noise', 'results.json'), 'utf8')).comparisons['damped-spring'];
    expect(task.noise).toBe(0.1);
    // The recorded test loss is the saved model's on the test split at σ = 0.1, not on the task's
    // own noiseless data. After 2 steps the model is nearly flat, so the noisy states move its loss
    // by only ~1e-5 relatively (the targets are exact in both), still 1e10 times float64 rounding.
    const damped = comparisonTask('damped-spring');
    const generate = damped.generate as NonNullable<typeof damped.generate>;
    const { params } = loadParams<MlpParams>(join(cwd, 'noise', task.seeds[0].models.dhnn.paramsFile));
    const model = buildComparisonModel('dhnn', 2, damped.hyperparameters);
    const clean = splitLoss(model, params, generate(0, 0).test).mean;
    const noisy = splitLoss(model, params, generate(0, 0.1).test).mean;
    expect(Math.abs(noisy - clean)).toBeGreaterThan(1e-9 * clean);
    expect(task.summary.dhnn.testLoss.mean).toBeCloseTo(noisy, 12);
  });

  test('names the task’s own σ when --noise is not given', async () => {
    const argv = ['reproduce', '--task', 'damped-spring', '--models', 'dhnn', '--steps', '1'];
    const { code, out } = await run([...argv, '--eval-trajectories', '1', '--out', 'own'], cwd);
    expect(code).toBe(0);
    // The damped spring's own states are noiseless (the D-HNN authors' setting; tasks.ts).
    expect(out).toMatch(/generated data, noise σ = 0, 1 steps/);
    const task = JSON.parse(readFileSync(join(cwd, 'own', 'results.json'), 'utf8')).comparisons['damped-spring'];
    expect(task.noise).toBe(0);
  });

  test('generates at the task’s own σ what the task loads by default', () => {
    const damped = comparisonTask('damped-spring');
    const generate = damped.generate as NonNullable<typeof damped.generate>;
    const loaded = damped.load('generated', 3).dataset;
    expect(Array.from(generate(3, 0).train.x.data)).toEqual(Array.from(loaded.train.x.data));
    expect(Array.from(generate(3, 0.1).train.x.data)).not.toEqual(Array.from(loaded.train.x.data));
    expect(comparisonTask('real').generate).toBeUndefined();
  });

  test('is a usage error on measured or reference data, without --models, or below 0', async () => {
    const cases: [string[], RegExp][] = [
      [['--task', 'real', '--models', 'dhnn', '--noise', '0'], /--noise needs generated data; task 'real' has none/],
      [
        ['--task', 'spring', '--models', 'hnn', '--data', 'reference', '--noise', '0'],
        /--noise applies to generated data/,
      ],
      [['--task', 'spring', '--noise', '0'], /--noise applies to a comparison of --models only/],
      [['--task', 'spring', '--models', 'hnn', '--noise', '-1'], /--noise must be a number in \[0, 10\]/],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await run(['reproduce', ...argv, '--out', 'bad'], cwd);
      expect(code).toBe(EXIT_USAGE);
      expect(err).toMatch(message);
    }
  });
});

describe('the damped spring’s settings', () => {
  test('let a DHNN on noiseless data recover γ within 5%', () => {
    const damped = comparisonTask('damped-spring');
    const gamma = damped.damping as number;
    // No weight decay: L2 shrinkage of D_φ biases −ΔD toward zero (the spring's 1e-4 gives
    // 0.189–0.193 after 2000 steps, seeds 0–3).
    expect(damped.hyperparameters.weightDecay).toBe(0);
    const generate = damped.generate as NonNullable<typeof damped.generate>;
    const data = generate(0, 0);
    // 120 of the task's 2000 steps, same architecture, Adam settings and full batch: seeds 0–3
    // recover 0.1979, 0.1969, 0.1975, 0.1972 (within 1.6%; 2000 steps: within 0.7%), so the issue's
    // 5% leaves 3× the seeds' worst error, while a model that learned no friction or half of it fails.
    const h = { ...damped.hyperparameters, steps: 120 };
    const trained = trainComparisonModel(memoryIO(), 'dhnn', 2, data, h, 0, 'damped-spring dhnn');
    const divergence = primalTensor((trained.model as DhnnModel).divergence(trained.params as MlpParams, data.test.x));
    const recovered = -Array.from(divergence.data).reduce((a, b) => a + b, 0) / divergence.size;
    expect(Math.abs(recovered - gamma)).toBeLessThan(0.05 * gamma);
  });
});
