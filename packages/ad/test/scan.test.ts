// The loop primitive: under jit it compiles into one loop; elsewhere it runs as written. Both
// must give the same bits, and derivatives through it must be exact.
import * as L from '@liouville/linalg';
import { tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  StructureError,
  type Value,
  add,
  cos,
  grad,
  jit,
  jvp,
  makeJaxpr,
  mul,
  scan,
  sin,
  sub,
  sum,
  vmap,
} from '../src/index.js';
import { type LoopEquation, type Program, isLoop } from '../src/jit/ir.js';
import { leaves, tensorArb } from './helpers.js';

type State = { q: Value; p: Value };

/** Leapfrog on H = Σ p²/2 + Σ (1 − cos q) with a force written by hand (a differentiable step). */
const leapfrog =
  (dt: number) =>
  ({ q, p }: State): State => {
    const half = sub(p, mul(0.5 * dt, sin(q)));
    const next = add(q, mul(dt, half));
    return { q: next, p: sub(half, mul(0.5 * dt, sin(next))) };
  };

function expectSameBits(a: Value, b: Value): void {
  expect(a.shape).toEqual(b.shape);
  const x = leaves(a)[0];
  const y = leaves(b)[0];
  expect(Array.from(x.data).every((v, i) => Object.is(v, y.data[i]))).toBe(true);
}

const rollout = (steps: number) => (s: State) =>
  scan(
    (x: State) => {
      const y = leapfrog(0.1)(x);
      return [y, { q: y.q, e: sum(cos(y.q)) }] as const;
    },
    s,
    steps,
  );

describe('scan', () => {
  test('compiles into one loop under jit with the bits of the loop run as written', () => {
    fc.assert(
      fc.property(tensorArb([3]), tensorArb([3]), fc.integer({ min: 1, max: 40 }), (q, p, steps) => {
        const f = rollout(steps);
        const [eagerFinal, eagerYs] = f({ q, p });
        const [final, ys] = jit(f)({ q, p });
        expectSameBits(final.q, eagerFinal.q);
        expectSameBits(final.p, eagerFinal.p);
        expectSameBits(ys.q, eagerYs.q);
        expectSameBits(ys.e, eagerYs.e);
        expect(ys.q.shape).toEqual([steps, 3]);
      }),
      { numRuns: 30 },
    );
  });

  test('records a single loop equation whatever the length', () => {
    const text = makeJaxpr(rollout(1000))({ q: tensor([1]), p: tensor([0]) }).toString();
    // Three carries: q, p and sin q, which the body computes one step ahead (carried.ts).
    expect(text).toMatch(/loop\[length=1000 carry=3\]/);
    expect(text.split('\n').length).toBeLessThan(40);
  });

  test('carries the force a step computes again at the start of the next, keeping every bit', () => {
    // The closing kick's sin(q_next) is the next opening kick's sin(q): carried, one sine per step.
    const sines = (p: Program) => p.equations.filter((e) => e.primitive === 'sin').length;
    const jaxpr = makeJaxpr(rollout(50))({ q: tensor([1]), p: tensor([0]) });
    const loop = jaxpr.program.equations.find(isLoop) as LoopEquation;
    expect(sines(loop.body)).toBe(1);
    expect(loop.init.length).toBe(3);
    // One step: nothing to carry; a carry that never changes: nothing computed again.
    expect(makeJaxpr(rollout(1))({ q: tensor([1]), p: tensor([0]) }).toString()).toMatch(/carry=2\]/);
    const still = (s: State) => scan((x: State) => [{ q: x.q, p: add(x.p, sin(x.q)) }, null] as const, s, 5)[0];
    expect(makeJaxpr(still)({ q: tensor([1]), p: tensor([0]) }).toString()).toMatch(/carry=2\]/);
    fc.assert(
      fc.property(tensorArb([2]), tensorArb([2]), fc.integer({ min: 1, max: 12 }), (q, p, steps) => {
        for (const f of [rollout(steps), still]) {
          const eager = f({ q, p }) as unknown as [State] | State;
          const compiled = jit(f)({ q, p }) as unknown as [State] | State;
          const [a, b] = Array.isArray(eager) ? [eager[0], (compiled as [State])[0]] : [eager, compiled as State];
          expectSameBits(b.q, a.q);
          expectSameBits(b.p, a.p);
        }
      }),
      { numRuns: 30 },
    );
  });

  test('nests, and reads values of the enclosing program as free variables', () => {
    const f = (s: State, k: Value) =>
      scan(
        (x: State) =>
          [scan((y: State) => [leapfrog(0.05)({ q: mul(y.q, k), p: y.p }), null] as const, x, 3)[0], x.q] as const,
        s,
        5,
      );
    const s = { q: tensor([0.3, -0.2]), p: tensor([0.1, 0.4]) };
    const k = tensor([1.0001]);
    const [eager, eagerYs] = f(s, k);
    const [compiled, ys] = jit(f)(s, k);
    expectSameBits(compiled.q, eager.q);
    expectSameBits(compiled.p, eager.p);
    expectSameBits(ys as Value, eagerYs as Value);
  });

  test('is differentiable through the loop in reverse and forward mode (against the unrolled loop)', () => {
    // The unrolled loop is an independent path: no scan at all.
    const unrolled = (q: Value) => {
      let s: State = { q, p: tensor([0.2, -0.1]) };
      for (let i = 0; i < 20; i++) s = leapfrog(0.1)(s);
      return sum(mul(s.q, s.p));
    };
    const scanned = (q: Value) => {
      const [s] = scan((x: State) => [leapfrog(0.1)(x), null] as const, { q, p: tensor([0.2, -0.1]) }, 20);
      return sum(mul(s.q, s.p));
    };
    const q = tensor([0.7, 1.1]);
    expectSameBits(grad(scanned)(q), grad(unrolled)(q));
    expectSameBits(jit(grad(scanned))(q), grad(unrolled)(q));
    const v = tensor([1, -2]);
    expectSameBits(jvp(scanned, q, v)[1], jvp(unrolled, q, v)[1]);
  });

  test('batches under vmap like the loop run per row', () => {
    const f = (q: Value) => scan((x: State) => [leapfrog(0.1)(x), null] as const, { q, p: mul(q, 0) }, 10)[0].q;
    const qs = L.tensor([
      [0.1, 0.2],
      [0.5, -1],
      [2, 0],
    ]);
    const batched = vmap(f)(qs);
    for (let r = 0; r < 3; r++) {
      const row = L.slice(qs, [r, 0], [r + 1, 2]);
      expectSameBits(L.reshape(L.slice(batched as L.Tensor, [r, 0], [r + 1, 2]), [2]), f(L.reshape(row, [2])));
    }
  });

  test.each([
    ['a carry of another structure', (x: State) => [{ q: x.q }, null]],
    ['a carry of another shape', (x: State) => [{ q: L.tensor([1, 2]), p: x.p }, null]],
  ])('throws a StructureError for %s', (_name, body) => {
    const s = { q: tensor([1]), p: tensor([0]) };
    expect(() => scan(body as never, s, 3)).toThrow(StructureError);
    expect(() => jit((x: State) => scan(body as never, x, 3))(s)).toThrow(StructureError);
  });

  test('refuses a length that is not a positive integer', () => {
    const s = { q: tensor([1]), p: tensor([0]) };
    for (const n of [0, -1, 2.5, Number.NaN]) {
      expect(() => scan((x: State) => [x, null] as const, s, n)).toThrow(/length: expected a positive integer/);
    }
  });
});
