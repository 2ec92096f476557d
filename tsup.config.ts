import { defineConfig } from 'tsup';

// tfjs stays the user's own copy: one tfjs instance per app.
const external = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    // The builds write to dist/ at the same time: this one cleans all but the others' files.
    clean: ['!cli.js', '!fusedWorker.*'],
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    external,
  },
  {
    // The fused engine's worker threads (src/training/fused/threads/worker.ts), next to the
    // library, which starts them from there in Node; browsers load it as a module worker.
    // No tfjs in it. (No `shims`: they would import Node's `url` into the neutral ESM build;
    // the library finds its own file from `__filename` or its stack instead.)
    entry: { fusedWorker: 'src/training/fused/threads/worker.ts' },
    format: ['esm', 'cjs'],
    // Declarations (of nothing) so that type checkers resolve the "./fusedWorker" export.
    dts: true,
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'neutral',
    external,
  },
  {
    // The `seq-echo` command (package.json "bin"): one ESM file, run by Node.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    // tsconfig.build.json leaves out src/cli (it needs Node's types; the library does not).
    tsconfig: 'tsconfig.json',
    sourcemap: false,
    clean: false,
    target: 'node18',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    external,
    esbuildPlugins: [
      {
        // The CLI loads the library with `import('../index')` when a command runs; in the
        // package that is the library's own build, dist/index.js, not a second bundled copy.
        name: 'seq-echo-library-external',
        setup(build) {
          build.onResolve({ filter: /^\.\.\/index$/ }, ({ importer }) =>
            /[\\/]src[\\/]cli[\\/][^\\/]+$/.test(importer)
              ? { path: './index.js', external: true }
              : undefined,
          );
        },
      },
    ],
  },
]);
