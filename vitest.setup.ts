// Property tests draw their inputs from a fixed seed, so a test run is reproducible bit for bit
// (same seed, same inputs). Set FC_SEED=<integer> to replay a reported failure, or
// FC_SEED=random to explore new inputs; a failing property always prints its seed and path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll } from 'vitest';

const requested = process.env.FC_SEED;
if (requested !== 'random') {
  const seed = requested === undefined ? 20261122 : Number(requested);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED: expected an integer or 'random', got '${requested}'`);
  fc.configureGlobal({ seed });
}

// Test files run side by side in worker threads (each with its own copy of process.env). Each file
// gets a private temporary folder, so a test that checks the temporary folder for leftovers sees
// only what its own file wrote, never a neighbour's files in flight.
const privateTemp = mkdtempSync(join(tmpdir(), 'liouville-test-'));
process.env.TMPDIR = privateTemp;
afterAll(() => rmSync(privateTemp, { recursive: true, force: true }));
