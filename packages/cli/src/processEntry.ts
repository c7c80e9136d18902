import { EXIT_RUNTIME, describeError } from './errors.js';
import { main } from './main.js';

/**
 * Runs `liouville <argv>` as the whole process: sets the exit status, and turns even an error that
 * escapes every command (an unexpected exception in a callback) into one `liouville:` line and
 * status 1 instead of Node's stack trace.
 */
export async function runProcess(argv: readonly string[]): Promise<void> {
  const fatal = (error: unknown) => {
    try {
      process.stderr.write(`${describeError(error)}\n`);
    } catch {
      // Standard error is gone: the exit status is all that is left to say it.
    }
    process.exit(EXIT_RUNTIME);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const code = await main(argv);
  // A stream error noticed after the command returned has already raised the status to 1.
  process.exitCode = Math.max(code, Number(process.exitCode ?? 0));
}
