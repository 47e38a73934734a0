/**
 * The slice of the WebAssembly JS API we use. The node tsconfig (lib ES2023, types node) does not
 * declare WebAssembly.Memory/Instance, and pulling in the DOM lib would leak browser types into core.
 */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes reserved at the start of a kernels memory for the wasm kernels' own statics and stack. */
export const WASM_RESERVED = 65536;
