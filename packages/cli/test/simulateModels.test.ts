// `simulate --params` on a model file of every kind `train --model` writes: each trained for a few
// steps, then rolled out from a start state of the user's; the rows are the steps of the model the
// file rebuilds, and a method that cannot integrate the kind is refused before any work.
import { join } from 'node:path';
import { primalTensor } from '@liouville/ad';
import { modelField } from '@liouville/hamiltonian';
import { rk4Step } from '@liouville/integrators';
import { type Tensor, tensor } from '@liouville/linalg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE, loadModel, saveModel } from '../src/index.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

/** Each kind `train --model` knows, on a task it applies to (the LNN needs velocities: the double pendulum). */
const KINDS = [
  ['hnn', 'spring'],
  ['baseline', 'spring'],
  ['dhnn', 'damped-spring'],
  ['srnn', 'damped-spring'],
  ['hnn-fd', 'pendulum'],
  ['dhnn-fd', 'damped-spring'],
  ['lnn', 'double-pendulum'],
] as const;

const fileOf = (kind: string) => `${kind}.params.json`;

beforeAll(async () => {
  for (const [kind, task] of KINDS) {
    const argv = ['train', '--task', task, '--model', kind, '--steps', '2', '--out', fileOf(kind)];
    const { code, err } = await run(argv, cwd);
    expect(code, err).toBe(0);
  }
}, 240_000);

/** The start of each task: one degree of freedom, or the double pendulum's two angles and velocities. */
const startOf = (task: string) => (task === 'double-pendulum' ? ['0.3,-0.2', '0.1,0.4'] : ['0.5', '0.2']);

const simulate = (kind: string, task: string, method: string, steps = 3) => {
  const [q0, p0] = startOf(task);
  const argv = ['simulate', '--params', fileOf(kind), '--method', method, '--q0', q0, '--p0', p0];
  return run([...argv, '--dt', '0.1', '--steps', String(steps)], cwd);
};

/** The CSV's header and its rows as numbers. */
function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = text.trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

describe('simulate --params, every model kind', () => {
  test.each(KINDS)('%s (%s): rk4 rows are rk4 steps of the field the file rebuilds', async (kind, task) => {
    const { code, out, err } = await simulate(kind, task, 'rk4');
    expect(code, err).toBe(0);
    const { header, rows } = parseCsv(out);
    const n = task === 'double-pendulum' ? 2 : 1;
    expect(rows).toHaveLength(4);
    expect(header.slice(0, 1 + 2 * n)).toEqual(n === 1 ? ['t', 'q', 'p'] : ['t', 'q1', 'q2', 'p1', 'p2']);
    // Every task's physical energy; a learned one for every kind but the baseline.
    expect(header.includes('energy')).toBe(true);
    expect(header.includes('learnedEnergy')).toBe(kind !== 'baseline');
    const loaded = loadModel(join(cwd, fileOf(kind)));
    expect(loaded.meta.trainedAs).toBe(kind);
    const field = modelField(loaded.model, loaded.params);
    let x: Tensor = tensor(rows[0].slice(1, 1 + 2 * n));
    for (let k = 1; k < rows.length; k++) {
      x = primalTensor(rk4Step((z) => field(primalTensor(z)), 0.1, x));
      // The shortest decimal of a double reads back as that double: the same bits.
      expect(rows[k].slice(1, 1 + 2 * n)).toEqual(Array.from(x.data));
    }
  });

  test('an SRNN is separable: leapfrog integrates it, and its learned H stays near its start', async () => {
    const { code, out, err } = await simulate('srnn', 'damped-spring', 'leapfrog', 50);
    expect(code, err).toBe(0);
    const { header, rows } = parseCsv(out);
    const column = header.indexOf('learnedEnergy');
    const energies = rows.map((r) => r[column]);
    const spread = Math.max(...energies) - Math.min(...energies);
    // Leapfrog keeps a modified H within O(h²) of H_θ for all time; after two training steps H_θ is
    // a near-random smooth function of order one, so 5% of its scale bounds the oscillation.
    expect(spread).toBeLessThan(0.05 * Math.max(1, Math.abs(energies[0])));
  });

  test('an HNN takes a symplectic method; dopri5 integrates every kind', async () => {
    expect((await simulate('hnn', 'spring', 'gaussLegendre4')).code).toBe(0);
    for (const [kind, task] of KINDS) {
      const { code, err } = await simulate(kind, task, 'dopri5');
      expect(code, `${kind}: ${err}`).toBe(0);
    }
  });

  test.each([
    ['dhnn', 'damped-spring', 'leapfrog', 'a dhnn model is dissipative (ẋ = J∇H + ∇D), not a Hamiltonian flow'],
    ['dhnn-fd', 'damped-spring', 'gaussLegendre4', 'a dhnn model is dissipative'],
    ['lnn', 'double-pendulum', 'implicitMidpoint', 'an lnn model is Lagrangian'],
    ['baseline', 'spring', 'yoshida4', 'a baseline model has no Hamiltonian'],
    ['hnn', 'spring', 'leapfrog', 'a learned HNN (general H) is not separable'],
  ])('%s with %s %s: a usage error naming the kinds that method needs', async (kind, task, method, message) => {
    const { code, out, err } = await simulate(kind, task, method);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expect(err).toContain(message);
  });
});

describe('simulate --params, files that do not describe their model', () => {
  test('an LNN file without its kinetic offset (as files were before it was recorded) is refused, naming the field', async () => {
    const { meta, params } = loadModel(join(cwd, fileOf('lnn')));
    const { kineticOffset: _offset, ...hyperparameters } = meta.hyperparameters;
    const { trainedAs: _name, ...rest } = meta;
    saveModel(join(cwd, 'old-lnn.json'), params, { ...rest, hyperparameters });
    const argv = ['simulate', '--params', 'old-lnn.json', '--method', 'rk4', '--q0', '0,0', '--p0', '0,0'];
    const { code, out, err } = await run([...argv, '--dt', '0.1', '--steps', '2'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(out).toBe('');
    expect(err).toContain("old-lnn.json: the metadata's hyperparameters.kineticOffset is undefined");
  });

  test('a file whose command-line name is not its architecture is refused', async () => {
    const { meta, params } = loadModel(join(cwd, fileOf('dhnn-fd')));
    saveModel(join(cwd, 'renamed.json'), params, { ...meta, trainedAs: 'hnn-fd' });
    const argv = ['simulate', '--params', 'renamed.json', '--method', 'rk4', '--q0', '0', '--p0', '0'];
    const { code, err } = await run([...argv, '--dt', '0.1', '--steps', '2'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toContain('the metadata calls a "dhnn" model \'hnn-fd\', which is a hnn');
  });
});
