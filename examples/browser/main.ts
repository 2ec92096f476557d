/**
 * The browser playground: trains any of seq-echo's model families (every entry of
 * `familyPresets`, each with its preset: `trainTeacherForcing` for teacher forcing, `trainEcho`
 * for the others) live in the page, draws loss and accuracy per epoch on a canvas, and keeps an
 * Expected/Predicted table up to date while it trains (`predictEcho`; teacher forcing:
 * `decodeGreedyBatch`), on a random sequence or one the user types. The attention family also
 * shows a heatmap of `attentionWeights` for the table's first window, teacher forcing its greedy
 * decoding step by step up to END with each token's probability. Each finished run (done or
 * stopped) is saved with `saveEchoModel(model, 'indexeddb://seq-echo-demo-<family>')`; "Load
 * saved model" brings the selected family's back with `loadEchoModel`, also after a reload, and
 * checks that it predicts exactly what the saved model predicted on the table's sequences.
 * Teacher-forcing models are not saved: seq-echo's save takes one-input echo models (saved.ts).
 *
 * Build and serve it from a clone of the repository (no `npm run build` needed; esbuild
 * bundles this file, seq-echo's src/ and @tensorflow/tfjs into one ES module):
 *
 *   node scripts/build-browser-demo.mjs --serve   # builds in memory, serves, prints the URL
 *   node scripts/build-browser-demo.mjs           # writes examples/browser/dist/main.js
 *
 * In your own app, import from 'seq-echo' instead of '../../src/index'.
 *
 * This file wires the page up; the rest is split by job: families.ts (every family through one
 * door: build, train, evaluate, predict, dispose), training.ts (Start and Stop), live.ts (the
 * table, heatmap and decoding steps, refreshed while training; "Show" for a typed sequence),
 * sequence.ts (the table's sequences, and checking a typed one), table.ts (the results
 * section), heatmap.ts (attention weights), steps.ts (greedy decoding step by step),
 * restore.ts ("Load saved model"), saved.ts (saving, and the record of each saved run),
 * threads.ts (worker threads), chart.ts (the learning curve), view.ts (the rest of the page),
 * pacing.ts (yielding to input and frames while training), settings.ts (the families and the
 * URL's overrides), state.ts (the model and the run in progress).
 *
 * Training runs on the page's thread with seq-echo's fused engine (WebAssembly) and, on a
 * cross-origin isolated page (the demo's server sends the headers), also on worker threads:
 * threads.ts hands seq-echo a worker factory (`useThreadWorkers`, dist/fusedWorker.js, bundled
 * apart), and the page says how many threads the last run used. The page stays responsive
 * because the training loop yields to the event loop every ~50 ms, and the demo's `onEpochEnd`
 * (training.ts, pacing.ts) yields every ~16 ms and waits for a frame when one is overdue, so
 * clicks (Stop), the counters, the chart and the live view keep coming. Hooks for tests:
 * `data-testid` attributes, `body[data-status]`, `data-value` (the raw number) on the accuracy
 * outputs, `data-state` on the save, load and sequence lines, and those heatmap.ts and steps.ts
 * describe. `?seed=N` in the URL fixes the seed, and with it the run, the table's sequence and
 * the evaluation's sequences; `?family=NAME` preselects a family; `?epochs=N` and
 * `?target=none` make a long run (to watch, or to stop); `?backend=NAME` picks tfjs's backend
 * (default cpu, see chooseBackend).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/index';
import { drawChart, redrawChart } from './chart';
import { showTyped } from './live';
import { loadSaved } from './restore';
import { savedFamilies, showSavedLine } from './saved';
import { page, setRunning } from './state';
import { hideResults } from './table';
import { installBenchHook, setUpThreads } from './threads';
import { start, stop } from './training';
import { fillFamilies, selectedFamily, setStatus, showError, showFamily, ui } from './view';

/**
 * The tfjs backend: `cpu`, or `?backend=NAME` (`webgl`, …). seq-echo's fused engine trains,
 * predicts and evaluates in its own WebAssembly whatever the backend; tfjs itself only builds
 * the models and runs teacher forcing's one-step decoder for the step-by-step view, a few tiny
 * predictions, which the cpu backend answers in milliseconds where webgl first compiles its
 * shaders (about 0.8 s with the page frozen, measured in headless Chromium) and then stalls on
 * every read back (40-70 ms a decoding).
 */
async function chooseBackend(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('backend') ?? 'cpu';
  try {
    await selectBackend(wanted);
  } catch (error) {
    console.warn(`demo: ${error instanceof Error ? error.message : String(error)}`);
    await tf.ready();
  }
}

/** A family chosen: its description, its save line, its Load button; another's results go. */
function familyChanged(): void {
  const family = selectedFamily();
  showFamily();
  showSavedLine(family, page.savedFamilies.has(family));
  if (page.trained && page.trained.family !== family) hideResults();
  if (page.typed && page.typed.family !== family) {
    // A sequence typed for another family: its ids or length may not fit this one.
    page.typed = undefined;
    ui.sequence.value = '';
    ui.sequenceMessage.textContent = '';
    delete ui.sequenceMessage.dataset.state;
  }
  ui.loadResult.hidden = true;
  setRunning(false);
}

async function init(): Promise<void> {
  setUpThreads();
  installBenchHook();
  fillFamilies();
  showFamily();
  drawChart();
  ui.family.addEventListener('change', familyChanged);
  ui.start.addEventListener('click', () => void start());
  ui.stop.addEventListener('click', stop);
  ui.load.addEventListener('click', () => void loadSaved());
  ui.showSequence.addEventListener('click', showTyped);
  ui.sequence.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      showTyped();
    }
  });
  window.addEventListener('resize', redrawChart);
  await chooseBackend();
  page.savedFamilies = await savedFamilies();
  const family = selectedFamily();
  showSavedLine(family, page.savedFamilies.has(family));
  setRunning(false);
  const saved = page.savedFamilies.size;
  setStatus(
    'ready',
    `tfjs backend ${tf.getBackend()}; pick a family and press Start` +
      (saved > 0
        ? `, or load a saved model (${saved} ${saved === 1 ? 'family has' : 'families have'} one)`
        : ''),
  );
}

init().catch(showError);
