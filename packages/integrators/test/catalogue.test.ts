// The catalogue lists every method the package exports, once, under its own name: the sweeps of
// the property suites and the command line's --method choices are built from it.
import { describe, expect, test } from 'vitest';
import * as integrators from '../src/index.js';
import { GENERAL_METHODS, METHODS, SEPARABLE_METHODS } from '../src/index.js';

const exports = new Map<string, unknown>(Object.entries(integrators));

/** Exports that are methods: functions carrying a MethodInfo. */
const exportedMethods = [...exports].filter(
  ([, value]) =>
    typeof value === 'function' && typeof (value as { info?: { order?: unknown } }).info?.order === 'number',
);

describe('the method catalogue', () => {
  test('holds every exported fixed-step method under its export name', () => {
    // taoExtended steps the extended state (q, x, p, y) and dopri5 is adaptive: neither is a fixed-step method of (q, p).
    const expected = exportedMethods.map(([name]) => name).filter((n) => n !== 'taoExtended' && n !== 'dopri5');
    expect(Object.keys(METHODS).sort()).toEqual(expected.sort());
    for (const [name, method] of Object.entries(METHODS)) expect(exports.get(name)).toBe(method);
  });

  test('splits the methods into separable-only and general ones, each once', () => {
    expect(SEPARABLE_METHODS.every((m) => m.info.requires === 'separable')).toBe(true);
    expect(GENERAL_METHODS.every((m) => m.info.requires === 'any')).toBe(true);
    const names = [...SEPARABLE_METHODS, ...GENERAL_METHODS].map((m) => m.info.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names, 'stormerVerlet'].sort()).toEqual(Object.keys(METHODS).sort());
  });
});
