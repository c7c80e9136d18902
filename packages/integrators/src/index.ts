/**
 * The problem interface, symplectic and reference methods as higher-order functions
 * `method(system, dt) → step`, and rollouts. The property checks are in
 * `@liouville/integrators/testing`.
 * @module @liouville/integrators
 */
// Exports are grouped by file.

// system.ts
export {
  type SeparableSystem,
  type GeneralSystem,
  type HamiltonianGradient,
  type GradientFn,
  type System,
  type State,
  type Step,
  type MethodInfo,
  type StepOptions,
  type SeparableMethod,
  type GeneralMethod,
  type Method,
  signedStep,
} from './system.js';

// forces.ts
export { dVdq, dTdp, dHdq, dHdp, assertSeparable, assertSystem, assertState } from './forces.js';

// splitting.ts
export {
  type SplittingScheme,
  type SplittingMethod,
  type Substep,
  splittingScheme,
  splittingMethod,
  substeps,
} from './splitting.js';

// compose.ts
export { compose } from './compose.js';

// methods.ts
export {
  symplecticEuler,
  symplecticEulerQ,
  leapfrog,
  stormerVerlet,
  leapfrogDKD,
  velocityVerlet,
  ruth3,
  forestRuth,
  yoshida4,
  suzuki4,
  mclachlan4,
  blanesMoan4,
  yoshida6,
  kahanLi6,
  yoshida8,
  kahanLi8,
  mclachlan8,
} from './methods.js';

// catalogue.ts
export { SEPARABLE_METHODS, GENERAL_METHODS, METHODS } from './catalogue.js';

// rollout.ts
export { type Span, type IntegrateOptions, type Trajectory, NonFiniteStateError, integrate, flow } from './rollout.js';

// ——— Methods for any system (implicit Runge–Kutta, Tao, RK4) and the DOPRI5 reference solver ———

// implicit/phaseSpace.ts
export { hamiltonianGradient, hamiltonianVectorField, joinPhase, splitPhase } from './phaseSpace.js';

// newton.ts
export {
  type NewtonOptions,
  type NewtonProblem,
  type NewtonSolution,
  NewtonConvergenceError,
  newtonOptions,
  newtonSolve,
  newtonCorrection,
} from './newton.js';

// implicit/butcherTableau.ts, implicit/collocation.ts
export {
  type ButcherTableau,
  checkTableau,
  isSymplecticTableau,
  isSymmetricTableau,
} from './implicit/butcherTableau.js';
export { type ImplicitRungeKuttaMethod, implicitRungeKutta } from './implicit/collocation.js';

// implicit/implicitMidpoint.ts, implicit/gaussLegendre.ts
export { implicitMidpoint, implicitMidpointTableau } from './implicit/implicitMidpoint.js';
export {
  gaussLegendre,
  gaussLegendre4,
  gaussLegendre6,
  gaussLegendre4Tableau,
  gaussLegendre6Tableau,
} from './implicit/gaussLegendre.js';

// tao.ts
export {
  type ExtendedState,
  type TaoOptions,
  type TaoStepOptions,
  type TaoMethod,
  taoExtended,
  taoMethod,
  tao,
  tao4,
} from './tao.js';

// explicit/tableau.ts, explicit/classical.ts, explicit/dopri5Tableau.ts, explicit/explicitRungeKutta.ts
export {
  type Fraction,
  type CommonDenominator,
  type RationalEmbedding,
  type RationalTableau,
  type EmbeddedWeights,
  type ExplicitTableau,
  explicitTableau,
} from './explicit/tableau.js';
export {
  EXPLICIT_TABLEAUX,
  eulerTableau,
  midpointTableau,
  kutta3Tableau,
  rk4Tableau,
  rule38Tableau,
} from './explicit/classical.js';
export { dopri5Tableau } from './explicit/dopri5Tableau.js';
export {
  type ExplicitRungeKuttaMethod,
  explicitRungeKutta,
  explicitRungeKuttaStep,
} from './explicit/explicitRungeKutta.js';

// rk4.ts
export { rk4, rk4Step } from './rk4.js';

// dopri5.ts
export {
  type Dopri5Options,
  type Dopri5Result,
  type HamiltonianSolution,
  MaxStepsExceededError,
  StepSizeTooSmallError,
  dopri5,
  solveHamiltonian,
} from './dopri5.js';

// hot.ts
export { jitWhenHot } from './hot.js';
