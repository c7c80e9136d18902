// Streaming output and failing output streams (issue rows 1 and 5), as a process shows them.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME } from '../src/index.js';
import { BINARY, cleanup, filesUnder, hasStackTrace, run, runBinary, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

const pendulum = (steps: number) => [
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

describe('simulate streams its rows (row 1)', () => {
  // 3·10⁵ rows are ~20 MB of CSV; building the table and its text in memory took ~340 MB of heap.
  // A 48 MB heap limit leaves room for the program, not for the trajectory.
  test.each(['csv', 'json'])('writes 3·10⁵ steps as %s within a 48 MB heap', (format) => {
    const file = `long.${format}`;
    const result = runBinary([...pendulum(300_000), '--format', format, '--out', file], cwd, {
      nodeFlags: ['--max-old-space-size=48'],
      timeoutMs: 120_000,
    });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const text = readFileSync(join(cwd, file), 'utf8');
    if (format === 'csv') {
      const lines = text.trimEnd().split('\n');
      expect(lines).toHaveLength(300_002);
      expect(lines[300_001].startsWith('3000,')).toBe(true);
    } else {
      const doc = JSON.parse(text);
      expect(doc.t).toHaveLength(300_001);
      expect(doc.q[300_000]).toHaveLength(1);
      expect(doc.t[300_000]).toBe(3000);
    }
    expect(filesUnder(cwd).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('hands standard output one bounded chunk at a time, the same bytes as a file', async () => {
    const writes: string[] = [];
    const { code } = await run(pendulum(20_000), cwd, { stdout: (text) => writes.push(text) });
    expect(code).toBe(0);
    // Header, then ⌈20001 / 4097⌉ = 5 chunks of at most 4097 rows.
    expect(writes.length).toBeGreaterThanOrEqual(5);
    for (const w of writes) expect(w.split('\n').length - 1).toBeLessThanOrEqual(4097);
    await run([...pendulum(20_000), '--out', 'same.csv'], cwd);
    expect(writes.join('')).toBe(readFileSync(join(cwd, 'same.csv'), 'utf8'));
  });

  test('gives the same rows in one chunk or many (the chunks continue each other exactly)', async () => {
    const chunked = (await run(pendulum(5000), cwd)).out.trimEnd().split('\n');
    const single = (await run(pendulum(4000), cwd)).out.trimEnd().split('\n');
    expect(chunked.slice(0, 4002)).toEqual(single);
  });
});

describe('a failing standard output (row 5)', () => {
  test('a full device: one liouville: line, exit 1, no stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const argv of [pendulum(1000), [...pendulum(1000), '--format', 'json'], ['--help']]) {
        const result = runBinary(argv, cwd, { stdout: full });
        expect(result.code).toBe(EXIT_RUNTIME);
        expect(result.err).toBe('liouville: cannot write to standard output: no space left on device (ENOSPC)\n');
        expect(hasStackTrace(result.err)).toBe(false);
      }
    } finally {
      closeSync(full);
    }
  });

  test('a reader that goes away (| head -1): silent, exit 1, and the command stops', async () => {
    const child = spawn(process.execPath, [BINARY, ...pendulum(200_000)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const first = await new Promise<string>((resolve) => {
      child.stdout.once('data', (d) => {
        resolve(String(d).split('\n')[0]);
        child.stdout.destroy();
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(first).toBe('t,q,p,energy');
    expect(code).toBe(EXIT_RUNTIME);
    expect(err).toBe('');
  }, 60_000);

  test('a file output is not affected by standard output', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = runBinary([...pendulum(10), '--out', 'beside.csv'], cwd, { stdout: full });
      expect(result.code).toBe(0);
      expect(existsSync(join(cwd, 'beside.csv'))).toBe(true);
    } finally {
      closeSync(full);
    }
  });
});
