/**
 * Small WebAssembly modules embedded as base64 (usage-kernels.ts, plain-kernels.ts): the slice of the
 * WebAssembly API they use (the node tsconfig does not declare it) and their one-time compilation.
 */

export interface WasmApi {
  Memory: new (d: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The asc options the embedded modules are built with (their tests rebuild them and compare). */
export const ASC_ARGS = ['-O3', '--noAssert', '--runtime', 'stub', '--importMemory'];

/** A module compiled from base64 on first use, or null where WebAssembly is unavailable. */
export function embeddedModule(base64: string): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = wasmApi ? new wasmApi.Module(Buffer.from(base64, 'base64')) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
