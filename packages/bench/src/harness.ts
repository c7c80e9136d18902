// The benchmark harness: a group compares candidate cases against one baseline, sampling them
// interleaved in rounds (B, A1, ..., An, B, A1, ...) after a warm-up, so that slow drift of the
// machine (frequency scaling, a neighbour's load, thermal state) touches every case alike. A
// ratio is taken within each round and the median of those per-round ratios is reported.
import { InvalidArgumentError } from '@liouville/linalg';
import { heapBytesPerOp } from './memory.js';
import { type SampleLoop, calibrate, compileLoop, warmUp, warmUpTimed } from './sampler.js';
import { iqrPercent, median } from './stats.js';
import { CaseUnavailableError } from './unavailable.js';

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
  /** Runs once before warm-up, never timed; may be async (loading a library, starting a process). */
  setup?: () => S | Promise<S>;
  /**
   * A self-timed case: runs `iterations` calls and returns the elapsed ms as measured by the callee
   * (another process timing its own loop); used for the samples instead of timing `fn` here.
   */
  timed?: (state: S, iterations: number) => number;
  /** Set when the case cannot run at all: the row is reported with this reason and not timed. */
  unavailable?: string;
  /** Name of another case of the group; the row also reports its time relative to that case, per round. */
  relativeTo?: string;
  /** The other library the case measures (e.g. 'PyTorch'); such rows are skipped when a run excludes peers. */
  peer?: string;
  /**
   * A remark for the table; a function is called once, after the timed rounds (for a note that
   * costs a computation, e.g. an accuracy check), and told whether the run is a quick one.
   */
  note?: string | ((run: NoteContext) => string);
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
  /**
   * The case each row is also compared with, per round, unless the row names its own `relativeTo`:
   * one name for every row, or a function of the row's name (e.g. the Liouville row of its dtype).
   */
  compareTo?: string | ((caseName: string) => string | undefined);
  /** Words for the compared-with cases in the table header, e.g. 'Liouville, same dtype'. */
  compareLabel?: string;
  /** What the chart shows: speedup over the baseline (default), or time relative to each row's reference. */
  chart?: 'speedup' | 'relative';
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
  /** Whether to run the rows of other libraries (`peer` set); true unless set to false. */
  peers?: boolean;
  /** A smoke run: notes that compute something may do less. */
  quick?: boolean;
  /** Accuracy checks in notes run at their full length even where that takes minutes (peers' 1e5-step runs). */
  longChecks?: boolean;
}

/** What a computed note is told about the run. */
export interface NoteContext {
  readonly quick: boolean;
  readonly longChecks: boolean;
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
export const QUICK_RUN_OPTIONS: RunOptions = {
  budgetMs: 60,
  warmupMs: 10,
  sampleMs: 1,
  minRounds: 3,
  maxRounds: 50,
  quick: true,
};

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
  /** Why the case was not timed (library not installed, task not supported); its numbers are NaN. */
  unavailable?: string;
  /** The other library the row measures, as the case declared it. */
  peer?: string;
  /** Median over rounds of (case time / time of the case `to` in the same round). */
  relative?: { to: string; ratio: number; spread: number };
}

/** The results of one group. */
export interface GroupResult {
  name: string;
  description: string;
  baseline: string;
  rounds: number;
  budgetMs: number;
  durationMs: number;
  /** As the group declared it: what its chart shows. */
  chart?: 'speedup' | 'relative';
  /** As the group declared it: the header words for the relative-time column. */
  compareLabel?: string;
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
  if (group.baseline.unavailable !== undefined) {
    throw new InvalidArgumentError(`defineGroup(${group.name}): baseline`, 'a case that can run', group.baseline.name);
  }
  const compared = [group.baseline, ...group.cases].map((c) => compareTarget(group, c));
  for (const ref of [...compared, ...group.cases.map((c) => c.relativeTo)]) {
    if (ref !== undefined && !names.includes(ref)) {
      throw new InvalidArgumentError(
        `defineGroup(${group.name}): compareTo/relativeTo`,
        'the name of a case of the group',
        ref,
      );
    }
  }
  for (const metric of [group.metric, ...group.cases.map((c) => c.metric), group.baseline.metric]) {
    if (metric && !(metric.perOp > 0)) {
      throw new InvalidArgumentError(`defineGroup(${group.name}): metric.perOp`, 'a positive number', metric.perOp);
    }
  }
  return group;
}

/** The case a row is compared with: its own `relativeTo`, else the group's `compareTo`. */
function compareTarget(group: Group, c: Case): string | undefined {
  if (c.relativeTo !== undefined) return c.relativeTo;
  return typeof group.compareTo === 'function' ? group.compareTo(c.name) : group.compareTo;
}

interface Prepared {
  spec: Case;
  state: unknown;
  loop: SampleLoop;
  iterations: number;
  perOpMs: number[];
  /** Set when the case could not run: its reason. */
  unavailable?: string;
}

async function prepare(spec: Case, options: RunOptions): Promise<Prepared> {
  const skipped = (reason: string): Prepared => ({
    spec,
    state: undefined,
    loop: () => Number.NaN,
    iterations: 0,
    perOpMs: [],
    unavailable: reason,
  });
  if (spec.unavailable !== undefined) return skipped(spec.unavailable);
  if (spec.peer !== undefined && options.peers === false) return skipped('peers excluded from this run');
  let state: unknown;
  try {
    state = spec.setup ? await spec.setup() : undefined;
  } catch (error) {
    if (error instanceof CaseUnavailableError) return skipped(error.message);
    throw error;
  }
  const { timed } = spec;
  const loop: SampleLoop = timed ? (_fn, s, iters) => timed(s, iters) : compileLoop();
  const estimateMs = timed
    ? warmUpTimed(loop, state, options.warmupMs)
    : await warmUp(spec.fn, state, options.warmupMs);
  const iterations = calibrate(loop, spec.fn, state, estimateMs, options.sampleMs);
  return { spec, state, loop, iterations, perOpMs: [] };
}

/** Samples every prepared case once per round, in declared order, until the budget is spent. */
function sampleRounds(prepared: Prepared[], options: RunOptions): number {
  const timed = prepared.filter((p) => p.unavailable === undefined);
  const deadline = performance.now() + options.budgetMs * timed.length;
  let rounds = 0;
  while (rounds < options.maxRounds && (rounds < options.minRounds || performance.now() < deadline)) {
    for (const p of timed) {
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

/** Median and IQR (% of it) of the per-round ratios of `p` to `ref`. */
function perRoundRatio(p: Prepared, ref: Prepared): { ratio: number; spread: number } {
  const ratios = p.perOpMs.map((t, round) => t / ref.perOpMs[round]);
  if (ratios.length === 0 || ref.perOpMs.length === 0) return { ratio: Number.NaN, spread: Number.NaN };
  return { ratio: median(ratios), spread: p === ref ? 0 : iqrPercent(ratios) };
}

/** The case's note, computed now if it is a function (never for rows that did not run). */
function noteOf(spec: Case, options: RunOptions): string | undefined {
  return typeof spec.note === 'function'
    ? spec.note({ quick: options.quick === true, longChecks: options.longChecks === true })
    : spec.note;
}

function unavailableResult(p: Prepared, reason: string): CaseResult {
  const result: CaseResult = {
    name: p.spec.name,
    isBaseline: false,
    medianMs: Number.NaN,
    spreadPct: Number.NaN,
    ratio: Number.NaN,
    ratioSpread: Number.NaN,
    speedup: Number.NaN,
    metric: null,
    iterations: 0,
    samples: 0,
    unavailable: reason,
  };
  if (typeof p.spec.note === 'string') result.note = p.spec.note;
  if (p.spec.peer !== undefined) result.peer = p.spec.peer;
  return result;
}

function summarise(
  p: Prepared,
  baseline: Prepared,
  group: Group,
  byName: Map<string, Prepared>,
  options: RunOptions,
): CaseResult {
  if (p.unavailable !== undefined) return unavailableResult(p, p.unavailable);
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
  const note = noteOf(p.spec, options);
  if (note !== undefined) result.note = note;
  if (p.spec.peer !== undefined) result.peer = p.spec.peer;
  if (p.spec.memory && !p.spec.timed) result.heapBytesPerOp = heapBytesPerOp(p.spec.fn, p.state);
  if (p.spec.claim) result.claim = { ...p.spec.claim, met: result.speedup >= p.spec.claim.minSpeedup };
  const to = compareTarget(group, p.spec);
  const ref = to === undefined ? undefined : byName.get(to);
  if (to !== undefined && ref !== undefined) result.relative = { to, ...perRoundRatio(p, ref) };
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
  const byName = new Map(prepared.map((p) => [p.spec.name, p]));
  const cases = prepared.map((p) => summarise(p, prepared[0], group, byName, opts));
  const result: GroupResult = {
    name: group.name,
    description: group.description,
    baseline: group.baseline.name,
    rounds,
    budgetMs: opts.budgetMs,
    durationMs: performance.now() - started,
    cases,
  };
  if (group.chart !== undefined) result.chart = group.chart;
  if (group.compareLabel !== undefined) result.compareLabel = group.compareLabel;
  return result;
}
