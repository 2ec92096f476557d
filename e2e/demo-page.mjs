// @ts-check
/* global document, requestAnimationFrame, PerformanceObserver */
/**
 * What the e2e test reads from the demo page (through its `data-testid` hooks and
 * `body[data-status]`), and how it waits for it.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { check, Failure, ms, within } from './harness.mjs';

/** @typedef {import('playwright-core').Page} Page */

/**
 * The page's state as the test reads it.
 *
 * @param {Page} page
 */
export async function readState(page) {
  return page.evaluate(() => {
    const text = (/** @type {string} */ id) =>
      document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '';
    return {
      status: document.body.dataset.status ?? '',
      statusText: text('status'),
      epoch: Number(text('epoch')),
      detail: text('detail'),
    };
  });
}

/**
 * Starts counting frames in the page: how many, and the longest gap between two, while the
 * page's status is `training`; and the page thread's long tasks (over 50 ms, Chromium's
 * `longtask` entries) meanwhile: how many, the longest and their total.
 *
 * @param {Page} page
 */
export async function startFrameProbe(page) {
  await page.evaluate(() => {
    const probe = { frames: 0, maxGap: 0, span: 0, last: -1, on: true };
    const tasks = { count: 0, longest: 0, total: 0 };
    const observer = new PerformanceObserver((list) => {
      if (document.body.dataset.status !== 'training') return;
      for (const entry of list.getEntries()) {
        tasks.count++;
        tasks.longest = Math.max(tasks.longest, entry.duration);
        tasks.total += entry.duration;
      }
    });
    observer.observe({ type: 'longtask' });
    Object.assign(globalThis, { __frameProbe: probe, __longTasks: { tasks, observer } });
    /** @param {number} now */
    const tick = (now) => {
      if (document.body.dataset.status === 'training') {
        if (probe.last >= 0) {
          probe.maxGap = Math.max(probe.maxGap, now - probe.last);
          probe.span += now - probe.last;
        }
        probe.frames++;
        probe.last = now;
      } else {
        probe.last = -1;
      }
      if (probe.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/**
 * Stops the frame probe and returns its counts.
 *
 * @param {Page} page
 * @returns {Promise<{ frames: number, maxGap: number, fps: number, longTasks: { count: number, longest: number, total: number } }>}
 */
export async function stopFrameProbe(page) {
  return page.evaluate(() => {
    const scope = /** @type {Record<string, unknown>} */ (globalThis);
    const probe = /** @type {{ frames: number, maxGap: number, span: number, on: boolean }} */ (
      scope.__frameProbe
    );
    const { tasks, observer } =
      /** @type {{ tasks: { count: number, longest: number, total: number }, observer: PerformanceObserver }} */ (
        scope.__longTasks
      );
    for (const entry of observer.takeRecords()) {
      tasks.count++;
      tasks.longest = Math.max(tasks.longest, entry.duration);
      tasks.total += entry.duration;
    }
    observer.disconnect();
    probe.on = false;
    const fps = probe.span > 0 ? (1000 * (probe.frames - 1)) / probe.span : Number.NaN;
    return { frames: probe.frames, maxGap: probe.maxGap, fps, longTasks: tasks };
  });
}

/**
 * Polls the page until its status leaves training/stopping/evaluating/saving, timing every round trip
 * made while it trains. Optionally calls `during` once per poll (to click Stop, say).
 *
 * @param {Page} page
 * @param {{ timeoutMs: number, started?: number, during?: (state: Awaited<ReturnType<typeof readState>>, elapsedMs: number) => Promise<void> }} options
 */
export async function watchTraining(page, { timeoutMs, during, started = performance.now() }) {
  /** @type {number[]} */
  const roundTrips = [];
  /** @type {Set<number>} */
  const epochsSeen = new Set();
  let state = await readState(page);
  for (;;) {
    const elapsed = performance.now() - started;
    check(
      elapsed < timeoutMs,
      `still "${state.statusText}" at epoch ${state.epoch} after ${ms(elapsed)}`,
    );
    const asked = performance.now();
    state = await within(readState(page), 10_000, 'page.evaluate during training');
    const roundTrip = performance.now() - asked;
    if (state.status === 'training') {
      roundTrips.push(roundTrip);
      epochsSeen.add(state.epoch);
    }
    if (!['training', 'stopping', 'evaluating', 'saving'].includes(state.status)) break;
    if (during) await during(state, performance.now() - started);
    await delay(20);
  }
  return { state, roundTrips, epochsSeen, totalMs: performance.now() - started };
}

/**
 * @param {Page} page
 */
export async function readResults(page) {
  return page.evaluate(() => {
    const value = (/** @type {string} */ id) =>
      Number(
        /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="${id}"]`))?.dataset
          .value,
      );
    const rows = Array.from(document.querySelectorAll('[data-testid="echo-row"]'), (row) => {
      const {
        input = '',
        expected = '',
        predicted = '',
      } = /** @type {HTMLElement} */ (row).dataset;
      return {
        input: input.split(',').map(Number),
        expected: expected.split(',').map(Number),
        predicted: predicted.split(',').map(Number),
      };
    });
    const results = /** @type {HTMLElement} */ (document.querySelector('[data-testid="results"]'));
    return {
      accuracy: value('accuracy'),
      sequenceAccuracy: value('sequence-accuracy'),
      rows,
      visible: !results.hidden,
      family: results.dataset.family ?? '',
      stopReason: results.dataset.stopReason ?? '',
      epochs: Number(results.dataset.epochs),
    };
  });
}

/**
 * The save line (what the page says about indexeddb://seq-echo-demo) and the load result (what
 * it says about a model it loaded from there).
 *
 * @param {Page} page
 */
export async function readSaveAndLoad(page) {
  return page.evaluate(() => {
    const find = (/** @type {string} */ id) =>
      /** @type {HTMLElement} */ (document.querySelector(`[data-testid="${id}"]`));
    const saved = find('saved');
    const loaded = find('load-result');
    return {
      saved: { state: saved.dataset.state ?? '', text: saved.textContent.trim() },
      loaded: {
        visible: !loaded.hidden,
        state: loaded.dataset.state ?? '',
        identical: Number(loaded.dataset.identical),
        total: Number(loaded.dataset.total),
        sameAccuracy: loaded.dataset.sameAccuracy === 'true',
        text: loaded.textContent.trim(),
      },
    };
  });
}

/**
 * How many pixels of the chart are in the loss line's blue (#2563eb) and the training
 * accuracy's orange (#ea580c): the lines onEpochEnd drew. Read once (canvas readbacks are slow).
 *
 * @param {Page} page
 */
export async function readChartColors(page) {
  return page.evaluate(() => {
    const canvas = /** @type {HTMLCanvasElement} */ (
      document.querySelector('[data-testid="chart"]')
    );
    const pixels =
      canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    let blue = 0;
    let orange = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r = 0, g = 0, b = 0] = [pixels[i], pixels[i + 1], pixels[i + 2]];
      if (b > 180 && r < 90 && g > 70 && g < 140) blue++;
      if (r > 200 && g > 60 && g < 120 && b < 60) orange++;
    }
    return { blue, orange };
  });
}

/**
 * @param {Page} page
 * @param {string} status
 * @param {number} timeoutMs
 */
export async function waitForStatus(page, status, timeoutMs) {
  try {
    await page.waitForFunction((wanted) => document.body.dataset.status === wanted, status, {
      timeout: timeoutMs,
    });
  } catch {
    const { statusText, epoch, detail } = await readState(page);
    throw new Failure(
      `expected status "${status}" within ${ms(timeoutMs)}, but the page shows "${statusText}" at epoch ${epoch} (${detail})`,
    );
  }
}

/**
 * The live parts of the results: the attention heatmap's counts and weights, the teacher
 * forcing's decoding steps, and the sequence message (what "Show" said).
 *
 * @param {Page} page
 */
export async function readLive(page) {
  return page.evaluate(() => {
    const find = (/** @type {string} */ id) =>
      /** @type {HTMLElement} */ (document.querySelector(`[data-testid="${id}"]`));
    const heatmap = find('heatmap');
    const steps = find('decode-steps');
    const message = find('sequence-message');
    return {
      heatmap: {
        visible: !heatmap.hidden,
        peaks: Number(heatmap.dataset.peaks),
        rows: Number(heatmap.dataset.rows),
        mass: Number(heatmap.dataset.mass),
        /** @type {number[][]} */
        weights: JSON.parse(heatmap.dataset.weights ?? '[]'),
      },
      steps: {
        visible: !steps.hidden,
        sequence: steps.dataset.sequence ?? '',
        tokens: steps.dataset.tokens ?? '',
        agrees: steps.dataset.agrees === 'true',
        text: Array.from(find('decode-steps-list').children, (li) =>
          (li.textContent ?? '').trim().replace(/\s+/g, ' '),
        ).join(', '),
      },
      message: { state: message.dataset.state ?? '', text: message.textContent.trim() },
    };
  });
}
