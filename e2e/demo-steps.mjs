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
export const STOPPED_SCREENSHOT = path.join(ARTIFACTS, 'browser-demo-stopped.png');
export const LOADED_SCREENSHOT = path.join(ARTIFACTS, 'browser-demo-loaded.png');
export const FAILURE_SCREENSHOT = path.join(ARTIFACTS, 'browser-demo-failure.png');
/** Where the demo saves the whole family's finished runs (the run Stop stops). */
export const SAVE_URL = 'indexeddb://seq-echo-demo-whole';
/**
 * The longest a page.evaluate round trip, or a gap between frames, may take during training.
 * A generous bound, not a speed target: a page that froze while training (the walkthrough run
 * trains for two seconds before Stop) would answer nothing until it ended. Training runs in a
 * worker, so typical figures, printed in the summary, are a frame or two; a shared CI machine
 * can take a few hundred ms.
 */
export const RESPONSIVE_MS = 1500;

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
 * 3. The whole family with 100,000 epochs and no target, Stop after two seconds of training:
 * the page must say stopped.
 *
 * @param {Page} demo
 * @param {string} url
 */
export async function stopLongRun(demo, url) {
  // 100,000 epochs (?epochs=) and no target (?target=none), so the run is still going
  // whenever the click lands.
  await demo.goto(`${url}&family=whole&epochs=100000&target=none`, {
    waitUntil: 'load',
    timeout: 60_000,
  });
  await waitForStatus(demo, 'ready', 60_000);
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
  check(await demo.isEnabled('[data-testid="family"]'), 'the family selector is disabled');
  check(await demo.isDisabled('[data-testid="stop"]'), 'Stop is still enabled after Stop');
  const found = await readResults(demo);
  check(found.visible && found.rows.length === 21, 'no 21-row table after Stop');
  check(found.stopReason === 'aborted', `the stopped run's stop reason is "${found.stopReason}"`);
  check(Number.isFinite(found.accuracy), 'no fresh-sequence accuracy after Stop');
  await demo.click('[data-testid="start"]');
  await waitForStatus(demo, 'training', 10_000);
  await demo.waitForFunction(
    () => Number(document.querySelector('[data-testid="epoch"]')?.textContent) > 0,
    undefined,
    { timeout: 10_000 },
  );
  // The Stop step above is the strict check; here the page only has to train again and
  // settle (were Stop disabled by then, the click would time out harmlessly).
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
