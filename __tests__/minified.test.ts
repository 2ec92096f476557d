/**
 * seq-echo bundled and minified, as an app's build (esbuild, terser) ships it: minifiers rename
 * functions, and tfjs names a function metric by the function's `name`. Teacher forcing's
 * masked accuracy must keep its name there, or the fused engine does not recognise the metric
 * and training falls back to `model.fit` (an order of magnitude slower) with a training
 * accuracy of NaN: what the browser playground's minified bundle showed.
 */
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import type * as seqEcho from '../src/index';

/** src/index.ts bundled and minified as CommonJS, tfjs left to this process's copy. */
async function minifiedLibrary(): Promise<typeof seqEcho> {
  const result = await build({
    entryPoints: [path.join(__dirname, '..', 'src', 'index.ts')],
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    external: ['@tensorflow/*'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const module = { exports: {} };
  // CommonJS's wrapper, given this file's require: the bundle's require('@tensorflow/tfjs')
  // gets the instance the tests use.
  const load = vm.runInThisContext(`(function (require, module, exports) {${code}\n})`) as (
    require: NodeJS.Require,
    module: { exports: object },
    exports: object,
  ) => void;
  load(require, module, module.exports);
  return module.exports as typeof seqEcho;
}

describe('a minified bundle', () => {
  it('keeps the name of teacher forcing’s metric, so it trains on the fused engine', async () => {
    const lib = await minifiedLibrary();
    const models = lib.buildTeacherForcing({ maxLength: 3, nUnique: 4, units: 8, seed: 1 });
    try {
      const { metricsNames } = models.training as unknown as { metricsNames: string[] };
      expect(metricsNames).toEqual(['loss', 'maskedAccuracy']);
      const result = await lib.trainTeacherForcing(models, {
        epochs: 1,
        samplesPerEpoch: 16,
        batchSize: 8,
        seed: 1,
        threads: 1,
      });
      expect(result.fallbackReason).toBeUndefined();
      expect(result.engine).toBe('fused');
      expect(Number.isFinite(result.history.accuracy[0])).toBe(true);
    } finally {
      models.dispose();
    }
  });
});
