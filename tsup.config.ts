import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // tfjs stays the user's own copy: one tfjs instance per app.
  external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
});
