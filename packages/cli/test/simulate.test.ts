import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, EXIT_USAGE } from '../src/index.js';
import { cleanup, filesUnder, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

/** Parses the CSV written by simulate into its header and numeric rows. */
function readCsv(text: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = text.trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

/** The largest relative deviation of a column from its first value. */
function maxRelativeDrift(rows: number[][], column: number): number {
  const e0 = rows[0][column];
  return Math.max(...rows.map((r) => Math.abs(r[column] - e0) / Math.abs(e0)));
}

describe('simulate', () => {
  const springSteps = (steps: number) => [
    'simulate',
    '--system',
    'massSpring',
    '--q0',
    '1',
    '--p0',
    '0',
    '--dt',
    '0.01',
    '--steps',
    String(steps),
  ];
  const spring = springSteps(1000);

  test('writes t, q, p, energy as CSV, with the energy of leapfrog conserved to O(dt²)', async () => {
    const { code, out, err } = await run([...spring, '--method', 'leapfrog'], cwd);
    expect(code).toBe(0);
    expect(err).toBe('');
    const { header, rows } = readCsv(out);
    expect(header).toEqual(['t', 'q', 'p', 'energy']);
    expect(rows).toHaveLength(1001);
    expect(rows[1000][0]).toBeCloseTo(10, 12);
    // H = (p² + q²)/2: leapfrog's energy error is bounded by about dt²/8 relative, and it is not zero.
    const drift = maxRelativeDrift(rows, 3);
    expect(drift).toBeLessThan(0.01 ** 2);
    expect(drift).toBeGreaterThan(1e-7);
    // The trajectory itself: q(t) = cos t, to the method's O(dt²) phase error.
    expect(Math.abs(rows[1000][1] - Math.cos(10))).toBeLessThan(1e-3);
  });

  test('conserves energy to O(dt⁴) with a fourth-order method', async () => {
    const leapfrog = readCsv((await run([...spring, '--method', 'leapfrog'], cwd)).out).rows;
    const yoshida = readCsv((await run([...spring, '--method', 'yoshida4'], cwd)).out).rows;
    expect(maxRelativeDrift(yoshida, 3)).toBeLessThan(maxRelativeDrift(leapfrog, 3) / 100);
  });

  test('writes JSON with the same numbers, atomically to --out', async () => {
    const csv = readCsv((await run([...springSteps(50), '--method', 'gaussLegendre4'], cwd)).out).rows;
    const { code, out } = await run(
      [...springSteps(50), '--method', 'gaussLegendre4', '--format', 'json', '--out', 'sub/spring.json'],
      cwd,
    );
    expect(code).toBe(0);
    expect(out).toBe('');
    const doc = JSON.parse(readFileSync(join(cwd, 'sub/spring.json'), 'utf8'));
    expect(doc.columns).toEqual(['t', 'q', 'p', 'energy']);
    expect(doc.q.map((r: number[]) => r[0])).toEqual(csv.map((r) => r[1]));
    expect(doc.energy).toEqual(csv.map((r) => r[3]));
    expect(filesUnder(join(cwd, 'sub'))).toEqual(['spring.json']);
  });

  test('integrates a system of several degrees of freedom with dopri5', async () => {
    const { code, out } = await run(
      [
        'simulate',
        '--system',
        'kepler',
        '--method',
        'dopri5',
        '--q0',
        '1,0',
        '--p0',
        '0,1',
        '--dt',
        '0.5',
        '--steps',
        '20',
      ],
      cwd,
    );
    expect(code).toBe(0);
    const { header, rows } = readCsv(out);
    expect(header).toEqual(['t', 'q1', 'q2', 'p1', 'p2', 'energy']);
    // The circular orbit: radius 1 and energy −1/2 throughout.
    for (const r of rows) {
      expect(Math.hypot(r[1], r[2])).toBeCloseTo(1, 8);
      expect(r[5]).toBeCloseTo(-0.5, 9);
    }
  });

  test.each([
    [
      ['--system', 'doublePendulum', '--method', 'leapfrog', '--q0', '1,0', '--p0', '0,0'],
      "method 'leapfrog' needs a separable H",
    ],
    [
      ['--system', 'twoBody', '--method', 'leapfrog', '--q0', '1', '--p0', '0'],
      '--q0 and --p0 must have 4 numbers each',
    ],
    [
      ['--system', 'pendulum', '--params', 'x.json', '--method', 'rk4', '--q0', '1', '--p0', '0'],
      'exactly one of --system NAME and --params FILE',
    ],
    [['--system', 'pendulm', '--method', 'rk4', '--q0', '1', '--p0', '0'], "unknown system 'pendulm'"],
    [['--system', 'pendulum', '--method', 'rk4', '--q0', '1', '--p0', '0', '--format', 'xml'], "unknown format 'xml'"],
  ])('rejects %j with exit 2', async (flags, message) => {
    const { code, out, err } = await run(['simulate', ...flags, '--dt', '0.1', '--steps', '3'], cwd);
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toContain(message);
  });

  test('fails with exit 1 and writes nothing when --out is under a file', async () => {
    writeFileSync(join(cwd, 'a-file'), 'not a folder');
    const { code, err } = await run([...spring, '--method', 'leapfrog', '--out', 'a-file/trajectory.csv'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toMatch(
      /^liouville: cannot create the output folder .*a-file: a file is in the way where a folder is needed\n$/,
    );
    expect(existsSync(join(cwd, 'a-file/trajectory.csv'))).toBe(false);
  });

  test.each([
    ['missing', null, /cannot read/],
    ['truncated', '{"format":"liouville-params","version":1,"tree":', /not valid JSON/],
    ['foreign', '{"format":"something-else"}', /not a liouville-params file/],
  ])('fails with exit 1 on a %s parameter file', async (name, content, message) => {
    const folder = join(cwd, 'params-files');
    mkdirSync(folder, { recursive: true });
    if (content !== null) writeFileSync(join(folder, `${name}.json`), content);
    const { code, out, err } = await run(
      [
        'simulate',
        '--params',
        `params-files/${name}.json`,
        '--method',
        'rk4',
        '--q0',
        '1',
        '--p0',
        '0',
        '--dt',
        '0.1',
        '--steps',
        '3',
      ],
      cwd,
    );
    expect(code).toBe(EXIT_RUNTIME);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });
});
