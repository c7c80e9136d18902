import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import {
  type CommandSpec,
  type FlagValues,
  choiceFlag,
  integerFlag,
  numberListFlag,
  parseFlags,
  positiveFlag,
  rangeFlag,
  requiredFlag,
  stringFlag,
} from '../args.js';
import { UsageError } from '../errors.js';
import { commandHelp } from '../help.js';
import type { CliIO } from '../io.js';
import { comparisonTask } from '../comparison/tasks.js';
import { type RowEnergies, energiesOfEach, hamiltonianEnergies } from '../learnedSystems.js';
import { type ModelTaskName, isPaperTask, loadModel } from '../modelFile.js';
import { type AtomicOutput, openAtomicOutput } from '../outputFile.js';
import { METHOD_NAMES, SYSTEM_NAMES, methodByName, systemByName } from '../registries.js';
import {
  CHUNK_STEPS,
  type SimulationOptions,
  type Subject,
  checkMethodFits,
  hasLearnedEnergy,
  hasTrueEnergy,
  subjectDim,
  trajectoryChunks,
} from '../simulation.js';
import { taskSpec } from '../tasks.js';
import { type TextSink, type TrajectoryWriter, csvWriter, jsonWriter, trajectoryColumns } from '../trajectoryFormat.js';

/** The most steps `simulate` takes (10⁹ rows stream in constant memory; more is surely a typo). */
const MAX_STEPS = 1_000_000_000;
/** The smallest rtol: dopri5 refuses below 100 ulps (2.2e-14), where rounding alone exceeds the tolerance. */
const MIN_RTOL = 1e-13;

/** `liouville simulate`: roll out a catalogue system or a learned model with any integrator. */
export const simulateSpec: CommandSpec = {
  name: 'simulate',
  summary:
    'Integrate a catalogue system or a saved learned model from (q0, p0) with any integrator and write the trajectory t, q, p, energy.',
  synopsis:
    '(--system NAME | --params FILE) --method METHOD --q0 Q --p0 P --dt DT --steps N [--format csv|json] [--out FILE]',
  flags: {
    system: {
      type: 'string',
      value: 'NAME',
      description: `A catalogue system with its default parameters: ${SYSTEM_NAMES.join(', ')}.`,
    },
    params: {
      type: 'string',
      value: 'FILE',
      description:
        'A learned model saved by `liouville train`, `liouville reproduce` (with or without --models) or the library (`saveModel`, a training checkpoint): any kind, hnn, baseline, dhnn, lnn, srnn and the -fd variants.',
    },
    method: {
      type: 'string',
      value: 'METHOD',
      description: `The integrator: ${METHOD_NAMES.join(', ')}. Explicit splitting methods need a separable H = T(p) + V(q) (a catalogue system or an srnn model). A model without a Hamiltonian flow (baseline, dhnn, lnn) is integrated as the field ẋ = f_θ(x) by the general explicit method asked for, rk4 or dopri5; any other method is refused.`,
    },
    q0: {
      type: 'string',
      value: 'Q',
      description: 'Initial positions, comma-separated (n numbers, e.g. 1,0 for two degrees of freedom).',
    },
    p0: { type: 'string', value: 'P', description: 'Initial momenta, comma-separated (n numbers).' },
    dt: { type: 'string', value: 'DT', description: 'Step size (for dopri5: the spacing of the output times).' },
    steps: {
      type: 'string',
      value: 'N',
      description: `Number of steps, 1 to ${MAX_STEPS}; N + 1 rows are written (t = 0 … N·dt).`,
    },
    format: { type: 'string', value: 'FORMAT', description: 'csv or json.', defaultText: 'csv' },
    out: {
      type: 'string',
      value: 'FILE',
      description:
        'Write to FILE instead of standard output, atomically: rows stream into a temporary file beside it, renamed over FILE at the end.',
    },
    rtol: {
      type: 'string',
      value: 'R',
      description: `Relative tolerance of dopri5, ${MIN_RTOL} to 1.`,
      defaultText: '1e-10',
    },
    atol: { type: 'string', value: 'A', description: 'Absolute tolerance of dopri5, > 0.', defaultText: '1e-12' },
    'allow-nonfinite': {
      type: 'boolean',
      description:
        'Keep going when the state or energy becomes NaN or infinite, writing those rows (NaN, Infinity in CSV; null in JSON). Without it, simulate stops at the first such row with exit status 1.',
    },
  },
  details: [
    'Columns: t, q (q1 … qn), p (p1 … pn), energy. For a learned model, energy is the physical energy of its task (the true H; for the real pendulum, 2.4(1 − cos q) + p², the reference analysis’s fit; q² + p² for the damped spring; E(θ, θ̇) for the double pendulum), none for a model of your own data; learnedEnergy is the model’s own: H_θ of an hnn, srnn or dhnn (whose ∇D dissipates it), E_θ = q̇·∂L/∂q̇ − L of an lnn. An lnn’s state is (q, q̇): its p columns and --p0 are velocities. The fput chain takes its length from --q0.',
    `Rows are computed and written ${CHUNK_STEPS} steps at a time (each chunk one compiled rollout), so memory stays flat for any N; dopri5 restarts its step-size control at each chunk. JSON needs whole columns, which are spooled to files in the temporary folder (TMPDIR) meanwhile.`,
    'FILE may be a symbolic link: the file it points to is replaced atomically and the link stays. A folder, FIFO, socket or device is refused.',
  ],
  examples: [
    'liouville simulate --system pendulum --method leapfrog --q0 1 --p0 0 --dt 0.01 --steps 1000 > pendulum.csv',
    'liouville simulate --params spring-hnn.params.json --method gaussLegendre4 --q0 0.5 --p0 0 --dt 0.05 --steps 400 --format json --out spring.json',
    'liouville simulate --system kepler --method yoshida4 --q0 1,0 --p0 0,1 --dt 0.01 --steps 10000',
  ],
};

/** The system or model named by exactly one of --system and --params. */
function subjectOf(values: FlagValues, io: CliIO, dim: number): Subject {
  const system = stringFlag(values, 'system');
  const params = stringFlag(values, 'params');
  if ((system === undefined) === (params === undefined)) {
    throw new UsageError(
      "'simulate' needs exactly one of --system NAME and --params FILE (see 'liouville simulate --help')",
    );
  }
  if (system !== undefined) return { kind: 'system', name: system, system: systemByName(system, dim) };
  const path = resolve(io.cwd, params as string);
  const loaded = loadModel(path);
  return { kind: 'learned', name: path, loaded, truth: taskEnergies(loaded.meta.task) };
}

/** The physical energy of a model file's task: the paper's true H, or the comparison task's energy. */
function taskEnergies(task: ModelTaskName | undefined): RowEnergies | undefined {
  if (task === undefined) return undefined;
  if (isPaperTask(task)) return hamiltonianEnergies(taskSpec(task).system());
  return energiesOfEach(comparisonTask(task).energy());
}

/** Checks q0 and p0 are given with n numbers each. */
function initialState(values: FlagValues, n: number): { q0: number[]; p0: number[] } {
  const q0 = numberListFlag(values, 'q0');
  const p0 = numberListFlag(values, 'p0');
  if (q0 === undefined || p0 === undefined)
    throw new UsageError("'simulate' needs --q0 and --p0 (see 'liouville simulate --help')");
  if (q0.length !== n || p0.length !== n) {
    throw new UsageError(
      `--q0 and --p0 must have ${n} numbers each for this system, got ${q0.length} and ${p0.length}`,
    );
  }
  return { q0, p0 };
}

/** Every flag checked, before anything is loaded or written: a bad value is a usage error (exit 2). */
function simulationOptions(values: FlagValues): SimulationOptions & { format: 'csv' | 'json' } {
  const methodName = requiredFlag(simulateSpec, values, 'method');
  const method = methodByName(methodName);
  const format = choiceFlag(values, 'format', ['csv', 'json'] as const, 'csv', 'format');
  requiredFlag(simulateSpec, values, 'dt');
  requiredFlag(simulateSpec, values, 'steps');
  const dt = positiveFlag(values, 'dt') as number;
  const steps = integerFlag(values, 'steps', 1, 1, MAX_STEPS);
  if (!Number.isFinite(dt * steps)) {
    throw new UsageError(`--dt ${dt} times --steps ${steps} overflows: the last time t = N·dt must be finite`);
  }
  const rtol = rangeFlag(values, 'rtol', 1e-10, MIN_RTOL, 1);
  const atol = positiveFlag(values, 'atol', 1e-12) as number;
  const allowNonfinite = values['allow-nonfinite'] === true;
  return { method, methodName, dt, steps, rtol, atol, allowNonfinite, format };
}

/** Where the rows go: standard output (waiting while its buffer is full) or the atomic output file. */
function sinkOf(io: CliIO, output: AtomicOutput | undefined): TextSink {
  if (output !== undefined) return (text) => output.write(text);
  return async (text) => {
    io.stdout(text);
    await io.stdoutReady?.();
  };
}

/** Runs `liouville simulate`; returns the exit status. */
export async function runSimulate(argv: readonly string[], io: CliIO): Promise<number> {
  const values = parseFlags(simulateSpec, argv);
  if (values.help) {
    io.stdout(commandHelp(simulateSpec));
    return 0;
  }
  const o = simulationOptions(values);
  const out = stringFlag(values, 'out');
  const subject = subjectOf(values, io, numberListFlag(values, 'q0')?.length ?? 1);
  const { q0, p0 } = initialState(values, subjectDim(subject));
  checkMethodFits(subject, o);
  const output = out === undefined ? undefined : openAtomicOutput(resolve(io.cwd, out), out);
  let writer: TrajectoryWriter | undefined;
  try {
    const columns = trajectoryColumns(subjectDim(subject), hasLearnedEnergy(subject), hasTrueEnergy(subject));
    const sink = sinkOf(io, output);
    const about = { system: subject.name, method: o.methodName, dt: o.dt, steps: o.steps, q0, p0 };
    writer =
      o.format === 'csv' ? csvWriter(sink, columns) : jsonWriter(sink, about, columns, io.env.TMPDIR || tmpdir());
    await writer.begin();
    for (const chunk of trajectoryChunks(subject, q0, p0, o)) await writer.write(chunk);
    await writer.finish();
    output?.commit();
  } catch (error) {
    output?.abort();
    throw error;
  } finally {
    writer?.dispose();
  }
  return 0;
}
