import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE, type ReproduceResults, loadModel, readResults } from '../src/index.js';
import { type RunResult, cleanup, filesUnder, parseSvg, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
const out = join(cwd, 'run');
let result: RunResult;
let results: ReproduceResults;

beforeAll(async () => {
  const argv = ['reproduce', '--task', 'spring', '--seeds', '1', '--steps', '20', '--eval-trajectories', '1'];
  result = await run([...argv, '--jobs', '2', '--out', 'run'], cwd);
  results = readResults(out);
}, 120_000);
afterAll(() => cleanup(cwd));

const PLOTS = ['energy-spring.svg', 'liouville-spring.svg', 'loss-spring.svg', 'phase-spring.svg'];

describe('reproduce', () => {
  test('runs end to end and prints the table beside the paper and the re-run', () => {
    expect(result.code).toBe(0);
    expect(result.out).toContain('Ideal mass-spring (spring) — 1 seed, generated data, 20 steps');
    expect(result.out).toMatch(/train loss\s+baseline\s+\d\.\d\de-\d ± /);
    // The paper's and the re-run's spring HNN energy MSE, with their ±.
    expect(result.out).toContain('3.84e-4 ± 6.53e-5');
    expect(result.out).toContain('3.85e-4 ± 7.66e-5');
    expect(result.out).toContain(
      'CUSTOM PROFILE: 20 training steps (reference: 2000 or 10000), 1 energy-evaluation trajectory (reference: 15)',
    );
  });

  test('writes results.json, the parameters and the plots, and no temporary file', () => {
    const params = ['params/spring-seed0-baseline.params.json', 'params/spring-seed0-hnn.params.json'];
    expect(filesUnder(out)).toEqual([...PLOTS, ...params, 'results.json'].sort());
    expect(results.plots).toEqual(['loss-spring.svg', 'energy-spring.svg', 'phase-spring.svg', 'liouville-spring.svg']);
    expect(results.complete).toBe(true);
  });

  test('records every per-seed figure with the hyperparameters, timings and environment', () => {
    const task = results.tasks.spring;
    if (task === undefined) throw new Error('no spring task');
    expect(task.hyperparameters).toMatchObject({
      steps: 20,
      hiddenDim: 200,
      learningRate: 1e-3,
      weightDecay: 1e-4,
      batchSize: null,
    });
    expect(results.environment).toMatchObject({ node: process.version, dtype: 'float64' });
    expect(results.options).toMatchObject({ seeds: 1, steps: 20, evalTrajectories: 1, data: 'generated' });
    const [seed] = task.seeds;
    expect(seed.data).toMatchObject({ origin: 'generated', nTrain: 750, nTest: 750 });
    for (const kind of ['baseline', 'hnn'] as const) {
      const m = seed.models[kind];
      expect(m.trainLoss.mean).toBeGreaterThan(0);
      expect(m.testLoss.error).toBeGreaterThan(0);
      expect(m.history.trainLoss).toHaveLength(20);
      expect(m.timing.trainSeconds).toBeGreaterThan(0);
      expect(m.energy.energy.values).toHaveLength(1);
      // One trajectory: the mean is that trajectory's MSE; the ± needs five chunks.
      expect(m.energy.energy.mean).toBe(m.energy.energy.values[0]);
      expect(m.energy.energy.error).toBeNull();
      expect(m.energy.energyNonCumulative.mean).toBeGreaterThan(0);
      expect(loadModel(join(out, m.paramsFile)).meta).toMatchObject({ task: 'spring', model: kind, stepsDone: 20 });
    }
    expect(seed.models.baseline.energy.energySymplectic).toBeUndefined();
    expect(seed.models.hnn.energy.energySymplectic.substeps).toEqual([2]);
    expect(task.summary.hnn.energy).toMatchObject({ mean: seed.models.hnn.energy.energy.mean, spread: null, n: 1 });
    expect(task.reference.hnn.paper.energy).toEqual([0.00038416, 6.53e-5]);
    expect(task.evaluation.sets[0].tEnd).toEqual([20 * 1.09 ** 2]);
  });

  test('saves the same bytes as `train` with the same seed (trained on a worker thread, here)', async () => {
    const { code } = await run(
      ['train', '--task', 'spring', '--model', 'hnn', '--steps', '20', '--out', 'alone.json'],
      cwd,
    );
    expect(code).toBe(0);
    const saved = readFileSync(join(out, 'params/spring-seed0-hnn.params.json'));
    expect(readFileSync(join(cwd, 'alone.json')).equals(saved)).toBe(true);
  }, 60_000);

  test('writes the same parameter bytes with its products on one thread as on two (the default here)', async () => {
    const argv = ['reproduce', '--task', 'spring', '--steps', '20', '--eval-trajectories', '1'];
    const one = await run([...argv, '--matmul-threads', '1', '--out', 'one-thread'], cwd);
    expect(one.code).toBe(0);
    for (const kind of ['baseline', 'hnn']) {
      const file = `params/spring-seed0-${kind}.params.json`;
      expect(readFileSync(join(cwd, 'one-thread', file)).equals(readFileSync(join(out, file))), kind).toBe(true);
    }
    for (const bad of ['0', '3', 'two']) {
      const refused = await run([...argv, '--matmul-threads', bad, '--out', 'refused'], cwd);
      expect(refused.code, bad).toBe(EXIT_USAGE);
      expect(refused.err).toContain('--matmul-threads');
    }
  }, 120_000);

  test('draws well-formed SVG plots with the expected series', () => {
    const expected: Record<string, string[]> = {
      'loss-spring.svg': ['baseline', 'HNN', 'train', 'test', 'training step', 'loss (log scale)'],
      'energy-spring.svg': ['ground truth', 'baseline', 'HNN', 'HNN (Gauss–Legendre 4)', 'time t', 'energy H'],
      'phase-spring.svg': [
        'level sets of the true H',
        'level sets of the HNN’s H_θ',
        'ground truth',
        'baseline',
        'HNN',
        'q',
        'p',
      ],
      'liouville-spring.svg': [
        'true flow (leapfrog, dt 0.01)',
        'true H, RK4 (dt 0.40)',
        'HNN, implicit midpoint (symplectic)',
        'baseline (RK4, dt 0.05)',
        't = 6.0',
        'area / initial area',
      ],
    };
    for (const [file, labels] of Object.entries(expected)) {
      const { texts, elements } = parseSvg(readFileSync(join(out, file), 'utf8'));
      for (const label of labels) expect(texts, `${file}: ${label}`).toContain(label);
      expect(elements.get('path') ?? 0).toBeGreaterThan(labels.length);
    }
  });

  test('re-renders the same plots bit for bit from results.json and the saved parameters', async () => {
    const again = await run(['plot', '--results', 'run', '--out', 'replot'], cwd);
    expect(again.code).toBe(0);
    expect(filesUnder(join(cwd, 'replot'))).toEqual(PLOTS);
    const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    for (const file of PLOTS) expect(digest(join(cwd, 'replot', file)), file).toBe(digest(join(out, file)));
  }, 60_000);

  test('draws the plots during the evaluation, the same files as a --jobs 1 run that draws them at the end', async () => {
    const argv = ['reproduce', '--task', 'spring', '--steps', '20', '--eval-trajectories', '1'];
    const sequential = await run([...argv, '--jobs', '1', '--out', 'sequential'], cwd);
    expect(sequential.code).toBe(0);
    // On worker threads the figures are computed once both models are saved, before the plots are written.
    const ahead = "spring: computing the plots' trajectories while the workers finish…";
    expect(result.err).toContain(ahead);
    expect(result.err.indexOf(ahead)).toBeLessThan(result.err.indexOf('spring: rendering plots…'));
    expect(sequential.err).not.toContain(ahead);
    const files = filesUnder(out).filter((f) => f !== 'results.json');
    expect(filesUnder(join(cwd, 'sequential'))).toEqual(filesUnder(out));
    for (const file of files) {
      expect(readFileSync(join(cwd, 'sequential', file)).equals(readFileSync(join(out, file))), file).toBe(true);
    }
    // Every recorded figure but the timings.
    const untimed = (r: ReproduceResults) =>
      JSON.stringify(r.tasks, (key, value) => (key === 'timing' || key === 'seconds' ? undefined : value));
    expect(untimed(readResults(join(cwd, 'sequential')))).toBe(untimed(results));
  }, 120_000);

  test('fails with exit 1 when a saved parameter file is corrupt, writing no plot', async () => {
    const params = join(out, 'params/spring-seed0-hnn.params.json');
    const original = readFileSync(params, 'utf8');
    writeFileSync(params, original.slice(0, original.length / 2));
    try {
      const { code, err } = await run(['plot', '--results', 'run', '--out', 'corrupt-2'], cwd);
      expect(code).toBe(EXIT_RUNTIME);
      expect(err).toMatch(/^liouville: parameter file .*spring-seed0-hnn\.params\.json: not valid JSON[^\n]*\n$/);
      expect(existsSync(join(cwd, 'corrupt-2'))).toBe(false);
    } finally {
      writeFileSync(params, original);
    }
  }, 60_000);

  test('fails with exit 1 before any work when --out is under a file, creating nothing', async () => {
    writeFileSync(join(cwd, 'a-file'), 'x');
    const before = filesUnder(cwd);
    const { code, err } = await run(['reproduce', '--task', 'spring', '--steps', '2', '--out', 'a-file/run'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toBe(
      `liouville: cannot create the output folder ${join(cwd, 'a-file/run')}: a file is in the way where a folder is needed\n`,
    );
    expect(filesUnder(cwd)).toEqual(before);
  });
});

describe('reproduce, failing in a later task', () => {
  test('keeps results.json with the tasks it finished, marked incomplete', async () => {
    const folder = tempFolder();
    try {
      // A stand-in for a crash during the second task's training: its first progress line throws.
      const stderr = (text: string) => {
        if (text.startsWith('pendulum seed 0')) throw new Error('interrupted');
      };
      const argv = ['reproduce', '--task', 'all', '--seeds', '1', '--steps', '5', '--eval-trajectories', '1'];
      const failed = await run([...argv, '--jobs', '1', '--out', 'partial'], folder, { stderr });
      expect(failed.code).not.toBe(0);
      const partial = readResults(join(folder, 'partial'));
      expect(partial.complete).toBe(false);
      expect(Object.keys(partial.tasks)).toEqual(['spring']);
      expect(partial.tasks.spring?.seeds).toHaveLength(1);
      expect(partial.plots).toEqual([]);
    } finally {
      cleanup(folder);
    }
  }, 300_000);
});
