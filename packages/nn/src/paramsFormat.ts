import { type DType, InvalidArgumentError, Tensor } from '@liouville/linalg';
import { decodeBase64, encodeBase64 } from './base64.js';
import { ParamsFileError } from './errors.js';
import { sha256Hex } from './sha256.js';
import { type ParamTree, defineKey, formatPath, treeLeaves } from './tree.js';

/**
 * The parameter file format, version 1: one compact UTF-8 JSON object (no trailing newline)
 *   {"format":"liouville-params","version":1,
 *    "tree":    the structure, with each tensor replaced by its leaf index: {"W0":0,"b0":1} or [0,{"a":1}],
 *    "leaves":  [{"shape":[2,3],"dtype":"float64","byteOffset":0,"byteLength":48}, ...],
 *    "meta":    any JSON value given at save time, or null,
 *    "checksum":"sha256:<hex>",
 *    "data":    base64 (RFC 4648 §4, padded) of every leaf's elements, little-endian IEEE 754, back to back}
 * Leaves are in canonical order (records by sorted key), packed without gaps. The checksum is the
 * SHA-256 of JSON.stringify({format, version, tree, leaves, meta}) + "\n" + the raw data bytes, so
 * any change to the structure, shapes, metadata or numbers is detected. Raw bytes make the round
 * trip bit-exact, including −0, infinities, subnormals and NaN payloads.
 */

/** The `format` tag of a parameter file. */
export const PARAMS_FORMAT = 'liouville-params';
/** The format version this code writes and reads. */
export const PARAMS_VERSION = 1;

/** JSON data: what `meta` may hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

interface LeafRecord {
  shape: number[];
  dtype: DType;
  byteOffset: number;
  byteLength: number;
}

type Skeleton = number | Skeleton[] | { [key: string]: Skeleton };

/** Whether typed arrays store numbers little-endian on this host (every current browser and Node platform does). */
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const BYTES: Record<DType, number> = { float64: 8, float32: 4 };

/** Copies `bytes` reversing each `width`-byte group (native ↔ little-endian on a big-endian host). */
function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k];
  return out;
}

function leBytes(t: Tensor): Uint8Array {
  const native = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return littleEndian ? native : swapped(native, BYTES[t.dtype]);
}

function fromLeBytes(bytes: Uint8Array, dtype: DType, shape: number[]): Tensor {
  const native = littleEndian ? bytes.slice() : swapped(bytes, BYTES[dtype]);
  const data = dtype === 'float32' ? new Float32Array(native.buffer) : new Float64Array(native.buffer);
  return new Tensor(data, shape);
}

/** Throws InvalidArgumentError unless `value` is JSON data (finite numbers, plain objects, arrays). */
function checkJson(value: unknown, where: string): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJson(value[i], `${where}[${i}]`);
    return;
  } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) checkJson(v, `${where}.${k}`);
    return;
  }
  throw new InvalidArgumentError(
    where,
    'JSON data (null, booleans, finite numbers, strings, arrays, plain objects)',
    value,
  );
}

function skeletonOf(tree: ParamTree, next: { index: number }): Skeleton {
  if (tree instanceof Tensor) return next.index++;
  if (Array.isArray(tree)) return tree.map((child) => skeletonOf(child, next));
  const record = tree as Record<string, ParamTree>;
  const out: Record<string, Skeleton> = {};
  for (const key of Object.keys(record).sort()) defineKey(out, key, skeletonOf(record[key], next));
  return out;
}

function checksumOf(header: object, data: Uint8Array): string {
  return `sha256:${sha256Hex(new TextEncoder().encode(`${JSON.stringify(header)}\n`), data)}`;
}

/** The file content (see the format above) for a tree of tensors and optional JSON metadata. */
export function serializeParams(params: ParamTree, meta: JsonValue | undefined = undefined): string {
  const leaves = treeLeaves(params, 'params').map((l) => l.leaf);
  checkJson(meta ?? null, 'meta');
  const chunks = leaves.map(leBytes);
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  const records: LeafRecord[] = leaves.map((t, i) => {
    data.set(chunks[i], offset);
    offset += chunks[i].length;
    return { shape: [...t.shape], dtype: t.dtype, byteOffset: offset - chunks[i].length, byteLength: chunks[i].length };
  });
  const header = {
    format: PARAMS_FORMAT,
    version: PARAMS_VERSION,
    tree: skeletonOf(params, { index: 0 }),
    leaves: records,
    meta: meta ?? null,
  };
  const checksum = checksumOf(header, data);
  return JSON.stringify({
    ...header,
    checksum,
    data: encodeBase64(data),
  });
}

function parseJson(text: string, source: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParamsFileError(source, `not valid JSON (truncated or corrupt): ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new ParamsFileError(source, 'not a JSON object');
  const record = doc as Record<string, unknown>;
  if (record.format !== PARAMS_FORMAT) {
    throw new ParamsFileError(source, `not a ${PARAMS_FORMAT} file (format field is ${JSON.stringify(record.format)})`);
  }
  if (record.version !== PARAMS_VERSION) {
    throw new ParamsFileError(
      source,
      `unsupported version ${JSON.stringify(record.version)}; this reader supports version ${PARAMS_VERSION}`,
    );
  }
  return record;
}

/** Decodes the data field, rejecting anything but canonical padded base64. */
function decodeData(text: unknown, source: string): Uint8Array {
  if (typeof text !== 'string') throw new ParamsFileError(source, 'the data field is missing or not a string');
  const bytes = decodeBase64(text);
  if (bytes === undefined) throw new ParamsFileError(source, 'the data field is not valid base64 (corrupt)');
  return bytes;
}

/** The text of a parameter file given as a string or as its UTF-8 bytes. */
function decodeText(input: string | Uint8Array, source: string): string {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch (error) {
    throw new ParamsFileError(source, 'not valid UTF-8 text (corrupt)', { cause: error });
  }
}

function checkLeaf(record: unknown, i: number, expectedOffset: number, source: string): LeafRecord {
  const r = record as Partial<LeafRecord> | null;
  const fail = (what: string) => new ParamsFileError(source, `leaf ${i}: ${what}`);
  if (r === null || typeof r !== 'object') throw fail('not an object');
  if (r.dtype !== 'float64' && r.dtype !== 'float32')
    throw fail(`dtype must be "float64" or "float32", got ${JSON.stringify(r.dtype)}`);
  if (!Array.isArray(r.shape) || !r.shape.every((n) => Number.isSafeInteger(n) && n >= 0))
    throw fail('shape must be an array of non-negative integers');
  const size = r.shape.reduce((a, b) => a * b, 1);
  if (r.byteOffset !== expectedOffset)
    throw fail(`byteOffset must be ${expectedOffset}, got ${JSON.stringify(r.byteOffset)}`);
  if (r.byteLength !== size * BYTES[r.dtype]) {
    throw fail(
      `byteLength must be ${size * BYTES[r.dtype]} for shape [${r.shape.join(', ')}] ${r.dtype}, got ${JSON.stringify(r.byteLength)}`,
    );
  }
  return r as LeafRecord;
}

function rebuild(
  skeleton: unknown,
  tensors: Tensor[],
  used: boolean[],
  source: string,
  path: (string | number)[],
): ParamTree {
  if (typeof skeleton === 'number') {
    if (!Number.isInteger(skeleton) || skeleton < 0 || skeleton >= tensors.length || used[skeleton]) {
      throw new ParamsFileError(
        source,
        `tree: ${formatPath('params', path)} refers to leaf ${skeleton}, which is out of range or used twice`,
      );
    }
    used[skeleton] = true;
    return tensors[skeleton];
  }
  if (Array.isArray(skeleton)) return skeleton.map((child, i) => rebuild(child, tensors, used, source, [...path, i]));
  if (skeleton === null || typeof skeleton !== 'object')
    throw new ParamsFileError(source, `tree: ${formatPath('params', path)} is not a leaf index, array or object`);
  const out: Record<string, ParamTree> = {};
  for (const [key, child] of Object.entries(skeleton))
    defineKey(out, key, rebuild(child, tensors, used, source, [...path, key]));
  return out;
}

/** What `parseParams` returns: the parameter tree and the metadata saved with it (null if none). */
export interface LoadedParams<P extends ParamTree = ParamTree> {
  readonly params: P;
  readonly meta: JsonValue;
}

/**
 * Parses the content of a parameter file written by `serializeParams`, as text or as its UTF-8
 * bytes (e.g. from `fetch`); `source` (a path or URL) names the file in errors. A truncated,
 * corrupt (checksum, lengths, base64, UTF-8) or other-version file throws ParamsFileError.
 */
export function parseParams<P extends ParamTree = ParamTree>(
  input: string | Uint8Array,
  source = '<string>',
): LoadedParams<P> {
  const doc = parseJson(decodeText(input, source), source);
  const {
    tree,
    leaves,
    meta = null,
    checksum,
  } = doc as { tree: unknown; leaves: unknown; meta?: JsonValue; checksum: unknown };
  if (!Array.isArray(leaves)) throw new ParamsFileError(source, 'the leaves field is missing or not an array');
  const data = decodeData(doc.data, source);
  const expected = checksumOf({ format: PARAMS_FORMAT, version: PARAMS_VERSION, tree, leaves, meta }, data);
  if (checksum !== expected)
    throw new ParamsFileError(source, `checksum mismatch (file says ${JSON.stringify(checksum)}): the file is corrupt`);
  let offset = 0;
  const tensors = leaves.map((record, i) => {
    const leaf = checkLeaf(record, i, offset, source);
    offset += leaf.byteLength;
    if (offset > data.length)
      throw new ParamsFileError(source, `leaf ${i}: ends at byte ${offset}, past the ${data.length} data bytes`);
    return fromLeBytes(data.subarray(leaf.byteOffset, offset), leaf.dtype, leaf.shape);
  });
  if (offset !== data.length)
    throw new ParamsFileError(source, `the leaves cover ${offset} bytes but the data has ${data.length}`);
  const used = tensors.map(() => false);
  const params = rebuild(tree, tensors, used, source, []);
  if (used.some((u) => !u)) throw new ParamsFileError(source, `tree: leaf ${used.indexOf(false)} is never used`);
  return { params: params as P, meta };
}
