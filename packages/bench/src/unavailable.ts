// Rows a peer cannot fill: a library that is not installed, or one that cannot do the task
// (no float64, no forward mode, no second derivative of an operation). The report keeps such a
// row and prints the reason, instead of leaving it out.
import type { Case } from './harness.js';

/** Thrown by a case's setup when the case cannot run here; the message is the reason shown in the table. */
export class CaseUnavailableError extends Error {
  override name = 'CaseUnavailableError';
}

/** A row that is never timed: `reason` says what the peer lacks (e.g. 'tfjs has no float64'). */
export function unavailableCase(name: string, reason: string): Case<undefined> {
  return {
    name,
    unavailable: reason,
    fn: () => {
      throw new CaseUnavailableError(reason);
    },
  };
}

/**
 * A setup that also makes one call of `fn`, so that a peer which throws on the task (a stack
 * overflow while compiling, a missing kernel) yields a row saying so instead of stopping the run.
 */
export function triedSetup<S>(label: string, setup: () => S | Promise<S>, fn: (state: S) => unknown): () => Promise<S> {
  return async () => {
    const state = await setup();
    try {
      fn(state);
    } catch (error) {
      if (error instanceof CaseUnavailableError) throw error;
      throw new CaseUnavailableError(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return state;
  };
}
