import { InvalidArgumentError } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Hamiltonian, type Particles, energy, kepler, massSpring, threeBody } from '../src/index.js';
import { arbitrarySeparableSystem, arbitraryState, arbitrarySystem, catalogueNames } from '../src/testing/index.js';
import { numbers } from './helpers.js';

const isParticles = (h: Hamiltonian): h is Hamiltonian & Particles => 'bodies' in h;

/** The smallest distance between two bodies of one state laid out body by body. */
function minSeparation(q: number[], bodies: number, d: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < bodies; i++) {
    for (let j = i + 1; j < bodies; j++) {
      least = Math.min(least, Math.hypot(...Array.from({ length: d }, (_, c) => q[i * d + c] - q[j * d + c])));
    }
  }
  return least;
}

describe('arbitrarySystem', () => {
  test('produces catalogue systems with valid parameters and a finite energy at safe states', () => {
    const cases = arbitrarySystem().chain((h) =>
      fc.record({ h: fc.constant(h), state: arbitraryState(h, { radius: 2 }) }),
    );
    fc.assert(
      fc.property(cases, ({ h, state }) => {
        expect(catalogueNames).toContain(h.name);
        expect(Number.isInteger(h.dim) && h.dim >= 1).toBe(true);
        expect(Object.values(h.params).every(Number.isFinite)).toBe(true);
        expect(h.kind).toBe(h.name === 'doublePendulum' ? 'general' : 'separable');
        expect(Number.isFinite(numbers(energy(h)(state))[0])).toBe(true);
      }),
    );
  });

  test('draws every catalogue system', () => {
    const names = new Set(fc.sample(arbitrarySystem(), { numRuns: 600, seed: 1 }).map((h) => h.name));
    expect([...names].sort()).toEqual([...catalogueNames].sort());
  });

  test('draws only the named systems when asked, and rejects unknown names', () => {
    const names = new Set(
      fc.sample(arbitrarySystem({ only: ['kepler', 'fput'] }), { numRuns: 50, seed: 2 }).map((h) => h.name),
    );
    expect([...names].sort()).toEqual(['fput', 'kepler']);
    expect(() => arbitrarySystem({ only: ['pendulm' as 'pendulum'] })).toThrow(InvalidArgumentError);
    expect(() => arbitrarySystem({ only: [] })).toThrow(/arbitrarySystem: only/);
  });

  test('tags each system so a counterexample prints its name and parameters', () => {
    const [h] = fc.sample(arbitrarySystem({ only: ['pendulum'] }), { numRuns: 1, seed: 3 });
    const printed = fc.stringify(h);
    expect(printed).toContain('pendulum(');
    expect(printed).toContain(`"g":${h.params.g}`);
  });
});

describe('arbitrarySeparableSystem', () => {
  test('produces only separable systems', () => {
    fc.assert(
      fc.property(arbitrarySeparableSystem(), (h) => {
        expect(h.kind).toBe('separable');
        expect(typeof h.T).toBe('function');
        expect(typeof h.V).toBe('function');
      }),
    );
  });
});

describe('arbitraryState', () => {
  test('gives states of shape [dim] or [batch, dim] within the radius', () => {
    const cases = fc.record({
      radius: fc.double({ min: 0.1, max: 5, noNaN: true }),
      batch: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    });
    const all = arbitrarySystem().chain((h) =>
      cases.chain((o) => fc.record({ h: fc.constant(h), o: fc.constant(o), state: arbitraryState(h, o) })),
    );
    fc.assert(
      fc.property(all, ({ h, o, state }) => {
        const shape = o.batch === undefined ? [h.dim] : [o.batch, h.dim];
        expect(state.q.shape).toEqual(shape);
        expect(state.p.shape).toEqual(shape);
        expect(Math.max(...numbers(state.p).map(Math.abs))).toBeLessThanOrEqual(o.radius);
        // Particle positions lie within 1.25 radius (see particlePositions), others within the radius.
        const bound = isParticles(h) ? 1.25 * o.radius : o.radius;
        expect(Math.max(...numbers(state.q).map(Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-12));
      }),
    );
  });

  test('keeps bodies at least radius·sin(π/N) apart, and a Kepler body at least 3/4 radius from the centre', () => {
    const systems = arbitrarySystem({ only: ['nBody', 'twoBody', 'threeBody', 'kepler'] }) as fc.Arbitrary<
      Hamiltonian & Particles
    >;
    const cases = systems
      .chain((h) => fc.record({ h: fc.constant(h), radius: fc.double({ min: 0.1, max: 5, noNaN: true }) }))
      .chain(({ h, radius }) =>
        fc.record({ h: fc.constant(h), radius: fc.constant(radius), state: arbitraryState(h, { radius }) }),
      );
    fc.assert(
      fc.property(cases, ({ h, radius, state }) => {
        const q = numbers(state.q);
        // The construction's bound, less a relative 1e-12 for the rounding of cos, sin and the sums.
        if (h.bodies === 1) expect(Math.hypot(q[0], q[1])).toBeGreaterThanOrEqual(0.75 * radius * (1 - 1e-12));
        else
          expect(minSeparation(q, h.bodies, h.spatialDim)).toBeGreaterThanOrEqual(
            radius * Math.sin(Math.PI / h.bodies) * (1 - 1e-12),
          );
      }),
    );
  });

  test('rejects a radius or batch that is not positive, naming the system', () => {
    expect(() => arbitraryState(massSpring(), { radius: 0 })).toThrow(InvalidArgumentError);
    expect(() => arbitraryState(kepler(), { radius: Number.NaN })).toThrow(/arbitraryState\(kepler\): radius/);
    expect(() => arbitraryState(threeBody(), { batch: 0 })).toThrow(/arbitraryState\(threeBody\): batch/);
  });
});
