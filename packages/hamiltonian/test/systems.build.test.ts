import { type Value, add, mul, square, sum, zerosLike } from '@liouville/ad';
import { InvalidArgumentError, ShapeError, tensor, zeros } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { energy, general, separable, vectorField } from '../src/index.js';
import { arbitraryState } from '../src/testing/index.js';
import { expectClose, numbers } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: specs deliberately outside their types
type Loose = any;

/** A quartic oscillator, H = Σ p²/2 + Σ (q²/2 + q⁴/4), written as a user would. */
const T = (p: Value) => mul(0.5, sum(square(p), -1));
const V = (q: Value) => sum(add(mul(0.5, square(q)), mul(0.25, square(square(q)))), -1);
const analytic = (q: Value, p: Value) => ({ dHdq: add(q, mul(q, mul(q, q))), dHdp: p });

/** Catches what a call throws. */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

describe('separable', () => {
  test('builds a separable system whose energies take one state or a batch', () => {
    const h = separable({ name: 'quartic', dim: 2, T, V, params: { k: 1 } });
    expect([h.kind, h.name, h.dim, h.params]).toEqual(['separable', 'quartic', 2, { k: 1 }]);
    expectClose(numbers(energy(h)({ q: tensor([1, 2]), p: tensor([1, 0]) })), [0.5 + (0.5 + 0.25) + (2 + 4)], 1e-15);
    expect(energy(h)({ q: zeros([5, 2]), p: zeros([5, 2]) }).shape).toEqual([5]);
    expect(separable({ dim: 1, T, V }).name).toBe('separable');
  });

  test.each([0, -1, 1.5, Number.NaN, '2'])('rejects dim = %s with an InvalidArgumentError naming it', (dim) => {
    const error = thrown(() => separable({ name: 'quartic', dim: dim as Loose, T, V }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('quartic: dim');
  });

  test('rejects a non-finite parameter, naming it', () => {
    const error = thrown(() => separable({ name: 'quartic', dim: 1, T, V, params: { k: Number.NaN } }));
    expect((error as InvalidArgumentError).argument).toBe('quartic: params.k');
  });

  test('rejects energies that are not functions and an empty name', () => {
    expect(
      (thrown(() => separable({ name: 'quartic', dim: 1, T, V: 3 as Loose })) as InvalidArgumentError).argument,
    ).toBe('quartic: V');
    expect((thrown(() => separable({ name: '', dim: 1, T, V })) as InvalidArgumentError).argument).toBe(
      'separable: name',
    );
    expect(thrown(() => separable(null as Loose))).toBeInstanceOf(InvalidArgumentError);
  });

  test('checks the argument of T and V on every call, naming the system, the function and the argument', () => {
    const h = separable({ name: 'quartic', dim: 2, T, V });
    const error = thrown(() => h.V(zeros([3])));
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).operation).toBe('quartic: V');
    expect(error.message).toContain('q: expected shape [2]');
    expect((thrown(() => h.T(zeros([2, 2, 2]))) as ShapeError).operation).toBe('quartic: T');
  });

  test('reports an energy that does not return one value per state', () => {
    const h = separable({ name: 'summed', dim: 2, T, V: (q: Value) => sum(square(q)) });
    const error = thrown(() => h.V(zeros([4, 2])));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain('one energy per state: shape [4]');
  });
});

describe('general', () => {
  const H = (q: Value, p: Value) => add(T(p), V(q));

  test('builds a general system that agrees with the same energy built as separable', () => {
    const g = general({ name: 'quarticH', dim: 2, H });
    const s = separable({ dim: 2, T, V });
    expect(g.kind).toBe('general');
    fc.assert(
      fc.property(arbitraryState(s, { radius: 2, batch: 3 }), (state) => {
        expect(numbers(energy(g)(state))).toEqual(numbers(energy(s)(state)));
        const [a, b] = [vectorField(g)(state), vectorField(s)(state)];
        // Two AD paths (one joint gradient, two separate ones) over the same operations.
        expectClose([...numbers(a.dq), ...numbers(a.dp)], [...numbers(b.dq), ...numbers(b.dp)], 1e-12);
      }),
      { numRuns: 30 },
    );
  });

  test('checks q and p on every call of H', () => {
    const g = general({ name: 'quarticH', dim: 2, H });
    const error = thrown(() => g.H(zeros([2]), zeros([3, 2])));
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).operation).toBe('quarticH: H');
    expect((thrown(() => general({ dim: 0, H })) as InvalidArgumentError).argument).toBe('general: dim');
    expect((thrown(() => general({ dim: 1, H: undefined as Loose })) as InvalidArgumentError).argument).toBe(
      'general: H',
    );
  });
});

describe('the gradient option', () => {
  test('agrees with AD: vectorField with the analytic gradient equals vectorField without it', () => {
    const withGradient = separable({ name: 'quartic', dim: 2, T, V, gradient: analytic });
    const withoutGradient = separable({ name: 'quartic', dim: 2, T, V });
    fc.assert(
      fc.property(arbitraryState(withoutGradient, { radius: 2, batch: 2 }), (state) => {
        const [a, b] = [vectorField(withGradient)(state), vectorField(withoutGradient)(state)];
        // q + q³ in two orders of evaluation: a few ulps of |q|³ ≤ 8.
        expectClose([...numbers(a.dq), ...numbers(a.dp)], [...numbers(b.dq), ...numbers(b.dp)], 1e-12, 8);
      }),
    );
  });

  test('is what vectorField uses when present', () => {
    // A deliberately different "gradient" shows which path vectorField takes.
    const h = general({
      name: 'marked',
      dim: 1,
      H: (q, p) => add(T(p), V(q)),
      gradient: (q, p) => ({ dHdq: add(zerosLike(q), 7), dHdp: add(zerosLike(p), 5) }),
    });
    const { dq, dp } = vectorField(h)({ q: tensor([0.3]), p: tensor([0.4]) });
    expect([numbers(dq), numbers(dp)]).toEqual([[5], [-7]]);
  });

  test('must return derivatives shaped like q, or vectorField throws a ShapeError naming the system', () => {
    const h = separable({ name: 'bad', dim: 2, T, V, gradient: (q) => ({ dHdq: sum(q), dHdp: q }) });
    const error = thrown(() => vectorField(h)({ q: zeros([2]), p: zeros([2]) }));
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).operation).toBe('bad: gradient');
    expect(error.message).toContain('dHdq');
    expect((thrown(() => separable({ dim: 1, T, V, gradient: 1 as Loose })) as InvalidArgumentError).argument).toBe(
      'separable: gradient',
    );
  });
});
