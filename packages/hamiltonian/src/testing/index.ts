/**
 * fast-check arbitraries of catalogue systems and safe states, for property tests in this
 * package and in users' own suites.
 * @module @liouville/hamiltonian/testing
 */
export {
  arbitrarySystem,
  arbitrarySeparableSystem,
  arbitraryState,
  catalogueNames,
  type ArbitrarySystemOptions,
  type ArbitraryStateOptions,
  type CatalogueName,
  type SeparableCatalogueName,
} from './arbitraries.js';
