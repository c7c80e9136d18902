import { InvalidArgumentError, Tensor, describeValue } from '@liouville/linalg';
import { type Tree, type TreeDef, describeDef, flatten } from '../tree.js';
import { Tracer, type Value } from '../Tracer.js';

/** The arguments of one call, split into traced leaves and static values, with a cache key. */
export interface CallSignature {
  readonly key: string;
  /** Traced leaves of all non-static arguments, in order. */
  readonly leaves: Value[];
  /** One entry per argument: its tree definition, or the static value itself. */
  readonly parts: ({ kind: 'traced'; def: TreeDef; count: number } | { kind: 'static'; value: unknown })[];
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** A key for a static argument: primitives by value, objects and functions by identity. */
function staticKey(value: unknown, index: number): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? 'n:-0' : `n:${value}`;
    case 'string':
      return `s:${JSON.stringify(value)}`;
    case 'boolean':
      return `b:${value}`;
    case 'bigint':
      return `i:${value}`;
    case 'object':
    case 'function': {
      let id = objectIds.get(value as object);
      if (id === undefined) {
        id = nextObjectId++;
        objectIds.set(value as object, id);
      }
      return `o:${id}`;
    }
    default:
      throw new InvalidArgumentError(`jit: static argument ${index}`, 'a number, string, boolean or object', value);
  }
}

function leafKey(leaf: Value): string {
  return `${leaf.dtype === 'float32' ? 'f32' : 'f64'}[${leaf.shape.join(',')}]`;
}

/** What a cached signature keeps to recognise a call: static values, structures and leaf types. */
export interface SignatureGuard {
  readonly parts: CallSignature['parts'];
  readonly types: readonly { readonly shape: readonly number[]; readonly dtype: Value['dtype'] }[];
}

/** The guard of a signature (it keeps no reference to the call's tensors). */
export function signatureGuard(signature: CallSignature): SignatureGuard {
  return {
    parts: signature.parts,
    types: signature.leaves.map((leaf) => ({ shape: [...leaf.shape], dtype: leaf.dtype })),
  };
}

/** Splits a call's arguments into static values and traced leaves, and keys its signature. */
export function callSignature(args: readonly unknown[], statics: ReadonlySet<number>): CallSignature {
  const leaves: Value[] = [];
  const keys: string[] = [];
  const parts: CallSignature['parts'] = args.map((arg, i) => {
    if (statics.has(i)) {
      keys.push(staticKey(arg, i));
      return { kind: 'static', value: arg };
    }
    const flat = flatten(arg as Tree, `argument ${i}`);
    for (const leaf of flat.leaves) {
      if (!(leaf instanceof Tensor) && !(leaf instanceof Tracer)) {
        throw new InvalidArgumentError(`jit: argument ${i}`, 'tensors', describeValue(leaf));
      }
    }
    keys.push(`${describeDef(flat.def)}:${flat.leaves.map(leafKey).join(';')}`);
    leaves.push(...flat.leaves);
    return { kind: 'traced', def: flat.def, count: flat.leaves.length };
  });
  return { key: `${args.length}|${keys.join('|')}`, leaves, parts };
}

/**
 * Extracts the traced leaves of a call that has exactly the signature `signature` (same static
 * values by identity, same structure, shapes and dtypes), or returns null: the fast path of a jit
 * call, which checks the last signature without building a key.
 */
export function matchSignature(args: readonly unknown[], signature: SignatureGuard): Value[] | null {
  const parts = signature.parts;
  if (args.length !== parts.length) return null;
  const leaves: Value[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind === 'static') {
      if (!Object.is(args[i], part.value)) return null;
    } else if (!collect(args[i], part.def, leaves)) return null;
  }
  const expected = signature.types;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i];
    const want = expected[i];
    if (!(leaf instanceof Tensor) || leaf.dtype !== want.dtype) return null;
    const a = leaf.shape;
    const b = want.shape;
    if (a.length !== b.length) return null;
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return null;
  }
  return leaves;
}

function collect(node: unknown, def: TreeDef, leaves: Value[]): boolean {
  if (def.kind === 'leaf') {
    if (!(node instanceof Tensor)) return false;
    leaves.push(node);
    return true;
  }
  if (def.kind === 'array') {
    if (!Array.isArray(node) || node.length !== def.children.length) return false;
    for (let i = 0; i < node.length; i++) if (!collect(node[i], def.children[i], leaves)) return false;
    return true;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || node instanceof Tensor) return false;
  const record = node as Record<string, unknown>;
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key)) count++;
  if (count !== def.keys.length) return false;
  for (let i = 0; i < def.keys.length; i++) {
    const key = def.keys[i];
    if (!Object.hasOwn(record, key) || !collect(record[key], def.children[i], leaves)) return false;
  }
  return true;
}
