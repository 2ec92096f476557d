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
 * The page needs no worker: `trainEcho` yields to the event loop every ~50 ms, and the
 * `onEpochEnd` below yields every ~16 ms and waits for a frame when one is overdue, so clicks
 * (Stop), the counters and the chart stay live. Hooks for tests: `data-testid` attributes, `body[data-status]`, and
 * `data-value` (the raw number) on the accuracy outputs, `data-state` on the save and load lines.
 * `?seed=N` in the URL fixes the seed, and with it the run, the table's sequence and the
 * evaluation's sequences.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildSeq2Seq,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  loadEchoModel,
  predictEcho,
  presets,
  saveEchoModel,
  trainEcho,
  type EchoPrediction,
  type EpochEvaluation,
  type TrainEchoResult,
} from '../../src/index';

type PresetName = 'walkthrough' | 'fast';
type Status =
  | 'loading'
  | 'ready'
  | 'training'
  | 'stopping'
  | 'evaluating'
  | 'saving'
  | 'done'
  | 'stopped'
  | 'restoring'
  | 'loaded'
  | 'error';

/** The two recipes for model A; the select's option values are their keys. */
const recipes = { walkthrough: presets.walkthroughWhole, fast: presets.fastWhole } as const;

/** After this long without a turn of the event loop, onEpochEnd yields one (input lands). */
const YIELD_BUDGET_MS = 16;
/** After this long without a rendered frame, onEpochEnd waits for one. */
const FRAME_BUDGET_MS = 50;
/** How many fresh sequences the final evaluation uses. */
const EVALUATION_SEQUENCES = 100;
/** How long the table's sequence is (21 windows of 5). */
const TABLE_LENGTH = 25;
/** Where each finished run's model is saved (tfjs's IndexedDB handler). */
const SAVE_URL = 'indexeddb://seq-echo-demo';
/** The localStorage key of what the saved run showed (see {@link SavedRun}). */
const SAVED_RUN_KEY = 'seq-echo-demo:saved-run';

/** The page's element with `data-testid="<id>"` (the tests find them the same way). */
function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.querySelector(`[data-testid="${id}"]`);
  if (!(found instanceof type)) throw new Error(`demo: no ${type.name} [data-testid="${id}"]`);
  return found;
}

const ui = {
  preset: element('preset', HTMLSelectElement),
  description: element('preset-description', HTMLElement),
  start: element('start', HTMLButtonElement),
  stop: element('stop', HTMLButtonElement),
  load: element('load', HTMLButtonElement),
  status: element('status', HTMLElement),
  detail: element('detail', HTMLElement),
  saved: element('saved', HTMLElement),
  epoch: element('epoch', HTMLElement),
  maxEpochs: element('max-epochs', HTMLElement),
  loss: element('loss', HTMLElement),
  trainAccuracy: element('train-accuracy', HTMLElement),
  elapsed: element('elapsed', HTMLElement),
  chart: element('chart', HTMLCanvasElement),
  results: element('results', HTMLElement),
  accuracy: element('accuracy', HTMLOutputElement),
  sequenceAccuracy: element('sequence-accuracy', HTMLOutputElement),
  rows: element('echo-rows', HTMLTableSectionElement),
  loadResult: element('load-result', HTMLElement),
};

// ---- status and small formatting helpers ----------------------------------------------------

function setStatus(status: Status, detail?: string): void {
  document.body.dataset.status = status;
  ui.status.textContent = `status: ${status}`;
  if (detail !== undefined) ui.detail.textContent = detail;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function selectedPreset(): PresetName {
  return ui.preset.value === 'fast' ? 'fast' : 'walkthrough';
}

function showPreset(): void {
  const preset = recipes[selectedPreset()];
  ui.description.textContent = preset.description;
  ui.maxEpochs.textContent = String(epochsFor(preset));
}

/** `?epochs=N` in the URL overrides the preset's epoch count (a long run to watch, or to stop). */
function epochsFor(preset: (typeof recipes)[PresetName]): number {
  const fromUrl = new URLSearchParams(location.search).get('epochs');
  return fromUrl !== null && /^[1-9]\d{0,6}$/.test(fromUrl) ? Number(fromUrl) : preset.train.epochs;
}

/**
 * `?seed=N` in the URL, else a random seed (shown in the detail line, so a run can be repeated).
 * It seeds the model's weights, the training and evaluation sequences, and the table's sequence.
 */
function chooseSeed(): number {
  const fromUrl = new URLSearchParams(location.search).get('seed');
  if (fromUrl !== null && /^\d+$/.test(fromUrl)) return Number(fromUrl);
  return Math.floor(Math.random() * 1_000_000);
}

// ---- yielding: input and frames get their turn while training -------------------------------

let lastYieldAt = performance.now();
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();

/**
 * Resolves in a new task, so pending input (a click on Stop) is handled first. A message, not
 * `setTimeout(0)`, which browsers stretch to 4 ms when timers nest.
 */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    yieldQueue.push(() => {
      lastYieldAt = performance.now();
      resolve();
    });
    channel.port2.postMessage(null);
  });
}

// ---- frames: the chart is redrawn at most once a frame ---------------------------------------

let lastFrameAt = performance.now();
let drawPending = false;

function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    lastFrameAt = performance.now();
    drawChart();
  });
}

/**
 * Resolves at the next frame (after the pending draw), or after 100 ms if no frame comes.
 * Hidden tabs get no frames: onEpochEnd does not wait for one there.
 */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      lastFrameAt = lastYieldAt = performance.now();
      resolve();
    }, 100);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      lastFrameAt = lastYieldAt = performance.now();
      resolve();
    });
  });
}

// ---- the chart -------------------------------------------------------------------------------

interface Run {
  preset: PresetName;
  maxEpochs: number;
  /** Whether the run can stop early (the preset has a target accuracy). */
  open: boolean;
  loss: number[];
  accuracy: number[];
  evaluations: EpochEvaluation[];
}

let run: Run | undefined;

const colors = { loss: '#2563eb', accuracy: '#ea580c', evaluation: '#16a34a', grid: '#e5e7eb' };

function drawChart(): void {
  const canvas = ui.chart;
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);

  const pad = { left: 44, right: 44, top: 12, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const n = run?.loss.length ?? 0;
  // A run that can stop early gets an x axis that grows with it; a fixed run shows all epochs.
  const xMax = !run ? 100 : run.open ? Math.max(50, Math.ceil(n / 50) * 50) : run.maxEpochs;
  // Loss starts near ln(100) = 4.6 and only falls; the axis ends at the next whole number.
  const firstLosses = run?.loss.slice(0, 3) ?? [];
  const lossMax = firstLosses.length > 0 ? Math.ceil(Math.max(1, ...firstLosses)) : 5;
  const x = (epoch: number): number => pad.left + (plotW * epoch) / xMax;
  const yLoss = (loss: number): number => pad.top + plotH * (1 - Math.min(loss, lossMax) / lossMax);
  const yAcc = (acc: number): number => pad.top + plotH * (1 - acc);

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.grid;
  ctx.fillStyle = '#6b7280';
  const divisions = 5;
  for (let i = 0; i <= divisions; i++) {
    const y = pad.top + (plotH * i) / divisions;
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(pad.left + plotW, y);
    ctx.stroke();
    ctx.textAlign = 'right';
    const share = (divisions - i) / divisions;
    ctx.fillText(String(Math.round(lossMax * share * 10) / 10), pad.left - 6, y + 4);
    ctx.textAlign = 'left';
    ctx.fillText(`${Math.round(100 * share)}%`, pad.left + plotW + 6, y + 4);
  }
  ctx.textAlign = 'center';
  for (let i = 0; i <= 5; i++) {
    const epoch = Math.round((xMax * i) / 5);
    ctx.fillText(String(epoch), x(epoch), height - 10);
  }
  if (!run || n === 0) return;

  const line = (values: number[], y: (v: number) => number, color: string): void => {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach((v, i) => {
      if (i === 0) ctx.moveTo(x(i + 1), y(v));
      else ctx.lineTo(x(i + 1), y(v));
    });
    ctx.stroke();
  };
  line(run.loss, yLoss, colors.loss);
  line(run.accuracy, yAcc, colors.accuracy);
  ctx.fillStyle = colors.evaluation;
  // Checks that stopped early (the target out of reach) scored only their first sequences.
  for (const { epoch, accuracy } of run.evaluations.filter((e) => e.complete)) {
    ctx.beginPath();
    ctx.arc(x(epoch), yAcc(accuracy), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

// ---- results ---------------------------------------------------------------------------------

/** The accuracies the results section shows. */
interface Accuracies {
  accuracy: number;
  sequenceAccuracy: number;
}

function showResults(evaluation: Accuracies, rows: EchoPrediction[]): void {
  ui.accuracy.textContent = percent(evaluation.accuracy);
  ui.accuracy.dataset.value = String(evaluation.accuracy);
  ui.sequenceAccuracy.textContent = percent(evaluation.sequenceAccuracy);
  ui.sequenceAccuracy.dataset.value = String(evaluation.sequenceAccuracy);

  const body = document.createDocumentFragment();
  rows.forEach(({ input, expected, predicted }, index) => {
    const tr = document.createElement('tr');
    const right = predicted.every((id, k) => id === expected[k]);
    tr.dataset.testid = 'echo-row';
    tr.dataset.input = input.join(',');
    tr.dataset.expected = expected.join(',');
    tr.dataset.predicted = predicted.join(',');
    tr.dataset.match = String(right);
    const cell = (text: string): HTMLTableCellElement => {
      const td = document.createElement('td');
      td.textContent = text;
      return td;
    };
    const predictedCell = document.createElement('td');
    predicted.forEach((id, k) => {
      if (k > 0) predictedCell.append(', ');
      const span = document.createElement('span');
      span.textContent = String(id);
      if (id !== expected[k]) span.className = 'wrong';
      predictedCell.append(span);
    });
    const mark = cell(right ? '✓' : '✗');
    mark.className = right ? 'mark right' : 'mark wrong';
    tr.append(
      cell(String(index + 1)),
      cell(input.join(', ')),
      cell(expected.join(', ')),
      predictedCell,
      mark,
    );
    body.append(tr);
  });
  ui.rows.replaceChildren(body);
  ui.results.hidden = false;
}

// ---- saving and loading ----------------------------------------------------------------------

/**
 * What the page showed for the saved model, kept in localStorage next to it: after a reload the
 * page has nothing else to compare the loaded model with. `predicted` holds the table's
 * predictions, row by row, on `sequence`.
 */
interface SavedRun {
  url: string;
  preset: PresetName;
  seed: number;
  epochs: number;
  /** The seed of the evaluation's sequences, and what the evaluation measured. */
  evaluationSeed: number;
  evaluation: Accuracies;
  sequence: number[];
  predicted: number[][];
  savedAt: string;
}

const isIntArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((v) => Number.isInteger(v));

/** The saved run's record, or `undefined` when there is none or it is not one of this page's. */
function readSavedRun(): SavedRun | undefined {
  let value: unknown;
  try {
    value = JSON.parse(localStorage.getItem(SAVED_RUN_KEY) ?? 'null');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const run = value as Partial<Record<keyof SavedRun, unknown>>;
  const evaluation = run.evaluation as Partial<Accuracies> | null | undefined;
  const ok =
    run.url === SAVE_URL &&
    (run.preset === 'fast' || run.preset === 'walkthrough') &&
    Number.isInteger(run.seed) &&
    Number.isInteger(run.epochs) &&
    Number.isInteger(run.evaluationSeed) &&
    typeof evaluation?.accuracy === 'number' &&
    typeof evaluation.sequenceAccuracy === 'number' &&
    isIntArray(run.sequence) &&
    Array.isArray(run.predicted) &&
    run.predicted.every(isIntArray) &&
    typeof run.savedAt === 'string';
  return ok ? (value as SavedRun) : undefined;
}

function setSaved(state: 'none' | 'saving' | 'saved' | 'found' | 'error', text: string): void {
  ui.saved.dataset.state = state;
  ui.saved.textContent = text;
}

/** Whether tfjs's model store holds a model at {@link SAVE_URL}. */
async function savedModelExists(): Promise<boolean> {
  try {
    return SAVE_URL in (await tf.io.listModels());
  } catch (error) {
    console.warn(`demo: could not list the saved models: ${String(error)}`);
    return false;
  }
}

const kilobytes = (bytes: number | undefined): string => `${((bytes ?? 0) / 1024).toFixed(1)} kB`;
const clock = (iso: string): string => new Date(iso).toLocaleTimeString();

/**
 * Saves the model of a finished run to {@link SAVE_URL}, and what the page showed for it to
 * localStorage. A failure is shown on the save line; the run's own status stands.
 */
async function saveRun(
  trained: tf.LayersModel,
  record: Omit<SavedRun, 'url' | 'savedAt'>,
): Promise<boolean> {
  setSaved('saving', `saving to ${SAVE_URL}…`);
  try {
    // The record describes the model in IndexedDB: none while that model is being replaced.
    localStorage.removeItem(SAVED_RUN_KEY);
    const { modelArtifactsInfo: info } = await saveEchoModel(trained, SAVE_URL);
    const savedAt = new Date().toISOString();
    const run: SavedRun = { url: SAVE_URL, ...record, savedAt };
    localStorage.setItem(SAVED_RUN_KEY, JSON.stringify(run));
    setSaved(
      'saved',
      `saved to ${SAVE_URL} (topology ${kilobytes(info.modelTopologyBytes)}, weights ` +
        `${kilobytes(info.weightDataBytes)}, at ${clock(savedAt)}); "Load saved model" ` +
        'brings it back, also after a reload',
    );
    return true;
  } catch (error) {
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    setSaved('error', `could not save to ${SAVE_URL}: ${message}`);
    return false;
  }
}

function showLoadResult(state: 'identical' | 'different' | 'unchecked', text: string): void {
  ui.loadResult.dataset.state = state;
  ui.loadResult.textContent = text;
  ui.loadResult.hidden = false;
}

// ---- training --------------------------------------------------------------------------------

let model: tf.LayersModel | undefined;
let controller: AbortController | undefined;
/** Whether "Load saved model" is at work. */
let restoring = false;
/** Whether tfjs's model store holds a model at {@link SAVE_URL}. */
let hasSavedModel = false;

function setRunning(running: boolean): void {
  ui.start.disabled = running;
  ui.preset.disabled = running;
  ui.stop.disabled = !running;
  ui.load.disabled = running || !hasSavedModel;
}

function stopSummary(result: TrainEchoResult): string {
  const why =
    result.stopReason === 'targetAccuracy'
      ? `reached the target accuracy after ${result.epochs} epochs`
      : result.stopReason === 'aborted'
        ? `stopped after ${result.epochs} epochs`
        : `trained all ${result.epochs} epochs`;
  const last = result.evaluations.filter((e) => e.complete).at(-1);
  const check = last ? `; last check on fresh sequences ${percent(last.accuracy)}` : '';
  return `${why} in ${seconds(result.elapsedMs)}${check}`;
}

async function start(): Promise<void> {
  if (controller || restoring) return;
  const name = selectedPreset();
  const preset = recipes[name];
  const seed = chooseSeed();
  controller = new AbortController();
  setRunning(true);
  ui.results.hidden = true;
  ui.loadResult.hidden = true;
  ui.epoch.textContent = '0';
  ui.loss.textContent = '–';
  ui.trainAccuracy.textContent = '–';
  ui.elapsed.textContent = '';
  setStatus('training', `preset ${name}, seed ${seed}, tfjs backend ${tf.getBackend()}`);
  const current: Run = {
    preset: name,
    maxEpochs: epochsFor(preset),
    open: preset.train.targetAccuracy !== undefined,
    loss: [],
    accuracy: [],
    evaluations: [],
  };
  run = current;
  scheduleDraw();

  try {
    // Weights, LSTM state and optimizer: model.dispose() alone would leave the last two.
    if (model) disposeEchoModel(model);
    model = undefined; // not the disposed one, should the build below throw
    model = buildSeq2Seq({ ...preset.model, seed });
    const result = await trainEcho(model, {
      ...preset.train,
      epochs: epochsFor(preset),
      seed,
      signal: controller.signal,
      onEpochEnd: async ({ epoch, loss, accuracy, elapsedMs }) => {
        current.loss.push(loss);
        current.accuracy.push(accuracy);
        ui.epoch.textContent = String(epoch);
        ui.loss.textContent = loss.toFixed(3);
        ui.trainAccuracy.textContent = percent(accuracy);
        ui.elapsed.textContent = seconds(elapsedMs);
        scheduleDraw();
        // trainEcho yields to the event loop every ~50 ms by itself (an epoch of model A
        // takes about 2 ms here). Yielding a little more often keeps clicks snappy, and
        // waiting for a frame when one is overdue keeps the chart and counters painting.
        const now = performance.now();
        if (!document.hidden && now - lastFrameAt > FRAME_BUDGET_MS) await nextFrame();
        else if (now - lastYieldAt > YIELD_BUDGET_MS) await yieldToPage();
      },
    });
    ui.stop.disabled = true; // nothing left to stop: the evaluation below takes a moment
    current.evaluations = result.evaluations;
    ui.elapsed.textContent = seconds(result.elapsedMs);
    const summary = stopSummary(result);
    setStatus('evaluating', summary);
    scheduleDraw();
    await nextFrame();

    // Seeded, so that a reload with the same ?seed shows the same table, and the saved model
    // can be checked on the same sequences after a reload.
    const evaluationSeed = seed + 1;
    const evaluation = await evaluateEcho(model, {
      sequences: EVALUATION_SEQUENCES,
      seed: evaluationSeed,
    });
    const sequence = generateSequence(TABLE_LENGTH, { seed });
    const rows = predictEcho(model, sequence);
    showResults(evaluation, rows);

    setStatus('saving', summary);
    await nextFrame();
    if (
      await saveRun(model, {
        preset: name,
        seed,
        epochs: result.epochs,
        evaluationSeed,
        evaluation: {
          accuracy: evaluation.accuracy,
          sequenceAccuracy: evaluation.sequenceAccuracy,
        },
        sequence,
        predicted: rows.map((row) => row.predicted),
      })
    ) {
      hasSavedModel = true;
    }
    setStatus(result.stopReason === 'aborted' ? 'stopped' : 'done', summary);
  } catch (error) {
    console.error(error);
    setStatus('error', error instanceof Error ? error.message : String(error));
  } finally {
    controller = undefined;
    setRunning(false);
  }
}

/**
 * "Load saved model": loads {@link SAVE_URL} with loadEchoModel, makes it the page's model,
 * predicts the saved run's table sequence with it and says whether every prediction is the one
 * the saved model made (and whether the seeded evaluation gives the same accuracy).
 */
async function loadSaved(): Promise<void> {
  if (controller || restoring || !hasSavedModel) return;
  restoring = true;
  ui.start.disabled = true;
  ui.preset.disabled = true;
  ui.load.disabled = true;
  setStatus('restoring', `loading ${SAVE_URL}…`);
  ui.loadResult.hidden = true;
  delete ui.loadResult.dataset.identical;
  delete ui.loadResult.dataset.total;
  delete ui.loadResult.dataset.sameAccuracy;
  try {
    const started = performance.now();
    const loaded = await loadEchoModel(SAVE_URL);
    const loadMs = performance.now() - started;
    // Weights, LSTM state and optimizer: model.dispose() alone would leave the last two.
    if (model) disposeEchoModel(model);
    model = loaded;

    // The sequence of the table the saved model produced (kept with it in localStorage); if
    // that record is gone, the table on the page, else the one this page's seed gives.
    const saved = readSavedRun();
    const shown = Array.from(ui.rows.querySelectorAll<HTMLElement>('[data-testid="echo-row"]'));
    const sequence =
      saved?.sequence ??
      (shown.length > 0 && !ui.results.hidden
        ? sequenceOfRows(shown)
        : generateSequence(TABLE_LENGTH, { seed: chooseSeed() }));
    const reference =
      saved?.predicted ??
      (shown.length > 0 && !ui.results.hidden
        ? shown.map((tr) => (tr.dataset.predicted ?? '').split(',').map(Number))
        : undefined);
    const rows = predictEcho(loaded, sequence);
    const evaluation = saved
      ? await evaluateEcho(loaded, { sequences: EVALUATION_SEQUENCES, seed: saved.evaluationSeed })
      : await evaluateEcho(loaded, { sequences: EVALUATION_SEQUENCES });
    showResults(evaluation, rows);
    if (saved) {
      ui.preset.value = saved.preset;
      showPreset();
      ui.epoch.textContent = String(saved.epochs);
    }

    const from = saved
      ? `preset ${saved.preset}, seed ${saved.seed}, ${saved.epochs} epochs, saved at ${clock(saved.savedAt)}`
      : 'no record of the saved run in localStorage';
    setStatus('loaded', `loaded ${SAVE_URL} in ${Math.round(loadMs)} ms (${from})`);
    if (!reference) {
      showLoadResult(
        'unchecked',
        `loaded model: ${rows.length} predictions, nothing saved to compare them with`,
      );
      return;
    }
    const differing = rows
      .map((row, i) => (row.predicted.join(',') === reference[i]?.join(',') ? 0 : i + 1))
      .filter((i) => i > 0);
    const identical = rows.length - differing.length;
    const complete = rows.length === reference.length;
    const sameAccuracy =
      saved !== undefined &&
      evaluation.accuracy === saved.evaluation.accuracy &&
      evaluation.sequenceAccuracy === saved.evaluation.sequenceAccuracy;
    ui.loadResult.dataset.identical = String(identical);
    ui.loadResult.dataset.total = String(reference.length);
    ui.loadResult.dataset.sameAccuracy = String(sameAccuracy);
    showLoadResult(
      differing.length === 0 && complete ? 'identical' : 'different',
      `loaded model: ${identical}/${reference.length} predictions identical` +
        (differing.length === 1 ? ` (row ${differing[0]} differs)` : '') +
        (differing.length > 1 ? ` (rows ${differing.join(', ')} differ)` : '') +
        (saved === undefined
          ? ''
          : sameAccuracy
            ? `; the same accuracy on the saved run's ${EVALUATION_SEQUENCES} evaluation sequences`
            : `; accuracy on the saved run's ${EVALUATION_SEQUENCES} evaluation sequences ` +
              `${percent(evaluation.accuracy)}, the saved model had ${percent(saved.evaluation.accuracy)}`),
    );
  } catch (error) {
    console.error(error);
    setStatus('error', error instanceof Error ? error.message : String(error));
    hasSavedModel = await savedModelExists(); // it may be gone (site data cleared)
  } finally {
    restoring = false;
    setRunning(false);
  }
}

/** The sequence a table's rows were framed from: the first window, then each window's last id. */
function sequenceOfRows(rows: HTMLElement[]): number[] {
  const windows = rows.map((tr) => (tr.dataset.input ?? '').split(',').map(Number));
  return [...(windows[0] ?? []), ...windows.slice(1).map((w) => w.at(-1) ?? 0)];
}

function stop(): void {
  if (!controller || controller.signal.aborted || document.body.dataset.status !== 'training') {
    return;
  }
  controller.abort();
  setStatus('stopping');
}

// ---- start-up --------------------------------------------------------------------------------

async function init(): Promise<void> {
  showPreset();
  drawChart();
  ui.preset.addEventListener('change', showPreset);
  ui.start.addEventListener('click', () => void start());
  ui.stop.addEventListener('click', stop);
  ui.load.addEventListener('click', () => void loadSaved());
  window.addEventListener('resize', scheduleDraw);
  // seq-echo changes no tfjs settings; tfjs picks its own backend (webgl where it can, else
  // cpu). The fused engine trains and predicts in its own WebAssembly either way.
  await tf.ready();
  hasSavedModel = await savedModelExists();
  const saved = hasSavedModel ? readSavedRun() : undefined;
  if (hasSavedModel) {
    setSaved(
      'found',
      `a saved model is in ${SAVE_URL}` +
        (saved
          ? ` (preset ${saved.preset}, seed ${saved.seed}, ${saved.epochs} epochs, saved at ${clock(saved.savedAt)})`
          : ''),
    );
  } else {
    setSaved('none', `each finished run is saved to ${SAVE_URL}`);
  }
  setRunning(false);
  setStatus(
    'ready',
    `tfjs backend ${tf.getBackend()}; pick a preset and press Start` +
      (hasSavedModel ? ', or load the saved model' : ''),
  );
}

init().catch((error: unknown) => {
  console.error(error);
  setStatus('error', error instanceof Error ? error.message : String(error));
});
