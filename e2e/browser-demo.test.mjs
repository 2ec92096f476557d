#!/usr/bin/env node
// @ts-check
/**
 * End-to-end test of the browser demo (examples/browser/) in headless Chromium.
 *
 *   node e2e/browser-demo.test.mjs
 *   CHROMIUM_PATH=/path/to/chrome node e2e/browser-demo.test.mjs
 *
 * It bundles the demo in memory (scripts/build-browser-demo.mjs; nothing is written to
 * examples/browser/dist), serves examples/browser/ on a free port (scripts/serve-static.mjs),
 * and drives the page with playwright-core and the system's Chromium (default
 * /usr/bin/chromium; no browser download):
 *
 * 1. The fast preset: Start; while it trains, page.evaluate round trips must keep answering
 *    (within 1.5 s), requestAnimationFrame must keep firing (no gap over 1.5 s) and the epoch counter
 *    must move; then, within 120 s, accuracy on fresh sequences above 0.9 and an
 *    Expected/Predicted table of 21 rows, most of them right. Screenshot:
 *    e2e/artifacts/browser-demo.png (browser-demo-loaded.png after step 2, and
 *    browser-demo-stopped.png after step 3).
 * 2. Save and load: the page must say it saved the trained model to indexeddb://seq-echo-demo
 *    (saveEchoModel, tfjs's IndexedDB handler); then the page is reloaded, so that the model
 *    can only come from IndexedDB, and "Load saved model" (loadEchoModel) must give a model
 *    whose table has the same sequence and the same predictions, row for row, as the table
 *    before the reload, and the same accuracy on the same seeded evaluation sequences.
 * 3. Stop: the walkthrough preset, Stop after two seconds; the status must say stopped, the
 *    stopped run must be saved too, the controls must come back, and a second run must start
 *    (and stop) again.
 *
 * Before step 1, threads (threads-steps.mjs): the page must be cross-origin isolated (the
 * server's COOP/COEP headers) and say so; through a hook the page installs only with `?bench`,
 * presets.fastPartial's model trains for a fixed number of epochs on 1 and on 2 threads,
 * alternating, 3 runs each; every 2-thread run must report `threads: 2` (the workers ran). The
 * ratio of the medians is printed as the speed-up over one thread, never asserted (timing on
 * a shared machine is noisy). After step 1 the page must say how many threads the run used.
 *
 * The steps are in demo-steps.mjs, what they read from the page in demo-page.mjs, and the
 * step/check harness in harness.mjs; this file opens the page, runs the steps in order and
 * prints the summary.
 *
 * Not part of `npm test` (jest's roots are __tests__/). Exits non-zero, with the step that
 * failed, on any failure; on a failure after the page loaded it also saves
 * e2e/artifacts/browser-demo-failure.png.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { chromium } from 'playwright-core';
import { buildBrowserDemo, demoDir } from '../scripts/build-browser-demo.mjs';
import { serveStatic } from '../scripts/serve-static.mjs';
import { readState, waitForStatus } from './demo-page.mjs';
import {
  ARTIFACTS,
  checkResponsiveness,
  checkResults,
  checkSaved,
  FAILURE_SCREENSHOT,
  LOADED_SCREENSHOT,
  reloadAndLoad,
  rerunAfterStop,
  SAVE_URL,
  SCREENSHOT,
  STOPPED_SCREENSHOT,
  stopWalkthrough,
  trainFast,
} from './demo-steps.mjs';
import { check, currentStepName, Failure, median, ms, setStep, step } from './harness.mjs';
import { BENCH_EPOCHS, benchThreads, checkIsolated, readThreads } from './threads-steps.mjs';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The whole test, as a last resort against a hang. */
const OVERALL_TIMEOUT_MS = 300_000;
const SEED = 1;

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {Awaited<ReturnType<typeof serveStatic>>} Server */
/** @typedef {import('playwright-core').Browser} Browser */

/**
 * Builds the demo, serves it and opens it in headless Chromium; page errors go to `pageErrors`.
 * `opened` receives the server, the browser and the page as soon as each exists, so that
 * main() can close them, and screenshot the page, whatever fails after.
 *
 * @param {string[]} pageErrors
 * @param {{ server?: Server, browser?: Browser, page?: Page }} opened
 */
async function openDemo(pageErrors, opened) {
  setStep('find Chromium');
  check(
    existsSync(CHROMIUM_PATH),
    `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian/Ubuntu: apt-get install -y chromium) or point CHROMIUM_PATH at a Chrome or Chromium binary.`,
  );
  const built = await step('build the demo (esbuild, in memory)', async () => {
    const result = await buildBrowserDemo({ write: false });
    check(result.files.has('/dist/main.js'), 'the build produced no /dist/main.js');
    return result;
  });
  const server = await step('serve examples/browser/', () =>
    serveStatic({ root: demoDir, files: built.files, port: 0 }),
  );
  opened.server = server;
  const browser = await step(`launch ${CHROMIUM_PATH} (headless)`, () =>
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // CI runs as root, where Chromium's sandbox cannot start. (playwright passes the flag
      // by default too; it is spelled out here because the test depends on it.)
      args: ['--no-sandbox'],
      timeout: 60_000,
    }),
  );
  opened.browser = browser;
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const demo = await context.newPage();
  opened.page = demo;
  demo.on('pageerror', (error) => {
    pageErrors.push(error.message);
    console.log(`[page error] ${error.message}`);
  });
  demo.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      console.log(`[page ${message.type()}] ${message.text()}`);
    }
  });
  return { built, url: `${server.url}?seed=${SEED}&bench`, demo };
}

/**
 * Runs the steps in order (see the top of this file) and prints the summary.
 *
 * @param {Page} demo
 * @param {string} url
 * @param {string[]} pageErrors
 */
async function runSteps(demo, url, pageErrors) {
  const backend = await step('load the page until "status: ready"', async () => {
    const response = await demo.goto(url, { waitUntil: 'load', timeout: 60_000 });
    check(response?.ok(), `GET ${url} answered ${response?.status() ?? 'nothing'}`);
    await waitForStatus(demo, 'ready', 60_000);
    const { detail } = await readState(demo);
    return /tfjs backend (\w+)/.exec(detail)?.[1] ?? 'unknown';
  });
  const isolation = await step('the page is cross-origin isolated', () => checkIsolated(demo));
  const bench = await step(
    `threads: ${BENCH_EPOCHS} epochs of fastPartial on 1 and 2 threads, alternating`,
    () => benchThreads(demo),
  );

  // ---- 1. the fast preset, to an accurate model ----
  const fast = await step('fast preset: train while the page stays responsive', () =>
    trainFast(demo),
  );
  const results = await step('fast preset: accuracy and the Expected/Predicted table', () =>
    checkResults(demo),
  );
  const fastThreads = await step('fast preset: the page says how many threads it used', () =>
    readThreads(demo),
  );
  await step(`screenshot ${path.relative(process.cwd(), SCREENSHOT)}`, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await demo.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  // ---- 2. save, reload, load ----
  const saved = await step(`fast preset: saved to ${SAVE_URL}`, () =>
    checkSaved(demo, 'the save line', `"saved to ${SAVE_URL} …"`),
  );
  const loaded = await step(
    'reload, "Load saved model": the same predictions on the same sequence',
    () => reloadAndLoad(demo, results),
  );

  // ---- 3. Stop ----
  const stopped = await step('walkthrough preset: Stop after two seconds', () =>
    stopWalkthrough(demo, url),
  );
  const rerun = await step('after Stop: the controls are back and a new run starts', () =>
    rerunAfterStop(demo),
  );

  check(pageErrors.length === 0, `the page threw: ${pageErrors.join('; ')}`);
  const responsiveness = await step('responsiveness during training', () =>
    Promise.resolve(checkResponsiveness([fast, stopped])),
  );
  return {
    ...{ backend, isolation, bench, fast, fastThreads, results, saved, loaded },
    ...{ stopped, rerun, responsiveness },
  };
}

/**
 * @param {Awaited<ReturnType<typeof runSteps>>} outcome
 * @param {number} bundleBytes
 * @param {number} testStarted
 */
function printSummary(outcome, bundleBytes, testStarted) {
  const { backend, bench, fast, results, saved, loaded, stopped, rerun } = outcome;
  const { roundTrips, maxRoundTrip, maxGap } = outcome.responsiveness;
  console.log('');
  console.log('browser demo e2e: PASSED');
  console.log(`  tfjs backend ${backend}; bundle ${(bundleBytes / 1024 / 1024).toFixed(2)} MB`);
  console.log(`  threads: ${outcome.isolation}; the fast run trained on ${outcome.fastThreads}`);
  console.log(
    `  speed-up over one thread: ${bench.speedUp.toFixed(2)} (fastPartial, ${BENCH_EPOCHS} epochs, ` +
      `median of 3: ${ms(bench.one)} on 1 thread, ${ms(bench.two)} on 2)`,
  );
  console.log(
    `  fast preset: ${fast.state.epoch} epochs, ${fast.state.detail}; ` +
      `fresh-sequence accuracy ${results.accuracy.toFixed(4)} (windows ${results.sequenceAccuracy.toFixed(4)}); ` +
      `table ${results.rightRows}/21 rows and ${results.rightItems}/${results.items} integers right; ` +
      `${ms(fast.totalMs)} from clicking Start to "status: done"`,
  );
  console.log(`  save: ${saved.text}`);
  console.log(
    `  load after a reload: ${loaded.verdict.text}; ` +
      `the test's own comparison with the table before the reload: ${loaded.samePredictions}/${results.rows.length} rows with the same predictions on the same sequence; ` +
      `accuracy ${loaded.accuracy.toFixed(4)} (windows ${loaded.sequenceAccuracy.toFixed(4)}) as before; ` +
      `${loaded.detail}; ${ms(loaded.totalMs)} from the click to "status: loaded"`,
  );
  console.log(
    `  stop: walkthrough clicked at epoch ${stopped.clickedAtEpoch}, stopped at epoch ${stopped.state.epoch}/100000, ${ms(stopped.latency)} from the click to "status: stopped"`,
  );
  console.log(`  after Stop: a second walkthrough run started and ended "${rerun}"`);
  console.log(
    `  responsiveness while training: ${roundTrips.length} page.evaluate round trips, ` +
      `median ${ms(median(roundTrips))}, max ${ms(maxRoundTrip)}; ` +
      `requestAnimationFrame ${fast.frames.fps.toFixed(0)} fps (fast run) and ${stopped.frames.fps.toFixed(0)} fps (walkthrough run), longest gap ${ms(maxGap)}`,
  );
  console.log(
    `  screenshots: ${path.relative(process.cwd(), SCREENSHOT)} (fast, done), ${path.relative(process.cwd(), LOADED_SCREENSHOT)} (loaded after a reload), ${path.relative(process.cwd(), STOPPED_SCREENSHOT)} (walkthrough, stopped)`,
  );
  console.log(`  total ${((performance.now() - testStarted) / 1000).toFixed(1)} s`);
}

/**
 * Says which step failed and why (with the stack for an unexpected error), and screenshots the
 * page if it is still open.
 *
 * @param {unknown} error
 * @param {Page | undefined} page
 */
async function reportFailure(error, page) {
  process.exitCode = 1;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\nbrowser demo e2e: FAILED at "${currentStepName()}": ${message}`);
  if (!(error instanceof Failure) && error instanceof Error && error.stack) {
    // The message is above; add where it came from.
    console.error(
      error.stack
        .split('\n')
        .filter((line) => /^\s+at /.test(line))
        .join('\n'),
    );
  }
  if (page && !page.isClosed()) {
    try {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: FAILURE_SCREENSHOT, fullPage: true, timeout: 10_000 });
      console.error(`screenshot of the page: ${path.relative(process.cwd(), FAILURE_SCREENSHOT)}`);
    } catch {
      // The page is gone; the message above is all there is.
    }
  }
}

async function main() {
  const testStarted = performance.now();
  /** @type {{ server?: Server, browser?: Browser, page?: Page }} */
  const opened = {};
  /** @type {string[]} */
  const pageErrors = [];
  rmSync(FAILURE_SCREENSHOT, { force: true }); // from an earlier run
  try {
    const { built, url, demo } = await openDemo(pageErrors, opened);
    const outcome = await runSteps(demo, url, pageErrors);
    printSummary(outcome, built.bytes, testStarted);
  } catch (error) {
    await reportFailure(error, opened.page);
  } finally {
    await opened.browser?.close().catch(() => undefined);
    await opened.server?.close();
  }
}

const watchdog = setTimeout(() => {
  console.error(
    `\nbrowser demo e2e: FAILED: still running after ${OVERALL_TIMEOUT_MS / 1000} s (at "${currentStepName()}")`,
  );
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

await main();
