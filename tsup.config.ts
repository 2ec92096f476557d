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
    // Both builds write to dist/ at the same time: this one cleans everything but the CLI's file.
    clean: ['!cli.js'],
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
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
