// `reproduce --models` and `train --model` beyond the paper's two models: one table per task with
// a column per model, the figures in results.json, the parameters saved, and usage errors for
// models that do not fit a task.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  centralDifferenceTargets,
  dopri5Rollout,
  modelField,
  rolloutErrors,
  splitLoss,
  springDataset,
} from '@liouville/hamiltonian';
import { loadRealPendulum } from '@liouville/hamiltonian/node';
import { Tensor } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import { loadParams } from '@liouville/nn/node';
import { afterAll, describe, expect, test } from 'vitest';
import { buildComparisonModel } from '../src/comparison/models.js';
import { EXIT_USAGE } from '../src/index.js';
import { taskSpec } from '../src/tasks.js';
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

  test('prints the paper’s Table 1 figures beside ours on the paper’s targets', async () => {
    const argv = ['reproduce', '--task', 'real', '--models', 'baseline,dhnn', '--steps', '2', '--targets', 'dataset'];
    const { code, out } = await run([...argv, '--out', 'real'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/ {2}paper \(Table 1\)\s+\d\.\d\de-\d ± \d\.\d\de-\d\s+—/);
    expect(out).toMatch(/measured data, 2 steps/);
    // The D-HNN authors trained on central differences: their figures appear only beside those.
    expect(out).not.toMatch(/D-HNN authors/);
    expect(JSON.parse(readFileSync(join(cwd, 'real', 'results.json'), 'utf8')).comparisons.real.targets).toBe(
      'dataset',
    );
  });

  test('trains and tests every model of the real pendulum on central differences of the measured states', async () => {
    // No --targets: the measured task's own are central differences (tasks.ts).
    const argv = ['reproduce', '--task', 'real', '--models', 'baseline,dhnn', '--steps', '2'];
    const { code, out } = await run([...argv, '--out', 'central'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/measured data, central-difference ẋ targets, 2 steps/);
    // The paper's figures are of its forward differences: not printed beside these.
    expect(out).not.toMatch(/paper \(Table 1\)/);
    const task = JSON.parse(readFileSync(join(cwd, 'central', 'results.json'), 'utf8')).comparisons.real;
    expect(task.targets).toBe('central');
    // The recorded test loss is the saved model's MSE on central differences of the test states,
    // not on the reference's forward differences (which differ from them by O(Δt) per row).
    const data = loadRealPendulum();
    const model = buildComparisonModel('baseline', 2, taskSpec('real').hyperparameters);
    const { params } = loadParams<MlpParams>(join(cwd, 'central', task.seeds[0].models.baseline.paramsFile));
    const central = splitLoss(model, params, centralDifferenceTargets(data.test)).mean;
    const forward = splitLoss(model, params, data.test).mean;
    expect(Math.abs(forward - central)).toBeGreaterThan(1e-3 * central);
    expect(task.summary.baseline.testLoss.mean).toBeCloseTo(central, 12);
    // Beside our energy figure, the one the D-HNN authors report for the same protocol (dhnnAuthors.ts).
    expect(out).toMatch(/ {2}D-HNN authors \(Sosanya & Greydanus\)\s+1\.17e-3 ± 1\.06e-4\s+1\.07e-3 ± 1\.06e-4/);
    expect(task.dhnnAuthors).toEqual({ baseline: [1.167e-3, 1.06e-4], dhnn: [1.0675e-3, 1.06e-4] });
    const paper = await run(['reproduce', '--task', 'real', '--targets', 'central', '--steps', '2'], cwd);
    expect(paper.code).toBe(EXIT_USAGE);
    expect(paper.err).toMatch(/--targets applies to a comparison of --models only/);
  });

  test('reports rollout errors from the test trajectories’ starts beside the notebook’s on the spring', async () => {
    const argv = ['reproduce', '--task', 'spring', '--models', 'hnn-fd', '--steps', '2', '--eval-trajectories', '2'];
    const { code, out } = await run([...argv, '--out', 'starts'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/rollout error at t = 20, test starts/);
    const task = JSON.parse(readFileSync(join(cwd, 'starts', 'results.json'), 'utf8')).comparisons.spring;
    // Recomputed here from the noise-free first state of each of the first two test trajectories of
    // seed 0: the observed ones lie σ = 0.1 away, so the figures would differ far beyond 1e-6.
    const test = springDataset({ seed: 0, noise: 0 }).test;
    const observed = springDataset({ seed: 0 }).test;
    const trajectory = test.trajectory as Int32Array;
    const rows = [0, trajectory.findIndex((id) => id !== trajectory[0])];
    const starts = rows.map((r) => new Tensor(test.x.data.slice(2 * r, 2 * r + 2), [2]));
    rows.forEach((r) => {
      const offset = Math.hypot(
        test.x.data[2 * r] - observed.x.data[2 * r],
        test.x.data[2 * r + 1] - observed.x.data[2 * r + 1],
      );
      expect(offset).toBeGreaterThan(1e-3);
      expect(offset).toBeLessThan(0.6); // 6σ: the same trajectory
    });
    const model = buildComparisonModel('hnn-fd', 2, taskSpec('spring').hyperparameters);
    const { params } = loadParams<MlpParams>(join(cwd, 'starts', task.seeds[0].models['hnn-fd'].paramsFile));
    const field = (x: Tensor) => new Tensor(Float64Array.from([2 * x.data[1], -2 * x.data[0]]), [2]);
    const errors = rolloutErrors({
      truth: dopri5Rollout(field, { rtol: 1e-12, atol: 1e-6 }),
      model: dopri5Rollout(modelField(model, params), { rtol: 1e-12, atol: 1e-6 }),
      initialStates: starts,
      horizons: [2, 5, 20],
    });
    errors.forEach((e) => {
      // The task's truth is the same dopri5 (rtol 1e-12, atol 1e-6) of q̇ = 2p, ṗ = −2q, its field
      // by automatic differentiation of H = q² + p²: the two agree to rounding, far below 1e-6.
      expect(task.summary['hnn-fd'][`rollout@${e.horizon}, test starts`].mean).toBeCloseTo(e.error.mean, 6);
    });
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

  test('trains a DHNN on the real pendulum on central differences, as reproduce --models does', async () => {
    const argv = ['train', '--task', 'real', '--model', 'dhnn', '--steps', '2', '--out', 'dhnn.json'];
    const { code, out } = await run(argv, cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/real dhnn \(seed 0, 2 steps, measured data, central-difference ẋ targets\)/);
    // Its printed test loss is the saved model's MSE on central differences of the test states.
    const data = loadRealPendulum();
    const model = buildComparisonModel('dhnn', 2, taskSpec('real').hyperparameters);
    const { params } = loadParams<MlpParams>(join(cwd, 'dhnn.json'));
    const central = splitLoss(model, params, centralDifferenceTargets(data.test)).mean;
    // Printed to 5 significant digits (toExponential(4)).
    const printed = Number(/test loss +(\S+)/.exec(out)?.[1]);
    expect(Math.abs(printed - central)).toBeLessThan(1e-4 * central);
    expect(Math.abs(splitLoss(model, params, data.test).mean - central)).toBeGreaterThan(1e-3 * central);
  });
});
