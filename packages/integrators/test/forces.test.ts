import { type Value, add, mul, primalTensor, sin, square, sum } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type GeneralSystem,
  assertSeparable,
  assertState,
  assertSystem,
  dHdp,
  dHdq,
  dTdp,
  dVdq,
} from '../src/index.js';
import { arbitraryState } from '../src/testing/index.js';
import { henonHeiles, pendulum } from './helpers.js';

const data = (x: Value): number[] => Array.from(primalTensor(x).data);

/** Closed-form comparisons: AD and the formula round differently by a few ulps (DESIGN.md §4.6: rel 1e-12). */
function expectClose(actual: Value, expected: number[]): void {
  data(actual).forEach((a, i) => {
    expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i])));
  });
}

/** H = ½|p|² q₁² + sin(q₀)·p₁: a non-separable test Hamiltonian with easy partial derivatives. */
const coupled: GeneralSystem = {
  kind: 'general',
  dim: 2,
  H: (q, p) => {
    const r = q.shape.length - 1;
    const q0 = sum(mul(q, tensor([1, 0])), r);
    const q1 = sum(mul(q, tensor([0, 1])), r);
    const p1 = sum(mul(p, tensor([0, 1])), r);
    return add(mul(mul(0.5, sum(square(p), r)), square(q1)), mul(sin(q0), p1));
  },
};

describe('dVdq', () => {
  test('equals the closed-form force of the pendulum, sin q, for one state and for a batch', () => {
    fc.assert(
      fc.property(arbitraryState(3, { scale: 4 }), arbitraryState(3, { scale: 4, batch: 4 }), (one, batch) => {
        expectClose(dVdq(pendulum(3))(one.q), data(one.q).map(Math.sin));
        expectClose(dVdq(pendulum(3))(batch.q), data(batch.q).map(Math.sin));
      }),
      { numRuns: 20 },
    );
  });

  test('equals the closed-form Hénon–Heiles force (x + 2xy, y + x² − y²)', () => {
    fc.assert(
      fc.property(arbitraryState(2, { scale: 2 }), ({ q }) => {
        const [x, y] = data(q);
        expectClose(dVdq(henonHeiles)(q), [x + 2 * x * y, y + x * x - y * y]);
      }),
      { numRuns: 20 },
    );
  });
});

describe('dTdp', () => {
  test('equals p for T = |p|²/2', () => {
    fc.assert(
      fc.property(arbitraryState(2, { scale: 3, batch: 3 }), ({ p }) => {
        expectClose(dTdp(henonHeiles)(p), data(p));
      }),
      { numRuns: 20 },
    );
  });
});

describe('dHdq', () => {
  test('equals the closed form (cos q₀ · p₁, |p|² q₁) of a coupled Hamiltonian', () => {
    fc.assert(
      fc.property(arbitraryState(2, { scale: 2 }), ({ q, p }) => {
        const [q0, q1] = data(q);
        const [p0, p1] = data(p);
        expectClose(dHdq(coupled)(q, p), [Math.cos(q0) * p1, (p0 * p0 + p1 * p1) * q1]);
      }),
      { numRuns: 20 },
    );
  });
});

describe('dHdp', () => {
  test('equals the closed form (p₀ q₁², p₁ q₁² + sin q₀) of a coupled Hamiltonian, row by row in a batch', () => {
    fc.assert(
      fc.property(arbitraryState(2, { scale: 2, batch: 3 }), ({ q, p }) => {
        const qs = data(q);
        const ps = data(p);
        const expected = [0, 1, 2].flatMap((b) => {
          const [q0, q1, p0, p1] = [qs[2 * b], qs[2 * b + 1], ps[2 * b], ps[2 * b + 1]];
          return [p0 * q1 * q1, p1 * q1 * q1 + Math.sin(q0)];
        });
        expectClose(dHdp(coupled)(q, p), expected);
      }),
      { numRuns: 20 },
    );
  });
});

describe('assertSeparable', () => {
  test('accepts a separable system', () => {
    expect(() => assertSeparable(pendulum(), 'leapfrog')).not.toThrow();
  });

  test('rejects a general system, naming the method and the kind given', () => {
    expect(() => assertSeparable(coupled, 'leapfrog')).toThrow(InvalidArgumentError);
    expect(() => assertSeparable(coupled, 'leapfrog')).toThrow(
      /leapfrog: system.kind: expected 'separable'.*got "general"/,
    );
  });

  test('rejects a system without energy functions or with a bad dim', () => {
    expect(() => assertSeparable({ kind: 'separable', dim: 1, T: (p: Value) => p }, 'leapfrog')).toThrow(
      /system.T, system.V/,
    );
    expect(() => assertSeparable({ ...pendulum(), dim: 0 }, 'leapfrog')).toThrow(
      /system.dim: expected a positive integer/,
    );
    expect(() => assertSeparable(null, 'leapfrog')).toThrow(InvalidArgumentError);
  });
});

describe('assertSystem', () => {
  test('accepts both kinds and rejects anything else', () => {
    expect(() => assertSystem(coupled, 'implicitMidpoint')).not.toThrow();
    expect(() => assertSystem(pendulum(), 'implicitMidpoint')).not.toThrow();
    expect(() => assertSystem({ kind: 'general', dim: 1 }, 'implicitMidpoint')).toThrow(
      /system.H: expected a function/,
    );
    expect(() => assertSystem({ kind: 'lagrangian', dim: 1 }, 'implicitMidpoint')).toThrow(InvalidArgumentError);
  });
});

describe('assertState', () => {
  const system = henonHeiles;

  test('accepts one state [dim] and a batch [B, dim]', () => {
    expect(() => assertState(system, { q: tensor([1, 2]), p: tensor([3, 4]) }, 'leapfrog')).not.toThrow();
    expect(() => assertState(system, { q: tensor([[1, 2]]), p: tensor([[3, 4]]) }, 'leapfrog')).not.toThrow();
  });

  test('throws a ShapeError when q and p differ in shape', () => {
    const bad = { q: tensor([1, 2]), p: tensor([[3, 4]]) };
    expect(() => assertState(system, bad, 'leapfrog')).toThrow(ShapeError);
    expect(() => assertState(system, bad, 'leapfrog')).toThrow(
      'leapfrog: q and p must have the same shape, got q [2] and p [1, 2]',
    );
  });

  test("throws a ShapeError when the last axis is not the system's dim", () => {
    const bad = { q: tensor([1, 2, 3]), p: tensor([3, 4, 5]) };
    expect(() => assertState(system, bad, 'leapfrog')).toThrow(ShapeError);
    expect(() => assertState(system, bad, 'leapfrog')).toThrow(/dim = 2.*got \[3\]/);
    expect(() => assertState(system, { q: tensor(1), p: tensor(1) }, 'leapfrog')).toThrow(ShapeError);
  });

  test('throws an InvalidArgumentError when the state is not a pair of values', () => {
    expect(() => assertState(system, { q: [1, 2], p: [3, 4] } as never, 'leapfrog')).toThrow(InvalidArgumentError);
    expect(() => assertState(system, { q: new Tensor(new Float64Array(2), [2]) } as never, 'leapfrog')).toThrow(
      /state: expected a state/,
    );
  });
});
