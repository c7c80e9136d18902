// Where outputs go (issue rows 2, 3, 4, 12): checked before any work, written atomically through
// links, never over a FIFO, device or folder, never a hang on a pseudo-file system, never lost.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { paramsEqual } from '@liouville/nn';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME, loadModel, main, memoryIO } from '../src/index.js';
import { cleanup, filesUnder, privateDevice, run, runBinary, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

const pendulum = (steps = 3) => [
  'simulate',
  '--system',
  'pendulum',
  '--method',
  'leapfrog',
  '--q0',
  '1',
  '--p0',
  '0',
  '--dt',
  '0.01',
  '--steps',
  String(steps),
];
const trainSpring = (out: string, steps = 2) => [
  'train',
  '--task',
  'spring',
  '--model',
  'baseline',
  '--steps',
  String(steps),
  '--out',
  out,
];

/** One line on standard error, `liouville: …`, matching `pattern`. */
function expectOneLine(err: string, pattern: RegExp): void {
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).toMatch(/^liouville: /);
  expect(err).toMatch(pattern);
}

describe('outputs on pseudo-file systems (row 2)', () => {
  // A recursive mkdir loops forever on procfs (ENOENT for every level); run as a process, with a timeout.
  test.each([
    [[...pendulum(), '--out', '/proc/sub/x.csv'], /cannot create the output folder \/proc\/sub/],
    [
      ['reproduce', '--task', 'spring', '--steps', '5', '--out', '/proc/foo'],
      /cannot write in the output folder \/proc\/foo/,
    ],
  ])('%j fails at once with exit 1 instead of hanging', (argv, message) => {
    const result = runBinary(argv, cwd, { timeoutMs: 30_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(EXIT_RUNTIME);
    expect(result.out).toBe('');
    expectOneLine(result.err, message);
  });
});

describe('train --out (row 3)', () => {
  test('refuses an unwritable target before training', async () => {
    const { code, err } = await run(trainSpring('/proc/x.json', 50), cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expectOneLine(err, /cannot write in the output folder \/proc/);
  });

  test('saves the parameters to the temporary folder when saving fails after training, and says where', async () => {
    const folder = join(cwd, 'vanishing');
    const spare = join(cwd, 'spare-tmp');
    mkdirSync(folder);
    mkdirSync(spare);
    const err: string[] = [];
    // The folder turns into a file once training is done: the save that follows must fail.
    const io = memoryIO({
      cwd,
      env: { ...process.env, TMPDIR: spare },
      stderr: (text) => {
        err.push(text);
        if (text.includes('completed:')) {
          rmSync(folder, { recursive: true });
          writeFileSync(folder, 'now a file');
        }
      },
    });
    const code = await main(trainSpring('vanishing/model.json', 3), io);
    expect(code).toBe(EXIT_RUNTIME);
    const line = err[err.length - 1];
    expect(line).toMatch(
      /^liouville: cannot save the trained model to .*vanishing\/model\.json: .*; it was saved to (.*) instead\n$/,
    );
    const fallback = /it was saved to (.*) instead/.exec(line)?.[1] as string;
    expect(fallback.startsWith(`${spare}/`)).toBe(true);
    // The same bits as a run whose save succeeds.
    await run(trainSpring('reference-model.json', 3), cwd);
    expect(paramsEqual(loadModel(fallback).params, loadModel(join(cwd, 'reference-model.json')).params)).toBe(true);
  });
});

describe('special files as --out (row 4)', () => {
  test('writes through a symbolic link: the target is replaced atomically and the link stays', async () => {
    const folder = join(cwd, 'links');
    mkdirSync(folder);
    writeFileSync(join(folder, 'real.csv'), 'old\n');
    symlinkSync('real.csv', join(folder, 'link.csv'));
    const { code, err } = await run([...pendulum(), '--out', 'links/link.csv'], cwd);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(lstatSync(join(folder, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(folder, 'link.csv'))).toBe('real.csv');
    expect(readFileSync(join(folder, 'real.csv'), 'utf8')).toMatch(/^t,q,p,energy\n0,1,0,/);
    expect(filesUnder(folder)).toEqual(['real.csv']);
  });

  test('refuses a link to nothing', async () => {
    symlinkSync('missing-target.csv', join(cwd, 'dangling.csv'));
    const { code, err } = await run([...pendulum(), '--out', 'dangling.csv'], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expectOneLine(err, /dangling\.csv: it is a symbolic link to nothing/);
    expect(lstatSync(join(cwd, 'dangling.csv')).isSymbolicLink()).toBe(true);
  });

  test('refuses a FIFO without opening it (simulate and train) and leaves it a FIFO', async () => {
    execFileSync('mkfifo', [join(cwd, 'pipe.csv')]);
    for (const argv of [[...pendulum(), '--out', 'pipe.csv'], trainSpring('pipe.csv', 50)]) {
      const { code, err } = await run(argv, cwd);
      expect(code).toBe(EXIT_RUNTIME);
      expectOneLine(err, /cannot write pipe\.csv|pipe\.csv: it is a FIFO/);
      expect(err).toContain('it is a FIFO (named pipe), not a regular file');
      expect(statSync(join(cwd, 'pipe.csv')).isFIFO()).toBe(true);
    }
  });

  test('refuses a device and a folder', async () => {
    const node = privateDevice(cwd);
    const device = await run([...pendulum(), '--out', node], cwd);
    expect(device.code).toBe(EXIT_RUNTIME);
    expectOneLine(
      device.err,
      /(null-device|\/dev\/null): it is a device, not a regular file; to discard the output, redirect standard output/,
    );
    expect(statSync(node).isCharacterDevice()).toBe(true);
    mkdirSync(join(cwd, 'a-folder.csv'));
    const folder = await run([...pendulum(), '--out', 'a-folder.csv'], cwd);
    expect(folder.code).toBe(EXIT_RUNTIME);
    expectOneLine(folder.err, /a-folder\.csv: it is a folder, not a regular file/);
    expect(statSync(join(cwd, 'a-folder.csv')).isDirectory()).toBe(true);
  });
});

describe('temporary files (row 12)', () => {
  test('a dead writer’s temporary file is removed on the next write; a running one’s is kept', async () => {
    const folder = join(cwd, 'stale');
    mkdirSync(folder);
    // 4194305 is above Linux's largest pid (2²²), so no process has it.
    const dead = '.out.csv.4194305.7.tmp';
    const alive = `.out.csv.${process.ppid}.1.tmp`;
    const other = '.notes.txt.4194305.1.tmp';
    for (const name of [dead, alive, other]) writeFileSync(join(folder, name), 'complete but never renamed');
    writeFileSync(join(folder, 'out.csv'), 'intact\n');
    const { code } = await run([...pendulum(), '--out', 'stale/out.csv'], cwd);
    expect(code).toBe(0);
    expect(existsSync(join(folder, dead))).toBe(false);
    expect(existsSync(join(folder, alive))).toBe(true);
    // Not a temporary file of this target: not ours to judge.
    expect(existsSync(join(folder, other))).toBe(true);
    expect(readFileSync(join(folder, 'out.csv'), 'utf8')).toMatch(/^t,q,p,energy\n/);
  });

  test('a failed simulation leaves the previous file and no temporary file', async () => {
    const folder = join(cwd, 'failing');
    mkdirSync(folder);
    writeFileSync(join(folder, 'orbit.csv'), 'previous\n');
    const { code } = await run(
      [
        'simulate',
        '--system',
        'kepler',
        '--method',
        'leapfrog',
        '--q0',
        '0,0',
        '--p0',
        '0,1',
        '--dt',
        '0.1',
        '--steps',
        '3',
        '--out',
        'failing/orbit.csv',
      ],
      cwd,
    );
    expect(code).toBe(EXIT_RUNTIME);
    expect(filesUnder(folder)).toEqual(['orbit.csv']);
    expect(readFileSync(join(folder, 'orbit.csv'), 'utf8')).toBe('previous\n');
  });
});
