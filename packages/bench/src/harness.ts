// The benchmark harness: a group compares candidate cases against one baseline, sampling them
// interleaved in rounds (B, A1, ..., An, B, A1, ...) after a warm-up, so that slow drift of the
// machine (frequency scaling, a neighbour's load, thermal state) touches every case alike. A
// ratio is taken within each round and the median of those per-round ratios is reported.
import { InvalidArgumentError } from '@liouville/linalg';
import { heapBytesPerOp } from './memory.js';
import { type SampleLoop, calibrate, compileLoop, warmUp } from './sampler.js';
import { iqrPercent, median } from './stats.js';

/** A derived throughput: `perOp * scale` units of work per second, e.g. GFLOP/s from flops per op with scale 1e-9. */
export interface Metric {
  /** Label of the rate, e.g. 'GFLOP/s' or 'steps/s'. */
  unit: string;
  /** Units of work done by one call of the case's `fn`. */
  perOp: number;
  /** Factor applied to the rate (1e-9 for giga); 1 when absent. */
  scale?: number;
}

/** A performance target stated for a case, checked against its measured speedup over the baseline. */
export interface Claim {
  /** Required baseline time divided by case time. */
  minSpeedup: number;
  /** Where the target comes from, in words. */
  text: string;
}

/** One thing to time. `setup` runs once, outside the timed closure; its result is passed to `fn`. */
// biome-ignore lint/suspicious/noExplicitAny: a group holds cases of different state types; defineCase checks each one.
export interface Case<S = any> {
  name: string;
  fn: (state: S) => unknown;
  setup?: () => S;
  note?: string;
  /** Overrides the group's metric for this case. */
  metric?: Metric;
  /** Also measure the bytes one call leaves allocated (see memory.ts). */
  memory?: boolean;
  claim?: Claim;
}

/** A comparison: candidates are timed against `baseline` in the same run. */
export interface Group {
  name: string;
  description: string;
  baseline: Case;
  cases: Case[];
  /** Metric shared by every case that does not set its own. */
  metric?: Metric;
  /** Timed budget per case in ms, used unless the run options force one. */
  budgetMs?: number;
}

/** How long and how finely to sample. */
export interface RunOptions {
  /** Timed budget per case in ms; the group's rounds stop once (cases + 1) budgets have passed. */
  budgetMs: number;
  /** Warm-up per case in ms, before calibration. */
  warmupMs: number;
  /** Least duration of one sample in ms; the iteration count per sample is calibrated to it. */
  sampleMs: number;
  minRounds: number;
  maxRounds: number;
  /** Progress lines (the CLI sends them to stderr). */
  log?: (line: string) => void;
}

/** Defaults for a full run: about 4 s of timed samples per case. */
export const DEFAULT_RUN_OPTIONS: RunOptions = {
  budgetMs: 4000,
  warmupMs: 300,
  sampleMs: 5,
  minRounds: 5,
  maxRounds: 2000,
};

/** A smoke run: enough to exercise every case, too short for numbers worth quoting. */
export const QUICK_RUN_OPTIONS: RunOptions = { budgetMs: 60, warmupMs: 10, sampleMs: 1, minRounds: 3, maxRounds: 50 };

/** What was measured for one case; the baseline's own row has ratio 1. */
export interface CaseResult {
  name: string;
  note?: string;
  isBaseline: boolean;
  /** Median time per call, ms. */
  medianMs: number;
  /** Interquartile range of the per-sample times, % of the median. */
  spreadPct: number;
  /** Median over rounds of (case time / baseline time in the same round); < 1 is faster. */
  ratio: number;
  /** Interquartile range of the per-round ratios, % of `ratio`. */
  ratioSpread: number;
  /** 1 / ratio: how many times faster than the baseline. */
  speedup: number;
  metric: { value: number; unit: string } | null;
  /** Calls per timed sample, from calibration. */
  iterations: number;
  /** Number of timed samples (one per round). */
  samples: number;
  /** Bytes left allocated by one call, when the case asked; null where it could not be measured. */
  heapBytesPerOp?: number | null;
  claim?: Claim & { met: boolean };
}

/** The results of one group. */
export interface GroupResult {
  name: string;
  description: string;
  baseline: string;
  rounds: number;
  budgetMs: number;
  durationMs: number;
  /** The baseline first, then the candidates in their declared order. */
  cases: CaseResult[];
}

/** Returns the case unchanged; exists so that `S` is inferred from `setup` and checked in `fn`. */
export function defineCase<S>(c: Case<S>): Case<S> {
  return c;
}

/** Validates a group (names present and distinct, metrics positive) and returns it. */
export function defineGroup(group: Group): Group {
  if (!group.name.trim()) throw new InvalidArgumentError('defineGroup: name', 'a non-empty name', group.name);
  const names = [group.baseline, ...group.cases].map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new InvalidArgumentError(`defineGroup(${group.name}): case names`, 'distinct names', duplicate);
  }
  for (const metric of [group.metric, ...group.cases.map((c) => c.metric), group.baseline.metric]) {
    if (metric && !(metric.perOp > 0)) {
      throw new InvalidArgumentError(`defineGroup(${group.name}): metric.perOp`, 'a positive number', metric.perOp);
    }
  }
  return group;
}

interface Prepared {
  spec: Case;
  state: unknown;
  loop: SampleLoop;
  iterations: number;
  perOpMs: number[];
}

async function prepare(spec: Case, options: RunOptions): Promise<Prepared> {
  const state = spec.setup ? spec.setup() : undefined;
  const loop = compileLoop();
  const estimateMs = await warmUp(spec.fn, state, options.warmupMs);
  const iterations = calibrate(loop, spec.fn, state, estimateMs, options.sampleMs);
  return { spec, state, loop, iterations, perOpMs: [] };
}

/** Samples every prepared case once per round, in declared order, until the budget is spent. */
function sampleRounds(prepared: Prepared[], options: RunOptions): number {
  const deadline = performance.now() + options.budgetMs * prepared.length;
  let rounds = 0;
  while (rounds < options.maxRounds && (rounds < options.minRounds || performance.now() < deadline)) {
    for (const p of prepared) {
      p.perOpMs.push(p.loop(p.spec.fn, p.state, p.iterations) / p.iterations);
    }
    rounds++;
  }
  return rounds;
}

function metricOf(metric: Metric | undefined, medianMs: number): CaseResult['metric'] {
  if (!metric) return null;
  return { value: (metric.perOp * (metric.scale ?? 1)) / (medianMs / 1000), unit: metric.unit };
}

function summarise(p: Prepared, baseline: Prepared, group: Group): CaseResult {
  const ratios = p.perOpMs.map((t, round) => t / baseline.perOpMs[round]);
  const medianMs = median(p.perOpMs);
  const ratio = median(ratios);
  const result: CaseResult = {
    name: p.spec.name,
    isBaseline: p === baseline,
    medianMs,
    spreadPct: iqrPercent(p.perOpMs),
    ratio,
    ratioSpread: p === baseline ? 0 : iqrPercent(ratios),
    speedup: 1 / ratio,
    metric: metricOf(p.spec.metric ?? group.metric, medianMs),
    iterations: p.iterations,
    samples: p.perOpMs.length,
  };
  if (p.spec.note !== undefined) result.note = p.spec.note;
  if (p.spec.memory) result.heapBytesPerOp = heapBytesPerOp(p.spec.fn, p.state);
  if (p.spec.claim) result.claim = { ...p.spec.claim, met: result.speedup >= p.spec.claim.minSpeedup };
  return result;
}

/**
 * Runs a group: per case setup, warm-up (mitata) and calibration of the iterations per sample;
 * then interleaved rounds until the budget is spent; then optional memory measurements.
 * `options.budgetMs`, when given, overrides the group's own budget.
 */
export async function runGroup(group: Group, options: Partial<RunOptions> = {}): Promise<GroupResult> {
  const opts: RunOptions = { ...DEFAULT_RUN_OPTIONS, ...options };
  opts.budgetMs = options.budgetMs ?? group.budgetMs ?? DEFAULT_RUN_OPTIONS.budgetMs;
  const started = performance.now();
  const prepared: Prepared[] = [];
  for (const spec of [group.baseline, ...group.cases]) {
    opts.log?.(`${group.name}: warming up ${spec.name}`);
    prepared.push(await prepare(spec, opts));
  }
  opts.log?.(
    `${group.name}: sampling ${prepared.length} cases in rounds for ~${((opts.budgetMs * prepared.length) / 1000).toFixed(1)} s`,
  );
  const rounds = sampleRounds(prepared, opts);
  const cases = prepared.map((p) => summarise(p, prepared[0], group));
  return {
    name: group.name,
    description: group.description,
    baseline: group.baseline.name,
    rounds,
    budgetMs: opts.budgetMs,
    durationMs: performance.now() - started,
    cases,
  };
}
