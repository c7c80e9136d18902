import { type Value, grad, jit, jvp, primalTensor, sum } from '@liouville/ad';
import { type State, gaussLegendre4, integrate, leapfrog } from '@liouville/integrators';
import { InvalidArgumentError, type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Hamiltonian, SYSTEMS, energy, henonHeiles, massSpring, nBody, pendulum } from '../src/index.js';
import { arbitraryState } from '../src/testing/index.js';
import { expectClose, numbers } from './helpers.js';

type Parameters = Record<string, number | Value>;

/** A catalogue system built from named scalar parameters, with a valid range for each. */
interface Case {
  readonly name: string;
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  readonly build: (p: Parameters) => Hamiltonian;
}

const unit: readonly [number, number] = [0.5, 2];
/** The catalogue's systems built through `SYSTEMS` (as the command line and the arbitraries build them), and the N-body family. */
const CASES: readonly Case[] = [
  { name: 'massSpring', ranges: { k: unit, m: unit }, build: (p) => SYSTEMS.massSpring({ parameters: p }) },
  { name: 'pendulum', ranges: { m: unit, l: unit, g: unit }, build: (p) => SYSTEMS.pendulum({ parameters: p }) },
  {
    name: 'pendulum:hnnPaper',
    ranges: { m: unit, l: unit, g: unit },
    build: (p) => SYSTEMS['pendulum:hnnPaper']({ parameters: p }),
  },
  { name: 'kepler', ranges: { mu: unit }, build: (p) => SYSTEMS.kepler({ parameters: p }) },
  {
    name: 'nBody',
    ranges: { m1: unit, m2: unit, m3: unit, G: unit },
    build: ({ m1, m2, m3, G }) => nBody({ masses: [m1, m2, m3], G }),
  },
  { name: 'henonHeiles', ranges: { lambda: [-1, 1] }, build: (p) => SYSTEMS.henonHeiles({ parameters: p }) },
  {
    name: 'fput',
    ranges: { alpha: [-1, 1], beta: [0, 1], k: unit },
    build: (p) => SYSTEMS.fput({ dim: 3, parameters: p }),
  },
  {
    name: 'doublePendulum',
    ranges: { m1: unit, m2: unit, l1: unit, l2: unit, g: unit },
    build: (p) => SYSTEMS.doublePendulum({ parameters: p }),
  },
];

/** Parameter values within each case's ranges, and a safe state of the system they build. */
function arbitraryCase(c: Case): fc.Arbitrary<{ values: Record<string, number>; state: State }> {
  const values = fc.record(
    Object.fromEntries(
      Object.entries(c.ranges).map(([key, [min, max]]) => [key, fc.double({ min, max, noNaN: true })]),
    ),
  );
  return values.chain((v) => fc.record({ values: fc.constant(v), state: arbitraryState(c.build(v)) }));
}

const scalars = (values: Record<string, number>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(values).map(([key, v]) => [key, tensor(v)]));

describe.each(CASES)('$name with parameters as values', (c) => {
  test('computes the same energy from scalar tensors as from numbers', () => {
    fc.assert(
      fc.property(arbitraryCase(c), ({ values, state }) => {
        const fromNumbers = numbers(energy(c.build(values))(state));
        const fromTensors = numbers(energy(c.build(scalars(values)))(state));
        // The same operations on the same float64 numbers, grouped alike: equal to rounding.
        expectClose(fromTensors, fromNumbers, 1e-14);
      }),
      { numRuns: 15 },
    );
  });

  test('has ∂H/∂θ by reverse mode equal to central finite differences for every parameter', () => {
    fc.assert(
      fc.property(arbitraryCase(c), ({ values, state }) => {
        for (const key of Object.keys(values)) {
          const H = (theta: Value) => energy(c.build({ ...values, [key]: theta }))(state);
          const ad = primalTensor(grad(H)(tensor(values[key]))).item();
          // h = 1e-5: truncation O(h²·H‴) ≈ 1e-10 and rounding O(ε·H/h) ≈ 1e-11 for O(1)
          // energies; H is analytic in θ on the ranges drawn, so 1e-7 leaves a margin of ~10³.
          const h = 1e-5;
          const at = (x: number) => numbers(H(tensor(x)))[0];
          const fd = (at(values[key] + h) - at(values[key] - h)) / (2 * h);
          expectClose([ad], [fd], 1e-7, Math.abs(numbers(H(tensor(values[key])))[0]));
        }
      }),
      { numRuns: 10 },
    );
  });

  test('has an analytic gradient whose parameter derivative equals that of the AD gradient', () => {
    fc.assert(
      fc.property(arbitraryCase(c), ({ values, state }) => {
        const key = Object.keys(values)[0];
        // d/dθ of Σ(∂H/∂q + ∂H/∂p), once through the system's analytic gradient and once through
        // AD of its energy: second derivatives by two different paths, agreeing to rounding.
        const viaAnalytic = (theta: Value) => {
          const system = c.build({ ...values, [key]: theta });
          const g = (system.gradient as NonNullable<Hamiltonian['gradient']>)(state.q, state.p);
          return sum(g.dHdq) as Value;
        };
        const viaAd = (theta: Value) => {
          const system = c.build({ ...values, [key]: theta });
          const dHdq = grad((q: Value) => sum(energy(system)({ q, p: state.p })))(state.q);
          return sum(dHdq);
        };
        const theta = tensor(values[key]);
        const [, a] = jvp(viaAnalytic, theta, tensor(1));
        const [, b] = jvp(viaAd, theta, tensor(1));
        expectClose(numbers(a), numbers(b), 1e-10);
      }),
      { numRuns: 10 },
    );
  });

  test('records the numbers of its traced parameters in params', () => {
    const values = Object.fromEntries(Object.entries(c.ranges).map(([key, [min, max]]) => [key, (min + max) / 2]));
    const seen: Record<string, number>[] = [];
    grad((theta: Value) => {
      const system = c.build({ ...values, [Object.keys(values)[0]]: theta });
      seen.push({ ...system.params });
      return tensor(0);
    })(tensor(values[Object.keys(values)[0]]));
    expect(seen[0]).toMatchObject(values);
  });
});

describe('gradients through rollouts with respect to a physical parameter', () => {
  const start = { q: tensor([1.1]), p: tensor([0.3]) };
  const finalAngle = (method: typeof leapfrog | typeof gaussLegendre4) => (g: Value | number) =>
    sum(integrate(method(pendulum({ g, l: 0.9 }), 0.05), start, { steps: 40 }).final.q);

  test.each([
    ['leapfrog', leapfrog],
    ['gaussLegendre4', gaussLegendre4],
  ] as const)('∂q(T)/∂g through %s equals central finite differences', (_name, method) => {
    const ad = primalTensor(grad((g: Value) => finalAngle(method)(g))(tensor(2.5))).item();
    const at = (g: number) => primalTensor(finalAngle(method)(g)).item();
    // h = 1e-5 on g = 2.5: truncation ≈ 1e-10, rounding of q(T) ≈ 1e-16/1e-5; Gauss–Legendre's
    // Newton solves stop at their tolerance (≈ 1e-14 per step, 40 steps), which divided by 2h
    // stays below 1e-7. 1e-6 relative covers both with a margin.
    const fd = (at(2.5 + 1e-5) - at(2.5 - 1e-5)) / 2e-5;
    expectClose([ad], [fd], 1e-6, Math.abs(fd));
    expect(Math.abs(ad)).toBeGreaterThan(0.05);
  });

  test('jit of the gradient with respect to g gives the same number as eager', () => {
    const dqdg = grad((g: Value) => finalAngle(leapfrog)(g));
    const eager = primalTensor(dqdg(tensor(2.5))).item();
    const compiled = primalTensor(jit(dqdg)(tensor(2.5))).item();
    expect(compiled).toBeCloseTo(eager, 12);
  });
});

describe('validation of parameters given as values', () => {
  test.each([
    ['a traced negative g', () => grad((g: Value) => energy(pendulum({ g }))(state1))(tensor(-1)), 'pendulum: g'],
    ['a vector mass', () => massSpring({ m: tensor([1, 2]) }), 'massSpring: m'],
    ['a zero G as a tensor', () => nBody({ masses: [1, 1], G: tensor(0) }), 'nBody: G'],
    ['a NaN coupling as a tensor', () => henonHeiles({ lambda: tensor(Number.NaN) }), 'henonHeiles: lambda'],
  ])('rejects %s with an InvalidArgumentError naming it', (_what, call, argument) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });
});

const state1 = { q: tensor([0.5]), p: tensor([0.1]) };
