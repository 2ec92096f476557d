/**
 * Worker threads: on a cross-origin isolated page (the demo's server sends the headers), hands
 * seq-echo a factory for its fused worker (dist/fusedWorker.js, bundled next to main.js), so
 * `trainEcho` may train on several threads; elsewhere it trains on this one. Also a hook for
 * the e2e test, installed only with `?bench` in the URL.
 */
import {
  buildEncoderDecoder,
  disposeEchoModel,
  presets,
  trainEcho,
  useThreadWorkers,
} from '../../src/index';
import { ui } from './view';

/** Whether this page may share memory with workers (SharedArrayBuffer needs it). */
export const isolated = globalThis.crossOriginIsolated;

/** Registers the worker factory when the page is isolated, and says so on the page. */
export function setUpThreads(): void {
  ui.threads.dataset.isolated = String(isolated);
  if (!isolated) {
    ui.threads.textContent = 'not cross-origin isolated: training runs on this thread only';
    return;
  }
  // The URL is relative to this bundle (dist/main.js), where the build puts the worker.
  useThreadWorkers(
    () => new Worker(new URL('./fusedWorker.js', import.meta.url), { type: 'module' }),
  );
  ui.threads.textContent =
    `cross-origin isolated: seq-echo may train on worker threads where they pay ` +
    `(${navigator.hardwareConcurrency} cores here)`;
}

/** Shows how many threads the last run trained on. */
export function showThreads(threads: number): void {
  ui.threads.dataset.threads = String(threads);
  const where =
    threads === 1 ? 'one thread' : `${threads} threads (this one and ${threads - 1} workers)`;
  ui.threads.textContent = `${isolated ? 'cross-origin isolated' : 'not cross-origin isolated'}; the last run trained on ${where}`;
}

/** What the e2e test's hook answers: the wall time of one training run, and its threads. */
export interface BenchRun {
  ms: number;
  threads: number;
  epochs: number;
}

declare global {
  interface Window {
    /** Only with `?bench`: trains the fastPartial model for `epochs` epochs on `threads` threads. */
    __seqEchoBench?: (threads: number, epochs: number) => Promise<BenchRun>;
  }
}

/**
 * For the e2e test, with `?bench` in the URL: `window.__seqEchoBench(threads, epochs)` trains
 * `presets.fastPartial`'s model B (batches of 32, where threads pay) for a fixed number of
 * epochs, so the test can time one thread against two in a real page.
 */
export function installBenchHook(): void {
  if (!new URLSearchParams(location.search).has('bench')) return;
  window.__seqEchoBench = async (threads, epochs) => {
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
      return { ms: performance.now() - started, threads: result.threads, epochs: result.epochs };
    } finally {
      disposeEchoModel(model);
    }
  };
}
