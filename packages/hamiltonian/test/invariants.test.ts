import { type Value, jvp, sum } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, tensor, zeros } from '@liouville/linalg';
import type { State } from '@liouville/integrators';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Hamiltonian,
  type ParticleHamiltonian,
  angularMomentum,
  doublePendulum,
  energy,
  fput,
  kepler,
  linearMomentum,
  massSpring,
  nBody,
  separable,
  threeBody,
  vectorField,
} from '../src/index.js';
import { arbitraryState, arbitrarySystem } from '../src/testing/index.js';
import { expectClose, numbers } from './helpers.js';

const particleSystems = arbitrarySystem({
  only: ['nBody', 'twoBody', 'threeBody'],
}) as fc.Arbitrary<ParticleHamiltonian>;
const withState = (systems: fc.Arbitrary<ParticleHamiltonian>, batch?: number) =>
  systems.chain((system) => fc.record({ system: fc.constant(system), state: arbitraryState(system, { batch }) }));

const sumAbs = (xs: readonly number[]) => xs.reduce((a, x) => a + Math.abs(x), 0);

/** Σᵢ qᵢ × pᵢ by hand, for one state laid out body by body: a scalar in 2-D, a 3-vector in 3-D. */
function crossSum(q: number[], p: number[], d: number): number[] {
  const out = d === 2 ? [0] : [0, 0, 0];
  for (let i = 0; i < q.length; i += d) {
    const [x, y, z] = [q[i], q[i + 1], d === 3 ? q[i + 2] : 0];
    const [a, b, c] = [p[i], p[i + 1], d === 3 ? p[i + 2] : 0];
    if (d === 2) out[0] += x * b - y * a;
    else [out[0], out[1], out[2]] = [out[0] + y * c - z * b, out[1] + z * a - x * c, out[2] + x * b - y * a];
  }
  return out;
}

describe('linearMomentum', () => {
  test('is Σᵢ pᵢ, one vector per state of a batch', () => {
    fc.assert(
      fc.property(withState(particleSystems, 2), ({ system, state }) => {
        const P = linearMomentum(system, state);
        const d = system.spatialDim;
        expect(P.shape).toEqual([2, d]);
        const p = numbers(state.p);
        const expected = [0, 1].flatMap((b) =>
          Array.from({ length: d }, (_, c) =>
            p.filter((_, k) => Math.floor(k / system.dim) === b && k % d === c).reduce((s, x) => s + x, 0),
          ),
        );
        // Sums of at most 4 numbers in [−1, 1]: a few ulps of 1.
        expectClose(numbers(P), expected, 1e-15 * 8);
      }),
      { numRuns: 50 },
    );
  });

  test('is conserved by the exact N-body vector field: dP/dt = Σᵢ ṗᵢ = 0', () => {
    fc.assert(
      fc.property(withState(particleSystems), ({ system, state }) => {
        const field = vectorField(system)(state);
        const [, dP] = jvp((x: { q: Value; p: Value }) => linearMomentum(system, x), state, {
          q: field.dq,
          p: field.dp,
        });
        // The pair forces cancel in pairs up to rounding: 1e-12 of the total force magnitude.
        expectClose(
          numbers(dP as Value),
          numbers(dP as Value).map(() => 0),
          1e-12,
          sumAbs(numbers(field.dp)),
        );
      }),
    );
  });
});

describe('angularMomentum', () => {
  test('is Σᵢ qᵢ × pᵢ: a scalar in the plane, a vector in space', () => {
    fc.assert(
      fc.property(withState(particleSystems), ({ system, state }) => {
        const L = angularMomentum(system, state);
        expect(L.shape).toEqual(system.spatialDim === 2 ? [] : [3]);
        expectClose(numbers(L), crossSum(numbers(state.q), numbers(state.p), system.spatialDim), 1e-12, 8);
      }),
      { numRuns: 50 },
    );
  });

  test('gives one value per state of a batch', () => {
    const h = nBody({ masses: [1, 2], dim: 3 });
    const state = {
      q: tensor([
        [1, 0, 0, 0, 1, 0],
        [0, 0, 1, 1, 0, 0],
      ]),
      p: tensor([
        [0, 1, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 1],
      ]),
    };
    expect(angularMomentum(h, state).shape).toEqual([2, 3]);
    expect(numbers(angularMomentum(h, state))).toEqual([
      ...crossSum([1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], 3),
      ...crossSum([0, 0, 1, 1, 0, 0], [1, 0, 0, 0, 0, 1], 3),
    ]);
  });

  test('is conserved by the exact vector field of N-body and Kepler systems: dL/dt = 0', () => {
    const systems = fc.oneof(
      particleSystems,
      arbitrarySystem({ only: ['kepler'] }) as fc.Arbitrary<ParticleHamiltonian>,
    );
    fc.assert(
      fc.property(withState(systems), ({ system, state }) => {
        const field = vectorField(system)(state);
        const [, dL] = jvp((x: { q: Value; p: Value }) => angularMomentum(system, x), state, {
          q: field.dq,
          p: field.dp,
        });
        // dL/dt = Σ q̇ᵢ × pᵢ + qᵢ × ṗᵢ cancels terms of size |q̇||p| + |q||ṗ|.
        const size =
          sumAbs(numbers(field.dq)) * sumAbs(numbers(state.p)) + sumAbs(numbers(state.q)) * sumAbs(numbers(field.dp));
        expectClose(
          numbers(dL as Value),
          numbers(dL as Value).map(() => 0),
          1e-12,
          size,
        );
      }),
    );
  });

  test('rejects particles in a space without a cross product (neither 2-D nor 3-D)', () => {
    const base = separable({ name: 'free4', dim: 4, T: (p: Value) => sum(p, -1), V: (q: Value) => sum(q, -1) });
    const fourD: ParticleHamiltonian = { ...base, bodies: 1, spatialDim: 4, masses: [1] };
    expect(() => angularMomentum(fourD, { q: zeros([4]), p: zeros([4]) })).toThrow(
      /angularMomentum\(free4\): system.spatialDim/,
    );
  });

  test('rejects a system that is not made of particles, naming the argument', () => {
    const notParticles = massSpring() as unknown as ParticleHamiltonian;
    const state = { q: zeros([1]), p: zeros([1]) };
    expect(() => angularMomentum(notParticles, state)).toThrow(InvalidArgumentError);
    expect(() => linearMomentum(notParticles, state)).toThrow(/linearMomentum: system/);
  });
});

/** The wrong states every invariant must reject: [description, state, the argument the error names]. */
const wrongStates = (dim: number): Array<[string, unknown, string]> => [
  ['q with the wrong last axis', { q: zeros([dim + 1]), p: zeros([dim]) }, 'state.q'],
  ['p with the wrong last axis', { q: zeros([dim]), p: zeros([dim + 1]) }, 'state.p'],
  ['a batch with the wrong last axis', { q: zeros([3, dim + 2]), p: zeros([3, dim + 2]) }, 'state.q'],
  ['q and p of different batch sizes', { q: zeros([2, dim]), p: zeros([3, dim]) }, 'same shape'],
  ['rank 3', { q: zeros([1, 2, dim]), p: zeros([1, 2, dim]) }, 'state.q'],
  ['a scalar q', { q: zeros([]), p: zeros([dim]) }, 'state.q'],
];

const systems: Hamiltonian[] = [massSpring(), kepler(), threeBody(), fput({ n: 4 }), doublePendulum()];

describe.each(systems.map((h) => [h.name, h] as const))('energy and vectorField of %s', (name, h) => {
  test.each(wrongStates(h.dim))(
    'reject %s with a ShapeError naming the system and the argument',
    (_what, state, argument) => {
      for (const invariant of [energy(h), vectorField(h)]) {
        let error: unknown;
        try {
          invariant(state as State);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ShapeError);
        expect((error as ShapeError).operation).toMatch(new RegExp(`^(energy|vectorField)\\(${name}\\)$`));
        expect((error as Error).message).toContain(argument);
      }
    },
  );

  test('reject a state that is not a { q, p } of tensors with an InvalidArgumentError', () => {
    expect(() => energy(h)({ q: [0] as unknown as Value, p: zeros([h.dim]) })).toThrow(InvalidArgumentError);
    expect(() => vectorField(h)(null as unknown as State)).toThrow(/state/);
  });
});

describe('energy', () => {
  test('is T(p) + V(q) for a separable system', () => {
    fc.assert(
      fc.property(
        arbitrarySystem({ only: ['nBody', 'fput', 'henonHeiles'] }).chain((h) =>
          fc.tuple(fc.constant(h), arbitraryState(h, { batch: 2 })),
        ),
        ([h, state]) => {
          if (h.kind !== 'separable') throw new Error('expected a separable system');
          const parts = numbers(h.T(state.p)).map((t, b) => t + numbers(h.V(state.q))[b]);
          expect(numbers(energy(h)(state))).toEqual(parts);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('vectorField', () => {
  test('is differentiable: the vector field of the linear chain has Jacobian J∇²H, here the chain matrix', () => {
    const h = fput({ n: 3, k: 2 });
    const [, ddp] = jvp(
      (q: Value) => vectorField(h)({ q, p: zeros([3]) }).dp,
      tensor([0.1, -0.2, 0.3]),
      tensor([1, 0, 0]),
    );
    // ṗ = −Kq with K = k·tridiag(−1, 2, −1): the derivative along e₁ is −K e₁ = (−4, 2, 0).
    expectClose(numbers(ddp as Value), [-4, 2, 0], 1e-12);
  });
});
