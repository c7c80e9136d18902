import { describe, expect, test } from 'vitest';
import { SYSTEMS, SYSTEM_NAMES } from '../src/index.js';
import { catalogueNames } from '../src/testing/index.js';

describe('SYSTEMS', () => {
  test.each(SYSTEM_NAMES)('builds %s under its own name', (name) => {
    const system = SYSTEMS[name]({ dim: 3 });
    expect(system.name).toBe(name);
    expect(Object.isFrozen(system)).toBe(true);
  });

  test('sizes the FPUT chain by dim (default 8)', () => {
    expect([SYSTEMS.fput({ dim: 3 }).dim, SYSTEMS.fput().dim]).toEqual([3, 8]);
  });

  test('names every system the arbitraries draw, but nBody, which needs its masses', () => {
    expect([...SYSTEM_NAMES].sort()).toEqual(catalogueNames.filter((n) => n !== 'nBody').sort());
  });
});
