import { type Value, add, cos, jvp, mul, primalTensor, square, sub, sum } from '@liouville/ad';
import { InvalidArgumentError, LiouvilleError, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gaussLegendre4 } from '../src/implicit/gaussLegendre.js';
import { implicitMidpoint } from '../src/implicit/implicitMidpoint.js';
import { NewtonConvergenceError, newtonCorrection, newtonOptions, newtonSolve } from '../src/newton.js';
import type { GeneralSystem, State } from '../src/system.js';

/** The pendulum H = p²/2 + 1 − cos q as a general system (nonlinear, so Newton needs several iterations). */
const pendulum: GeneralSystem = {
  kind: 'general',
  dim: 1,
  H: (q, p) => add(mul(0.5, sum(square(p), -1)), sum(sub(1, cos(q)), -1)),
};

/** Rowwise F(z) = z² − x: the root is √x, and dz/dx = 1/(2√x) by the implicit function theorem. */
const squareRoot = (x: Value) => (z: Value) => sub(square(z), x);

describe('newtonSolve', () => {
  test('finds each row of a batch of independent problems to rounding', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 5 }), (xs) => {
        const x = tensor(xs.map((v) => [v]));
        const state: State = { q: x, p: x };
        const start = tensor(xs.map((v) => [Math.max(v, 1)])); // above the root: Newton converges monotonically
        const solution = newtonSolve({ residual: squareRoot(x), z0: start, scale: xs.map(() => 1), state });
        // Quadratic convergence to the correctly rounded root: within 2 ulps of Math.sqrt.
        solution.z.data.forEach((z, b) => {
          expect(Math.abs(z - Math.sqrt(xs[b]))).toBeLessThanOrEqual(4.5e-16 * Math.sqrt(xs[b]));
        });
        expect(solution.iterations).toBeLessThanOrEqual(15);
        // The inverse Jacobian blocks are 1/(2z) at (essentially) the root.
        solution.inverseJacobian.data.forEach((v, b) => {
          expect(Math.abs(v * 2 * Math.sqrt(xs[b]) - 1)).toBeLessThanOrEqual(1e-12);
        });
      }),
    );
  });

  test('throws a NewtonConvergenceError when the equations have no solution', () => {
    const x = tensor([[-1]]); // z² = −1 has no real root: the iterates wander
    const problem = { residual: squareRoot(x), z0: tensor([[0.5]]), scale: [1], state: { q: x, p: x } };
    expect(() => newtonSolve(problem, { maxIterations: 30 })).toThrow(NewtonConvergenceError);
  });
});

describe('newtonCorrection', () => {
  test('has the implicit-function derivative: d√x/dx = 1/(2√x) to rounding', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 100, noNaN: true }), (x0) => {
        const root = (x: Value) => {
          const plain = primalTensor(x);
          const solution = newtonSolve({
            residual: squareRoot(plain),
            z0: tensor([[Math.max(x0, 1)]]),
            scale: [1],
            state: { q: plain, p: plain },
          });
          return newtonCorrection(squareRoot(x), solution);
        };
        const [value, tangent] = jvp(root, tensor([[x0]]), tensor([[1]]));
        expect(Math.abs(primalTensor(value).item() - Math.sqrt(x0))).toBeLessThanOrEqual(4.5e-16 * Math.sqrt(x0));
        // −(∂F/∂z)⁻¹ ∂F/∂x with the inverse Jacobian 1/(2z) taken at the iterate before the last
        // increment, |Δz| ≤ 1e-14·(1 + z). That iterate lies within |Δz| of the converged one,
        // which itself lies within another |Δz| of the root (the stopping rule bounds the step,
        // not the error), so the relative error is ≤ 2·1e-14·(1 + z)/z, plus a few ulps
        // (a run measured 8.5e-14 at z ≈ 0.23, above the one-|Δz| bound of 5.3e-14).
        const z = Math.sqrt(x0);
        expect(Math.abs(primalTensor(tangent).item() * 2 * z - 1)).toBeLessThanOrEqual((2e-14 * (1 + z)) / z + 1e-15);
      }),
    );
  });
});

describe('newtonOptions', () => {
  test('fills in the defaults tol = 1e-14 and maxIterations = 50', () => {
    expect(newtonOptions()).toEqual({ tol: 1e-14, maxIterations: 50 });
  });

  test('rejects a tolerance or iteration count outside its domain, naming it', () => {
    for (const tol of [0, -1e-10, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => newtonOptions({ tol })).toThrow(/newton: tol/);
    for (const maxIterations of [0, 2.5, -3])
      expect(() => newtonOptions({ maxIterations })).toThrow(InvalidArgumentError);
    expect(() => implicitMidpoint(pendulum, 0.1, {}, { tol: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('NewtonConvergenceError', () => {
  test('carries the state, the residual norm and the iteration count when the iterations run out', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (q0, p0) => {
          // One iteration from the Euler guess leaves an increment ~dt³ ≫ 1e-300: it cannot converge,
          // and away from the equilibrium (q₀ ≥ 0.1) the nonlinear residual is not yet zero.
          const step = gaussLegendre4(pendulum, 0.3, {}, { tol: 1e-300, maxIterations: 1 });
          let error: unknown;
          try {
            step({ q: tensor([q0]), p: tensor([p0]) });
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(NewtonConvergenceError);
          expect(error).toBeInstanceOf(LiouvilleError);
          const failure = error as NewtonConvergenceError;
          expect(primalTensor(failure.state.q).toFlatArray()).toEqual([q0]);
          expect(primalTensor(failure.state.p).toFlatArray()).toEqual([p0]);
          expect(failure.iterations).toBe(1);
          expect(failure.residualNorm).toBeGreaterThan(0);
          expect(Number.isFinite(failure.residualNorm)).toBe(true);
          expect(failure.message).toMatch(/did not converge in 1 iteration: residual norm \d\.\d{3}e[-+]\d+/);
          expect(failure.message).toContain(`q = [${Number(q0.toPrecision(6))}]`);
        },
      ),
      { numRuns: 10 },
    );
  });
});
