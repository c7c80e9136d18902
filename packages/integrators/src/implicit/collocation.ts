import { Tracer, type Value, add, matmul, mul, primalTensor, reshape, sub } from '@liouville/ad';
import { type Tensor, reshape as reshapeTensor, scalar, solve, tensor, transpose } from '@liouville/linalg';
import {
  type NewtonKernels,
  type NewtonOptions,
  jacobianBlocks,
  newtonCorrection,
  newtonIterate,
  newtonOptions,
  newtonUpdate,
  rowNorms,
} from '../newton.js';
import { type MethodInfo, type State, type Step, type StepOptions, type System, signedStep } from '../system.js';
import { type ButcherTableau, checkTableau, isSymmetricTableau, isSymplecticTableau } from './butcherTableau.js';
import { assertState, assertSystem } from '../forces.js';
import { jitWhenHot } from '../hot.js';
import { hamiltonianVectorField, joinPhase, splitPhase } from '../phaseSpace.js';

/**
 * An implicit Runge–Kutta method on Hamilton's equations ẋ = J∇H(x): a `GeneralMethod` that also
 * takes Newton options, and carries its tableau.
 */
export type ImplicitRungeKuttaMethod = ((
  system: System,
  dt: number,
  options?: StepOptions,
  solverOptions?: NewtonOptions,
) => Step) & {
  readonly info: MethodInfo;
  readonly tableau: ButcherTableau;
};

/** The tableau as tensors: A [s, s], c [1, s, 1] and d = bᵀA⁻¹ [1, s]. */
interface Coefficients {
  readonly s: number;
  readonly A: Tensor;
  readonly c: Tensor;
  readonly d: Tensor;
}

function coefficients(tableau: ButcherTableau): Coefficients {
  const s = tableau.b.length;
  const A = tensor(tableau.a.map((r) => [...r]));
  // x₁ = x₀ + Σ dᵢ Zᵢ with dᵀ = bᵀA⁻¹ (Hairer & Wanner, Solving ODEs II, §IV.8): equal to
  // x₀ + dt Σ bᵢ f(Xᵢ) when the stage equations hold, but needs no further evaluations of f.
  const d = solve(transpose(A), tensor([...tableau.b]));
  return { s, A, c: reshapeTensor(tensor([...tableau.c]), [1, s, 1]), d: reshapeTensor(d, [1, s]) };
}

/**
 * The stage equations in the increments Zᵢ = Xᵢ − x₀ (better conditioned in floating point than
 * the stages themselves; Hairer & Wanner, Solving ODEs II, §IV.8):
 * F(Z) = Zᵢ − dt Σⱼ aᵢⱼ f(x₀ + Zⱼ), with Z of shape [B, s·n] for x₀ of shape [B, n].
 */
function stageResidual(f: (x: Value) => Value, k: Coefficients, dt: Value, x0: Value): (z: Value) => Value {
  const [rows, n] = x0.shape;
  return (z: Value) => {
    const stages = reshape(z, [rows, k.s, n]);
    const slopes = reshape(f(reshape(add(reshape(x0, [rows, 1, n]), stages), [rows * k.s, n])), [rows, k.s, n]);
    return reshape(sub(stages, mul(dt, matmul(k.A, slopes))), [rows, k.s * n]);
  };
}

/** Starting guess Zᵢ = cᵢ dt f(x₀) (explicit Euler to each node): error O(dt²) instead of O(dt) for Z = 0. */
function initialGuess(slope: Value, k: Coefficients, dt: Value): Value {
  const [rows, n] = slope.shape;
  return reshape(mul(mul(dt, k.c), reshape(slope, [rows, 1, n])), [rows, k.s * n]);
}

/** The phase vectors of a state as rows: x₀ [rows, 2·dim] (every leading axis is a batch axis). */
function phaseRows(q: Value, p: Value, dim: number): Value {
  return reshape(joinPhase(q, p), [q.size / dim, 2 * dim]);
}

/**
 * The pieces of a step, each compiled with `jit` once per system, method and state shape after
 * their first calls (see jitWhenHot): the state x₀ and the step size dt (a scalar tensor) are
 * arguments, never closures, so one program serves every step of a rollout and every step size
 * (a rollout per trajectory, each with its own dt, compiles once). Compiled and eager evaluation
 * give the same bits; under a transformation (a traced state, or H closing over traced parameters)
 * each piece runs as written, and an H that cannot be traced keeps them as written.
 */
interface StepKernels {
  /** [x₀, z₀] of a state: its rows and the starting guess of the stage increments. */
  readonly start: (q: Value, p: Value, dt: Tensor) => readonly [Value, Value];
  readonly residual: (z: Tensor, x0: Tensor, dt: Tensor) => Value;
  readonly jacobian: (z: Tensor, x0: Tensor, dt: Tensor) => Value;
  readonly update: (z: Tensor, inverse: Tensor, x0: Tensor, dt: Tensor) => readonly [Value, Value];
  /** The state after the step: one Newton correction on (q, p) as given (see newtonCorrection), then x₁. */
  readonly finish: (z: Tensor, inverse: Tensor, q: Value, p: Value, dt: Tensor) => State;
}

function stepKernels(f: (x: Value) => Value, k: Coefficients, dim: number): StepKernels {
  const residualAt = (z: Value, x0: Value, dt: Value) => stageResidual(f, k, dt, x0)(z);
  return {
    start: jitWhenHot((q: Value, p: Value, dt: Tensor) => {
      const x0 = phaseRows(q, p, dim);
      return [x0, initialGuess(f(x0), k, dt)] as const;
    }),
    residual: jitWhenHot(residualAt),
    jacobian: jitWhenHot((z: Tensor, x0: Tensor, dt: Tensor) => jacobianBlocks((u) => residualAt(u, x0, dt), z)),
    update: jitWhenHot((z: Tensor, inverse: Tensor, x0: Tensor, dt: Tensor) =>
      newtonUpdate(z, inverse, residualAt(z, x0, dt)),
    ),
    finish: jitWhenHot((z: Tensor, inverse: Tensor, q: Value, p: Value, dt: Tensor) => {
      const x0 = phaseRows(q, p, dim);
      const [rows, n] = x0.shape;
      const corrected = newtonCorrection(stageResidual(f, k, dt, x0), { z, inverseJacobian: inverse });
      const x1 = splitPhase(add(x0, reshape(matmul(k.d, reshape(corrected, [rows, k.s, n])), [rows, n])), dim);
      return { q: reshape(x1.q, q.shape), p: reshape(x1.p, q.shape) };
    }),
  };
}

/** The Newton kernels at one state x₀ and step size dt, on plain tensors. */
function kernelsAt(kernels: StepKernels, x0: Tensor, dt: Tensor): NewtonKernels {
  return {
    residual: (z) => primalTensor(kernels.residual(z, x0, dt)),
    jacobian: (z) => primalTensor(kernels.jacobian(z, x0, dt)),
    update: (z, inverse) => {
      const [next, dz] = kernels.update(z, inverse, x0, dt);
      return [primalTensor(next), primalTensor(dz)];
    },
  };
}

/**
 * One step of a state (any level of differentiation): solve on plain tensors, then correct on the
 * state as given, so derivatives flow through the correction only.
 */
function collocationStep(kernels: StepKernels, state: State, solver: Required<NewtonOptions>, dt: Tensor): State {
  const plain = plainState(state);
  // z₀ is traced when H closes over differentiated parameters, even at a plain state.
  const [x0, z0] = kernels.start(plain.q, plain.p, dt);
  const rows = primalTensor(x0);
  const problem = {
    z0: primalTensor(z0),
    scale: rowNorms(rows), // ‖x₀‖∞ of each state: the relative part of Newton's stopping test
    state: plain,
    // The correction is differentiated only when the state or H is traced; otherwise it just
    // polishes the value, and any recent Jacobian serves.
    exactJacobian: state.q instanceof Tracer || state.p instanceof Tracer || z0 instanceof Tracer,
  };
  const solution = newtonIterate(kernelsAt(kernels, rows, dt), problem, solver);
  return kernels.finish(solution.z, solution.inverseJacobian, state.q, state.p, dt);
}

/**
 * A Runge–Kutta method from its tableau, solved by Newton's method on the stage increments
 * (Hairer, Lubich & Wanner, Geometric Numerical Integration, 2nd ed., §II.1 and §VIII.6).
 * Steps one state (q, p of shape [dim]) or a batch ([B, dim], one Newton problem per state,
 * solved together with block-diagonal Jacobians). Differentiable in the initial state and in
 * parameters H closes over: first derivatives are exact to solver tolerance through a final
 * Newton correction on traced values (see newtonCorrection); higher derivatives are not.
 * Its symplectic and symmetric flags are computed from the tableau, not asserted.
 */
export function implicitRungeKutta(tableau: ButcherTableau): ImplicitRungeKuttaMethod {
  checkTableau(tableau);
  const k = coefficients(tableau);
  const info: MethodInfo = {
    name: tableau.name,
    order: tableau.order,
    symplectic: isSymplecticTableau(tableau),
    symmetric: isSymmetricTableau(tableau),
    requires: 'any',
    implicit: true,
  };
  // One set of kernels per system: every step size and every step of this method on it share them.
  const kernelsBySystem = new WeakMap<System, StepKernels>();
  const kernelsOf = (system: System): StepKernels => {
    let kernels = kernelsBySystem.get(system);
    if (kernels === undefined) {
      kernels = stepKernels(hamiltonianVectorField(system), k, system.dim);
      kernelsBySystem.set(system, kernels);
    }
    return kernels;
  };
  const method = (system: System, dt: number, options: StepOptions = {}, solverOptions: NewtonOptions = {}): Step => {
    assertSystem(system, tableau.name);
    const h = scalar(signedStep(tableau.name, dt, options));
    const solver = newtonOptions(solverOptions);
    const kernels = kernelsOf(system);
    return (state: State): State => {
      assertState(system, state, tableau.name);
      return collocationStep(kernels, state, solver, h);
    };
  };
  return Object.assign(method, { info, tableau });
}

/** The state with every level of differentiation stripped, for error reports. */
function plainState(state: State): State {
  return { q: primalTensor(state.q), p: primalTensor(state.p) };
}
