// @ts-check
/* global document, window */
/**
 * The e2e test's steps about worker threads: the page must be cross-origin isolated (the
 * server's headers), and a training run on two threads must really use two (the training
 * worker and a fused worker it started), timed against one thread in the same training worker. The timing is only reported, never asserted: it depends on how busy
 * the machine's cores are.
 */
import { check, median } from './harness.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{ ms: number, threads: number, epochs: number, inWorker: boolean }} BenchRun */
/**
 * The page's hook (examples/browser/main.ts; the training worker runs it, threads.ts), there
 * only with `?bench` in the URL.
 */
/** @typedef {{ __seqEchoBench?: (threads: number, epochs: number) => Promise<BenchRun> }} BenchWindow */

/** Epochs per timed run: fastPartial's model B, batches of 32 (where threads pay). */
export const BENCH_EPOCHS = 40;
/** Timed runs per thread count, alternating 1 and 2 threads; the summary takes the medians. */
const BENCH_ROUNDS = 3;

/**
 * The page is cross-origin isolated, says so, and has the test's bench hook (`?bench`).
 *
 * @param {Page} demo
 */
export async function checkIsolated(demo) {
  const seen = await demo.evaluate(() => ({
    isolated: globalThis.crossOriginIsolated,
    shown: document.querySelector('[data-testid="threads"]')?.getAttribute('data-isolated'),
    text: document.querySelector('[data-testid="threads"]')?.textContent?.trim() ?? '',
    hook: typeof (/** @type {BenchWindow} */ (/** @type {unknown} */ (window)).__seqEchoBench),
  }));
  check(
    seen.isolated === true,
    'the page is not cross-origin isolated (crossOriginIsolated is false): check the COOP/COEP headers',
  );
  check(seen.shown === 'true', `the page does not say it is isolated: "${seen.text}"`);
  check(
    seen.text.includes('dedicated worker'),
    `the page does not say training runs in a worker: "${seen.text}"`,
  );
  check(seen.hook === 'function', 'the page has no window.__seqEchoBench (is ?bench in the URL?)');
  return seen.text;
}

/**
 * One run of the page's bench hook: `threads` threads, `epochs` epochs.
 *
 * @param {Page} demo
 * @param {number} threads
 * @param {number} epochs
 * @returns {Promise<BenchRun>}
 */
async function benchRun(demo, threads, epochs) {
  const run = await demo.evaluate(
    ({ t, e }) => {
      const bench = /** @type {BenchWindow} */ (/** @type {unknown} */ (window)).__seqEchoBench;
      if (!bench) throw new Error('no window.__seqEchoBench');
      return bench(t, e);
    },
    { t: threads, e: epochs },
  );
  check(
    run.threads === threads,
    `a run asked for ${threads} threads trained on ${run.threads} (were the workers started?)`,
  );
  check(run.epochs === epochs, `a run of ${epochs} epochs trained ${run.epochs}`);
  check(run.inWorker, 'a bench run trained on the page, not in the training worker');
  return run;
}

/**
 * Times training with 1 and 2 threads in the page, alternating, after a warm-up run on 2
 * threads (which starts the worker and compiles its WebAssembly). Checks that every 2-thread
 * run trained on 2 threads; reports the medians and their ratio.
 *
 * @param {Page} demo
 */
export async function benchThreads(demo) {
  await benchRun(demo, 2, 1);
  /** @type {number[]} */
  const one = [];
  /** @type {number[]} */
  const two = [];
  for (let round = 0; round < BENCH_ROUNDS; round++) {
    one.push((await benchRun(demo, 1, BENCH_EPOCHS)).ms);
    two.push((await benchRun(demo, 2, BENCH_EPOCHS)).ms);
  }
  return { one: median(one), two: median(two), speedUp: median(one) / median(two) };
}

/**
 * How many threads the page says its last run trained on.
 *
 * @param {Page} demo
 */
export async function readThreads(demo) {
  const shown = await demo.getAttribute('[data-testid="threads"]', 'data-threads');
  const threads = Number(shown);
  check(
    Number.isInteger(threads) && threads >= 1,
    `the page does not say how many threads the run used (data-threads="${shown}")`,
  );
  return threads;
}
