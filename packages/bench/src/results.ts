// The machine-readable form of a benchmark run, as written by `--json` and read back by
// `--markdown --from`. Field names and units are part of the documented format (README.md).
import { InvalidArgumentError } from '@liouville/linalg';
import type { Environment } from './environment.js';
import type { GroupResult } from './harness.js';

/** Version of the JSON layout; bumped when a field changes meaning. */
export const RESULTS_FORMAT_VERSION = 1;

/** A whole run: where it was measured and what each group found. */
export interface BenchmarkRun {
  format: number;
  environment: Environment;
  /** Whether the run used the short smoke-test budgets (its numbers are not for quoting). */
  quick: boolean;
  groups: GroupResult[];
}

/** Serialises a run as indented JSON (non-finite numbers become null, as JSON requires). */
export function toJson(run: BenchmarkRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}

function requireField(owner: string, value: Record<string, unknown>, field: string, type: string): void {
  const actual = Array.isArray(value[field]) ? 'array' : typeof value[field];
  if (actual !== type) throw new InvalidArgumentError(`${owner}.${field}`, `a field of type ${type}`, value[field]);
}

/** Parses and checks the shape of a run written by `toJson`. */
export function parseRun(text: string): BenchmarkRun {
  const raw = JSON.parse(text) as Record<string, unknown>;
  requireField('run', raw, 'environment', 'object');
  requireField('run', raw, 'groups', 'array');
  (raw.groups as Record<string, unknown>[]).forEach((group, g) => {
    requireField(`groups[${g}]`, group, 'name', 'string');
    requireField(`groups[${g}]`, group, 'cases', 'array');
    (group.cases as Record<string, unknown>[]).forEach((c, i) => {
      requireField(`groups[${g}].cases[${i}]`, c, 'name', 'string');
      // A row that was not run has no numbers (NaN, written as null).
      if (typeof c.unavailable === 'string') return;
      requireField(`groups[${g}].cases[${i}]`, c, 'medianMs', 'number');
    });
  });
  return { format: RESULTS_FORMAT_VERSION, quick: false, ...raw } as unknown as BenchmarkRun;
}
