import type { MeasuredDataOptions } from '@liouville/hamiltonian';
import { type FlagSpec, type FlagValues, choiceFlag, stringFlag } from '../args.js';
import { UsageError } from '../errors.js';

/**
 * The flags that describe a file of the user's own measurements, shared by `train --data FILE`
 * and `evaluate`: which columns are time, positions, momenta (or velocities), derivatives and
 * trials, which positions are angles, how derivatives are estimated and how much is held out.
 */
export const DATA_COLUMN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  time: {
    type: 'string',
    value: 'COL',
    description: 'With --data FILE: the time column (a header name or a 1-based number).',
  },
  q: {
    type: 'string',
    value: 'COLS',
    description: 'With --data FILE: the position columns q1,…,qn (names or 1-based numbers).',
  },
  p: {
    type: 'string',
    value: 'COLS',
    description: 'With --data FILE: the momentum columns p1,…,pn (or velocities with --velocity), as many as --q.',
  },
  dqdt: {
    type: 'string',
    value: 'COLS',
    description: 'With --data FILE: columns of dq/dt, when the file has them (otherwise estimated).',
  },
  dpdt: {
    type: 'string',
    value: 'COLS',
    description: 'With --data FILE: columns of dp/dt, when the file has them (otherwise estimated).',
  },
  trajectory: {
    type: 'string',
    value: 'COL',
    description: 'With --data FILE: a trial column; a change of its value starts a new trajectory.',
  },
  velocity: {
    type: 'boolean',
    description:
      'With --data FILE: the --p columns hold velocities q̇, taken as momenta (as the HNN paper does for its real pendulum); the metadata says so.',
  },
  periodic: {
    type: 'string',
    value: 'COLS',
    description: 'With --data FILE: which of the --q columns are angles (fed to the network as cos q, sin q).',
  },
  derivative: {
    type: 'string',
    value: 'METHOD',
    description:
      'With --data FILE: central (second-order differences on the uneven grid) or savgol (Savitzky–Golay, 7 points, degree 2, for noisy data); never across a gap or a new trial.',
    defaultText: 'central',
  },
  'test-fraction': {
    type: 'string',
    value: 'F',
    description:
      'With --data FILE: the last fraction F of every trajectory is held out for testing (contiguous in time).',
    defaultText: '0.2',
  },
};

/** A comma-separated list of column names or numbers. */
function columns(values: FlagValues, name: string): string[] | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const list = text.split(',').map((c) => c.trim());
  if (list.some((c) => c === ''))
    throw new UsageError(`--${name} must be comma-separated column names or numbers, got '${text}'`);
  return list;
}

/** A required list of columns, or a usage error naming the flag. */
function requiredColumns(values: FlagValues, name: string, command: string): string[] {
  const list = columns(values, name);
  if (list === undefined)
    throw new UsageError(`'${command} --data FILE' needs --${name} (see 'liouville ${command} --help')`);
  return list;
}

/** Which q are angles, from --periodic naming some of the --q columns. */
function periodicOf(values: FlagValues, q: readonly string[]): boolean[] | undefined {
  const named = columns(values, 'periodic');
  if (named === undefined) return undefined;
  const unknown = named.filter((c) => !q.includes(c));
  if (unknown.length > 0) {
    throw new UsageError(`--periodic must name columns of --q (${q.join(',')}), got '${unknown.join(',')}'`);
  }
  return q.map((c) => named.includes(c));
}

/** The fraction held out: a number strictly between 0 and 1. */
function testFraction(values: FlagValues): number {
  const text = stringFlag(values, 'test-fraction');
  if (text === undefined) return 0.2;
  const value = /^\s*(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0 && value < 1)) throw new UsageError(`--test-fraction must be a number in (0, 1), got '${text}'`);
  return value;
}

/** The options of `loadMeasurements` from the column flags (checked here, so mistakes are usage errors). */
export function measuredOptions(values: FlagValues, command: string): MeasuredDataOptions {
  const time = stringFlag(values, 'time');
  if (time === undefined)
    throw new UsageError(`'${command} --data FILE' needs --time (see 'liouville ${command} --help')`);
  const q = requiredColumns(values, 'q', command);
  const p = requiredColumns(values, 'p', command);
  const [dqdt, dpdt] = [columns(values, 'dqdt'), columns(values, 'dpdt')];
  for (const [name, list] of [
    ['p', p],
    ['dqdt', dqdt],
    ['dpdt', dpdt],
  ] as const) {
    if (list !== undefined && list.length !== q.length) {
      throw new UsageError(`--${name} must name ${q.length} columns (as many as --q), got ${list.length}`);
    }
  }
  const trajectory = stringFlag(values, 'trajectory');
  return {
    time,
    q,
    p,
    ...(dqdt ? { dqdt } : {}),
    ...(dpdt ? { dpdt } : {}),
    ...(trajectory !== undefined ? { trajectory } : {}),
    momentum: values.velocity === true ? 'velocity' : 'canonical',
    ...(periodicOf(values, q) ? { periodic: periodicOf(values, q) } : {}),
    derivative: choiceFlag(values, 'derivative', ['central', 'savgol'] as const, 'central', 'derivative method'),
    testFraction: testFraction(values),
  };
}
