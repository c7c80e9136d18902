import { describe, expect, test } from 'vitest';
import { memoryIO } from '../src/index.js';
import { formatDuration, progressBoard, progressLine } from '../src/progress.js';

/** An IO whose clock advances by `msPerCall` at every reading. */
function clockedIO(isTTY: boolean, msPerCall: number) {
  let now = 0;
  return memoryIO({ isTTY, columns: 100, now: () => (now += msPerCall) });
}

describe('progressLine', () => {
  test('prints a plain line at every tenth of the steps when not on a terminal', () => {
    const io = clockedIO(false, 1);
    const line = progressLine(io, 'spring hnn', 200);
    for (let step = 1; step <= 200; step++) line.update(step, 0.5);
    line.done('completed');
    const lines = io.err.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/^spring hnn step 20\/200 \(10%\) loss 5\.000e-1 elapsed \d+s ETA \d+s$/);
    expect(lines[9]).toContain('step 200/200 (100%)');
    expect(lines[10]).toMatch(/^spring hnn completed \(\d+s\)$/);
    expect(io.err.join('')).not.toContain('\r');
  });

  test('also prints a line after 30 s without one', () => {
    const io = clockedIO(false, 20_000);
    const line = progressLine(io, 'slow', 1000);
    line.update(1, 1);
    line.update(2, 1);
    expect(io.err.length).toBeGreaterThanOrEqual(1);
    expect(io.err[0]).toContain('step');
  });

  test('redraws one line with \\r on a terminal, with a bar, the loss and an ETA', () => {
    const io = clockedIO(true, 200);
    const line = progressLine(io, 'two-body baseline', 10);
    for (let step = 1; step <= 10; step++) line.update(step, 1e-3);
    line.done('completed');
    const text = io.err.join('');
    expect(text.split('\n')).toHaveLength(2);
    expect(io.err[0].startsWith('\r')).toBe(true);
    expect(text).toContain('█');
    expect(text).toMatch(/two-body baseline 10\/10 ETA \S+ loss 1\.000e-3 █+/);
    expect(text.trimEnd()).toMatch(/two-body baseline completed \(\d+s\)$/);
  });
});

describe('formatDuration', () => {
  test.each([
    [5.4, '5s'],
    [65, '1m 05s'],
    [3725, '1h 02m'],
    [Number.NaN, '?'],
  ])('writes %s s as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('progressBoard', () => {
  test('shows the progress lines of concurrent jobs side by side on one terminal line', () => {
    const io = clockedIO(true, 1);
    const board = progressBoard(io);
    const [a, b] = [board.channel(0), board.channel(1)];
    a('\rspring seed 0 baseline 10/20 ETA 5s');
    b('\rspring seed 0 hnn 3/20 ETA 30s');
    a('\r          \rspring seed 0 baseline completed (9s)\n');
    board.close();
    const text = io.err.join('');
    const redraws = text.split('\r').map((s) => s.trimEnd());
    // A 100-column terminal: two segments of (99 − 3) / 2 = 48 characters around ' │ '.
    expect(redraws).toContain(`${'spring seed 0 baseline 10/20 ETA 5s'.padEnd(48)} │ spring seed 0 hnn 3/20 ETA 30s`);
    // The finished job prints its line, and the status line keeps only the running one.
    expect(text).toContain('spring seed 0 baseline completed (9s)\n');
    expect(redraws[redraws.length - 1]).toBe('spring seed 0 hnn 3/20 ETA 30s');
  });

  test('passes whole lines through when not on a terminal', () => {
    const io = clockedIO(false, 1);
    const board = progressBoard(io);
    board.channel(0)('a step 2/20\n');
    board.channel(1)('b step 4/20\n');
    board.close();
    expect(io.err).toEqual(['a step 2/20\n', 'b step 4/20\n']);
  });
});
