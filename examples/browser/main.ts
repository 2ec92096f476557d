/**
 * The browser demo: trains model A of the walkthrough (the whole-window echo) live in the page,
 * draws loss and accuracy per epoch on a canvas, and shows the Expected/Predicted table for a
 * fresh sequence when training ends or is stopped. Each finished run (done or stopped) is saved
 * with `saveEchoModel(model, 'indexeddb://seq-echo-demo')`; "Load saved model" brings it back
 * with `loadEchoModel`, also after a reload, and checks that it predicts exactly what the saved
 * model predicted on the table's sequence.
 *
 * Build and serve it from a clone of the repository (no `npm run build` needed; esbuild
 * bundles this file, seq-echo's src/ and @tensorflow/tfjs into one ES module):
 *
 *   node scripts/build-browser-demo.mjs --serve   # builds in memory, serves, prints the URL
 *   node scripts/build-browser-demo.mjs           # writes examples/browser/dist/main.js
 *
 * In your own app, import from 'seq-echo' instead of '../../src/index'.
 *
 * This file wires the page up; the rest is split by job: training.ts (Start and Stop: the
 * training loop's glue), restore.ts ("Load saved model"), saved.ts (saving, and the record of
 * the saved run), threads.ts (worker threads), chart.ts (the learning curve), view.ts (the rest of the page), pacing.ts
 * (yielding to input and frames while training), settings.ts (the presets and the URL's
 * overrides), state.ts (the model and the run in progress).
 *
 * On a cross-origin isolated page (the demo's server sends the headers) threads.ts hands
 * seq-echo a worker factory (`useThreadWorkers`), so `trainEcho` may also train on worker
 * threads (dist/fusedWorker.js, bundled apart); the page says whether it is isolated and how
 * many threads the last run used. The page's responsiveness needs no worker: `trainEcho` yields to the event loop every ~50 ms, and the demo's
 * `onEpochEnd` (training.ts, pacing.ts) yields every ~16 ms and waits for a frame when one is
 * overdue, so clicks (Stop), the counters and the chart stay live. Hooks for tests: `data-testid`
 * attributes, `body[data-status]`, `data-value` (the raw number) on the accuracy outputs,
 * `data-state` on the save and load lines.
 * `?seed=N` in the URL fixes the seed, and with it the run, the table's sequence and the
 * evaluation's sequences.
 */
import * as tf from '@tensorflow/tfjs';
import { drawChart, redrawChart } from './chart';
import { loadSaved } from './restore';
import { describeSavedRun, readSavedRun, SAVE_URL, savedModelExists } from './saved';
import { page, setRunning } from './state';
import { installBenchHook, setUpThreads } from './threads';
import { start, stop } from './training';
import { setSaved, setStatus, showError, showPreset, ui } from './view';

async function init(): Promise<void> {
  setUpThreads();
  installBenchHook();
  showPreset();
  drawChart();
  ui.preset.addEventListener('change', showPreset);
  ui.start.addEventListener('click', () => void start());
  ui.stop.addEventListener('click', stop);
  ui.load.addEventListener('click', () => void loadSaved());
  window.addEventListener('resize', redrawChart);
  // seq-echo changes no tfjs settings; tfjs picks its own backend (webgl where it can, else
  // cpu). The fused engine trains and predicts in its own WebAssembly either way.
  await tf.ready();
  page.hasSavedModel = await savedModelExists();
  const saved = page.hasSavedModel ? readSavedRun() : undefined;
  if (page.hasSavedModel) {
    setSaved(
      'found',
      `a saved model is in ${SAVE_URL}` + (saved ? ` (${describeSavedRun(saved)})` : ''),
    );
  } else {
    setSaved('none', `each finished run is saved to ${SAVE_URL}`);
  }
  setRunning(false);
  setStatus(
    'ready',
    `tfjs backend ${tf.getBackend()}; pick a preset and press Start` +
      (page.hasSavedModel ? ', or load the saved model' : ''),
  );
}

init().catch(showError);
