// The N-body potential and force against the same sums written out in plain arithmetic. The
// catalogue evaluates, in the same order, the same correctly rounded operations (differences,
// squares summed in float64 from 0, a square root, a division, pair terms summed in float64 from
// 0 in row-major pair order, rounded once to the state's dtype), so the comparisons are bitwise:
// a tolerance of 0 ulps (for forces, but for the sign of a zero). That holds for up to four bodies, written pair by pair, and for five or
// more, written over all [N, N] pairs with a regularised diagonal whose zero weights add exact
// zeros: both forms give the same energies. Compiled by jit (both backends) they are the same bits.
import { type Value, jit, primalTensor } from '@liouville/ad';
import { type DType, type Tensor, cast, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nBody, threeBody } from '../src/index.js';
import { arbitraryState } from '../src/testing/index.js';

/** Rounds as a store into an array of `dtype` does. */
const rounder = (dtype: DType) => (dtype === 'float32' ? Math.fround : (x: number) => x);

/** V of one state q (body by body, d per body) by hand: −Σ_{i<j} G mᵢ mⱼ / |qᵢ − qⱼ|. */
function handPotential(q: ArrayLike<number>, masses: readonly number[], G: number, d: number, dtype: DType): number {
  const round = rounder(dtype);
  let total = 0;
  for (let i = 0; i < masses.length; i++) {
    for (let j = i + 1; j < masses.length; j++) {
      let r2 = 0;
      for (let a = 0; a < d; a++) {
        const dx = round(q[i * d + a] - q[j * d + a]);
        r2 += round(dx * dx);
      }
      total += round(round(G * masses[i] * masses[j]) / round(Math.sqrt(round(r2))));
    }
  }
  return -round(total);
}

/**
 * ∂V/∂q of one state by hand, as a loop over the pairs writes it: c = G mᵢ mⱼ / r³ times qᵢ − qⱼ
 * added to body i and subtracted from body j, each body's sum accumulated in float64 from 0.
 */
function handForce(q: ArrayLike<number>, masses: readonly number[], G: number, d: number, dtype: DType): number[] {
  const round = rounder(dtype);
  const force = new Array<number>(q.length).fill(0);
  for (let i = 0; i < masses.length; i++) {
    for (let j = i + 1; j < masses.length; j++) {
      const dx = Array.from({ length: d }, (_, a) => round(q[i * d + a] - q[j * d + a]));
      const r2 = round(dx.reduce((s, x) => s + round(x * x), 0));
      const c = round(round(G * masses[i] * masses[j]) / round(r2 * round(Math.sqrt(r2))));
      for (let a = 0; a < d; a++) {
        const term = round(c * dx[a]);
        force[i * d + a] += term;
        force[j * d + a] -= term;
      }
    }
  }
  return force.map(round);
}

/**
 * Asserts equal bits element by element (Object.is), or with `signedZero` false equal numbers,
 * −0 and 0 alike (a body's force starts from its first term, negated for the second body of a
 * pair, where the hand loop subtracts it from 0).
 */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, signedZero = true): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < actual.length; k++) {
    const same = Object.is(actual[k], expected[k]) || (!signedZero && actual[k] === expected[k]);
    if (!same) expect.fail(`${what}[${k}]: ${actual[k]} instead of ${expected[k]}`);
  }
}

const data = (v: Value) => (primalTensor(v) as Tensor).data;

/** Masses, G, dimension and dtype of a system, and a batch of 3 safe states of it. */
const problemArb = (bodies: { min: number; max: number }) =>
  fc
    .record({
      masses: fc
        .integer(bodies)
        .chain((n) => fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: n, maxLength: n })),
      G: fc.double({ min: 0.5, max: 2, noNaN: true }),
      dim: fc.constantFrom<2 | 3>(2, 3),
      dtype: fc.constantFrom<DType>('float64', 'float32'),
    })
    .chain((p) => {
      const system = nBody({ masses: p.masses, G: p.G, dim: p.dim });
      return fc.record({ p: fc.constant(p), state: arbitraryState(system, { batch: 3 }) });
    })
    .map(({ p, state }) => ({ ...p, q: cast(state.q as Tensor, p.dtype) }));

describe('nBody', () => {
  test('has the energies of the pair sum written by hand, bit for bit, for 2 to 6 bodies', () => {
    fc.assert(
      fc.property(problemArb({ min: 2, max: 6 }), ({ masses, G, dim, dtype, q }) => {
        const system = nBody({ masses, G, dim });
        const row = masses.length * dim;
        const expected = [0, 1, 2].map((b) =>
          handPotential(q.data.subarray(b * row, (b + 1) * row), masses, G, dim, dtype),
        );
        expectSameBits(data(system.V(q)), expected, 'V of a batch');
        expectSameBits(data(system.V(tensor(q.data.slice(0, row), [row]))), [expected[0]], 'V of one state');
        expect(system.V(q).dtype).toBe(dtype);
      }),
      { numRuns: 60 },
    );
  });

  test('has the force of the pair loop written by hand, bit for bit, for 2 to 4 bodies', () => {
    fc.assert(
      fc.property(problemArb({ min: 2, max: 4 }), ({ masses, G, dim, dtype, q }) => {
        const system = nBody({ masses, G, dim });
        const force = system.gradient?.(q, q).dHdq as Value;
        const row = masses.length * dim;
        const expected = [0, 1, 2].flatMap((b) =>
          handForce(q.data.subarray(b * row, (b + 1) * row), masses, G, dim, dtype),
        );
        expectSameBits(data(force), expected, 'force', false);
        expect(force.dtype).toBe(dtype);
      }),
      { numRuns: 60 },
    );
  });

  test('compiled by jit, gives the eager energies and forces bit for bit, for one state and for 400', () => {
    fc.assert(
      fc.property(problemArb({ min: 2, max: 5 }), fc.constantFrom(1, 400), ({ masses, G, dim, q }, batch) => {
        const system = nBody({ masses, G, dim });
        const row = masses.length * dim;
        // Rows repeated up to the batch size: 400 rows take the array backend, one the scalar one.
        const rows = Array.from({ length: batch }, (_, b) => q.data.slice((b % 3) * row, ((b % 3) + 1) * row));
        const x = cast(tensor(rows.map((r) => Array.from(r))), q.dtype);
        const both = (z: Value) => [system.V(z), system.gradient?.(z, z).dHdq as Value];
        const [V, F] = both(x);
        const [Vj, Fj] = jit(both)(x) as Value[];
        expectSameBits(data(Vj), data(V), 'compiled V');
        expectSameBits(data(Fj), data(F), 'compiled force');
      }),
      { numRuns: 12 },
    );
  });

  test('with masses and G as float64 values beside float32 states computes in float64', () => {
    const q32 = cast(tensor([[0.97, -0.24, -0.97, 0.24, 0.1, 0.3]]), 'float32');
    const masses = [1.5, 0.75, 1.25];
    const V = threeBody({ masses: masses.map((m) => tensor(m)), G: tensor(1.1) }).V(q32);
    expect(V.dtype).toBe('float64');
    // The differences and distances are float32 operations (relative rounding 2⁻²⁴ each, a few
    // per term), the weights and the sum float64: within 1e-6 of the float64 system's energy.
    const V64 = data(threeBody({ masses, G: 1.1 }).V(cast(q32, 'float64')))[0];
    expect(Math.abs(data(V)[0] - V64)).toBeLessThanOrEqual(1e-6 * Math.abs(V64));
  });
});
