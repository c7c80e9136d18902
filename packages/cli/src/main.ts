import type { CommandSpec } from './args.js';
import { evaluateSpec, runEvaluate } from './commands/evaluate.js';
import { plotSpec, runPlot } from './commands/plot.js';
import { reproduceSpec, runReproduce } from './commands/reproduce.js';
import { runSimulate, simulateSpec } from './commands/simulate.js';
import { runTrain, trainSpec } from './commands/train.js';
import { EXIT_RUNTIME, EXIT_USAGE, OutputStreamError, UsageError, describeError, exitCodeOf } from './errors.js';
import { mainHelp } from './help.js';
import { type CliIO, nodeIO } from './io.js';

type Runner = (argv: readonly string[], io: CliIO) => number | Promise<number>;

/** Every command: its specification (flags and help) and what runs it. */
export const COMMANDS: readonly { readonly spec: CommandSpec; readonly run: Runner }[] = [
  { spec: reproduceSpec, run: runReproduce },
  { spec: trainSpec, run: runTrain },
  { spec: evaluateSpec, run: runEvaluate },
  { spec: simulateSpec, run: runSimulate },
  { spec: plotSpec, run: runPlot },
];

/** The program's version, printed by --version. */
export const VERSION = '0.1.0';

/**
 * Runs the command line `liouville <argv...>` and returns its exit status: 0 on success, 1 when
 * something failed while running (a missing or corrupt file, an unwritable folder), 2 when the
 * command line is invalid. Every failure prints exactly one line `liouville: <problem>` on the
 * error stream (none when standard output is a pipe whose reader closed it: EPIPE ends the command
 * quietly with status 1, as Unix tools do). It never calls process.exit, so it can run in-process.
 */
export async function main(argv: readonly string[], io: CliIO = nodeIO()): Promise<number> {
  const [first, ...rest] = argv;
  const specs = COMMANDS.map((c) => c.spec);
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(mainHelp(specs));
    if (first !== undefined) return 0;
    io.stderr("liouville: no command given (see 'liouville --help')\n");
    return EXIT_USAGE;
  }
  if (first === '--version') {
    io.stdout(`liouville ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === first);
  try {
    if (command === undefined) {
      const what = first.startsWith('-') ? 'flag' : 'command';
      throw new UsageError(
        `unknown ${what} '${first}' (expected ${specs.map((s) => s.name).join(', ')}; see 'liouville --help')`,
      );
    }
    return await command.run(rest, io);
  } catch (error) {
    // A reader that went away (`liouville simulate … | head -1`) is not a failure worth a message.
    if (error instanceof OutputStreamError && error.code === 'EPIPE') return EXIT_RUNTIME;
    io.stderr(`${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}
