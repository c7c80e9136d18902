// The implicit methods compile the pieces of their Newton solve (start, residual, Jacobian,
// update, final correction) after their first steps on a system, for every step size on it.
// Compiled code runs the eager kernels' arithmetic in the same order, so a trajectory must not
// change by a single bit; an H that cannot be traced keeps the instance eager, with the same results.
import { type Value, add, cos, grad, mul, primalTensor, square, sub, sum, withCheckFinite } from '@liouville/ad';
import { reshape, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ImplicitRungeKuttaMethod } from '../src/implicit/collocation.js';
import { gaussLegendre4, gaussLegendre6 } from '../src/implicit/gaussLegendre.js';
import { implicitMidpoint } from '../src/implicit/implicitMidpoint.js';
import type { GeneralSystem, State, Step } from '../src/system.js';

const methods: readonly [string, ImplicitRungeKuttaMethod][] = [
  ['implicitMidpoint', implicitMidpoint],
  ['gaussLegendre4', gaussLegendre4],
  ['gaussLegendre6', gaussLegendre6],
];

/** A non-separable H = (|q|² + 1)(|p|² + 1)/2 + Σ(1 − cos q)/2 in two degrees of freedom, counting its calls. */
function coupled(): GeneralSystem & { calls: number } {
  const system = {
    kind: 'general' as const,
    dim: 2,
    calls: 0,
    H: (q: Value, p: Value) => {
      system.calls++;
      const product = mul(0.5, mul(add(sum(square(q), -1), 1), add(sum(square(p), -1), 1)));
      return add(product, mul(0.5, sum(sub(1, cos(q)), -1)));
    },
  };
  return system;
}

/** Every state of `steps` steps from state0 (plain numbers). */
function trajectory(step: Step, state0: State, steps: number): number[][] {
  const out: number[][] = [];
  let state = state0;
  for (let k = 0; k < steps; k++) {
    state = step(state);
    out.push([...primalTensor(state.q).data, ...primalTensor(state.p).data]);
  }
  return out;
}

function expectSameBits(a: number[][], b: number[][]): void {
  const same = a.length === b.length && a.every((row, k) => row.every((v, i) => Object.is(v, b[k][i])));
  if (!same) expect(a).toEqual(b);
  expect(same).toBe(true);
}

// More steps than a method instance takes before compiling its pieces (16), so most are compiled.
const STEPS = 40;

const coordinate = fc.double({ min: -1, max: 1, noNaN: true });
const stateArb = (batch?: number) => {
  const shape = batch === undefined ? [2] : [batch, 2];
  const size = batch === undefined ? 2 : 2 * batch;
  return fc
    .tuple(
      fc.array(coordinate, { minLength: size, maxLength: size }),
      fc.array(coordinate, { minLength: size, maxLength: size }),
    )
    .map(([q, p]) => ({ q: reshape(tensor(q), shape), p: reshape(tensor(p), shape) }));
};

describe.each(methods)('%s', (_name, method) => {
  test('gives the bits of its eager steps once its pieces are compiled, one state and a batch', () => {
    fc.assert(
      fc.property(fc.oneof(stateArb(), stateArb(3)), (state0) => {
        const compiled = trajectory(method(coupled(), 0.05), state0, STEPS);
        // With finiteness checks on, jit runs every function as written: the eager reference.
        const eager = withCheckFinite(() => trajectory(method(coupled(), 0.05), state0, STEPS));
        expectSameBits(compiled, eager);
      }),
      { numRuns: 6 },
    );
  });

  test('stops evaluating H as written once compiled: the later steps run the traced programs', () => {
    const system = coupled();
    const step = method(system, 0.05);
    let state: State = { q: tensor([0.3, -0.2]), p: tensor([0.1, 0.4]) };
    for (let k = 0; k < 20; k++) state = step(state);
    const before = system.calls;
    for (let k = 0; k < 20; k++) state = step(state);
    expect(before).toBeGreaterThan(0);
    expect(system.calls).toBe(before);
  });

  test('reuses the programs compiled on a system for another step size, with the bits of that step size', () => {
    // A rollout per trajectory, each with its own dt, compiles once: dt is an argument of the
    // programs. Had the first dt been compiled in, the second trajectory would be the first's.
    fc.assert(
      fc.property(stateArb(), fc.double({ min: 0.01, max: 0.1, noNaN: true }), (state0, dt) => {
        const system = coupled();
        trajectory(method(system, 0.05), state0, STEPS);
        const calls = system.calls;
        const reused = trajectory(method(system, dt), state0, STEPS);
        expect(system.calls).toBe(calls); // neither evaluated as written nor traced again
        const eager = withCheckFinite(() => trajectory(method(coupled(), dt), state0, STEPS));
        expectSameBits(reused, eager);
      }),
      { numRuns: 6 },
    );
  });

  test('stays eager, with the same bits, when H reads numbers out of its arguments', () => {
    const smooth = coupled();
    // The same energy, behind a branch on a concrete number: tracing it throws a ConcretizationError.
    const branching: GeneralSystem = {
      kind: 'general',
      dim: 2,
      H: (q, p) => (primalTensor(q).data.length > 0 ? smooth.H(q, p) : smooth.H(p, q)),
    };
    const state0 = { q: tensor([0.3, -0.2]), p: tensor([0.1, 0.4]) };
    expectSameBits(
      trajectory(method(branching, 0.05), state0, STEPS),
      trajectory(method(coupled(), 0.05), state0, STEPS),
    );
  });

  test('differentiates a compiled instance exactly as an eager one', () => {
    const step = method(coupled(), 0.05);
    const start = { q: tensor([0.3, -0.2]), p: tensor([0.1, 0.4]) };
    trajectory(step, start, STEPS); // the instance is compiled from here on
    const finalPosition = (s: Step) => (p0: Value) => sum(s({ q: start.q, p: p0 }).q);
    const compiled = primalTensor(grad(finalPosition(step))(start.p)).data;
    const eager = primalTensor(grad(finalPosition(method(coupled(), 0.05)))(start.p)).data;
    expectSameBits([Array.from(compiled)], [Array.from(eager)]);
  });
});
