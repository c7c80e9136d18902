// The Lagrangian Neural Network: its Euler–Lagrange acceleration on the double pendulum's true
// Lagrangian against the catalogue's Hamiltonian equations of motion (an independent formalism),
// its exact parameter gradient through the Hessian solve against central differences, the energy
// its flow conserves, and the velocity-coordinate dataset it trains on.
import { type Value, add, cos, grad, jit, jvp, mul, primalTensor, reshape, slice, square, sub } from '@liouville/ad';
import { hamiltonianGradient } from '@liouville/integrators';
import { Tensor, randomKey, randomNormal, tensor } from '@liouville/linalg';
import type { MlpParams } from '@liouville/nn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  doublePendulum,
  doublePendulumDataset,
  doublePendulumVelocityEnergy,
  doublePendulumVelocityField,
  fieldLoss,
  lagrangianAcceleration,
  lnnModel,
} from '../src/index.js';
import { expectClose, numbers } from './helpers.js';

interface Pendulum {
  m1: number;
  m2: number;
  l1: number;
  l2: number;
  g: number;
}

/** Physical parameters in [0.5, 2]: the mass matrix's determinant m₂l₁²l₂²(m₁ + m₂sin²Δ) ≥ 1/32 stays away from 0. */
const pendulumArb: fc.Arbitrary<Pendulum> = fc.record({
  m1: fc.double({ min: 0.5, max: 2, noNaN: true }),
  m2: fc.double({ min: 0.5, max: 2, noNaN: true }),
  l1: fc.double({ min: 0.5, max: 2, noNaN: true }),
  l2: fc.double({ min: 0.5, max: 2, noNaN: true }),
  g: fc.double({ min: 0.5, max: 10, noNaN: true }),
});

const stateArb = fc.tuple(
  ...[0, 1].map(() => fc.double({ min: -3, max: 3, noNaN: true })),
  ...[0, 1].map(() => fc.double({ min: -2, max: 2, noNaN: true })),
);

/**
 * The double pendulum's Lagrangian written from its textbook form (see `doublePendulum`), for rows
 * (θ₁, θ₂, θ̇₁, θ̇₂): L = ½(m₁ + m₂)l₁²θ̇₁² + ½m₂l₂²θ̇₂² + m₂l₁l₂θ̇₁θ̇₂cos(θ₁ − θ₂) + (m₁ + m₂)gl₁cos θ₁ + m₂gl₂cos θ₂.
 */
function trueLagrangian({ m1, m2, l1, l2, g }: Pendulum) {
  return (x: Value): Value => {
    const rows = x.shape[0];
    const column = (j: number) => reshape(slice(x, [0, j], [rows, j + 1]), [rows]);
    const [t1, t2, w1, w2] = [0, 1, 2, 3].map(column);
    const kinetic = add(
      add(mul(0.5 * (m1 + m2) * l1 * l1, square(w1)), mul(0.5 * m2 * l2 * l2, square(w2))),
      mul(m2 * l1 * l2, mul(mul(w1, w2), cos(sub(t1, t2)))),
    );
    return add(kinetic, add(mul((m1 + m2) * g * l1, cos(t1)), mul(m2 * g * l2, cos(t2))));
  };
}

/**
 * θ̈ from the catalogue's H(θ, p) alone: p = M(θ)θ̇ (the Legendre map, M from the textbook), then
 * θ̇ = ∂H/∂p and ṗ = −∂H/∂θ by the catalogue's own gradient, and θ̈ = d/dt ∂H/∂p, the derivative of
 * ∂H/∂p along (θ̇, ṗ) by forward mode.
 */
function hamiltonianAcceleration(params: Pendulum, row: readonly number[]): number[] {
  const { m1, m2, l1, l2 } = params;
  const [t1, t2, w1, w2] = row;
  const c = m2 * l1 * l2 * Math.cos(t1 - t2);
  const p = tensor([(m1 + m2) * l1 * l1 * w1 + c * w2, c * w1 + m2 * l2 * l2 * w2]);
  const q = tensor([t1, t2]);
  const system = doublePendulum(params);
  const { dHdq, dHdp } = hamiltonianGradient(system, q, p);
  const dpdt = mul(dHdq, -1);
  const [velocity, acceleration] = jvp(
    ([u, v]: Value[]) => hamiltonianGradient(system, u, v).dHdp,
    [q, p],
    [primalTensor(dHdp), primalTensor(dpdt)],
  ) as [Value, Value];
  expectClose(numbers(velocity), [w1, w2], 1e-12, 10);
  return numbers(acceleration);
}

describe('lagrangianAcceleration', () => {
  test("of the double pendulum's true L equals the catalogue's Hamiltonian equations of motion to 1e-12", () => {
    fc.assert(
      fc.property(pendulumArb, stateArb, (params, row) => {
        const accel = numbers(lagrangianAcceleration(trueLagrangian(params), 2)(tensor([row])));
        // Both sides are O(10) numbers from short float64 chains through a 2×2 solve whose matrix
        // has condition number ≤ ~100 for these parameters: agreement to ~1e-13 relative, so 1e-12
        // of the larger of |θ̈| and 10 holds with margin while a wrong term fails by O(1).
        expectClose(accel, hamiltonianAcceleration(params, row), 1e-12, 10);
        // The dataset's closed form (myPhysicsLab's formulas) is the same motion.
        const closed = Array.from(doublePendulumVelocityField(params)(Float64Array.from(row))).slice(2);
        expectClose(accel, closed, 1e-12, 10);
      }),
      { numRuns: 40 },
    );
  });

  test('solves a batch row by row', () => {
    const params = { m1: 1, m2: 1.5, l1: 0.8, l2: 1.2, g: 9.8 };
    const rows = [
      [0.3, -0.2, 0.5, 1.0],
      [2.0, 1.0, -1.0, 0.0],
      [-1.2, 0.4, 0.0, 2.0],
    ];
    const batch = numbers(lagrangianAcceleration(trueLagrangian(params), 2)(tensor(rows)));
    rows.forEach((row, i) => {
      expectClose(batch.slice(2 * i, 2 * i + 2), hamiltonianAcceleration(params, row), 1e-12, 10);
    });
  });

  test('rejects rows of the wrong width', () => {
    expect(() =>
      lagrangianAcceleration(trueLagrangian({ m1: 1, m2: 1, l1: 1, l2: 1, g: 1 }), 2)(tensor([[1, 2]])),
    ).toThrow(/lagrangianAcceleration.*\[B, 4\]/);
  });
});

describe('lnnModel', () => {
  const model = lnnModel({ inputDim: 4, hiddenDim: 8 });
  const params = model.init(randomKey(3));
  const x = tensor([
    [0.3, -0.2, 0.5, 1.0],
    [1.1, 0.4, -0.3, 0.2],
    [-0.7, 0.9, 0.8, -0.6],
  ]);
  const dxdt = randomNormal(randomKey(4), [3, 4]);
  const loss = (p: MlpParams<Value>) => fieldLoss(model)(p, x, dxdt);

  test('has an exact parameter gradient through the Hessian solve: equal to central differences', () => {
    const g = grad(loss)(params) as MlpParams;
    for (const key of Object.keys(params)) {
      const leaf = params[key];
      const fd = Array.from(leaf.data, (value, i) => {
        // h = 1e-6 on parameters of order 1 and a loss of order 10: truncation h²|f'''|/6 and
        // rounding ε|f|/h are both ≲ 1e-8, far below the 1e-6 relative tolerance.
        const h = 1e-6;
        const shifted = (sign: number) => {
          const data = Float64Array.from(leaf.data);
          data[i] = value + sign * h;
          return primalTensor(loss({ ...params, [key]: new Tensor(data, leaf.shape) })).item();
        };
        return (shifted(1) - shifted(-1)) / (2 * h);
      });
      expectClose(numbers(g[key]), fd, 1e-6, 1);
    }
  });

  test('compiles its loss gradient under jit to the eager bits', () => {
    const eager = grad(loss)(params) as MlpParams;
    const compiled = jit(grad(loss))(params) as MlpParams;
    for (const key of Object.keys(params)) expect(numbers(compiled[key])).toEqual(numbers(eager[key]));
  });

  test('predicts (q̇, q̈) and its flow conserves the learned energy q̇·∂L/∂q̇ − L', () => {
    const f = model.timeDerivative(params, x);
    expect(numbers(slice(f, [0, 0], [3, 2]))).toEqual(numbers(slice(x, [0, 2], [3, 4])));
    // dE/dt = ∇E · ẋ along the model's own field: zero up to rounding of O(1) terms.
    const [, rate] = jvp((z: Value) => model.energy(params, z), x, primalTensor(f)) as [Value, Value];
    expectClose(numbers(rate), [0, 0, 0], 1e-10, 1);
    const E = numbers(model.energy(params, x));
    expect(E.every(Number.isFinite)).toBe(true);
  });
});

describe('lnnModel with a kinetic offset', () => {
  test('is a free particle when its network is constant: q̈ = 0 and E = (c/2)|q̇|²', () => {
    const model = lnnModel({ inputDim: 4, hiddenDim: 6, kineticOffset: 2 });
    const zero = Object.fromEntries(
      Object.entries(model.init(randomKey(1))).map(([k, v]) => [k, new Tensor(new Float64Array(v.size), v.shape)]),
    );
    const x = tensor([
      [0.3, -0.2, 0.5, 1.0],
      [1.1, 0.4, -0.3, 0.2],
    ]);
    expect(numbers(model.acceleration(zero, x))).toEqual([0, 0, 0, 0]);
    expectClose(numbers(model.energy(zero, x)), [0.5 ** 2 + 1, 0.3 ** 2 + 0.2 ** 2], 1e-15, 1);
    expect(() => lnnModel({ inputDim: 4, kineticOffset: -1 })).toThrow(/kineticOffset/);
  });
});

describe('doublePendulumDataset', () => {
  test('samples angles and angular velocities with targets (θ̇, θ̈) of the true motion', () => {
    const data = doublePendulumDataset({ trajectories: 2, points: 20, seed: 5 });
    expect(data.train.x.shape).toEqual([20, 4]);
    expect(data.test.x.shape).toEqual([20, 4]);
    const x = data.train.x.toArray() as number[][];
    const dxdt = data.train.dxdt.toArray() as number[][];
    const params = { m1: 1, m2: 1, l1: 1, l2: 1, g: 1 };
    x.forEach((row, i) => {
      expect(dxdt[i].slice(0, 2)).toEqual(row.slice(2));
      expectClose(dxdt[i].slice(2), hamiltonianAcceleration(params, row), 1e-12, 10);
    });
    // The energy E = T + V (catalogue's H at p = Mθ̇) is conserved along each trajectory.
    const energy = (row: number[]) => {
      const c = Math.cos(row[0] - row[1]);
      const p = [2 * row[2] + c * row[3], c * row[2] + row[3]];
      return primalTensor(doublePendulum().H(tensor(row.slice(0, 2)), tensor(p))).item();
    };
    // dopri5 at rtol 1e-10 over t ∈ [0, 10]: the energy drifts by ≲ 1e-8.
    expectClose(
      x.map(energy),
      x.map(() => energy(x[0])),
      1e-7,
      1,
    );
    // The velocity-coordinate energy of the library is the catalogue's H at p = M(θ)θ̇.
    const E = doublePendulumVelocityEnergy();
    expectClose(x.map(E), x.map(energy), 1e-12, 10);
    expect(() => doublePendulumDataset({ angles: [1, -1] })).toThrow(/angles/);
  });
});
