import { InvalidArgumentError, type RandomKey, randomUniform } from '@liouville/linalg';

/**
 * Index sampling for minibatch training, from explicit keys (same key ⇒ same indices). Built on
 * linalg's `randomUniform`, so it inherits its generator and its bit-reproducibility.
 */

function checkCount(argument: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min || n > 2 ** 31 - 1) {
    throw new InvalidArgumentError(argument, `an integer in [${min}, 2^31 − 1]`, n);
  }
}

/**
 * The first `count` entries of a uniformly random permutation of 0..n−1: Fisher–Yates run from the
 * front (Durstenfeld 1964, CACM 7(7); Knuth, TAOCP vol. 2, §3.4.2 Algorithm P), with swap index
 * j = i + ⌊u·(n − i)⌋ from 53-bit uniforms u (bias below n·2⁻⁵³, negligible).
 */
function partialShuffle(key: RandomKey, n: number, count: number): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (count === 0) return perm.subarray(0, 0).slice();
  const u = randomUniform(key, [count]).data;
  for (let i = 0; i < count; i++) {
    const j = Math.min(n - 1, i + Math.floor(u[i] * (n - i)));
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  return perm.slice(0, count);
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates, Knuth TAOCP vol. 2 §3.4.2). */
export function permutation(key: RandomKey, n: number): Int32Array {
  checkCount('permutation: n', n, 0);
  return partialShuffle(key, n, n);
}

/**
 * `batchSize` distinct indices drawn uniformly from 0..n−1, without replacement: the first entries
 * of a random permutation, which is what the HNN reference's `torch.randperm(n)[:batch_size]` draws.
 */
export function sampleBatch(key: RandomKey, n: number, batchSize: number): Int32Array {
  checkCount('sampleBatch: n', n, 1);
  checkCount('sampleBatch: batchSize', batchSize, 1);
  if (batchSize > n) throw new InvalidArgumentError('sampleBatch: batchSize', `at most n = ${n}`, batchSize);
  return partialShuffle(key, n, batchSize);
}

/**
 * One epoch of minibatches: a random permutation of 0..n−1 cut into consecutive batches of
 * `batchSize` (the last one shorter unless `dropLast`), so every index appears exactly once.
 */
export function epochBatches(
  key: RandomKey,
  n: number,
  batchSize: number,
  options: { dropLast?: boolean } = {},
): Int32Array[] {
  checkCount('epochBatches: n', n, 0);
  checkCount('epochBatches: batchSize', batchSize, 1);
  const perm = permutation(key, n);
  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    if (options.dropLast && end - start < batchSize) break;
    batches.push(perm.slice(start, end));
  }
  return batches;
}
