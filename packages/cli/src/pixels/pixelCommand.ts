import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type FlagValues, integerFlag, stringFlag } from '../args.js';
import { UsageError } from '../errors.js';
import type { CliIO } from '../io.js';
import { checkCanWriteIn } from '../outputFile.js';
import { formatDuration } from '../progress.js';
import { reproducePixels } from './pixelReproduction.js';

/** A folder name for the default output: the local date and time. */
function timestamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/:/g, '-');
}

/**
 * `liouville reproduce --task pixels`: the pixel pendulum of Table 1 (one seed; --quick trains 200
 * steps, --steps any number), with its table, pixels.json, figures and animation in --out.
 */
export async function runPixelsReproduce(io: CliIO, values: FlagValues): Promise<number> {
  if (values.data !== undefined)
    throw new UsageError('--data does not apply to the pixel pendulum (its frames are rendered here)');
  if (values.seeds !== undefined && integerFlag(values, 'seeds', 1, 1, 100) !== 1) {
    throw new UsageError('the pixel pendulum runs one seed at a time (its training takes hours): use --seeds 1');
  }
  const quick = values.quick === true;
  const steps = values.steps === undefined ? (quick ? 200 : undefined) : integerFlag(values, 'steps', 1, 1);
  const out = resolve(io.cwd, stringFlag(values, 'out') ?? join('results', timestamp()));
  checkCanWriteIn(out);
  const started = io.now();
  if (steps !== undefined)
    io.stderr(`CUSTOM PROFILE: ${steps} training steps (reference: 10 000) — not comparable with the paper's table\n`);
  const table = await reproducePixels(io, {
    out,
    seed: 0,
    steps,
    evalTrajectories: integerFlag(values, 'eval-trajectories', quick ? 5 : 15, 1, 40),
    jobs: integerFlag(values, 'jobs', Math.min(2, availableParallelism()), 1, 64),
  });
  io.stdout(table);
  io.stdout(
    `wrote ${join(out, 'pixels.json')}, latent-pixels.svg, energy-pixels.svg, pixels-animation.png (APNG), pixels-strip.png and two parameter files in ${out} (${formatDuration((io.now() - started) / 1000)})\n`,
  );
  return 0;
}
