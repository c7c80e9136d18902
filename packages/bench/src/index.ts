// @liouville/bench: the benchmark harness (interleaved comparisons against a baseline measured in
// the same run), its reports, and the groups of the default suite.
export {
  type Case,
  type Claim,
  type Group,
  type GroupResult,
  type CaseResult,
  type Metric,
  type RunOptions,
  DEFAULT_RUN_OPTIONS,
  QUICK_RUN_OPTIONS,
  defineCase,
  defineGroup,
  runGroup,
} from './harness.js';
export { quantile, median, iqrPercent, madPercent } from './stats.js';
export { heapBytesPerOp, exposeGc } from './memory.js';
export { type Environment, describeEnvironment, formatEnvironment, packageVersions } from './environment.js';
export { type BenchmarkRun, RESULTS_FORMAT_VERSION, toJson, parseRun } from './results.js';
export {
  type ChartFile,
  type MarkdownOptions,
  formatDuration,
  formatTable,
  formatRun,
  groupMarkdown,
  slugOf,
  toMarkdown,
} from './report.js';
export { ratioChartSvg } from './chart.js';
export { type Loss, losses, summaryMarkdown, unavailableRows } from './summary.js';
export { CaseUnavailableError, triedSetup, unavailableCase } from './unavailable.js';
export { type CliOptions, type CliIo, main, parseArgs, selectGroups, writeMarkdown } from './cli.js';
export { allGroups } from './groups/index.js';
export { matmulGroup } from './groups/matmul.js';
