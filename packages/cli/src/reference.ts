import { readReferenceFile } from '@liouville/hamiltonian/node';
import { RuntimeError } from './errors.js';
import type { ModelKind, TaskSpec } from './tasks.js';

/** A number with its ±, as [mean, error] in the reference file. */
export type Pair = readonly [number, number];

/** The reference's numbers for one task and model: the paper's Table 1 and the re-run of its code. */
export interface ReferenceFigures {
  readonly paper: { readonly train: Pair; readonly test: Pair; readonly energy: Pair };
  readonly rerun: { readonly train: Pair; readonly test: Pair; readonly energy: Pair };
  /** Re-run figures of the corrected metrics (spring without the cumulative stretch; pendulum with the true H). */
  readonly rerunExtra: Readonly<Record<string, Pair>>;
}

/** Everything the reproduction uses from hnn_reference_results.json. */
export interface ReferenceFile {
  readonly path: string;
  readonly figures: (task: TaskSpec, model: ModelKind) => ReferenceFigures;
  /** The 15 start points of the spring or pendulum energy evaluation, [q, p] each. */
  readonly initialConditions: (task: TaskSpec) => number[][];
}

const EXTRA_KEYS = ['energy_mse_no_cumulative_rescale', 'energy_mse_with_true_hamiltonian'] as const;

function isPair(x: unknown): x is Pair {
  return Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Reads a [mean, error] pair at a path of keys, or throws naming the path. */
function pairAt(path: string, root: unknown, keys: readonly string[]): Pair {
  let node = root;
  for (const key of keys) node = (node as Record<string, unknown> | undefined)?.[key];
  if (!isPair(node)) throw new RuntimeError(`${path}: expected [mean, error] at ${keys.join('.')}`);
  return node;
}

/** The parsed JSON of verified bytes, or a RuntimeError naming the file. */
function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new RuntimeError(`the reference results file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Loads the reference's results (hnn_reference_results.json in the reference data folder, which
 * ships with @liouville/hamiltonian; see PROVENANCE.md there): the paper's Table 1, the numbers of
 * a re-run of greydanus/hamiltonian-nn, and the energy-evaluation start points. A missing file or
 * one that differs from the data manifest is a DataFileError naming it, a malformed one a RuntimeError.
 */
export function loadReferenceFile(): ReferenceFile {
  const { path, bytes } = readReferenceFile('hnn_reference_results.json');
  const doc = parseJson(bytes, path) as Record<string, unknown>;
  const tasks = doc?.tasks as Record<string, Record<string, unknown>> | undefined;
  if (tasks === undefined || typeof tasks !== 'object') throw new RuntimeError(`${path}: no "tasks" object`);
  return {
    path,
    figures: (task, model) => {
      const k = task.referenceKey;
      const extra: Record<string, Pair> = {};
      for (const key of EXTRA_KEYS)
        if (tasks[k]?.[key] !== undefined) extra[key] = pairAt(path, tasks, [k, key, model]);
      return {
        paper: {
          train: pairAt(path, tasks, [k, 'paper', model, 'train']),
          test: pairAt(path, tasks, [k, 'paper', model, 'test']),
          energy: pairAt(path, tasks, [k, 'paper', model, 'energy']),
        },
        rerun: {
          train: pairAt(path, tasks, [k, model, 'final_train']),
          test: pairAt(path, tasks, [k, model, 'final_test']),
          energy: pairAt(path, tasks, [k, model, 'energy_mse']),
        },
        rerunExtra: extra,
      };
    },
    initialConditions: (task) => {
      const points = tasks[task.referenceKey]?.energy_eval_initial_conditions;
      const ok = Array.isArray(points) && points.length > 0 && points.every((p) => isPair(p));
      if (!ok) throw new RuntimeError(`${path}: no energy_eval_initial_conditions for ${task.referenceKey}`);
      return (points as unknown as number[][]).map((p) => [...p]);
    },
  };
}
