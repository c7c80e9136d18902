// `reproduce --models` and `train --model` beyond the paper's two models: one table per task with
// a column per model, the figures in results.json, the parameters saved, and usage errors for
// models that do not fit a task.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadParams } from '@liouville/nn/node';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_USAGE } from '../src/index.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

describe('reproduce --models', () => {
  test('trains every model on the damped spring and prints and records one table with a column each', async () => {
    const argv = ['reproduce', '--task', 'damped-spring', '--models', 'hnn,dhnn,srnn', '--steps', '3'];
    const { code, out } = await run([...argv, '--eval-trajectories', '2', '--out', 'cmp'], cwd);
    expect(code).toBe(0);
    const header = out.split('\n').find((line) => line.startsWith('figure')) ?? '';
    expect(header.split(/\s{2,}/)).toEqual(['figure', 'HNN', 'DHNN', 'SRNN']);
    expect(out).toMatch(/learned dissipation −ΔD \(true γ = 0\.2\)\s+—\s+-?\d\.\d\de[-+]\d+\s+—/);
    expect(out).toMatch(/rollout error at t = 20/);
    const doc = JSON.parse(readFileSync(join(cwd, 'cmp', 'results.json'), 'utf8'));
    expect(doc.complete).toBe(true);
    const task = doc.comparisons['damped-spring'];
    expect(task.models).toEqual(['hnn', 'dhnn', 'srnn']);
    for (const model of task.models) {
      expect(task.summary[model].testLoss.mean).toBeGreaterThan(0);
      expect(Object.keys(task.summary[model])).toEqual(
        expect.arrayContaining(['trainLoss', 'testLoss', 'energy', 'rollout@2', 'rollout@5', 'rollout@20']),
      );
      const saved = loadParams(join(cwd, 'cmp', task.seeds[0].models[model].paramsFile));
      expect((saved.meta as { model: string }).model).toBe(model);
    }
    expect(Number.isFinite(task.summary.dhnn.dissipation.mean)).toBe(true);
  });

  test('prints the paper’s Table 1 figures beside ours on the paper’s tasks', async () => {
    const argv = ['reproduce', '--task', 'real', '--models', 'baseline,dhnn', '--steps', '2', '--out', 'real'];
    const { code, out } = await run(argv, cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/ {2}paper \(Table 1\)\s+\d\.\d\de-\d ± \d\.\d\de-\d\s+—/);
  });

  test('rejects unknown models, repeated ones, and models that do not fit the task', async () => {
    const unknown = await run(['reproduce', '--task', 'spring', '--models', 'hnn,sympnet'], cwd);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toMatch(/unknown model 'sympnet'/);
    const twice = await run(['reproduce', '--task', 'spring', '--models', 'hnn,hnn'], cwd);
    expect(twice.err).toMatch(/names a model twice/);
    const lnn = await run(['reproduce', '--task', 'spring', '--models', 'lnn'], cwd);
    expect(lnn.code).toBe(EXIT_USAGE);
    expect(lnn.err).toMatch(/lnn does not apply to task 'spring'/);
    const orbit = await run(['reproduce', '--task', 'two-body', '--models', 'hnn'], cwd);
    expect(orbit.err).toMatch(/compares on spring, pendulum, real, damped-spring, double-pendulum/);
    expect(existsSync(join(cwd, 'results'))).toBe(false);
  });
});

describe('train --model beyond the paper', () => {
  test('trains a Lagrangian network on the double pendulum and saves it with its metadata', async () => {
    const argv = ['train', '--task', 'double-pendulum', '--model', 'lnn', '--steps', '2', '--out', 'lnn.json'];
    const { code, out } = await run(argv, cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/double-pendulum lnn \(seed 0, 2 steps, generated data\)/);
    const { meta } = loadParams(join(cwd, 'lnn.json'));
    expect(meta).toMatchObject({ task: 'double-pendulum', model: 'lnn', inputDim: 4, stepsDone: 2 });
  });
});
