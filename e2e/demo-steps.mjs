// @ts-check
/* global document */
/**
 * The e2e test's steps on the demo page (see browser-demo.test.mjs for the story): each drives
 * the page, checks what it shows and returns what the summary reports.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { check, Failure, ms } from './harness.mjs';
import {
  readChartColors,
  readResults,
  readSaveAndLoad,
  readState,
  startFrameProbe,
  stopFrameProbe,
  waitForStatus,
  watchTraining,
} from './demo-page.mjs';

/** @typedef {import('playwright-core').Page} Page */

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
export const SCREENSHOT = path.join(ARTIFACTS, 'browser-demo.png');
export const STOPPED_SCREENSHOT = path.join(ARTIFACTS, 'browser-demo-stopped.png');
export const LOADED_SCREENSHOT = path.join(ARTIFACTS, 'browser-demo-loaded.png');
export const FAILURE_SCREENSHOT = path.join(ARTIFACTS, 'browser-demo-failure.png');
/** Where the demo saves each finished run's model. */
export const SAVE_URL = 'indexeddb://seq-echo-demo';
/** The longest the fast preset may take to train and evaluate. */
const TRAIN_TIMEOUT_MS = 120_000;
/** The longest a page.evaluate round trip, or a gap between frames, may take during training. */
/**
 * A generous bound, not a speed target: a page that froze while training (the walkthrough run
 * trains for two seconds before Stop) would answer nothing until it ended. Typical figures,
 * printed in the summary, are tens of ms; a shared CI machine can take a few hundred.
 */
export const RESPONSIVE_MS = 1500;

/**
 * 1. The fast preset: Start, then watch it train to `done`, counting frames and round trips.
 *
 * @param {Page} demo
 */
export async function trainFast(demo) {
  await demo.selectOption('[data-testid="preset"]', 'fast');
  await startFrameProbe(demo);
  const started = performance.now();
  await demo.click('[data-testid="start"]');
  const watched = await watchTraining(demo, { timeoutMs: TRAIN_TIMEOUT_MS, started });
  const frames = await stopFrameProbe(demo);
  check(
    watched.state.status === 'done',
    `training ended with "${watched.state.statusText}" (${watched.state.detail})`,
  );
  return { ...watched, frames };
}

/**
 * 1. After the fast run: the chart's lines, the accuracy and a mostly right table of 21 rows.
 *
 * @param {Page} demo
 */
export async function checkResults(demo) {
  const found = await readResults(demo);
  check(found.visible, 'the results section is still hidden after training');
  const chart = await readChartColors(demo);
  check(
    chart.blue > 100 && chart.orange > 100,
    `the chart shows ${chart.blue} loss-blue and ${chart.orange} accuracy-orange pixels, expected lines of both`,
  );
  check(found.accuracy > 0.9, `fresh-sequence accuracy ${found.accuracy}, expected above 0.9`);
  check(found.rows.length === 21, `the table has ${found.rows.length} rows, expected 21`);
  let items = 0;
  let rightItems = 0;
  let rightRows = 0;
  for (const { expected, predicted } of found.rows) {
    check(
      expected.length === 5 && predicted.length === 5,
      `a row has ${expected.length} expected and ${predicted.length} predicted integers, expected 5 and 5`,
    );
    const right = expected.filter((id, k) => id === predicted[k]).length;
    items += expected.length;
    rightItems += right;
    if (right === expected.length) rightRows++;
  }
  check(
    rightItems >= 0.9 * items,
    `only ${rightItems} of ${items} predicted integers in the table equal the expected ones`,
  );
  return { ...found, items, rightItems, rightRows };
}

/** @typedef {Awaited<ReturnType<typeof checkResults>>} Results */

/**
 * The save line must say the run was saved (`context`: the failure message's opening).
 *
 * @param {Page} demo
 * @param {string} context
 * @param {string} expected
 */
export async function checkSaved(demo, context, expected) {
  const { saved: line } = await readSaveAndLoad(demo);
  check(
    line.state === 'saved' && line.text.startsWith(`saved to ${SAVE_URL}`),
    `${context} shows "${line.text}" (data-state "${line.state}"), expected ${expected}`,
  );
  return line;
}

/**
 * 2. Reload (so the model can only come from IndexedDB), "Load saved model", and compare the
 * table and the accuracy with those of the fast run before the reload.
 *
 * @param {Page} demo
 * @param {Results} results
 */
export async function reloadAndLoad(demo, results) {
  await demo.reload({ waitUntil: 'load', timeout: 60_000 });
  await waitForStatus(demo, 'ready', 60_000);
  check(!(await readResults(demo)).visible, 'the results section is shown after a reload');
  const found = (await readSaveAndLoad(demo)).saved;
  check(
    found.state === 'found',
    `after a reload the save line shows "${found.text}" (data-state "${found.state}"), expected it to find the saved model (tf.io.listModels)`,
  );
  check(
    await demo.isEnabled('[data-testid="load"]'),
    '"Load saved model" is disabled after a reload, although a model was saved',
  );
  const started = performance.now();
  await demo.click('[data-testid="load"]');
  await waitForStatus(demo, 'loaded', 30_000);
  const totalMs = performance.now() - started;
  const { detail } = await readState(demo);
  const after = await readResults(demo);
  const verdict = (await readSaveAndLoad(demo)).loaded;
  check(after.visible, 'the results section is hidden after loading the saved model');
  const samePredictions = compareTables(after.rows, results.rows);
  check(
    verdict.visible &&
      verdict.state === 'identical' &&
      verdict.identical === results.rows.length &&
      verdict.total === results.rows.length,
    `the page says "${verdict.text}" (data-state "${verdict.state}"), expected "loaded model: ${results.rows.length}/${results.rows.length} predictions identical"`,
  );
  check(
    verdict.sameAccuracy &&
      after.accuracy === results.accuracy &&
      after.sequenceAccuracy === results.sequenceAccuracy,
    `the loaded model's accuracy on the seeded evaluation sequences is ${after.accuracy} (windows ${after.sequenceAccuracy}), the saved model's was ${results.accuracy} (windows ${results.sequenceAccuracy})`,
  );
  await demo.screenshot({ path: LOADED_SCREENSHOT, fullPage: true });
  return { ...after, verdict, samePredictions, totalMs, detail };
}

/**
 * The table after loading must have the rows of the table before the reload: the same
 * sequence, and the same predictions row for row. Returns how many rows' predictions match.
 *
 * @param {Results['rows']} rows
 * @param {Results['rows']} before
 */
function compareTables(rows, before) {
  check(
    rows.length === before.length,
    `the table after loading has ${rows.length} rows, before the reload ${before.length}`,
  );
  let sameSequence = 0;
  let samePredictions = 0;
  /** @type {string[]} */
  const differences = [];
  rows.forEach((row, i) => {
    const old = before[i];
    const same = (/** @type {number[]} */ a, /** @type {number[] | undefined} */ b) =>
      a.join(',') === b?.join(',');
    if (same(row.input, old?.input) && same(row.expected, old?.expected)) {
      sameSequence++;
    }
    if (same(row.predicted, old?.predicted)) samePredictions++;
    else {
      differences.push(
        `row ${i + 1}: ${old?.predicted.join(',') ?? '–'} before, ${row.predicted.join(',')} after`,
      );
    }
  });
  check(
    sameSequence === before.length,
    `only ${sameSequence}/${before.length} rows of the table after loading have the input of the table before the reload: not the same sequence`,
  );
  check(
    samePredictions === before.length,
    `the loaded model's predictions differ from the saved model's in ${differences.length} of ${before.length} rows (${differences.slice(0, 3).join('; ')})`,
  );
  return samePredictions;
}

/**
 * 3. The walkthrough preset with 100,000 epochs, Stop after two seconds of training: the page
 * must say stopped.
 *
 * @param {Page} demo
 * @param {string} url
 */
export async function stopWalkthrough(demo, url) {
  // 100,000 epochs (?epochs=), so the run is still going whenever the click lands.
  await demo.goto(`${url}&epochs=100000`, { waitUntil: 'load', timeout: 60_000 });
  await waitForStatus(demo, 'ready', 60_000);
  await demo.selectOption('[data-testid="preset"]', 'walkthrough');
  await startFrameProbe(demo);
  await demo.click('[data-testid="start"]');
  /** @type {number | undefined} */
  let clickedAt;
  let clickedAtEpoch = 0;
  const watched = await watchTraining(demo, {
    timeoutMs: 60_000,
    during: async (state, elapsedMs) => {
      // Stop after two seconds of training (the run has 100,000 epochs, so it is still
      // going; the round trips meanwhile measure responsiveness). A click takes a few
      // hundred ms to land (playwright's actionability checks, on a busy page).
      if (clickedAt === undefined && state.status === 'training' && elapsedMs >= 2000) {
        clickedAt = performance.now();
        clickedAtEpoch = state.epoch;
        await clickStop(demo, clickedAtEpoch);
      }
    },
  });
  const frames = await stopFrameProbe(demo);
  check(
    clickedAt !== undefined,
    `training ended before Stop was clicked (${watched.state.detail})`,
  );
  const latency = performance.now() - clickedAt;
  check(
    watched.state.status === 'stopped',
    `after Stop the page shows "${watched.state.statusText}", expected "status: stopped" (${watched.state.detail})`,
  );
  check(
    watched.state.epoch < 100_000,
    `stopped at epoch ${watched.state.epoch}, expected < 100000`,
  );
  await demo.screenshot({ path: STOPPED_SCREENSHOT, fullPage: true });
  return { ...watched, frames, latency, clickedAtEpoch };
}

/**
 * @param {Page} demo
 * @param {number} epoch
 */
async function clickStop(demo, epoch) {
  try {
    await demo.click('[data-testid="stop"]', { timeout: 10_000 });
  } catch (error) {
    const now = await readState(demo);
    throw new Failure(
      `could not click Stop at epoch ${epoch} (the page now shows "${now.statusText}", ${now.detail}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}

/**
 * 3. After Stop: the stopped run saved, the controls back, the table shown; a second run must
 * start and settle. Returns its final status.
 *
 * @param {Page} demo
 */
export async function rerunAfterStop(demo) {
  await checkSaved(demo, 'after Stop the save line', `the stopped run saved to ${SAVE_URL}`);
  check(await demo.isEnabled('[data-testid="start"]'), 'Start is still disabled after Stop');
  check(await demo.isEnabled('[data-testid="load"]'), '"Load saved model" is disabled after Stop');
  check(await demo.isEnabled('[data-testid="preset"]'), 'the preset selector is disabled');
  check(await demo.isDisabled('[data-testid="stop"]'), 'Stop is still enabled after Stop');
  const found = await readResults(demo);
  check(found.visible && found.rows.length === 21, 'no 21-row table after Stop');
  check(Number.isFinite(found.accuracy), 'no fresh-sequence accuracy after Stop');
  await demo.click('[data-testid="start"]');
  await waitForStatus(demo, 'training', 10_000);
  await demo.waitForFunction(
    () => Number(document.querySelector('[data-testid="epoch"]')?.textContent) > 0,
    undefined,
    { timeout: 10_000 },
  );
  // This run may finish its 500 epochs before the click lands (Stop is then disabled and
  // the click times out); the Stop step above is the strict check. Here the page only has
  // to train again and settle.
  await demo.click('[data-testid="stop"]', { timeout: 5_000 }).catch(() => undefined);
  await demo.waitForFunction(
    () => ['stopped', 'done'].includes(document.body.dataset.status ?? ''),
    undefined,
    { timeout: 30_000 },
  );
  return (await readState(demo)).status;
}

/**
 * The round trips and frame gaps of both watched runs, within {@link RESPONSIVE_MS}, and an
 * epoch counter that moved.
 *
 * @param {{ roundTrips: number[], epochsSeen: Set<number>, frames: { maxGap: number } }[]} runs
 */
export function checkResponsiveness(runs) {
  const roundTrips = runs.flatMap((run) => run.roundTrips);
  const maxRoundTrip = Math.max(...roundTrips);
  const maxGap = Math.max(...runs.map((run) => run.frames.maxGap));
  const epochsSeen = new Set(runs.flatMap((run) => [...run.epochsSeen]));
  check(
    roundTrips.length >= 3,
    `only ${roundTrips.length} round trips landed while the page trained`,
  );
  check(
    maxRoundTrip < RESPONSIVE_MS,
    `a page.evaluate round trip took ${ms(maxRoundTrip)} during training (limit ${RESPONSIVE_MS} ms)`,
  );
  check(
    maxGap < RESPONSIVE_MS,
    `requestAnimationFrame paused for ${ms(maxGap)} during training (limit ${RESPONSIVE_MS} ms)`,
  );
  check(
    epochsSeen.size >= 3,
    `the epoch counter showed only ${epochsSeen.size} values while training`,
  );
  return { roundTrips, maxRoundTrip, maxGap };
}
