/**
 * A tiny WebAssembly bytecode assembler: just enough of the binary format (WebAssembly Core
 * Specification 2.0, chapter 5, and the fixed-width SIMD proposal) to emit the matmul kernels at
 * run time, so the package ships no .wasm files and needs no external toolchain.
 *
 * A function body is written as a sequence of stack-machine instructions through `FunctionBody`;
 * `assembleModule` wraps bodies in a module with one exported, growable memory and, optionally,
 * imported functions.
 */

/** Value types (spec §5.3.1). */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Single-byte opcodes used by the kernels (spec §5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32LeU: 0x4d,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivU: 0x6e,
  i32RemU: 0x70,
  f32Add: 0x92,
  f32Mul: 0x94,
  f64Add: 0xa0,
  f64Mul: 0xa2,
  // Used by the fused loops of @liouville/ad's jit.
  select: 0x1b,
  f32Const: 0x43,
  f64Const: 0x44,
  f64Ne: 0x62,
  f64Gt: 0x64,
  i32Or: 0x72,
  f32Abs: 0x8b,
  f32Neg: 0x8c,
  f32Sqrt: 0x91,
  f32Sub: 0x93,
  f32Div: 0x95,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Sqrt: 0x9f,
  f64Sub: 0xa1,
  f64Div: 0xa3,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;

/** SIMD opcodes, each encoded as the prefix 0xfd followed by the LEB128 sub-opcode. */
export const SimdOp = {
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Load64Splat: 0x0a,
  v128Store: 0x0b,
  f32x4Splat: 0x13,
  f64x2Splat: 0x14,
  f32x4ExtractLane: 0x1f,
  f64x2ExtractLane: 0x21,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
  // Used by the tanh kernel (tanhLanes.ts).
  v128Const: 0x0c,
  v128Store64Lane: 0x5b,
  v128Load64Zero: 0x5d,
  f32x4DemoteF64x2Zero: 0x5e,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Eq: 0x47,
  f64x2Lt: 0x49,
  v128Bitselect: 0x52,
  i64x2Shl: 0xcb,
  f64x2Abs: 0xec,
  f64x2Neg: 0xed,
  f64x2Sub: 0xf1,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  // Used by the fused loops of @liouville/ad's jit.
  i8x16Shuffle: 0x0d,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Sub: 0xe5,
  f32x4Div: 0xe7,
  f64x2Sqrt: 0xef,
  // Used by the sine and cosine code (trigLanes.ts).
  f64x2ReplaceLane: 0x22,
  v128Not: 0x4d,
  v128And: 0x4e,
  v128Xor: 0x51,
  v128AnyTrue: 0x53,
  i64x2Add: 0xce,
  i64x2Sub: 0xd1,
  // Used by the float32 tanh kernel (tanh32Lanes.ts).
  f32x4Lt: 0x43,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  // Relaxed SIMD (the opt-in fused multiply-add of gemmModule.ts).
  f32x4RelaxedMadd: 0x105,
  f64x2RelaxedMadd: 0x107,
} as const;

const SIMD_PREFIX = 0xfd;
const EMPTY_BLOCK = 0x40;

/** Unsigned LEB128 (spec §5.2.2). */
export function unsignedLeb128(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (spec §5.2.2). */
export function signedLeb128(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** The byte arrays one after the other (a plain loop: spreading kilobyte arrays is slow in V8). */
function concat(parts: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const part of parts) for (const byte of part) out.push(byte);
  return out;
}

/** UTF-8 name as a length-prefixed vector. */
function encodeName(name: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(name));
  return concat([unsignedLeb128(bytes.length), bytes]);
}

/** A vector: element count, then the elements' bytes. */
function encodeVector(items: readonly (readonly number[])[]): number[] {
  return concat([unsignedLeb128(items.length), ...items]);
}

/** The body of one function: its locals and instructions, written in stack-machine order. */
export class FunctionBody {
  private readonly localTypes: ValType[] = [];
  private readonly code: number[] = [];

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** The index of parameter `i`. */
  param(i: number): number {
    return i;
  }

  /** Declares a new local (zero-initialised on entry, as the spec requires) and returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** Raw bytes. */
  emit(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(local: number): this {
    return this.emit(Op.localGet, ...unsignedLeb128(local));
  }

  set(local: number): this {
    return this.emit(Op.localSet, ...unsignedLeb128(local));
  }

  tee(local: number): this {
    return this.emit(Op.localTee, ...unsignedLeb128(local));
  }

  i32(value: number): this {
    return this.emit(Op.i32Const, ...signedLeb128(value));
  }

  /** f64.const: the value's 8 bytes, little-endian (spec §5.4.7). */
  f64(value: number): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    return this.emit(Op.f64Const, ...new Uint8Array(view.buffer));
  }

  /** f32.const of `value`, which must be a float32 (Math.fround(value) === value, or NaN). */
  f32(value: number): this {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    return this.emit(Op.f32Const, ...new Uint8Array(view.buffer));
  }

  call(functionIndex: number): this {
    return this.emit(Op.call, ...unsignedLeb128(functionIndex));
  }

  /** A memory instruction with its memarg: log2 of the alignment hint, then a constant byte offset. */
  memory(op: number, alignLog2: number, offset = 0): this {
    return this.emit(op, ...unsignedLeb128(alignLog2), ...unsignedLeb128(offset));
  }

  /** A SIMD instruction without immediates. */
  simd(op: number): this {
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(op));
  }

  /** A SIMD memory instruction (v128.load, v128.store, v128.loadN_splat) with its memarg. */
  simdMemory(op: number, alignLog2: number, offset = 0): this {
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(op), ...unsignedLeb128(alignLog2), ...unsignedLeb128(offset));
  }

  /** A SIMD lane instruction (extract_lane) with its lane index. */
  simdLane(op: number, lane: number): this {
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(op), lane);
  }

  /** i8x16.shuffle of the two vectors on the stack: byte i of the result is byte lanes[i] of their 32. */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new RangeError('FunctionBody.shuffle: 16 byte lanes expected');
    return this.emit(SIMD_PREFIX, ...unsignedLeb128(SimdOp.i8x16Shuffle), ...lanes);
  }

  /** `local += value` for an i32 local, where `value` is emitted by the callback. */
  increment(local: number, value: () => void): this {
    this.get(local);
    value();
    return this.emit(Op.i32Add).set(local);
  }

  /** block … end with no result; a `br 0` inside jumps past the end. */
  block(body: () => void): this {
    this.emit(Op.block, EMPTY_BLOCK);
    body();
    return this.emit(Op.end);
  }

  /** loop … end with no result; a `br 0` inside jumps back to the start. */
  loop(body: () => void): this {
    this.emit(Op.loop, EMPTY_BLOCK);
    body();
    return this.emit(Op.end);
  }

  /** if … end on the i32 on top of the stack. */
  ifThen(body: () => void): this {
    this.emit(Op.if, EMPTY_BLOCK);
    body();
    return this.emit(Op.end);
  }

  /** `while (condition) body`: the condition callback leaves an i32 on the stack. */
  whileLoop(condition: () => void, body: () => void): this {
    return this.block(() =>
      this.loop(() => {
        condition();
        this.emit(Op.i32Eqz, Op.brIf, 1);
        body();
        this.emit(Op.br, 0);
      }),
    );
  }

  /** `do body while (condition)`: runs the body at least once. */
  doWhile(body: () => void, condition: () => void): this {
    return this.loop(() => {
      body();
      condition();
      this.emit(Op.brIf, 0);
    });
  }

  /** The code-section entry: size, local declarations (run-length grouped by type), code, end. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length; ) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...unsignedLeb128(j - i), this.localTypes[i]]);
      i = j;
    }
    const body = concat([encodeVector(groups), this.code, [Op.end]]);
    return concat([unsignedLeb128(body.length), body]);
  }
}

/** A function of the module, optionally exported under `exportName`. */
export interface ModuleFunction {
  body: FunctionBody;
  exportName?: string;
}

/** A function the module imports as `env.<name>`, of type params → results. */
export interface ImportedFunction {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
}

/**
 * Module contents: imported functions, defined functions and one memory exported as `memoryExport`.
 * Imported functions take the first function indices (spec §2.5.1: the index space starts with the
 * imports), in the order listed; the defined function at position i of `functions` has index
 * `imports.length + i`, which `call` instructions and exports use.
 */
export interface ModuleSpec {
  /** Functions imported from the module `env`; none when omitted or empty (the same bytes). */
  imports?: readonly ImportedFunction[];
  functions: readonly ModuleFunction[];
  memoryExport: string;
  /** Initial memory size in 64 KiB pages. */
  initialPages: number;
  /**
   * When set, the memory is not defined by the module but imported as `env.memory`, shared (the
   * threads proposal's limits flag 0x03) with this maximum in pages: instances on several threads
   * then work on the same bytes. It is still exported as `memoryExport`.
   */
  sharedMemory?: { maximumPages: number };
  /** When set (and sharedMemory is not), the memory is imported as `env.memory`, unshared, with no maximum. */
  importMemory?: boolean;
}

function section(id: number, content: number[]): number[] {
  return concat([[id], unsignedLeb128(content.length), content]);
}

function functionType({ params, results }: { params: readonly ValType[]; results: readonly ValType[] }): number[] {
  return concat([[0x60], encodeVector(params.map((t) => [t])), encodeVector(results.map((t) => [t]))]);
}

/** The memory's limits (spec §5.3.4): flag 0x00 and a minimum, or, shared, flag 0x03, minimum and maximum. */
function memoryLimits(spec: ModuleSpec): number[] {
  if (spec.sharedMemory === undefined) return concat([[0x00], unsignedLeb128(spec.initialPages)]);
  const { maximumPages } = spec.sharedMemory;
  return concat([[0x03], unsignedLeb128(spec.initialPages), unsignedLeb128(maximumPages)]);
}

/** The memory section defining the memory (id 5). */
function memorySection(spec: ModuleSpec): number[] {
  return section(5, encodeVector([memoryLimits(spec)]));
}

/**
 * The import section (id 2, spec §5.5.5): each imported function as `env.<name>` of kind 0x00 with
 * its type index, then, when the memory is imported, `env.memory` of kind 0x02 (a memory).
 */
function importSection(spec: ModuleSpec, functionTypeIndices: readonly number[]): number[] {
  const entries = (spec.imports ?? []).map(({ name }, i) =>
    concat([encodeName('env'), encodeName(name), [0x00], unsignedLeb128(functionTypeIndices[i])]),
  );
  if (importsMemory(spec)) entries.push(concat([encodeName('env'), encodeName('memory'), [0x02], memoryLimits(spec)]));
  return section(2, encodeVector(entries));
}

function importsMemory(spec: ModuleSpec): boolean {
  return spec.sharedMemory !== undefined || spec.importMemory === true;
}

/**
 * Encodes a complete module: type, import, function, memory, export and code sections (spec §5.5),
 * the import section only when something is imported and the memory section only when it is not.
 */
export function assembleModule(spec: ModuleSpec): Uint8Array {
  const imports = spec.imports ?? [];
  const types: number[][] = [];
  const typeKeys: string[] = [];
  const typeIndex = (signature: { params: readonly ValType[]; results: readonly ValType[] }) => {
    const encoded = functionType(signature);
    const key = encoded.join(',');
    if (!typeKeys.includes(key)) {
      typeKeys.push(key);
      types.push(encoded);
    }
    return typeKeys.indexOf(key);
  };
  // Imports' types first: without imports, the type section is as it always was.
  const importTypeIndices = imports.map(typeIndex);
  const typeIndices = spec.functions.map(({ body }) => typeIndex(body));
  const exports: number[][] = [concat([encodeName(spec.memoryExport), [0x02, 0]])];
  spec.functions.forEach(({ exportName }, index) => {
    if (exportName !== undefined)
      exports.push(concat([encodeName(exportName), [0x00], unsignedLeb128(imports.length + index)]));
  });
  const hasImports = imports.length > 0 || importsMemory(spec);
  const bytes = concat([
    [0x00, 0x61, 0x73, 0x6d], // magic "\0asm"
    [0x01, 0x00, 0x00, 0x00], // version 1
    section(1, encodeVector(types)),
    ...(hasImports ? [importSection(spec, importTypeIndices)] : []), // the import section precedes functions
    section(3, encodeVector(typeIndices.map((t) => unsignedLeb128(t)))),
    ...(importsMemory(spec) ? [] : [memorySection(spec)]),
    section(7, encodeVector(exports)),
    section(10, encodeVector(spec.functions.map(({ body }) => body.encode()))),
  ]);
  return new Uint8Array(bytes);
}
