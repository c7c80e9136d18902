import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { primalTensor } from '@liouville/ad';
import { type HnnModel, hnn } from '@liouville/hamiltonian';
import { loadModel } from '@liouville/hamiltonian/node';
import { randomKey, randomNormal, tensor } from '@liouville/linalg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE } from '../src/index.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

/**
 * Measurements of a spring in pixels, H = q² + p²: three trials of 80 rows, uneven times with a
 * gap, a `%` header naming only the last three columns, 0.1 px of noise.
 */
function springFile(): string {
  const noise = randomNormal(randomKey(1), [240, 2]).data;
  const lines = ['% spring tracked in pixels', '%t x v'];
  for (let k = 0; k < 3; k++) {
    let t = 0;
    for (let i = 0; i < 80; i++) {
      const [a, phase] = [60 + 20 * k, 0.7 * k];
      const [q, p] = [a * Math.cos(2 * t + phase), -a * Math.sin(2 * t + phase)];
      lines.push(
        `${k} ${t.toFixed(4)} ${(q + 0.1 * noise[2 * (80 * k + i)]).toFixed(3)} ${(p + 0.1 * noise[2 * (80 * k + i) + 1]).toFixed(3)}`,
      );
      t += 0.04 + 0.01 * Math.sin(i) + (i === 39 ? 0.5 : 0);
    }
  }
  return `${lines.join('\n')}\n`;
}

const columns = ['--trajectory', '1', '--time', 't', '--q', 'x', '--p', 'v'];
const trainArgs = (model: string, out: string) => [
  'train',
  '--data',
  'spring.txt',
  ...columns,
  '--model',
  model,
  '--steps',
  '60',
  '--out',
  out,
];

beforeAll(async () => {
  writeFileSync(join(cwd, 'spring.txt'), springFile());
  for (const kind of ['hnn', 'baseline']) {
    const r = await run(trainArgs(kind, `${kind}.params.json`), cwd);
    if (r.code !== 0) throw new Error(`training the ${kind} failed: ${r.err}`);
  }
}, 120_000);

describe('train --data FILE', () => {
  test('prints the MSE of dx/dt beside the trivial predictor and writes a model in the data’s units', async () => {
    const { code, out } = await run(trainArgs('hnn', 'again.params.json'), cwd);
    expect(code).toBe(0);
    const test = /test\s+(\S+) ± \S+\s+(\S+)/.exec(out);
    expect(test).not.toBeNull();
    const [model, trivial] = [Number(test?.[1]), Number(test?.[2])];
    // 60 Adam steps on a quadratic H in scaled units already explain most of dx/dt's power.
    expect(model).toBeLessThan(trivial / 10);
    const saved = loadModel(join(cwd, 'hnn.params.json'));
    expect(saved.meta).toMatchObject({
      model: 'hnn',
      inputDim: 2,
      data: { source: 'measured', trajectories: 3, gaps: 3 },
    });
    expect(saved.meta.scaling?.scale).toHaveLength(2);
    // The same seed gives the same bits.
    expect(readFileSync(join(cwd, 'again.params.json'), 'utf8')).toBe(
      readFileSync(join(cwd, 'hnn.params.json'), 'utf8'),
    );
  });

  test.each([
    [
      'a column flag without --data FILE',
      ['train', '--task', 'spring', '--model', 'hnn', '--time', 't'],
      /--time goes with --data FILE/,
    ],
    [
      '--periodic naming a column that is not a q',
      ['train', '--data', 'spring.txt', ...columns, '--periodic', 'v', '--model', 'hnn'],
      /--periodic must name columns of --q/,
    ],
    [
      'a test fraction of 1',
      ['train', '--data', 'spring.txt', ...columns, '--test-fraction', '1', '--model', 'hnn'],
      /--test-fraction must be a number in \(0, 1\)/,
    ],
    [
      '--task beside --data FILE',
      ['train', '--data', 'spring.txt', ...columns, '--task', 'spring', '--model', 'hnn'],
      /either --task or --data FILE/,
    ],
    ['no --time', ['train', '--data', 'spring.txt', '--q', 'x', '--p', 'v', '--model', 'hnn'], /needs --time/],
    [
      'more --p than --q',
      ['train', '--data', 'spring.txt', '--time', 't', '--q', 'x', '--p', 'v,x', '--model', 'hnn'],
      /--p must name 1 columns/,
    ],
  ])('refuses %s (exit 2)', async (_what, argv, message) => {
    const { code, err } = await run(argv, cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(message);
  });

  test('names the line and column of a NaN cell (exit 1)', async () => {
    writeFileSync(join(cwd, 'bad.txt'), '%t x v\n0 1 0\n0.1 NaN 0\n');
    const { code, err } = await run(
      ['train', '--data', 'bad.txt', '--time', 't', '--q', 'x', '--p', 'v', '--model', 'hnn'],
      cwd,
    );
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toMatch(/bad\.txt \(line 3, column 2\)/);
  });
});

describe('simulate --params (a model of your own data)', () => {
  test('rolls the HNN out in the data’s units and writes its H_θ, which the symplectic method keeps', async () => {
    const { code, out } = await run(
      [
        'simulate',
        '--params',
        'hnn.params.json',
        '--method',
        'gaussLegendre4',
        '--q0',
        '50',
        '--p0',
        '0',
        '--dt',
        '0.02',
        '--steps',
        '100',
      ],
      cwd,
    );
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('t,q,p,learnedEnergy');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    const H = rows.map((r) => r[3]);
    // Gauss–Legendre conserves a quadratic-like H to the Newton tolerance; the scale of H is set by q ≈ 50.
    expect(Math.max(...H) - Math.min(...H)).toBeLessThan(1e-6 * Math.abs(H[0]) + 1e-9);
    const saved = loadModel(join(cwd, 'hnn.params.json'));
    const learned = hnn(saved.model as HnnModel, saved.params);
    expect(primalTensor(learned.H(tensor([50]), tensor([0]))).item()).toBe(H[0]);
  });
});

describe('evaluate', () => {
  test('reports the HNN beside the baseline (columns from the model’s metadata): test MSE, rollout errors at the horizons, the drift of H_θ', async () => {
    const { code, out } = await run(
      ['evaluate', '--params', 'hnn.params.json,baseline.params.json', '--data', 'spring.txt', '--horizons', '1,5'],
      cwd,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/48 held-out rows in 3 trajectories/);
    const hnnLine = out.split('\n').find((l) => l.startsWith('hnn')) as string;
    const baseLine = out.split('\n').find((l) => l.startsWith('baseline')) as string;
    expect(hnnLine).toMatch(/^hnn\s+\S+ ± \S+\s+\S+ \/ \S+\s+\d\.\d\de-\d+$/);
    expect(baseLine).toMatch(/—$/);
    const errors = (line: string) => (/(\S+) \/ (\S+)/.exec(line) as RegExpExecArray).slice(1).map(Number);
    const [one, five] = errors(hnnLine);
    // Rollout errors grow with the horizon, and stay far below the data's scale (q² ≈ 60² … 100²).
    expect(five).toBeGreaterThan(one);
    expect(five).toBeLessThan(100);
  });

  test('refuses a model of another number of degrees of freedom than the data (exit 1)', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${0.1 * i} 1 2 3 4`);
    writeFileSync(join(cwd, 'two.txt'), `%t a b c d\n${rows.join('\n')}\n`);
    const { code, err } = await run(
      ['evaluate', '--params', 'hnn.params.json', '--data', 'two.txt', '--time', 't', '--q', 'a,b', '--p', 'c,d'],
      cwd,
    );
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toMatch(/a model of 1 degrees of freedom, but the data have 2/);
  });
});
