// Property tests draw their inputs from a fixed seed, so a test run is reproducible bit for bit
// (same seed, same inputs). Set FC_SEED=<integer> to replay a reported failure, or
// FC_SEED=random to explore new inputs; a failing property always prints its seed and path.
import fc from 'fast-check';

const requested = process.env.FC_SEED;
if (requested !== 'random') {
  const seed = requested === undefined ? 20261122 : Number(requested);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED: expected an integer or 'random', got '${requested}'`);
  fc.configureGlobal({ seed });
}
