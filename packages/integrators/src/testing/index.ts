/**
 * The property checks every integrator is held to, as plain functions that throw a
 * `PropertyCheckError` (they work in any test runner), and fast-check arbitraries of states and
 * step sizes. Arbitraries of catalogue systems live in `@liouville/hamiltonian/testing`.
 * @module @liouville/integrators/testing
 */
export { PropertyCheckError, maxAbsDifference } from './check.js';
export { expectSymplectic, symplecticDefect } from './symplectic.js';
export { expectReversible, type MethodFor } from './reversible.js';
export { expectOrder, leastSquaresSlope, type OrderOptions, type OrderMeasurement } from './order.js';
export { expectBoundedEnergyError, type EnergyErrorMeasurement } from './energy.js';
export { arbitraryState, arbitraryStepSize, type StateOptions } from './arbitraries.js';
