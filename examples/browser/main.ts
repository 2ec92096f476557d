/**
 * The browser playground: trains any of seq-echo's model families (every entry of
 * `familyPresets`, each with its preset: `trainTeacherForcing` for teacher forcing, `trainEcho`
 * for the others) in a dedicated Web Worker, draws loss and accuracy per epoch on a canvas, and
 * keeps an Expected/Predicted table up to date while it trains (`predictEcho`; teacher forcing:
 * `decodeGreedyBatch`), on a random sequence or one the user types. The attention family also
 * shows a heatmap of `attentionWeights` for the table's first window, teacher forcing its greedy
 * decoding step by step up to END with each token's probability. Each finished run (done or
 * stopped) is saved with `saveEchoModel(model, 'indexeddb://seq-echo-demo-<family>')` (teacher
 * forcing's three models with `saveTeacherForcing`); "Load saved model" brings the selected
 * family's back with `loadEchoModel` (`loadTeacherForcing`), also after a reload, and checks
 * that it predicts exactly what the saved model predicted on the table's sequences.
 *
 * Build and serve it from a clone of the repository (no `npm run build` needed; esbuild
 * bundles the page, the training worker with seq-echo's src/ and @tensorflow/tfjs, and
 * seq-echo's fused worker, each into one ES module):
 *
 *   node scripts/build-browser-demo.mjs --serve   # builds in memory, serves, prints the URL
 *   node scripts/build-browser-demo.mjs           # writes examples/browser/dist/
 *
 * In your own app, import from 'seq-echo' instead of '../../src/index'. (The page's modules
 * import `familyPresets` and `generateSequence` from their own files in src/, which need no
 * tfjs, so the page's bundle leaves tfjs to the worker's.)
 *
 * Two threads, two sets of modules. The training worker (trainingWorker.ts, its entry) holds
 * the model: session.ts (train, stop, show, evaluate, save, load), families.ts (every family
 * through one door: build, train, evaluate, predict, dispose), decode.ts (greedy decoding step
 * by step), threads.ts (seq-echo's thread workers, and the e2e's bench run). The page draws:
 * this file wires it up; client.ts talks to the worker (protocol.ts says what they say);
 * training.ts (Start and Stop), live.ts (the table, heatmap and decoding steps the worker
 * posts; "Show" for a typed sequence), sequence.ts (the table's sequences, and checking a
 * typed one), table.ts (the results section), heatmap.ts (attention weights), steps.ts
 * (decoding steps), restore.ts ("Load saved model"), saved.ts (the save line, and the record
 * of each saved run), chart.ts (the learning curve), view.ts (the rest of the page),
 * settings.ts (the families and the URL's overrides), state.ts (what the page knows of the
 * worker's model and of the run in progress).
 *
 * Training never runs on the page's thread, so the page never freezes: clicks (Stop), the
 * counters, the chart and the live view keep coming whatever the worker computes. Where the
 * page is cross-origin isolated (the demo's server sends the headers), so is its worker, and
 * seq-echo's fused engine may share an epoch's math with nested workers (threads.ts hands
 * seq-echo a factory for dist/fusedWorker.js, `useThreadWorkers`); the page says how many
 * threads the last run used. Hooks for tests: `data-testid` attributes, `body[data-status]`,
 * `data-value` (the raw number) on the accuracy outputs, `data-state` on the save, load and
 * sequence lines, those heatmap.ts and steps.ts describe, and with `?bench` in the URL
 * `window.__seqEchoBench`. `?seed=N` in the URL fixes the seed, and with it the run, the
 * table's sequence and the evaluation's sequences; `?family=NAME` preselects a family;
 * `?epochs=N` and `?target=none` make a long run (to watch, or to stop); `?backend=NAME` picks
 * the worker's tfjs backend (default cpu, see trainingWorker.ts).
 */
import { drawChart, redrawChart } from './chart';
import { call, startWorker } from './client';
import { showTyped, showView } from './live';
import type { BenchRun } from './protocol';
import { loadSaved } from './restore';
import { showSavedLine } from './saved';
import { page, setRunning } from './state';
import { hideResults } from './table';
import { showEpochs, start, stop } from './training';
import {
  fillFamilies,
  selectedFamily,
  setStatus,
  showError,
  showFamily,
  showWhereTrainingRuns,
  ui,
} from './view';

declare global {
  interface Window {
    /** Only with `?bench`: trains the fastPartial model for `epochs` epochs on `threads` threads. */
    __seqEchoBench?: (threads: number, epochs: number) => Promise<BenchRun>;
  }
}

/**
 * For the e2e test, with `?bench` in the URL: `window.__seqEchoBench(threads, epochs)` has the
 * worker train `presets.fastPartial`'s model B (batches of 32, where threads pay) for a fixed
 * number of epochs, so the test can time one thread against two (threads.ts).
 */
function installBenchHook(): void {
  if (!new URLSearchParams(location.search).has('bench')) return;
  window.__seqEchoBench = (threads, epochs) => call('bench', { threads, epochs });
}

/** A family chosen: its description, its save line, its Load button; another's results go. */
function familyChanged(): void {
  const family = selectedFamily();
  showFamily();
  showSavedLine(family, page.savedFamilies.has(family));
  if (page.model !== undefined && page.model !== family) hideResults();
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
  startWorker({ epochs: showEpochs, view: showView }, showError);
  installBenchHook();
  fillFamilies();
  showFamily();
  drawChart();
  ui.family.addEventListener('change', familyChanged);
  ui.start.addEventListener('click', () => void start());
  ui.stop.addEventListener('click', stop);
  ui.load.addEventListener('click', () => void loadSaved());
  ui.showSequence.addEventListener('click', () => void showTyped());
  ui.sequence.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void showTyped();
    }
  });
  window.addEventListener('resize', redrawChart);
  const backend = new URLSearchParams(location.search).get('backend') ?? 'cpu';
  const ready = await call('init', { backend });
  page.backend = ready.backend;
  page.savedFamilies = new Set(ready.saved);
  showWhereTrainingRuns(ready.isolated, ready.cores);
  const family = selectedFamily();
  showSavedLine(family, page.savedFamilies.has(family));
  setRunning(false);
  const saved = page.savedFamilies.size;
  setStatus(
    'ready',
    `training worker ready, tfjs backend ${page.backend}; pick a family and press Start` +
      (saved > 0
        ? `, or load a saved model (${saved} ${saved === 1 ? 'family has' : 'families have'} one)`
        : ''),
  );
}

init().catch(showError);
