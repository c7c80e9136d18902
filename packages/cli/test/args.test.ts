import { describe, expect, test } from 'vitest';
import { type CommandSpec, integerFlag, numberListFlag, parseFlags, positiveFlag } from '../src/args.js';
import { UsageError } from '../src/index.js';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'A command for tests.',
  synopsis: '[--q0 Q] [--n N] [--fast]',
  flags: {
    q0: { type: 'string', value: 'Q', description: 'Numbers.' },
    n: { type: 'string', value: 'N', description: 'A count.' },
    fast: { type: 'boolean', description: 'A switch.' },
  },
  examples: ['liouville demo --q0 1,2'],
};

describe('parseFlags', () => {
  test('reads string and boolean flags', () => {
    expect(parseFlags(spec, ['--q0', '1,2', '--fast'])).toMatchObject({ q0: '1,2', fast: true });
  });

  test('takes a negative number after a flag as its value', () => {
    expect(parseFlags(spec, ['--q0', '-0.5,1', '--n', '-3'])).toMatchObject({ q0: '-0.5,1', n: '-3' });
  });

  test('names the unknown flag and the command', () => {
    expect(() => parseFlags(spec, ['--speed', '2'])).toThrow(
      new UsageError("unknown flag '--speed' for 'demo' (see 'liouville demo --help')"),
    );
  });

  test('rejects a value given to a switch', () => {
    expect(() => parseFlags(spec, ['--fast=yes'])).toThrow(/flag '--fast' takes no value/);
  });
});

describe('integerFlag', () => {
  test('returns the fallback when absent and the integer when given', () => {
    expect(integerFlag({}, 'n', 7)).toBe(7);
    expect(integerFlag({ n: '12' }, 'n', 7)).toBe(12);
  });

  test.each(['1.5', 'ten', '', '1e3', '-1'])('rejects %j', (text) => {
    expect(() => integerFlag({ n: text }, 'n', 7, 0)).toThrow(UsageError);
  });
});

describe('numberListFlag', () => {
  test('parses comma-separated decimals, including exponents and signs', () => {
    expect(numberListFlag({ q0: '0.5, -1,2e-3' }, 'q0')).toEqual([0.5, -1, 0.002]);
  });

  test('rejects an empty item or text', () => {
    expect(() => numberListFlag({ q0: '1,,2' }, 'q0')).toThrow(/comma-separated list of numbers/);
    expect(() => numberListFlag({ q0: 'NaN' }, 'q0')).toThrow(UsageError);
  });
});

describe('positiveFlag', () => {
  test('accepts numbers above zero only', () => {
    expect(positiveFlag({ dt: '0.01' }, 'dt')).toBe(0.01);
    expect(() => positiveFlag({ dt: '0' }, 'dt')).toThrow(/--dt must be a number > 0/);
    expect(() => positiveFlag({ dt: 'Infinity' }, 'dt')).toThrow(UsageError);
  });
});
