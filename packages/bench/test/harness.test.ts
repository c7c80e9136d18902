import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@liouville/linalg';
import { afterAll, describe, expect, test } from 'vitest';
import {
  type BenchmarkRun,
  type CliIo,
  type Group,
  type GroupResult,
  allGroups,
  defineCase,
  defineGroup,
  describeEnvironment,
  iqrPercent,
  main,
  median,
  parseArgs,
  parseRun,
  quantile,
  runGroup,
  selectGroups,
  toJson,
  toMarkdown,
} from '../src/index.js';
import { ratioChartSvg } from '../src/chart.js';
import { CaseUnavailableError, unavailableCase } from '../src/unavailable.js';

const scratch = mkdtempSync(join(tmpdir(), 'liouville-bench-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Deterministic work: `passes` full passes of a floating-point sum (V8 cannot fuse or skip them). */
function sumPasses(data: Float64Array, passes: number): number {
  let total = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < data.length; i++) total += data[i] * (pass + 1);
  }
  return total;
}

const data = () => Float64Array.from({ length: 20_000 }, (_, i) => Math.sin(i));

/** A fast group: a baseline of one pass and a candidate of two passes over the same data. */
function workGroup(name: string): Group {
  return defineGroup({
    name,
    description: `${name}: one pass against two`,
    metric: { unit: 'Melem/s', perOp: 20_000, scale: 1e-6 },
    baseline: defineCase({ name: 'one pass', setup: data, fn: (d) => sumPasses(d, 1) }),
    cases: [
      defineCase({
        name: 'two passes',
        setup: data,
        fn: (d) => sumPasses(d, 2),
        claim: { minSpeedup: 2, text: 'impossible' },
      }),
    ],
  });
}

function captureIo(groups: readonly Group[]): CliIo & { out: string[] } {
  const out: string[] = [];
  return { groups, out, stdout: (t) => out.push(t), stderr: () => {}, cwd: scratch };
}

describe('runGroup', () => {
  // Short samples: on a loaded machine a process is descheduled for whole time slices, and a short
  // sample is less likely to contain one; the per-round median discards the rounds that do.
  // A timing test on shared hardware can still meet a pathological stretch, hence the retries.
  test('reports a time ratio near 2 for a case doing twice the work of the baseline', { retry: 2 }, async () => {
    const sampleMs = 0.5;
    const result = await runGroup(workGroup('double'), { budgetMs: 300, warmupMs: 30, sampleMs, minRounds: 5 });
    const [baseline, double] = result.cases;
    expect(result.rounds).toBeGreaterThanOrEqual(5);
    expect(baseline.isBaseline).toBe(true);
    expect(baseline.ratio).toBe(1);
    expect(double.ratio).toBeGreaterThan(1.5);
    expect(double.ratio).toBeLessThan(2.7);
    expect(double.speedup).toBeCloseTo(1 / double.ratio, 12);
    expect(double.claim?.met).toBe(false);
    expect(double.samples).toBe(result.rounds);
    // Each sample was calibrated to last at least about sampleMs.
    expect(double.medianMs * double.iterations).toBeGreaterThan(0.8 * sampleMs);
    expect(baseline.metric?.unit).toBe('Melem/s');
    expect(baseline.metric?.value).toBeCloseTo(20_000 / 1e6 / (baseline.medianMs / 1000), 9);
  });

  test('runs setup once per case, outside the timed closure, and passes its result to fn', async () => {
    let setups = 0;
    const seen = new Set<unknown>();
    const state = { token: 'state' };
    const group = defineGroup({
      name: 'setup',
      description: 'setup bookkeeping',
      baseline: defineCase({
        name: 'base',
        setup: () => {
          setups++;
          return state;
        },
        fn: (s) => seen.add(s),
      }),
      cases: [defineCase({ name: 'memory', fn: () => new Float64Array(4096), memory: true })],
    });
    const result = await runGroup(group, { budgetMs: 20, warmupMs: 5, sampleMs: 0.5, minRounds: 3 });
    expect(setups).toBe(1);
    expect([...seen]).toEqual([state]);
    // 4096 float64 values are 32 KiB of buffer; the heap adds a small header.
    expect(result.cases[1].heapBytesPerOp).toBeGreaterThanOrEqual(32 * 1024);
    expect(result.cases[1].heapBytesPerOp).toBeLessThan(40 * 1024);
  });
});

describe('runGroup with peers', () => {
  const quick = { budgetMs: 20, warmupMs: 5, sampleMs: 0.5, minRounds: 3 };

  test('reports rows that cannot run, with their reason, and times the others', async () => {
    const group = defineGroup({
      name: 'rows',
      description: 'unavailable rows',
      baseline: defineCase({ name: 'base', setup: data, fn: (d) => sumPasses(d, 1) }),
      cases: [
        unavailableCase('no float64', 'this library has no float64'),
        defineCase({
          name: 'not installed',
          setup: (): number => {
            throw new CaseUnavailableError('not installed');
          },
          fn: () => 0,
        }),
        defineCase({ name: 'a peer', peer: 'Other', setup: data, fn: (d) => sumPasses(d, 1) }),
      ],
    });
    const result = await runGroup(group, quick);
    expect(result.cases.map((c) => c.unavailable)).toEqual([
      undefined,
      'this library has no float64',
      'not installed',
      undefined,
    ]);
    expect(Number.isNaN(result.cases[1].medianMs)).toBe(true);
    expect(result.cases[3].medianMs).toBeGreaterThan(0);
    const skipped = await runGroup(group, { ...quick, peers: false });
    expect(skipped.cases[3].unavailable).toBe('peers excluded from this run');
    const { markdown } = toMarkdown({ format: 1, environment: describeEnvironment(), quick: true, groups: [result] });
    expect(markdown).toContain('not run: this library has no float64');
    expect(ratioChartSvg(result)).toContain('not run: not installed');
    // The JSON form keeps the rows (NaN as null) and reads back.
    const back = parseRun(toJson({ format: 1, environment: describeEnvironment(), quick: true, groups: [result] }));
    expect(back.groups[0].cases[2].unavailable).toBe('not installed');
  });

  test("uses a self-timed case's own times, and compares rows with their reference per round", async () => {
    const group = defineGroup({
      name: 'timed',
      description: 'self-timed',
      compareTo: (name) => (name === 'half' ? 'reported' : undefined),
      compareLabel: 'reported',
      baseline: defineCase({ name: 'base', setup: data, fn: (d) => sumPasses(d, 1) }),
      cases: [
        // Reports 2 ms per call whatever it takes here.
        defineCase({ name: 'reported', fn: () => 0, timed: (_s, iterations) => 2 * iterations }),
        defineCase({ name: 'half', fn: () => 0, timed: (_s, iterations) => iterations }),
      ],
    });
    const result = await runGroup(group, quick);
    expect(result.cases[1].medianMs).toBe(2);
    expect(result.cases[1].iterations).toBe(1);
    expect(result.cases[2].relative).toEqual({ to: 'reported', ratio: 0.5, spread: 0 });
    expect(result.compareLabel).toBe('reported');
  });

  test('accepts an async setup', async () => {
    const group = defineGroup({
      name: 'async',
      description: 'async setup',
      baseline: defineCase({ name: 'base', setup: async () => data(), fn: (d) => sumPasses(d, 1) }),
      cases: [],
    });
    expect((await runGroup(group, quick)).cases[0].medianMs).toBeGreaterThan(0);
  });
});

describe('defineGroup', () => {
  test('rejects a comparison with a case the group does not have', () => {
    const base = defineCase({ name: 'base', fn: () => 0 });
    expect(() =>
      defineGroup({
        name: 'g',
        description: '',
        baseline: base,
        cases: [{ ...base, name: 'x', relativeTo: 'missing' }],
      }),
    ).toThrow(InvalidArgumentError);
  });

  test('rejects two cases with the same name', () => {
    const same = defineCase({ name: 'same', fn: () => 0 });
    expect(() => defineGroup({ name: 'g', description: '', baseline: same, cases: [same] })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('quantile', () => {
  test('interpolates between order statistics', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(iqrPercent([1, 2, 3, 4, 5])).toBe((100 * (4 - 2)) / 3);
  });
});

describe('main', () => {
  test('writes JSON with the documented fields', async () => {
    const io = captureIo([workGroup('alpha')]);
    expect(await main(['--quick', '--json', 'run.json'], io)).toBe(0);
    const run = JSON.parse(readFileSync(join(scratch, 'run.json'), 'utf8')) as BenchmarkRun;
    expect(Object.keys(run.environment)).toEqual(
      expect.arrayContaining(['cpu', 'cores', 'memoryGiB', 'node', 'v8', 'platform', 'packages']),
    );
    expect(run.environment.packages['@liouville/bench']).toBeDefined();
    expect(run.quick).toBe(true);
    expect(run.groups.map((g) => g.name)).toEqual(['alpha']);
    for (const c of run.groups[0].cases) {
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(['name', 'medianMs', 'spreadPct', 'ratio', 'ratioSpread', 'metric']),
      );
      expect(c.medianMs).toBeGreaterThan(0);
      expect(c.metric?.unit).toBe('Melem/s');
    }
    expect(io.out.join('\n')).toContain('two passes');
  });

  test('runs only the groups whose name contains the --filter text', async () => {
    const io = captureIo([workGroup('alpha-sum'), workGroup('beta-sum')]);
    await main(['--', '--quick', '--filter', 'BETA', '--json', 'filtered.json'], io);
    const run = parseRun(readFileSync(join(scratch, 'filtered.json'), 'utf8'));
    expect(run.groups.map((g) => g.name)).toEqual(['beta-sum']);
    expect(selectGroups(io.groups, 'sum').length).toBe(2);
  });

  test('lists the default suite, matmul included, without running it', async () => {
    const io = captureIo(allGroups);
    expect(await main(['--list'], io)).toBe(0);
    expect(io.out.join('\n')).toMatch(/^matmul /m);
  });

  test('exits 1 under --check when a stated target is missed', async () => {
    expect(await main(['--quick', '--check'], captureIo([workGroup('check')]))).toBe(1);
  });
});

describe('writeMarkdown', () => {
  test('writes BENCHMARKS.md from a JSON file, with charts linked relative to it', async () => {
    const run: BenchmarkRun = {
      format: 1,
      environment: describeEnvironment(),
      quick: false,
      groups: [fakeResult('From JSON', [1, 2])],
    };
    writeFileSync(join(scratch, 'saved.json'), toJson(run));
    const io = captureIo([]);
    expect(
      await main(['--markdown', 'docs/BENCHMARKS.md', '--from', 'saved.json', '--charts', 'docs/charts'], io),
    ).toBe(0);
    const markdown = readFileSync(join(scratch, 'docs/BENCHMARKS.md'), 'utf8');
    expect(markdown).toContain('## From JSON');
    expect(markdown).toContain('(charts/from-json.svg)');
    expect(readFileSync(join(scratch, 'docs/charts/from-json.svg'), 'utf8')).toMatch(/^<svg /);
  });
});

describe('parseArgs', () => {
  test('rejects unknown options and missing values', () => {
    expect(() => parseArgs(['--fliter', 'x'])).toThrow(InvalidArgumentError);
    expect(() => parseArgs(['--json'])).toThrow(InvalidArgumentError);
    expect(parseArgs(['--budget', '250', '--quick'])).toMatchObject({ budgetMs: 250, quick: true });
    expect(parseArgs(['--no-peers'])).toMatchObject({ noPeers: true });
    expect(parseArgs([])).toMatchObject({ longChecks: false });
    expect(parseArgs(['--long-checks'])).toMatchObject({ longChecks: true });
  });

  test('tells computed notes whether checks run at full length', async () => {
    const group = defineGroup({
      name: 'notes',
      description: 'a computed note',
      baseline: defineCase({ name: 'base', setup: () => 1, fn: (x) => x + 1 }),
      cases: [
        defineCase({
          name: 'noted',
          setup: () => 1,
          fn: (x) => x + 1,
          note: ({ quick, longChecks }) => `quick ${quick}, long ${longChecks}`,
        }),
      ],
    });
    const fast = { budgetMs: 5, warmupMs: 1, sampleMs: 0.2, minRounds: 3 };
    expect((await runGroup(group, fast)).cases[1].note).toBe('quick false, long false');
    expect((await runGroup(group, { ...fast, longChecks: true })).cases[1].note).toBe('quick false, long true');
  });
});

function fakeResult(name: string, speedups: number[]): GroupResult {
  return {
    name,
    description: `${name} description`,
    baseline: 'base',
    rounds: 10,
    budgetMs: 1000,
    durationMs: 5000,
    cases: speedups.map((s, i) => ({
      name: i === 0 ? 'base' : `case ${i}`,
      isBaseline: i === 0,
      medianMs: 10 / s,
      spreadPct: 2,
      ratio: 1 / s,
      ratioSpread: i === 0 ? 0 : 3,
      speedup: s,
      metric: { value: 0.9 * s, unit: 'GFLOP/s' },
      iterations: 1,
      samples: 10,
    })),
  };
}

describe('toMarkdown', () => {
  test('writes a section with one table row per case and a chart per group', () => {
    const run: BenchmarkRun = {
      format: 1,
      environment: describeEnvironment(),
      quick: false,
      groups: [fakeResult('mm', [1, 2.5, 0.5]), fakeResult('other', [1, 3])],
    };
    const { markdown, charts } = toMarkdown(run, { chartDir: 'results' });
    const section = markdown.slice(markdown.indexOf('## mm'), markdown.indexOf('## other'));
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| case | median') && !line.startsWith('| ---'));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| base', '| case 1', '| case 2']);
    expect(rows[1]).toContain('2.50×');
    expect(section).toContain('![mm: speedup over baseline](results/mm.svg)');
    expect(charts.map((c) => c.path)).toEqual(['results/mm.svg', 'results/other.svg']);
    expect(charts[0].svg.match(/<rect [^>]*fill="#(2e7d32|e65100|9e9e9e)"/g)).toHaveLength(3);
  });
});
