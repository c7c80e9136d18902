/**
 * Adaptive Dormand–Prince 5(4) with dense output: a reference solver for datasets and for
 * checking other methods. It evaluates on plain tensors and is not differentiable. The pieces live
 * in explicit/: the tableau (dopri5Tableau.ts), the step-size controller (controller.ts), the dense
 * output (denseOutput.ts), the driver (dopri5Solver.ts) and Hamilton's equations (hamiltonianAdapter.ts).
 */

export {
  type Dopri5Options,
  type Dopri5Result,
  MaxStepsExceededError,
  StepSizeTooSmallError,
} from './explicit/dopri5Problem.js';
export { dopri5 } from './explicit/dopri5Solver.js';
export { type HamiltonianSolution, solveHamiltonian } from './explicit/hamiltonianAdapter.js';
