import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { InvalidArgumentError } from './errors.js';
import { checkPositiveInteger } from './validate.js';
import { type Shape, sizeOf, validateShape } from './shape.js';
import { type DType, Tensor, allocate } from './Tensor.js';

/**
 * Explicit-key randomness in the style of JAX's `jax.random`: a key is an immutable value, every
 * sampler is a pure function of (key, shape, dtype), and fresh randomness comes from `splitKey`,
 * never from hidden global state. Underneath, each key is the 128-bit state of a xoroshiro128+
 * generator (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4),
 * 2021) from pure-rand; a sampler copies that state into a fresh generator, so the key itself is
 * never advanced.
 */

/** An immutable random key: 128 bits of generator state, usable any number of times. */
export interface RandomKey {
  readonly kind: 'RandomKey';
  readonly words: readonly [number, number, number, number];
}

/** Options of `randomUniform`. */
export interface UniformOptions {
  /** Inclusive lower bound (default 0). */
  low?: number;
  /** Exclusive upper bound (default 1). */
  high?: number;
  /** Element type (default 'float64'). */
  dtype?: DType;
}

// Domain-separation tags, so seeding and splitting never hash the same input words.
const SEED_TAG = 0x2545f491;
const SPLIT_TAG = 0x9e3779b9;
const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_53 = 2 ** -53;

/** The MurmurHash3 32-bit finaliser: every input bit affects every output bit (Appleby, 2011). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** MurmurHash3_x86_32 (Appleby, 2011) of a sequence of 32-bit words; used to derive key states. */
function hashWords(seed: number, words: readonly number[]): number {
  let h = seed | 0;
  for (const word of words) {
    let k = Math.imul(word | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ (words.length * 4));
}

/** Four hashed words as a key; the all-zero state is a fixed point of xoroshiro and is avoided. */
function keyFromInput(tag: number, input: readonly number[]): RandomKey {
  const words = [0, 1, 2, 3].map((j) => hashWords(tag, [...input, j])) as [number, number, number, number];
  if (words.every((w) => w === 0)) words[0] = SPLIT_TAG | 0;
  return Object.freeze({ kind: 'RandomKey' as const, words: Object.freeze(words) });
}

function checkKey(operation: string, key: RandomKey): void {
  const words = (key as { words?: unknown } | null)?.words;
  const valid =
    key !== null &&
    typeof key === 'object' &&
    key.kind === 'RandomKey' &&
    Array.isArray(words) &&
    words.length === 4 &&
    words.every((w) => Number.isInteger(w) && (w | 0) === w);
  if (!valid) throw new InvalidArgumentError(`${operation}: key`, 'a RandomKey from randomKey or splitKey', key);
}

function checkDType(operation: string, dtype: DType): void {
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new InvalidArgumentError(`${operation}: dtype`, "'float64' or 'float32'", dtype);
  }
}

/** A fresh generator positioned at the start of the key's stream (the key is not modified). */
function generatorOf(key: RandomKey): RandomGenerator {
  return xoroshiro128plusFromState(key.words);
}

/**
 * A uniform double in [0, 1) with 53 random bits. pure-rand's `next()` returns the low 32 bits of
 * the 64-bit xoroshiro128+ output, whose lowest bits are weak (low linear complexity; Blackman &
 * Vigna advise building floats from the upper bits), so we keep the top 26 bits of one output and
 * the top 27 bits of the next.
 */
function uniform53(rng: RandomGenerator): number {
  const high = rng.next() >>> 6;
  const low = rng.next() >>> 5;
  return (high * 134217728 + low) * TWO_POW_MINUS_53;
}

/** A key derived from an integer seed (any safe integer; distinct seeds give unrelated keys). */
export function randomKey(seed: number): RandomKey {
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('randomKey: seed', 'a safe integer', seed);
  const high = Math.floor(seed / TWO_POW_32);
  const low = seed - high * TWO_POW_32;
  return keyFromInput(SEED_TAG, [low | 0, high | 0]);
}

/**
 * `n` new keys derived deterministically from `key`, each starting an independent stream (child i
 * is a hash of the parent state and i, unrelated to the parent's own stream). As in JAX, split a key
 * rather than reusing it when you need independent samples.
 */
export function splitKey(key: RandomKey, n = 2): RandomKey[] {
  checkKey('splitKey', key);
  checkPositiveInteger('splitKey: n', n);
  return Array.from({ length: n }, (_, i) =>
    keyFromInput(SPLIT_TAG, [...key.words, i | 0, Math.floor(i / TWO_POW_32)]),
  );
}

/**
 * Standard normal samples N(0, 1) by the Box–Muller transform (Box & Muller, Ann. Math. Statist.
 * 29(2), 1958): for u₁ ∈ (0, 1], u₂ ∈ [0, 1), r = √(−2 ln u₁) and (r cos 2πu₂, r sin 2πu₂) are two
 * independent standard normals. Same key, shape and dtype ⇒ bit-identical output.
 */
export function randomNormal(key: RandomKey, shape: Shape, dtype: DType = 'float64'): Tensor {
  checkKey('randomNormal', key);
  validateShape(shape, 'randomNormal: shape');
  checkDType('randomNormal', dtype);
  const size = sizeOf(shape);
  const out = allocate(dtype, size);
  const rng = generatorOf(key);
  for (let i = 0; i < size; i += 2) {
    // 1 − u lies in (0, 1], so the logarithm is finite; |z| ≤ √(2·53 ln 2) ≈ 8.6.
    const r = Math.sqrt(-2 * Math.log(1 - uniform53(rng)));
    const theta = 2 * Math.PI * uniform53(rng);
    out[i] = r * Math.cos(theta);
    if (i + 1 < size) out[i + 1] = r * Math.sin(theta);
  }
  return new Tensor(out, shape);
}

/** The largest number of the dtype strictly below x (x a finite number of that dtype). */
function nextBelow(x: number, dtype: DType): number {
  if (dtype === 'float32') {
    const bits = new Int32Array(new Float32Array([x]).buffer);
    if (x === 0) return -1.401298464324817e-45;
    bits[0] += x > 0 ? -1 : 1;
    return new Float32Array(bits.buffer)[0];
  }
  const buffer = new Float64Array([x]);
  const bits = new BigInt64Array(buffer.buffer);
  if (x === 0) return -Number.MIN_VALUE;
  bits[0] += x > 0 ? -1n : 1n;
  return buffer[0];
}

/**
 * Uniform samples in [low, high) (for float32, the bounds are first rounded to float32). The affine
 * map low + (high − low)·u can round up to `high`, so such values become the largest number below it.
 */
export function randomUniform(key: RandomKey, shape: Shape, options: UniformOptions = {}): Tensor {
  const { dtype = 'float64' } = options;
  checkKey('randomUniform', key);
  validateShape(shape, 'randomUniform: shape');
  checkDType('randomUniform', dtype);
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const low = round(options.low ?? 0);
  const high = round(options.high ?? 1);
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high) || !Number.isFinite(high - low)) {
    throw new InvalidArgumentError('randomUniform: low, high', `finite numbers with low < high (in ${dtype})`, [
      options.low ?? 0,
      options.high ?? 1,
    ]);
  }
  const size = sizeOf(shape);
  const out = allocate(dtype, size);
  const rng = generatorOf(key);
  const top = nextBelow(high, dtype); // ≥ low, since low < high are both numbers of this dtype
  for (let i = 0; i < size; i++) out[i] = low + (high - low) * uniform53(rng);
  for (let i = 0; i < size; i++) if (out[i] >= high) out[i] = top;
  return new Tensor(out, shape);
}
