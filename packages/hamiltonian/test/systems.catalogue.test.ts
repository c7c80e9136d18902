import { describe, expect, test } from 'vitest';
import { primalTensor } from '@liouville/ad';
import { InvalidArgumentError, tensor } from '@liouville/linalg';
import { SYSTEMS, SYSTEM_NAMES, energy } from '../src/index.js';

describe('SYSTEMS', () => {
  test.each(SYSTEM_NAMES)('builds %s under its own name', (name) => {
    const system = SYSTEMS[name]({ dim: 3 });
    expect(system.name).toBe(name);
    expect(Object.isFrozen(system)).toBe(true);
  });

  test('sizes the FPUT chain by dim (default 8)', () => {
    expect([SYSTEMS.fput({ dim: 3 }).dim, SYSTEMS.fput().dim]).toEqual([3, 8]);
  });

  test('takes physical parameters beside the size; a variant keeps its name and its own formula', () => {
    const pendulum = SYSTEMS.pendulum({ parameters: { g: 2, l: 0.5 } });
    expect(pendulum.params).toMatchObject({ g: 2, l: 0.5, m: 1 });
    const paper = SYSTEMS['massSpring:hnnPaper']({ parameters: { k: 3 } });
    expect([paper.name, paper.params.k]).toEqual(['massSpring:hnnPaper', 3]);
    const chain = SYSTEMS.fput({ dim: 4, parameters: { beta: 0.5 } });
    expect([chain.dim, chain.params.beta]).toEqual([4, 0.5]);
    // H = p²/(2m) + mgl(1 − cos q) at q = π/2, p = 0: m·g·l = 1 with the given g and l.
    expect(primalTensor(energy(pendulum)({ q: tensor([Math.PI / 2]), p: tensor([0]) })).item()).toBeCloseTo(1, 14);
  });

  test('refuses invalid parameters with the constructor’s error', () => {
    expect(() => SYSTEMS.kepler({ parameters: { mu: -1 } })).toThrow(InvalidArgumentError);
  });
});
