/**
 * The few members of the engine's WebAssembly JavaScript API used by this package, typed locally:
 * the workspace compiles against ES2022 and Node types, which declare no WebAssembly globals.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The engine's `WebAssembly` object, or undefined where there is none. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
