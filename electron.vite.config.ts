import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/** The GBDT's wasm kernels sit next to the built main entries, where wasm-kernels.ts looks for them. */
const copyGbdtKernels = {
  name: 'mlsys-copy-gbdt-kernels',
  writeBundle() {
    mkdirSync(resolve(__dirname, 'out/main'), { recursive: true });
    copyFileSync(
      resolve(__dirname, 'src/main/core/models/gbdt/assembly/build/kernels.wasm'),
      resolve(__dirname, 'out/main/gbdt-kernels.wasm'),
    );
  },
};

export default defineConfig({
  main: {
    plugins: [copyGbdtKernels],
    build: {
      outDir: 'out/main',
      // zod, yaml and DuckDB's JavaScript API are bundled: Node loads each as ~100 small modules
      // (about 40, 20 and 45 ms), the bundled chunks in about half that, in each thread that needs
      // them (DuckDB lands in its own chunk, loaded only where it is used); commander and
      // cli-progress save the CLI a few ms more. DuckDB's native bindings stay external.
      externalizeDeps: { exclude: ['zod', 'yaml', '@duckdb/node-api', 'commander', 'cli-progress'] },
      rollupOptions: {
        external: ['@duckdb/node-bindings'],
        input: {
          index: resolve(__dirname, 'src/main/electron/index.ts'),
          server: resolve(__dirname, 'src/main/server.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // worker entries: started by file name next to the chunks (src/main/core/util/worker-url.ts)
          'training-worker': resolve(__dirname, 'src/main/core/training/worker.ts'),
          'gbdt-worker': resolve(__dirname, 'src/main/core/models/gbdt/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
