import { twoBodyDataset } from '@liouville/hamiltonian';
import { loadRealPendulum } from '@liouville/hamiltonian/node';
import { tensor } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { energyOf } from '../src/evaluation.js';
import { protocolFor } from '../src/protocols.js';
import { loadReferenceFile } from '../src/reference.js';
import { taskSpec } from '../src/tasks.js';

const reference = loadReferenceFile();
const real = loadRealPendulum();

describe('protocolFor', () => {
  test('stretches the spring spans cumulatively as the notebook does, the 15th to t = 79.4', () => {
    const p = protocolFor(taskSpec('spring'), reference, real, 15);
    const [notebook, single] = p.sets;
    if (notebook.kind !== 'simulated' || single.kind !== 'simulated') throw new Error('simulated sets expected');
    expect(notebook.tEnd[0]).toBeCloseTo(20 * 1.09 ** 2, 12);
    expect(notebook.tEnd[14]).toBeCloseTo(79.41, 2);
    expect(single.tEnd.every((t) => Math.abs(t - 21.8) < 1e-12)).toBe(true);
    expect(notebook.initialStates.map((x) => Array.from(x.data))).toEqual(
      reference.initialConditions(taskSpec('spring')),
    );
    expect(notebook).toMatchObject({ points: 100, rtol: 1e-12, atol: 1e-6 });
    expect(p.metrics.map((m) => [m.key, m.integrator, m.models.join('+')])).toEqual([
      ['energy', 'dopri5', 'baseline+hnn'],
      ['energySymplectic', 'gaussLegendre4', 'hnn'],
      ['energyNonCumulative', 'dopri5', 'baseline+hnn'],
    ]);
  });

  test('measures the pendulum with the notebook’s q² + p² and with the true H', () => {
    const p = protocolFor(taskSpec('pendulum'), reference, real, 5);
    const x = tensor([1, 0.5]);
    const metric = (key: string) => {
      const m = p.metrics.find((x) => x.key === key);
      if (m === undefined) throw new Error(`no metric ${key}`);
      return m;
    };
    const [proxy, truth] = [metric('energy'), metric('energyTrueH')];
    expect(energyOf(proxy.energy)(x)).toBeCloseTo(1.25, 14);
    expect(energyOf(truth.energy)(x)).toBeCloseTo(3 * (1 - Math.cos(1)) + 0.25, 14);
    expect(p.sets[0]).toMatchObject({ points: 100, tEnd: [20, 20, 20, 20, 20] });
  });

  test('takes the real pendulum’s test segment as the truth, on its 1/6 s grid from t = 0', () => {
    const p = protocolFor(taskSpec('real'), reference, real, 15);
    const [set] = p.sets;
    if (set.kind !== 'measured') throw new Error('measured set expected');
    expect(set.times).toHaveLength(110);
    expect(set.times[0]).toBe(0);
    for (const t of set.times) expect(Math.abs(t * 6 - Math.round(t * 6))).toBeLessThan(1e-9);
    expect(set).toMatchObject({ rtol: 1e-3, atol: 1e-6 });
    const H = energyOf(p.metrics[0].energy);
    expect(H(tensor([1, 0.5]))).toBeCloseTo(2.4 * (1 - Math.cos(1)) + 0.25, 14);
  });

  test('starts the orbits at the generator’s orbits with seeds 0, 1, 2, …', () => {
    const p = protocolFor(taskSpec('two-body'), reference, real, 5);
    const [set] = p.sets;
    if (set.kind !== 'simulated') throw new Error('simulated set expected');
    expect(set).toMatchObject({ points: 500, rtol: 1e-9, tEnd: [25, 25, 25, 25, 25] });
    const third = twoBodyDataset({ seed: 2, trajectories: 1, points: 3, testFraction: 0 }).train.x;
    expect(Array.from(set.initialStates[2].data)).toEqual(Array.from(third.data.subarray(0, 8)));
    expect(Array.from(set.initialStates[0].data)).not.toEqual(Array.from(set.initialStates[1].data));
  });
});
