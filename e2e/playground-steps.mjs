// @ts-check
/* global document */
/**
 * The e2e test's steps for the playground's families (see browser-demo.test.mjs for the story):
 * train a family to its target, check its table (and its heatmap or decoding steps), type a
 * sequence, and load each saved family after a reload.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { check, ms } from './harness.mjs';
import {
  readChartColors,
  readLive,
  readResults,
  readSaveAndLoad,
  readState,
  startFrameProbe,
  stopFrameProbe,
  waitForStatus,
  watchTraining,
} from './demo-page.mjs';
import { ARTIFACTS } from './demo-steps.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {Awaited<ReturnType<typeof readResults>>} Results */

/** Every family of familyPresets, in the selector's order. */
export const FAMILIES = [
  'whole',
  'partial',
  'linear',
  'masking',
  'reverse',
  'oneToOne',
  'manyToOne',
  'attention',
  'teacherForcing',
];
/** The longest one family may take to train, evaluate and save. */
const FAMILY_TIMEOUT_MS = 90_000;
/** The accuracy on the final evaluation's fresh sequences each family must reach. */
const MIN_ACCURACY = 0.95;

export const familyScreenshot = (/** @type {string} */ family) =>
  path.join(ARTIFACTS, `playground-${family}.png`);

/** @param {string} family */
const saveUrl = (family) => `indexeddb://seq-echo-demo-${family}`;

/**
 * Trains `family` with its preset to its target, watching round trips and frames meanwhile.
 *
 * @param {Page} demo
 * @param {string} family
 */
export async function trainToTarget(demo, family) {
  await demo.selectOption('[data-testid="family"]', family);
  await startFrameProbe(demo);
  const started = performance.now();
  await demo.click('[data-testid="start"]');
  const watched = await watchTraining(demo, { timeoutMs: FAMILY_TIMEOUT_MS, started });
  const frames = await stopFrameProbe(demo);
  const { state } = watched;
  check(
    state.status === 'done',
    `${family}: training ended "${state.statusText}" (${state.detail})`,
  );
  const results = await readResults(demo);
  check(results.family === family, `${family}: the results are those of "${results.family}"`);
  check(
    results.stopReason === 'targetAccuracy',
    `${family}: stopped by "${results.stopReason}" after ${results.epochs} epochs, not by reaching the target (${state.detail})`,
  );
  check(
    results.accuracy >= MIN_ACCURACY,
    `${family}: fresh-sequence accuracy ${results.accuracy}, expected at least ${MIN_ACCURACY}`,
  );
  return { ...watched, frames, results, table: checkTable(family, results) };
}

/**
 * The table: rows of the family's shape, and at least 90% of its items right (teacher forcing:
 * 80% of its sequences decoded exactly).
 *
 * @param {string} family
 * @param {Results} results
 */
function checkTable(family, results) {
  check(results.visible && results.rows.length > 0, `${family}: no Expected/Predicted table`);
  let items = 0;
  let right = 0;
  let rightRows = 0;
  for (const { expected, predicted } of results.rows) {
    const wanted = expected.filter((id) => id >= 0).length;
    const hits = expected.filter((id, k) => id >= 0 && id === predicted[k]).length;
    items += wanted;
    right += hits;
    if (hits === wanted && predicted.length === expected.length) rightRows++;
  }
  if (family === 'teacherForcing') {
    check(
      rightRows >= 0.8 * results.rows.length,
      `${family}: only ${rightRows} of ${results.rows.length} sequences decoded exactly`,
    );
  } else {
    check(right >= 0.9 * items, `${family}: only ${right} of ${items} table items right`);
  }
  return { rows: results.rows.length, rightRows, items, right };
}

/**
 * The family's live part after training: attention's heatmap with its peaks on the
 * anti-diagonal, teacher forcing's decoding steps ending in END and agreeing with decodeGreedy.
 *
 * @param {Page} demo
 * @param {string} family
 */
export async function checkLive(demo, family) {
  const live = await readLive(demo);
  if (family === 'attention') {
    const { heatmap } = live;
    check(heatmap.visible, 'attention: no heatmap');
    check(
      heatmap.rows === 20 && heatmap.peaks >= 18,
      `attention: ${heatmap.peaks}/${heatmap.rows} heatmap rows peak on the anti-diagonal, expected at least 18/20`,
    );
    return `heatmap ${heatmap.peaks}/${heatmap.rows} rows peak on the anti-diagonal, mean weight there ${heatmap.mass.toFixed(3)}`;
  }
  check(!live.heatmap.visible, `${family}: a heatmap is shown`);
  if (family === 'teacherForcing') {
    const { steps } = live;
    check(steps.visible, 'teacherForcing: no decoding steps');
    check(steps.agrees, 'teacherForcing: the decoding steps disagree with decodeGreedy');
    check(
      steps.tokens === `${steps.sequence},END`,
      `teacherForcing: decoding ${steps.sequence} chose ${steps.tokens}, expected ${steps.sequence},END`,
    );
    return `decoding ${steps.sequence}: ${steps.text}`;
  }
  check(!live.steps.visible, `${family}: decoding steps are shown`);
  return '';
}

/**
 * The chart after a run: lines of both colours.
 *
 * @param {Page} demo
 * @param {string} family
 */
export async function checkChart(demo, family) {
  const chart = await readChartColors(demo);
  check(
    chart.blue > 100 && chart.orange > 100,
    `${family}: the chart shows ${chart.blue} loss-blue and ${chart.orange} accuracy-orange pixels, expected lines of both`,
  );
}

/**
 * Types `text` into the sequence field and presses Show; waits for the training worker's view
 * (the message says `showing` until it comes).
 *
 * @param {Page} demo
 * @param {string} text
 */
async function showSequence(demo, text) {
  await demo.fill('[data-testid="sequence"]', text);
  await demo.click('[data-testid="show-sequence"]');
  await demo.waitForFunction(
    () =>
      /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="sequence-message"]'))
        ?.dataset.state !== 'showing',
    undefined,
    { timeout: 10_000 },
  );
  return (await readLive(demo)).message;
}

/**
 * With the whole family's model on the page: bad sequences get a clear message and change
 * nothing; a good one becomes the table; an empty field brings the random sequence back.
 *
 * @param {Page} demo
 */
export async function checkTypedSequence(demo) {
  /** @type {[string, string][]} typed text, and the message's opening */
  const bad = [
    ['3 1 x 4', '"x" is not an integer'],
    ['3 1 4 1 100 9', '100 (item 5) is outside 0..99'],
    ['3 1.5 4 1 5', '"1.5" is not an integer'],
    ['3 1 4', '3 integers given; whole takes 5 to 120 integers in 0..99'],
  ];
  for (const [text, says] of bad) {
    const message = await showSequence(demo, text);
    check(
      message.state === 'error' && message.text.startsWith(says),
      `typing "${text}" shows "${message.text}" (${message.state}), expected an error "${says}…"`,
    );
  }
  const typed = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  const message = await showSequence(demo, typed.join(', '));
  check(message.state === 'ok', `typing ${typed} shows "${message.text}" (${message.state})`);
  const { rows } = await readResults(demo);
  check(
    rows.length === typed.length - 4 &&
      rows.every((row, i) => row.input.join() === typed.slice(i, i + 5).join()),
    `the table after Show has inputs ${rows.map((row) => row.input.join(' ')).join(' | ')}, expected the windows of ${typed}`,
  );
  const right = rows.filter((row) => row.predicted.join() === row.expected.join()).length;
  const cleared = await showSequence(demo, '');
  check(cleared.state === 'random', `an empty field shows "${cleared.text}" (${cleared.state})`);
  return `bad input refused with a message (4 cases); ${typed.join(' ')} gave ${rows.length} windows, ${right} echoed right`;
}

/**
 * After a reload: each saved family's model loads from IndexedDB with the same predictions
 * on the same sequences and the same accuracy; teacher forcing's (loadTeacherForcing) also
 * decodes step by step up to END, agreeing with decodeGreedy.
 *
 * @param {Page} demo
 * @param {Map<string, Results>} before the table of each family's run
 */
export async function reloadAndLoadAll(demo, before) {
  await demo.reload({ waitUntil: 'load', timeout: 60_000 });
  await waitForStatus(demo, 'ready', 60_000);
  /** @type {string[]} */
  const loaded = [];
  // Every family is saved (teacher forcing with saveTeacherForcing).
  for (const family of FAMILIES) {
    await demo.selectOption('[data-testid="family"]', family);
    const { saved } = await readSaveAndLoad(demo);
    check(
      saved.state === 'found' && saved.text.includes(saveUrl(family)),
      `${family}: after a reload the save line shows "${saved.text}" (${saved.state}), expected a saved model in ${saveUrl(family)}`,
    );
    const started = performance.now();
    await demo.click('[data-testid="load"]');
    await waitForStatus(demo, 'loaded', 30_000);
    const took = performance.now() - started;
    const after = await readResults(demo);
    const verdict = (await readSaveAndLoad(demo)).loaded;
    const old = before.get(family);
    check(
      verdict.state === 'identical' && verdict.sameAccuracy,
      `${family}: the load line says "${verdict.text}" (${verdict.state})`,
    );
    check(
      old !== undefined &&
        after.accuracy === old.accuracy &&
        JSON.stringify(after.rows) === JSON.stringify(old.rows),
      `${family}: the loaded model's table or accuracy (${after.accuracy}) differs from the trained model's (${old?.accuracy})`,
    );
    if (family === 'teacherForcing') await checkLive(demo, family);
    loaded.push(`${family} ${verdict.identical}/${verdict.total} rows identical in ${ms(took)}`);
  }
  await demo.selectOption('[data-testid="family"]', 'attention');
  await demo.click('[data-testid="load"]');
  await waitForStatus(demo, 'loaded', 30_000);
  const { heatmap } = await readLive(demo);
  check(heatmap.visible && heatmap.peaks >= 18, 'attention: no heatmap after loading');
  const { detail } = await readState(demo);
  return { loaded, detail };
}

/**
 * With the teacher-forcing model on the page: a sequence too long is refused; a typed one is
 * decoded step by step up to END, and becomes the table's one row.
 *
 * @param {Page} demo
 */
export async function checkTypedDecoding(demo) {
  const tooLong = await showSequence(demo, '1 2 3 4 5 6');
  check(
    tooLong.state === 'error' && tooLong.text.startsWith('6 integers given'),
    `typing 6 items for teacher forcing shows "${tooLong.text}" (${tooLong.state})`,
  );
  const typed = '7 0 3 5 2';
  const message = await showSequence(demo, typed);
  check(message.state === 'ok', `typing ${typed} shows "${message.text}" (${message.state})`);
  const { steps } = await readLive(demo);
  const { rows } = await readResults(demo);
  check(
    steps.sequence === '7,0,3,5,2' && rows.length === 1 && rows[0]?.input.join() === '7,0,3,5,2',
    `after Show the steps decode "${steps.sequence}" and the table has ${rows.length} rows, expected ${typed}`,
  );
  check(
    steps.agrees && steps.tokens === '7,0,3,5,2,END',
    `decoding ${typed} chose ${steps.tokens}, expected 7,0,3,5,2,END`,
  );
  await showSequence(demo, '');
  return `${typed} decoded as ${steps.text}`;
}
