import { InvalidArgumentError } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import {
  doublePendulum,
  fput,
  henonHeiles,
  kepler,
  keplerInitialState,
  massSpring,
  nBody,
  pendulum,
  threeBody,
  twoBody,
} from '../src/index.js';

// Options deliberately outside their types: the checks exist for callers the compiler cannot see.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

/** [what, a call that must throw, the argument its InvalidArgumentError names] */
const invalid: Array<[string, () => unknown, string]> = [
  ['a negative stiffness', () => massSpring({ k: -1 }), 'massSpring: k'],
  ['a zero mass', () => massSpring({ m: 0 }), 'massSpring: m'],
  ['a NaN stiffness', () => massSpring({ k: Number.NaN }), 'massSpring: k'],
  [
    'an infinite mass in the paper variant',
    () => massSpring({ m: Number.POSITIVE_INFINITY, variant: 'hnnPaper' }),
    'massSpring:hnnPaper: m',
  ],
  [
    'a parameter for the parameterless code variant',
    () => massSpring({ k: 2, variant: 'hnnCode' }),
    'massSpring:hnnCode: k',
  ],
  ['an unknown variant', () => massSpring({ variant: 'hnn' as Loose }), 'massSpring: variant'],
  ['options that are not an object', () => massSpring(5 as Loose), 'massSpring: options'],
  ['a negative length', () => pendulum({ l: -1 }), 'pendulum: l'],
  ['an infinite gravity', () => pendulum({ g: Number.POSITIVE_INFINITY }), 'pendulum: g'],
  ['a mass given as a string', () => pendulum({ m: '1' as Loose }), 'pendulum: m'],
  ['a zero length in the paper variant', () => pendulum({ l: 0, variant: 'hnnPaper' }), 'pendulum:hnnPaper: l'],
  ['gravity for the parameterless code variant', () => pendulum({ g: 3, variant: 'hnnCode' }), 'pendulum:hnnCode: g'],
  ['a zero μ', () => kepler({ mu: 0 }), 'kepler: mu'],
  ['a NaN μ', () => kepler({ mu: Number.NaN }), 'kepler: mu'],
  ['an eccentricity of 1', () => keplerInitialState(1), 'keplerInitialState: eccentricity'],
  ['a negative eccentricity', () => keplerInitialState(-0.1), 'keplerInitialState: eccentricity'],
  ['a NaN eccentricity', () => keplerInitialState(Number.NaN), 'keplerInitialState: eccentricity'],
  ['a negative μ for the initial state', () => keplerInitialState(0.5, { mu: -1 }), 'keplerInitialState: mu'],
  ['a zero semi-major axis', () => keplerInitialState(0.5, { semiMajorAxis: 0 }), 'keplerInitialState: semiMajorAxis'],
  ['no masses', () => nBody({ masses: [] }), 'nBody: masses'],
  ['missing options', () => nBody(undefined as Loose), 'nBody: masses'],
  ['a negative mass', () => nBody({ masses: [1, -1] }), 'nBody: masses[1]'],
  ['a NaN mass', () => nBody({ masses: [Number.NaN, 1] }), 'nBody: masses[0]'],
  ['a zero G', () => nBody({ masses: [1, 1], G: 0 }), 'nBody: G'],
  ['a spatial dimension of 4', () => nBody({ masses: [1, 1], dim: 4 as Loose }), 'nBody: dim'],
  ['three masses for two bodies', () => twoBody({ masses: [1, 1, 1] }), 'twoBody: masses'],
  ['a negative G for three bodies', () => threeBody({ G: -1 }), 'threeBody: G'],
  ['a NaN coupling', () => henonHeiles({ lambda: Number.NaN }), 'henonHeiles: lambda'],
  ['an infinite coupling', () => henonHeiles({ lambda: Number.NEGATIVE_INFINITY }), 'henonHeiles: lambda'],
  ['a zero bob mass', () => doublePendulum({ m1: 0 }), 'doublePendulum: m1'],
  ['a negative rod length', () => doublePendulum({ l2: -1 }), 'doublePendulum: l2'],
  ['a NaN gravity', () => doublePendulum({ g: Number.NaN }), 'doublePendulum: g'],
  ['zero particles', () => fput({ n: 0 }), 'fput: n'],
  ['a fractional particle count', () => fput({ n: 2.5 }), 'fput: n'],
  ['a zero stiffness', () => fput({ n: 3, k: 0 }), 'fput: k'],
  ['a NaN α', () => fput({ n: 3, alpha: Number.NaN }), 'fput: alpha'],
  ['an infinite β', () => fput({ n: 3, beta: Number.POSITIVE_INFINITY }), 'fput: beta'],
];

describe('catalogue parameter validation', () => {
  test.each(invalid)(
    'rejects %s with an InvalidArgumentError naming the system and parameter',
    (_what, call, argument) => {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
      expect((error as Error).message).toContain('expected');
    },
  );

  test('accepts couplings of either sign, which are physical parameters rather than sizes', () => {
    expect(henonHeiles({ lambda: -2 }).params.lambda).toBe(-2);
    expect(henonHeiles({ lambda: 0 }).params.lambda).toBe(0);
    expect(fput({ n: 2, alpha: -0.5, beta: -0.1 }).params).toEqual({ n: 2, alpha: -0.5, beta: -0.1, k: 1 });
    expect(nBody({ masses: [1, 2, 3], dim: 3 }).dim).toBe(9);
  });
});
