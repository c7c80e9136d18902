// A property test of the whole command line: fast-check writes command lines (valid and invalid
// commands, flags, values and paths, flags repeated) and runs them in-process. Whatever it writes,
// the command line answers with status 0, 1 or 2, at most one `liouville:` line (exactly one on
// failure), never a stack trace or a raw JavaScript error, and touches nothing outside its folder.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main, memoryIO } from '../src/index.js';
import { cleanup, filesUnder, hasStackTrace, privateDevice, tempFolder } from './helpers.js';

const cwd = tempFolder('liouville-fuzz-');
afterAll(() => cleanup(cwd));

// Fixtures the command lines aim at: a FIFO, links, a folder, a file in the way, a stale temporary.
mkdirSync(join(cwd, 'a-folder'));
writeFileSync(join(cwd, 'a-file'), 'plain\n');
writeFileSync(join(cwd, 'target.csv'), 'old\n');
symlinkSync('target.csv', join(cwd, 'link.csv'));
symlinkSync('nowhere.csv', join(cwd, 'dangling.csv'));
execFileSync('mkfifo', [join(cwd, 'fifo')]);
// A device to aim at: a private node where allowed (a regression must not be able to replace the system's).
const device = privateDevice(cwd);
writeFileSync(join(cwd, 'not-params.json'), '{"format":"liouville-params","version":1,"tree":');

const PATHS = [
  'out.csv',
  'out.json',
  'deep/er/out.csv',
  'a-folder',
  'a-folder/x.csv',
  'a-file/x.csv',
  'link.csv',
  'dangling.csv',
  'fifo',
  '/proc/liouville-fuzz/x.csv',
  '/proc/x.json',
  device,
  '',
  'not-params.json',
  'missing.json',
  'model.json',
];
const NUMBERS = [
  '0',
  '1',
  '-1',
  '0.5',
  '1e-3',
  '3',
  '1e300',
  '1e-400',
  'NaN',
  'Infinity',
  '-0',
  '',
  'x',
  '1,2',
  '0x10',
  ' 2',
];
const LISTS = ['1', '0', '-0.5', '1,0', '0,0', '1,0,0,1', 'NaN', '', '1,,2', 'a,b', '1e308', '-1e-300'];
const NAMES = {
  system: ['pendulum', 'massSpring', 'kepler', 'henonHeiles', 'fput', 'doublePendulum', 'twoBody', 'pendulm', ''],
  method: ['leapfrog', 'yoshida4', 'rk4', 'dopri5', 'gaussLegendre4', 'implicitMidpoint', 'tao', 'euler', ''],
  format: ['csv', 'json', 'xml', ''],
  task: ['spring', 'pendulum', 'real', 'two-body', 'three-body', 'all', 'sprng', ''],
  model: ['hnn', 'baseline', 'mlp', ''],
  data: ['generated', 'reference', 'downloaded', ''],
};

/** A flag and its value drawn for one command; `cheap` keeps valid runs short (few steps, no training marathon). */
function flag(name: string, values: fc.Arbitrary<string>): fc.Arbitrary<readonly string[]> {
  return values.map((v) => [`--${name}`, v]);
}

const pick = (xs: readonly string[]) => fc.constantFrom(...xs);
const steps = (max: number) =>
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max }).map(String) }, { weight: 1, arbitrary: pick(NUMBERS) });

/** Mostly one of the valid values, sometimes anything from the pool: so that runs also get far. */
const mostly = (valid: readonly string[], any: readonly string[]) =>
  fc.oneof({ weight: 4, arbitrary: pick(valid) }, { weight: 1, arbitrary: pick(any) });

const simulateRequired = [
  flag('system', mostly(['pendulum', 'massSpring', 'henonHeiles'], NAMES.system)),
  flag('method', mostly(['leapfrog', 'rk4', 'dopri5', 'yoshida4'], NAMES.method)),
  flag('q0', mostly(['1', '0.5'], LISTS)),
  flag('p0', mostly(['0', '-0.5'], LISTS)),
  flag('dt', mostly(['0.1', '0.01'], NUMBERS)),
  flag('steps', steps(40)),
];
const simulateFlags = [
  flag('params', pick(PATHS)),
  flag('format', mostly(['csv', 'json'], NAMES.format)),
  flag('out', pick(PATHS)),
  flag('rtol', mostly(['1e-6', '1e-10'], NUMBERS)),
  flag('atol', mostly(['1e-9', '1e-12'], NUMBERS)),
  fc.constant(['--allow-nonfinite']),
  fc.constant(['--help']),
];
const trainFlags = [
  flag('seed', mostly(['0', '3'], NUMBERS)),
  flag('data', mostly(['generated'], NAMES.data)),
  flag('out', pick(PATHS)),
];
// reproduce always gets one value that cannot be right, so no full reproduction runs here
// (train and simulate run for real; reproduce end to end is reproduce.test.ts's job).
const reproduceFlags = [
  flag('task', pick(NAMES.task)),
  flag('seeds', pick(['0', '101', 'two', '-1', ''])),
  flag('out', pick(PATHS)),
  flag('eval-trajectories', pick(['0', '16', 'x'])),
  flag('jobs', pick(['0', '65', 'x'])),
  flag('data', pick(NAMES.data)),
];
const plotFlags = [flag('results', pick(PATHS)), flag('out', pick(PATHS)), flag('task', pick(NAMES.task))];
const strays = [
  fc.constant(['--unknown', '1']),
  fc.constant(['stray']),
  fc.constant(['--steps']),
  fc.constant(['--quick=yes']),
  fc.constant(['-x']),
];

type Flags = readonly string[];
const some = (arbitraries: readonly fc.Arbitrary<Flags>[]) => fc.tuple(...arbitraries) as fc.Arbitrary<Flags[]>;

/** Some of the flags, in any order, sometimes one of them twice, sometimes a stray token. */
function flagsOf(
  pool: readonly fc.Arbitrary<Flags>[],
  required: readonly fc.Arbitrary<Flags>[] = [],
): fc.Arbitrary<string[]> {
  const chosen = fc.subarray([...pool], { maxLength: Math.min(4, pool.length) }).chain(some);
  const extra = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Flags[]>([]) },
    { weight: 1, arbitrary: fc.oneof(...pool, ...strays).map((f) => [f]) },
  );
  return (
    fc
      .tuple(some(required), chosen, extra)
      .map(([req, rest, more]) => [...req, ...rest, ...more])
      // All of them (minLength = length): only the order is drawn.
      .chain((groups) => fc.shuffledSubarray(groups, { minLength: groups.length }))
      .map((groups) => groups.flat())
  );
}

const commandLine: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: flagsOf(simulateFlags, simulateRequired).map((f) => ['simulate', ...f]) },
  {
    weight: 1,
    arbitrary: flagsOf(trainFlags, [
      flag('steps', steps(2)),
      // Two- and three-body data take seconds to generate: their runs belong to train.test.ts.
      flag('task', mostly(['spring'], ['real', 'all', 'sprng', ''])),
      flag('model', mostly(['hnn', 'baseline'], NAMES.model)),
    ]).map((f) => ['train', ...f]),
  },
  {
    weight: 2,
    arbitrary: flagsOf(reproduceFlags, [fc.oneof(reproduceFlags[1], reproduceFlags[3], reproduceFlags[4])]).map((f) => [
      'reproduce',
      '--steps',
      '1',
      ...f,
    ]),
  },
  { weight: 1, arbitrary: flagsOf(plotFlags).map((f) => ['plot', ...f]) },
  {
    weight: 1,
    arbitrary: fc.array(pick(['--help', '--version', 'help', 'simulat', '-h', '--', 'train', '']), { maxLength: 3 }),
  },
);

/** What must not change outside the test's folder: our names in the system's temporary folder, the working folder. */
function outsideSnapshot(): string {
  const ours = readdirSync(tmpdir()).filter((n) => /liouville-(simulate|unsaved)|\.tmp$/.test(n) && !cwd.endsWith(n));
  return JSON.stringify({ tmp: ours.sort(), here: readdirSync(process.cwd()).sort() });
}

/** The fixtures are what they were: nothing replaced a FIFO, a link, a folder or a device. */
function expectFixturesIntact(): void {
  expect(statSync(join(cwd, 'fifo')).isFIFO()).toBe(true);
  expect(readlinkSync(join(cwd, 'link.csv'))).toBe('target.csv');
  expect(lstatSync(join(cwd, 'dangling.csv')).isSymbolicLink()).toBe(true);
  expect(statSync(join(cwd, 'a-folder')).isDirectory()).toBe(true);
  expect(statSync(join(cwd, 'a-file')).isFile()).toBe(true);
  expect(statSync(device).isCharacterDevice()).toBe(true);
}

beforeAll(async () => {
  const argv = ['train', '--task', 'spring', '--model', 'hnn', '--steps', '1', '--out', 'model.json'];
  expect(await main(argv, memoryIO({ cwd }))).toBe(0);
}, 60_000);

describe('the command line under generated input', () => {
  test('always exits 0, 1 or 2 with at most one liouville: line and no stack trace, touching only its folder', async () => {
    const before = outsideSnapshot();
    const seen = { runs: 0, byCode: [0, 0, 0] };
    await fc.assert(
      fc.asyncProperty(commandLine, async (argv) => {
        const io = memoryIO({ cwd, env: { ...process.env, TMPDIR: cwd } });
        const code = await main(argv, io);
        const err = io.err.join('');
        const lines = err.split('\n').filter((l) => l.startsWith('liouville:'));
        seen.runs += 1;
        expect([0, 1, 2]).toContain(code);
        seen.byCode[code] += 1;
        expect(lines).toHaveLength(code === 0 ? 0 : 1);
        if (code !== 0) expect(err.trimEnd().endsWith(lines[0])).toBe(true);
        // A raw JavaScript error (not one of the program's typed errors) is a bug, named by its class.
        expect(lines[0] ?? '').not.toMatch(/^liouville: (TypeError|RangeError|ReferenceError|SyntaxError|Error):/);
        expect(hasStackTrace(err)).toBe(false);
        expect(hasStackTrace(io.out.join(''))).toBe(false);
        expect(filesUnder(cwd).filter((f) => f.endsWith('.tmp') || f.includes('liouville-'))).toEqual([]);
        expectFixturesIntact();
      }),
      { numRuns: 600 },
    );
    expect(outsideSnapshot()).toBe(before);
    // Every kind of outcome was reached, so the generator is not stuck in one corner.
    for (const count of seen.byCode) expect(count).toBeGreaterThan(0);
    console.log(`fuzz: ${seen.runs} command lines, exit 0/1/2: ${seen.byCode.join('/')}`);
  }, 120_000);
});
