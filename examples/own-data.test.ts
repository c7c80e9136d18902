// The simulated measurements of examples/own-data.ts look like a tracker's file: they parse with
// the header naming only the last columns, six trials each with its gap, angles wrapped at ±π.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMeasurements } from '@liouville/hamiltonian/node';
import { afterAll, describe, expect, test } from 'vitest';
import { writeSimulatedMeasurements } from './own-data.js';

const folder = mkdtempSync(join(tmpdir(), 'liouville-own-data-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('writeSimulatedMeasurements', () => {
  test('writes six trials with a gap each and over-the-top swings whose wrapped angle crosses ±π', () => {
    const path = writeSimulatedMeasurements(folder);
    const options = {
      trajectory: 1,
      time: 't',
      q: ['theta'],
      p: ['omega'],
      momentum: 'velocity' as const,
      periodic: [true],
    };
    const data = loadMeasurements(path, options);
    expect(data.meta).toMatchObject({ trajectories: 6, gaps: 6, rows: { file: 720, dropped: 0 } });
    const theta = Array.from(data.train.x.data).filter((_, i) => i % 2 === 0);
    expect(Math.max(...theta)).toBeGreaterThan(3);
    expect(Math.min(...theta)).toBeLessThan(-3);
    // Declared periodic, the seam never shows in the derivatives: |θ̇| stays that of the motion (< 10 rad/s).
    const thetaDot = Array.from(data.train.dxdt.data).filter((_, i) => i % 2 === 0);
    expect(Math.max(...thetaDot.map(Math.abs))).toBeLessThan(10);
  });
});
