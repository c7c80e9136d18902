import type { HnnModel } from '@liouville/hamiltonian';
import { InvalidArgumentError, Tensor, randomKey } from '@liouville/linalg';
import { describe, expect, test } from 'vitest';
import { contourLevels, energyGrid, gridPoints } from '../src/portrait.js';
import { SYSTEM_IDS, systemChoice, trueEnergy, trueTimeDerivative } from '../src/systems.js';

const rowsOf = (x: Tensor) =>
  Array.from({ length: x.shape[0] }, (_, i) => Array.from(x.data.slice(i * x.shape[1], (i + 1) * x.shape[1])));

describe('systemChoice', () => {
  test.each(SYSTEM_IDS)('%s draws its data inside the region whose slice the portrait shows', (id) => {
    const choice = systemChoice(id);
    const x = choice.sample(randomKey(3), 500);
    expect(x.shape).toEqual([500, 2 * choice.system.dim]);
    const { plane } = choice;
    for (const row of rowsOf(x)) {
      if (id === 'kepler') {
        const r = Math.hypot(row[0], row[1]);
        const radial = (row[0] * row[2] + row[1] * row[3]) / r;
        const tangential = (row[0] * row[3] - row[1] * row[2]) / r;
        expect([r >= 0.6 - 1e-12 && r < 1.6 + 1e-12, Math.abs(radial) <= 0.3 + 1e-12]).toEqual([true, true]);
        expect(tangential >= 0.4 - 1e-12 && tangential < 1.6 + 1e-12).toBe(true);
      } else if (!plane.isSlice) {
        expect(row[0] >= plane.xRange[0] && row[0] < plane.xRange[1]).toBe(true);
        expect(row[1] >= plane.yRange[0] && row[1] < plane.yRange[1]).toBe(true);
      } else {
        for (const v of row) expect(Math.abs(v)).toBeLessThanOrEqual(1);
      }
    }
  });

  test('uses the same draws for the same key', () => {
    const choice = systemChoice('kepler');
    expect(choice.sample(randomKey(7), 20).data).toEqual(choice.sample(randomKey(7), 20).data);
  });

  test('rejects an unknown system', () => {
    expect(() => systemChoice('threeBody')).toThrow(InvalidArgumentError);
  });
});

describe('trueTimeDerivative', () => {
  test("is Hamilton's field (p, −q) for the spring and (p, −sin q) for the pendulum", () => {
    const x = new Tensor(Float64Array.from([0.3, -1.2, 2, 0.5]), [2, 2]);
    expect(Array.from(trueTimeDerivative(systemChoice('spring'), x).data)).toEqual([-1.2, -0.3, 0.5, -2]);
    const pendulumField = trueTimeDerivative(systemChoice('pendulum'), x).data;
    const expected = [-1.2, -Math.sin(0.3), 0.5, -Math.sin(2)];
    for (let i = 0; i < 4; i++) expect(pendulumField[i]).toBeCloseTo(expected[i], 14);
  });
});

describe('gridPoints', () => {
  test('varies the plane axes over the grid and keeps the other coordinates at the base', () => {
    const choice = systemChoice('kepler');
    const points = rowsOf(gridPoints(choice, Float64Array.from([0.7, 1.5]), Float64Array.from([0.5, 1.2, 1.4])));
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual([0.7, 0, 0, 0.5]);
    expect(points[5]).toEqual([1.5, 0, 0, 1.4]);
  });
});

describe('energyGrid', () => {
  test('shifts the learned H by the constant it is off by and contours both at the same levels', () => {
    const choice = systemChoice('pendulum');
    // A stand-in model whose H_θ is the true H minus 5: the fitted offset must be +5 and the
    // shifted field the true one (to rounding of adding and subtracting 5).
    const shifted = {
      hamiltonian: (_params: unknown, x: Tensor) =>
        new Tensor(
          trueEnergy(choice, x).map((h) => h - 5),
          [x.shape[0]],
        ),
    } as unknown as HnnModel;
    const grid = energyGrid(choice, shifted, {}, 21, 6);
    expect(grid.offset).toBeCloseTo(5, 12);
    for (let k = 0; k < grid.trueH.length; k++) expect(Math.abs(grid.learnedH[k] - grid.trueH[k])).toBeLessThan(1e-12);
    expect(grid.levels).toHaveLength(6);
    expect(grid.xs[0]).toBe(-3);
    expect(grid.ys[20]).toBe(2.5);
  });
});

describe('contourLevels', () => {
  test('spreads increasing levels between the quantiles of the values', () => {
    const values = Float64Array.from({ length: 101 }, (_, k) => k);
    const levels = contourLevels(values, 4, 0, 1);
    expect(levels).toEqual([12.5, 37.5, 62.5, 87.5]);
  });
});
