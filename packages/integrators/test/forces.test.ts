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
      'leapfrog: q and p must have the same shape, got [2] and [1, 2]',
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

// ——— Optional analytic gradients: used instead of AD when a system supplies one ———

import { jacfwd } from '@liouville/ad';
import {
  type SeparableSystem,
  type State,
  flow,
  gaussLegendre4,
  hamiltonianGradient,
  leapfrog,
  rk4,
} from '../src/index.js';

/** The pendulum H = p²/2 + 1 − cos q with its closed-form gradient (sin q, p). */
const analyticPendulum: SeparableSystem = {
  ...pendulum(),
  gradient: (q, p) => ({ dHdq: sin(q), dHdp: p }),
};

/** A gradient that is deliberately not H's (3× the true one): results that carry the factor came from it, not AD. */
const marked: SeparableSystem = {
  ...pendulum(),
  gradient: (q, p) => ({ dHdq: mul(3, sin(q)), dHdp: mul(3, p) }),
};

/** The coupled general system with its closed-form gradient scaled by 3, likewise marked. */
const markedCoupled: GeneralSystem = {
  ...coupled,
  gradient: (q, p) => ({ dHdq: mul(3, dHdq(coupled)(q, p)), dHdp: mul(3, dHdp(coupled)(q, p)) }),
};

describe('hamiltonianGradient', () => {
  test("uses the system's analytic gradient when it has one and AD otherwise", () => {
    fc.assert(
      fc.property(arbitraryState(1, { scale: 3, batch: 2 }), ({ q, p }) => {
        const fromAD = hamiltonianGradient(pendulum(), q, p);
        const fromMarked = hamiltonianGradient(marked, q, p);
        expectClose(fromAD.dHdq, data(q).map(Math.sin));
        expectClose(
          fromMarked.dHdq,
          data(q).map((x) => 3 * Math.sin(x)),
        );
        expectClose(
          fromMarked.dHdp,
          data(p).map((x) => 3 * x),
        );
      }),
      { numRuns: 10 },
    );
  });
});

describe('dVdq', () => {
  test("reads the analytic gradient's dHdq of a separable system that supplies one", () => {
    fc.assert(
      fc.property(arbitraryState(1, { scale: 3 }), ({ q }) => {
        expectClose(
          dVdq(marked)(q),
          data(q).map((x) => 3 * Math.sin(x)),
        );
      }),
      { numRuns: 10 },
    );
  });
});

describe('dTdp', () => {
  test("reads the analytic gradient's dHdp of a separable system that supplies one", () => {
    fc.assert(
      fc.property(arbitraryState(1, { scale: 3, batch: 3 }), ({ p }) => {
        expectClose(
          dTdp(marked)(p),
          data(p).map((x) => 3 * x),
        );
      }),
      { numRuns: 10 },
    );
  });
});

describe('dHdq', () => {
  test('reads the analytic gradient of a general system that supplies one', () => {
    fc.assert(
      fc.property(arbitraryState(2, { scale: 2 }), ({ q, p }) => {
        const [q0, q1] = data(q);
        const [p0, p1] = data(p);
        expectClose(dHdq(markedCoupled)(q, p), [3 * Math.cos(q0) * p1, 3 * (p0 * p0 + p1 * p1) * q1]);
        expectClose(dHdp(markedCoupled)(q, p), [3 * p0 * q1 * q1, 3 * (p1 * q1 * q1 + Math.sin(q0))]);
      }),
      { numRuns: 10 },
    );
  });
});

describe('leapfrog', () => {
  test('reads only dHdq in a kick and only dHdp in a drift of a lazy analytic gradient', () => {
    const reads = { dHdq: 0, dHdp: 0 };
    const lazy: SeparableSystem = {
      ...pendulum(),
      gradient: (q, p) => ({
        get dHdq() {
          reads.dHdq++;
          return sin(q);
        },
        get dHdp() {
          reads.dHdp++;
          return p;
        },
      }),
    };
    const step = leapfrog(lazy, 0.1);
    let s: State = { q: tensor([0.5]), p: tensor([0.2]) };
    for (let k = 0; k < 10; k++) s = step(s);
    // Kick–drift–kick with first-same-as-last: 11 force and 10 velocity evaluations in 10 steps.
    expect(reads).toEqual({ dHdq: 11, dHdp: 10 });
  });

  test('steps a system with an analytic gradient as it steps the same system by AD, Jacobian included', () => {
    // Same arithmetic up to the rounding of sin q and p (a few ulps): 1e-13 absolute on O(1) states
    // after 10 steps, and the step Jacobians (forward mode through the analytic sin) likewise.
    fc.assert(
      fc.property(arbitraryState(1, { scale: 2 }), fc.double({ min: 0.01, max: 0.3, noNaN: true }), (state, dt) => {
        let a = state;
        let b = state;
        for (let k = 0; k < 10; k++) {
          a = leapfrog(analyticPendulum, dt)(a);
          b = leapfrog(pendulum(), dt)(b);
        }
        expectClose(a.q, data(b.q));
        expectClose(a.p, data(b.p));
        const x = tensor([...data(state.q), ...data(state.p)]);
        const Ma = jacfwd(flow(leapfrog(analyticPendulum, dt)))(x) as Value;
        const Mb = jacfwd(flow(leapfrog(pendulum(), dt)))(x) as Value;
        expectClose(Ma, data(Mb));
      }),
      { numRuns: 10 },
    );
  });
});

describe('gaussLegendre4', () => {
  test('uses the analytic gradient in its stage equations and their Jacobian', () => {
    // The marked gradient is 3× the pendulum's: H' = 3H has the same orbits traversed 3× as fast,
    // so one step of dt with the marked system equals one step of 3·dt of the true pendulum (to
    // Newton tolerance 1e-14 and rounding); AD alone would give the step of dt instead.
    const start = { q: tensor([0.7]), p: tensor([-0.4]) };
    const fast = gaussLegendre4(marked, 0.05)(start);
    const slow = gaussLegendre4(pendulum(), 0.15)(start);
    expectClose(fast.q, data(slow.q));
    expectClose(fast.p, data(slow.p));
    const plain = gaussLegendre4(pendulum(), 0.05)(start);
    expect(Math.abs(data(plain.q)[0] - data(fast.q)[0])).toBeGreaterThan(1e-3);
  });
});

describe('rk4', () => {
  test('evaluates the vector field from the analytic gradient of a general system', () => {
    // As above: the 3× gradient makes one RK4 step of dt the step of 3·dt of the true system
    // (RK4 is a linear combination of slopes, and slopes scale with H).
    const start = { q: tensor([0.3, -0.2]), p: tensor([0.5, 0.1]) };
    const fast = rk4(markedCoupled, 0.02)(start);
    const slow = rk4(coupled, 0.06)(start);
    expectClose(fast.q, data(slow.q));
    expectClose(fast.p, data(slow.p));
  });
});

describe('assertSystem', () => {
  test('rejects a gradient that is not a function', () => {
    expect(() => assertSystem({ ...pendulum(), gradient: 3 }, 'leapfrog')).toThrow(
      /system.gradient: expected absent, or a function/,
    );
    expect(() => assertSystem({ ...coupled, gradient: {} }, 'rk4')).toThrow(InvalidArgumentError);
  });
});
