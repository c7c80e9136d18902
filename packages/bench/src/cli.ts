// Command-line entry of the benchmark suite: `pnpm bench -- [options]` from the repository root,
// or `npx tsx packages/bench/src/cli.ts [options]`. See packages/bench/README.md.
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@liouville/linalg';
import { describeEnvironment, formatEnvironment } from './environment.js';
import { allGroups } from './groups/index.js';
import { peerEnvironment } from './peers/index.js';
import { type Group, type GroupResult, QUICK_RUN_OPTIONS, type RunOptions, runGroup } from './harness.js';
import { formatRun, formatTable, toMarkdown } from './report.js';
import { type BenchmarkRun, RESULTS_FORMAT_VERSION, parseRun, toJson } from './results.js';

/** Where charts go unless `--charts` says otherwise: packages/bench/results/. */
export const DEFAULT_CHART_DIR = fileURLToPath(new URL('../results/', import.meta.url));

const USAGE = `Usage: pnpm bench -- [options]
  --filter <text>    run only groups whose name contains <text> (case-insensitive)
  --list             list the groups and exit
  --quick            smoke run with tiny budgets (numbers are rough)
  --budget <ms>      timed budget per case, overriding the groups' own
  --json <file>      write the results as JSON
  --markdown <file>  write BENCHMARKS.md (from this run, or from --from)
  --from <file>      with --markdown: read results from this JSON instead of running
  --charts <dir>     folder for the .svg charts (default packages/bench/results/)
  --check            exit with status 1 when a case misses its stated target
  --no-peers         skip the rows of other libraries (PyTorch, jax-js, tfjs)
  --long-checks      run every accuracy check at full length (the peers' 1e5-step leapfrog
                     energy check: about 7 more minutes); used for BENCHMARKS.md
  --help             show this text`;

/** Parsed command-line options. */
export interface CliOptions {
  filter?: string;
  list: boolean;
  quick: boolean;
  budgetMs?: number;
  json?: string;
  markdown?: string;
  from?: string;
  charts?: string;
  check: boolean;
  noPeers: boolean;
  longChecks: boolean;
  help: boolean;
}

const VALUE_FLAGS = {
  '--filter': 'filter',
  '--json': 'json',
  '--markdown': 'markdown',
  '--from': 'from',
  '--charts': 'charts',
} as const;
const BOOLEAN_FLAGS = {
  '--list': 'list',
  '--quick': 'quick',
  '--check': 'check',
  '--no-peers': 'noPeers',
  '--long-checks': 'longChecks',
  '--help': 'help',
  '-h': 'help',
} as const;

/** Parses the CLI arguments; throws InvalidArgumentError on an unknown flag or a missing value. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    list: false,
    quick: false,
    check: false,
    noPeers: false,
    longChecks: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--') continue; // pnpm passes the separator through
    if (flag in BOOLEAN_FLAGS) {
      options[BOOLEAN_FLAGS[flag as keyof typeof BOOLEAN_FLAGS]] = true;
      continue;
    }
    const value = argv[i + 1];
    if (!(flag in VALUE_FLAGS || flag === '--budget'))
      throw new InvalidArgumentError('bench: option', 'one of the options in --help', flag);
    if (value === undefined || value.startsWith('--'))
      throw new InvalidArgumentError(`bench: ${flag}`, 'a value after the flag', value);
    i++;
    if (flag === '--budget') {
      const budget = Number(value);
      if (!(budget > 0)) throw new InvalidArgumentError('bench: --budget', 'a positive number of milliseconds', value);
      options.budgetMs = budget;
    } else {
      options[VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS]] = value;
    }
  }
  return options;
}

/** The groups whose name contains `filter`, ignoring case; all of them without a filter. */
export function selectGroups(groups: readonly Group[], filter?: string): Group[] {
  if (filter === undefined) return [...groups];
  const needle = filter.toLowerCase();
  return groups.filter((g) => g.name.toLowerCase().includes(needle));
}

/** Writes the markdown file and its charts; chart links are relative to the markdown file. */
export function writeMarkdown(run: BenchmarkRun, markdownFile: string, chartDir: string): string[] {
  const linkDir = relative(dirname(markdownFile), chartDir).split(sep).join('/') || '.';
  const { markdown, charts } = toMarkdown(run, { chartDir: linkDir });
  mkdirSync(dirname(markdownFile), { recursive: true });
  writeFileSync(markdownFile, markdown);
  const written = [markdownFile];
  for (const chart of charts) {
    const file = resolve(dirname(markdownFile), chart.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, chart.svg);
    written.push(file);
  }
  return written;
}

/** What `main` reads and writes, replaceable in tests. */
export interface CliIo {
  groups: readonly Group[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Folder that relative paths are resolved against. */
  cwd: string;
}

const defaultIo = (): CliIo => ({
  groups: allGroups,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  // Under `pnpm --filter ... run`, the script runs in packages/bench; INIT_CWD is where it was typed.
  cwd: process.env.INIT_CWD ?? process.cwd(),
});

async function runSelected(groups: readonly Group[], options: CliOptions, io: CliIo): Promise<BenchmarkRun> {
  const runOptions: Partial<RunOptions> = { ...(options.quick ? QUICK_RUN_OPTIONS : {}), log: io.stderr };
  if (options.budgetMs !== undefined) runOptions.budgetMs = options.budgetMs;
  if (options.noPeers) runOptions.peers = false;
  if (options.longChecks) runOptions.longChecks = true;
  const environment = describeEnvironment();
  io.stdout(
    `Environment: ${formatEnvironment(environment)}${options.quick ? ' (quick smoke run: numbers are rough)' : ''}\n`,
  );
  const results: GroupResult[] = [];
  for (const group of groups) {
    const result = await runGroup(group, runOptions);
    io.stdout(`${formatTable(result)}\n`);
    results.push(result);
  }
  const peers = await peerEnvironment();
  if (Object.keys(peers).length > 0) environment.peers = peers;
  return { format: RESULTS_FORMAT_VERSION, environment, quick: options.quick, groups: results };
}

function listGroups(groups: readonly Group[], io: CliIo): void {
  for (const g of groups) io.stdout(`${g.name}  (${g.cases.length + 1} cases)  ${g.description}`);
}

/** Runs the CLI with the given arguments and returns the process exit status. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const options = parseArgs(argv);
  if (options.help) {
    io.stdout(USAGE);
    return 0;
  }
  const groups = selectGroups(io.groups, options.filter);
  if (options.list) {
    listGroups(groups, io);
    return 0;
  }
  const chartDir = options.charts ? resolve(io.cwd, options.charts) : DEFAULT_CHART_DIR;
  let run: BenchmarkRun;
  if (options.from !== undefined) {
    run = parseRun(readFileSync(resolve(io.cwd, options.from), 'utf8'));
    if (options.markdown === undefined) io.stdout(formatRun(run));
  } else {
    if (groups.length === 0) {
      io.stderr(`no group matches --filter ${options.filter}`);
      return 2;
    }
    run = await runSelected(groups, options, io);
  }
  if (options.json !== undefined) {
    const file = resolve(io.cwd, options.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, toJson(run));
    io.stderr(`wrote ${file}`);
  }
  if (options.markdown !== undefined) {
    for (const file of writeMarkdown(run, resolve(io.cwd, options.markdown), chartDir)) io.stderr(`wrote ${file}`);
  }
  const missed = run.groups.flatMap((g) =>
    g.cases.filter((c) => c.claim && !c.claim.met).map((c) => `${g.name} / ${c.name}`),
  );
  if (missed.length > 0) io.stderr(`target not met: ${missed.join(', ')}`);
  return options.check && missed.length > 0 ? 1 : 0;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
      process.exitCode = 2;
    },
  );
}
