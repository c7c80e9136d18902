import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_RUNTIME } from '../src/index.js';
import { summarise } from '../src/results.js';
import { cleanup, run, tempFolder } from './helpers.js';

const cwd = tempFolder();
afterAll(() => cleanup(cwd));

describe('summarise', () => {
  test('averages the figures and their ± over seeds and gives the sample spread', () => {
    const s = summarise([
      { mean: 1, error: 0.1 },
      { mean: 2, error: 0.2 },
      { mean: 4, error: 0.3 },
    ]);
    expect(s.mean).toBeCloseTo(7 / 3, 15);
    expect(s.error).toBeCloseTo(0.2, 15);
    // Sample standard deviation of 1, 2, 4: √(((4/3)² + (1/3)² + (5/3)²) / 2) = √(7/3).
    expect(s.spread).toBeCloseTo(Math.sqrt(7 / 3), 14);
    expect(s.n).toBe(3);
  });

  test('has no spread for a single seed', () => {
    expect(summarise([{ mean: 5, error: 1 }])).toEqual({ mean: 5, error: 1, spread: null, n: 1 });
  });
});

describe('readResults', () => {
  test.each([
    ['truncated', '{"format":"liouville-reproduce","vers', /not valid JSON/],
    ['foreign', '{"format":"other","version":1,"tasks":{}}', /not a liouville reproduce results file/],
    ['newer', '{"format":"liouville-reproduce","version":9,"tasks":{}}', /unsupported results version 9/],
    [
      'incomplete',
      '{"format":"liouville-reproduce","version":1,"tasks":{"spring":{"seeds":[]}}}',
      /task spring lacks its seeds/,
    ],
  ])('makes plot fail with exit 1 on a %s results.json', async (name, content, message) => {
    mkdirSync(join(cwd, name));
    writeFileSync(join(cwd, name, 'results.json'), content);
    const { code, out, err } = await run(['plot', '--results', name], cwd);
    expect(code).toBe(EXIT_RUNTIME);
    expect(out).toBe('');
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });
});
