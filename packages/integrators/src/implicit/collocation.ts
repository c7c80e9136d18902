import { Tracer, type Value, add, matmul, mul, primalTensor, reshape, sub } from '@liouville/ad';
import { type Tensor, norm, reshape as reshapeTensor, solve, tensor, transpose } from '@liouville/linalg';
import { type NewtonOptions, newtonCorrection, newtonOptions, newtonSolve } from '../newton.js';
import { type MethodInfo, type State, type Step, type StepOptions, type System, signedStep } from '../system.js';
import { type ButcherTableau, checkTableau, isSymmetricTableau, isSymplecticTableau } from './butcherTableau.js';
import { assertState, assertSystem } from '../forces.js';
import { hamiltonianVectorField, joinPhase, splitPhase } from './phaseSpace.js';

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
function stageResidual(f: (x: Value) => Value, k: Coefficients, dt: number, x0: Value): (z: Value) => Value {
  const [rows, n] = x0.shape;
  return (z: Value) => {
    const stages = reshape(z, [rows, k.s, n]);
    const slopes = reshape(f(reshape(add(reshape(x0, [rows, 1, n]), stages), [rows * k.s, n])), [rows, k.s, n]);
    return reshape(sub(stages, mul(dt, matmul(k.A, slopes))), [rows, k.s * n]);
  };
}

/** Starting guess Zᵢ = cᵢ dt f(x₀) (explicit Euler to each node): error O(dt²) instead of O(dt) for Z = 0. */
function initialGuess(slope: Tensor, k: Coefficients, dt: number): Tensor {
  const [rows, n] = slope.shape;
  return primalTensor(reshape(mul(mul(dt, k.c), reshape(slope, [rows, 1, n])), [rows, k.s * n]));
}

/** ‖x₀‖∞ of each state: the relative scale of Newton's stopping test. */
function rowScales(x0: Tensor): number[] {
  return norm(x0, Number.POSITIVE_INFINITY, { axis: 1 }).toFlatArray();
}

/** One step from x₀ [B, n] (any level of differentiation): solve on plain tensors, then correct traced. */
function collocationStep(
  f: (x: Value) => Value,
  k: Coefficients,
  dt: number,
  x0: Value,
  state: State,
  solver: NewtonOptions,
): Value {
  const [rows, n] = x0.shape;
  const plain = primalTensor(x0);
  // Traced when H closes over differentiated parameters, even at a plain state.
  const slope = f(plain);
  const problem = {
    residual: stageResidual(f, k, dt, plain),
    z0: initialGuess(primalTensor(slope), k, dt),
    scale: rowScales(plain),
    state,
    // The correction below is differentiated only when the state or H is traced; otherwise it
    // just polishes the value, and any recent Jacobian serves.
    exactJacobian: x0 instanceof Tracer || slope instanceof Tracer,
  };
  const solution = newtonSolve(problem, solver);
  const z = newtonCorrection(stageResidual(f, k, dt, x0), solution);
  return add(x0, reshape(matmul(k.d, reshape(z, [rows, k.s, n])), [rows, n]));
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
  const method = (system: System, dt: number, options: StepOptions = {}, solverOptions: NewtonOptions = {}): Step => {
    assertSystem(system, tableau.name);
    const h = signedStep(tableau.name, dt, options);
    const solver = newtonOptions(solverOptions);
    const f = hamiltonianVectorField(system);
    return (state: State): State => {
      assertState(system, state, tableau.name);
      const shape = state.q.shape;
      const rows = state.q.size / system.dim; // every leading axis is a batch axis
      const x0 = reshape(joinPhase(state.q, state.p), [rows, 2 * system.dim]);
      const x1 = splitPhase(collocationStep(f, k, h, x0, plainState(state), solver), system.dim);
      return { q: reshape(x1.q, shape), p: reshape(x1.p, shape) };
    };
  };
  return Object.assign(method, { info, tableau });
}

/** The state with every level of differentiation stripped, for error reports. */
function plainState(state: State): State {
  return { q: primalTensor(state.q), p: primalTensor(state.p) };
}
