#!/usr/bin/env node
// @ts-check
/**
 * End-to-end test of the browser playground (examples/browser/) in headless Chromium.
 *
 *   node e2e/browser-demo.test.mjs
 *   CHROMIUM_PATH=/path/to/chrome node e2e/browser-demo.test.mjs
 *
 * It bundles the demo in memory (scripts/build-browser-demo.mjs; nothing is written to
 * examples/browser/dist), serves examples/browser/ on a free port (scripts/serve-static.mjs),
 * and drives the page with playwright-core and the system's Chromium (default
 * /usr/bin/chromium; no browser download):
 *
 * 1. Every family of familyPresets, in turn: Start; while it trains (in the page's training
 *    worker), page.evaluate round trips must keep answering (within 1.5 s),
 *    requestAnimationFrame must keep firing (no gap over 1.5 s) and the epoch counter must move; then, within 90 s, the run must have stopped by
 *    reaching its preset's target, the final evaluation on fresh sequences must reach 0.95, the
 *    Expected/Predicted table must be mostly right, the chart must show its lines, attention's
 *    heatmap must peak on the anti-diagonal (it reverses its window) and teacher forcing's
 *    step-by-step decoding must agree with decodeGreedy and end in END. Each run is saved
 *    (teacher forcing with saveTeacherForcing). Screenshot per family:
 *    e2e/artifacts/playground-<family>.png. After the whole family: typed sequences, bad ones
 *    refused with a message, a good one shown in the table.
 * 2. Save and load: the page is reloaded, so that models can only come from IndexedDB, and for
 *    each family "Load saved model" (loadEchoModel; teacher forcing: loadTeacherForcing) must
 *    give a model whose table has the same sequences and predictions, row for row, and the
 *    same accuracy on the same seeded evaluation sequences, as before the reload (teacher
 *    forcing's decoding steps must again agree with decodeGreedy and end in END).
 *    Screenshot: browser-demo-loaded.png (the loaded attention model, its heatmap redrawn).
 * 3. Stop: the whole family with 100,000 epochs and no target, Stop after two seconds; the
 *    status must say stopped, the stopped run must be saved too, the controls must come back,
 *    and a second run must start (and stop) again. Screenshot: browser-demo-stopped.png.
 *
 * Before step 1, threads (threads-steps.mjs): the page must be cross-origin isolated (the
 * server's COOP/COEP headers) and say so, and that training runs in a dedicated worker; through
 * a hook the page installs only with `?bench`, the training worker trains
 * presets.fastPartial's model for a fixed number of epochs on 1 and on 2 threads, alternating,
 * 3 runs each; every run must say it ran in a worker, every 2-thread run `threads: 2` (the
 * training worker started a fused worker of its own). The
 * ratio of the medians is printed as the speed-up over one thread, never asserted (timing on
 * a shared machine is noisy). After step 1 the page must say how many threads a run used.
 *
 * The steps are in playground-steps.mjs and demo-steps.mjs, what they read from the page in
 * demo-page.mjs, and the step/check harness in harness.mjs; this file opens the page, runs the
 * steps in order and prints the summary.
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
  FAILURE_SCREENSHOT,
  LOADED_SCREENSHOT,
  rerunAfterStop,
  STOPPED_SCREENSHOT,
  stopLongRun,
} from './demo-steps.mjs';
import {
  checkChart,
  checkLive,
  checkTypedDecoding,
  checkTypedSequence,
  FAMILIES,
  familyScreenshot,
  reloadAndLoadAll,
  trainToTarget,
} from './playground-steps.mjs';
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
 * 1. Every family to its target, its table, live view, chart and screenshot; typed sequences
 * after the whole family.
 *
 * @param {Page} demo
 */
async function trainEveryFamily(demo) {
  /** @type {Map<string, Awaited<ReturnType<typeof trainToTarget>>>} */
  const runs = new Map();
  /** @type {Map<string, string>} */
  const live = new Map();
  let typed = '';
  let decoded = '';
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const family of FAMILIES) {
    const run = await step(`${family}: train to its target while the page stays responsive`, () =>
      trainToTarget(demo, family),
    );
    runs.set(family, run);
    live.set(
      family,
      await step(`${family}: the table, the chart and the live view`, async () => {
        await checkChart(demo, family);
        return checkLive(demo, family);
      }),
    );
    const shot = familyScreenshot(family);
    await step(`screenshot ${path.relative(process.cwd(), shot)}`, () =>
      demo.screenshot({ path: shot, fullPage: true }),
    );
    if (family === 'whole') {
      typed = await step('whole: typed sequences, bad and good', () => checkTypedSequence(demo));
    }
    if (family === 'teacherForcing') {
      decoded = await step('teacherForcing: a typed sequence, decoded step by step', () =>
        checkTypedDecoding(demo),
      );
    }
  }
  return { runs, live, typed, decoded };
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

  // ---- 1. every family, to its target ----
  const families = await trainEveryFamily(demo);
  const lastThreads = await step('the page says how many threads the last run used', () =>
    readThreads(demo),
  );

  // ---- 2. reload, load every saved family ----
  const loaded = await step('reload, "Load saved model" for every saved family', async () => {
    const before = new Map([...families.runs].map(([family, run]) => [family, run.results]));
    const result = await reloadAndLoadAll(demo, before);
    await demo.screenshot({ path: LOADED_SCREENSHOT, fullPage: true });
    return result;
  });

  // ---- 3. Stop ----
  const stopped = await step('whole, 100,000 epochs: Stop after two seconds', () =>
    stopLongRun(demo, url),
  );
  const rerun = await step('after Stop: the controls are back and a new run starts', () =>
    rerunAfterStop(demo),
  );

  check(pageErrors.length === 0, `the page threw: ${pageErrors.join('; ')}`);
  const responsiveness = await step('responsiveness during training', () =>
    Promise.resolve(checkResponsiveness([...families.runs.values(), stopped])),
  );
  return {
    ...{ backend, isolation, bench, families, lastThreads, loaded },
    ...{ stopped, rerun, responsiveness },
  };
}

/**
 * @param {Awaited<ReturnType<typeof runSteps>>} outcome
 * @param {number} bundleBytes
 * @param {number} testStarted
 */
function printSummary(outcome, bundleBytes, testStarted) {
  const { backend, bench, families, loaded, stopped, rerun } = outcome;
  const { roundTrips, maxRoundTrip, maxGap } = outcome.responsiveness;
  console.log('');
  console.log('browser demo e2e: PASSED');
  console.log(`  tfjs backend ${backend}; bundle ${(bundleBytes / 1024 / 1024).toFixed(2)} MB`);
  console.log(
    `  threads: ${outcome.isolation}; the last family run trained on ${outcome.lastThreads}`,
  );
  console.log(
    `  speed-up over one thread: ${bench.speedUp.toFixed(2)} (fastPartial, ${BENCH_EPOCHS} epochs, ` +
      `median of 3: ${ms(bench.one)} on 1 thread, ${ms(bench.two)} on 2)`,
  );
  for (const [family, run] of families.runs) {
    const { results, table } = run;
    const extra = families.live.get(family);
    console.log(
      `  ${family}: ${results.epochs} epochs to the target, ${ms(run.totalMs)} from Start to done ` +
        `(longest frame gap ${ms(run.frames.maxGap)}, longest round trip ${ms(Math.max(0, ...run.roundTrips))}); fresh-sequence accuracy ${results.accuracy.toFixed(4)} ` +
        `(${family === 'teacherForcing' ? 'exact sequences' : 'whole windows'} ${results.sequenceAccuracy.toFixed(4)}); ` +
        `table ${table.rightRows}/${table.rows} rows right` +
        (extra ? `; ${extra}` : ''),
    );
  }
  console.log(`  typed sequences: ${families.typed}; teacherForcing: ${families.decoded}`);
  console.log(`  load after a reload: ${loaded.loaded.join('; ')}`);
  console.log(
    `  stop: clicked at epoch ${stopped.clickedAtEpoch}, stopped at epoch ${stopped.state.epoch}/100000, ${ms(stopped.latency)} from the click to "status: stopped"; ` +
      `while it trained, longest frame gap ${ms(stopped.frames.maxGap)}, longest round trip ${ms(Math.max(0, ...stopped.roundTrips))}`,
  );
  console.log(`  after Stop: a second run started and ended "${rerun}"`);
  const fps = [...families.runs.values()].map((run) => run.frames.fps).filter(Number.isFinite);
  const watched = [...families.runs.values(), stopped];
  const longTasks = watched.map((run) => run.frames.longTasks);
  const trainingMs = watched.reduce((sum, run) => sum + run.totalMs, 0);
  console.log(
    `  responsiveness while training: ${roundTrips.length} page.evaluate round trips, ` +
      `median ${ms(median(roundTrips))}, max ${ms(maxRoundTrip)}; ` +
      `requestAnimationFrame median ${median(fps).toFixed(0)} fps over the family runs, longest gap ${ms(maxGap)}; ` +
      `the page thread's long tasks (over 50 ms): ${longTasks.reduce((n, t) => n + t.count, 0)}, ` +
      `longest ${ms(Math.max(0, ...longTasks.map((t) => t.longest)))}, ` +
      `${ms(longTasks.reduce((n, t) => n + t.total, 0))} in all over ${ms(trainingMs)} of runs`,
  );
  console.log(
    `  screenshots: ${path.relative(process.cwd(), ARTIFACTS)}/playground-<family>.png (each family, done), ${path.relative(process.cwd(), LOADED_SCREENSHOT)} (attention loaded after a reload), ${path.relative(process.cwd(), STOPPED_SCREENSHOT)} (stopped)`,
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
