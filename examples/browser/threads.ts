/**
 * Worker threads, in the training worker: when it is cross-origin isolated (the page is, with
 * the demo's server's headers, and a dedicated worker inherits that), hands seq-echo a factory
 * for its fused worker (dist/fusedWorker.js, bundled next to trainingWorker.js), so `trainEcho`
 * may share an epoch's math with nested workers; elsewhere it trains on the training worker's
 * thread alone. Also the e2e test's bench run.
 */
import {
  buildEncoderDecoder,
  disposeEchoModel,
  presets,
  trainEcho,
  useThreadWorkers,
} from '../../src/index';
import type { BenchRun } from './protocol';

/** Whether this worker may share memory with workers (SharedArrayBuffer needs it). */
export const isolated = globalThis.crossOriginIsolated;

/** Registers the fused worker's factory when this worker is isolated. */
export function setUpThreads(): void {
  if (!isolated) return;
  // The URL is relative to this bundle (dist/trainingWorker.js), where the build puts the
  // fused worker (a dedicated worker may start workers of its own: nested workers).
  useThreadWorkers(
    () => new Worker(new URL('./fusedWorker.js', import.meta.url), { type: 'module' }),
  );
}

/**
 * For the e2e test: trains `presets.fastPartial`'s model B (batches of 32, where threads pay)
 * for a fixed number of epochs on `threads` threads, so the test can time one thread against
 * two in a real browser.
 */
export async function bench(threads: number, epochs: number): Promise<BenchRun> {
  const model = buildEncoderDecoder({ ...presets.fastPartial.model, seed: 1 });
  try {
    const started = performance.now();
    const result = await trainEcho(model, {
      ...presets.fastPartial.train,
      targetAccuracy: undefined,
      epochs,
      seed: 1,
      threads,
    });
    return {
      ms: performance.now() - started,
      threads: result.threads,
      epochs: result.epochs,
      inWorker: 'WorkerGlobalScope' in globalThis,
    };
  } finally {
    disposeEchoModel(model);
  }
}
