/**
 * The page's elements, and what writes the status line, the progress counters, the family
 * selector and the controls, and the save and load lines (the chart: chart.ts; the results
 * section: table.ts, heatmap.ts, steps.ts). Hooks for tests: `data-testid` attributes,
 * `body[data-status]`, `data-state` on the save and load lines.
 */
import { familyPresets } from '../../src/familyPresets';
import type { EchoFamily } from '../../src/index';
import type { RunLog } from './protocol';
import { acceptedText } from './sequence';
import { epochsFor, FAMILIES, FAMILY_LABELS } from './settings';

/** What `body[data-status]` and the status line say. */
export type Status =
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

/** The page's element with `data-testid="<id>"` (the tests find them the same way). */
function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.querySelector(`[data-testid="${id}"]`);
  if (!(found instanceof type)) throw new Error(`demo: no ${type.name} [data-testid="${id}"]`);
  return found;
}

/** The page's elements, found once at start-up. */
export const ui = {
  family: element('family', HTMLSelectElement),
  description: element('preset-description', HTMLElement),
  start: element('start', HTMLButtonElement),
  stop: element('stop', HTMLButtonElement),
  load: element('load', HTMLButtonElement),
  status: element('status', HTMLElement),
  detail: element('detail', HTMLElement),
  saved: element('saved', HTMLElement),
  threads: element('threads', HTMLElement),
  epoch: element('epoch', HTMLElement),
  maxEpochs: element('max-epochs', HTMLElement),
  loss: element('loss', HTMLElement),
  trainAccuracy: element('train-accuracy', HTMLElement),
  elapsed: element('elapsed', HTMLElement),
  chart: element('chart', HTMLCanvasElement),
  results: element('results', HTMLElement),
  accuracy: element('accuracy', HTMLOutputElement),
  sequenceAccuracy: element('sequence-accuracy', HTMLOutputElement),
  resultsTitle: element('results-title', HTMLElement),
  sequenceUnit: element('sequence-unit', HTMLElement),
  rows: element('echo-rows', HTMLTableSectionElement),
  loadResult: element('load-result', HTMLElement),
  sequence: element('sequence', HTMLInputElement),
  showSequence: element('show-sequence', HTMLButtonElement),
  sequenceMessage: element('sequence-message', HTMLElement),
  heatmap: element('heatmap', HTMLElement),
  heatmapCanvas: element('heatmap-canvas', HTMLCanvasElement),
  heatmapCaption: element('heatmap-caption', HTMLElement),
  steps: element('decode-steps', HTMLElement),
  stepsCaption: element('decode-steps-caption', HTMLElement),
  stepsList: element('decode-steps-list', HTMLOListElement),
};

// ---- status and small formatting helpers ----------------------------------------------------

export function setStatus(status: Status, detail?: string): void {
  document.body.dataset.status = status;
  ui.status.textContent = `status: ${status}`;
  if (detail !== undefined) ui.detail.textContent = detail;
}

/** Logs `error` and shows its message in the detail line, with the status `error`. */
export function showError(error: unknown): void {
  console.error(error);
  setStatus('error', error instanceof Error ? error.message : String(error));
}

export const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const clock = (iso: string): string => new Date(iso).toLocaleTimeString();

// ---- the family and the controls ------------------------------------------------------------

/** Fills the family selector with every entry of `familyPresets`, in its order. */
export function fillFamilies(): void {
  ui.family.replaceChildren(
    ...FAMILIES.map((family) => {
      const option = document.createElement('option');
      option.value = family;
      option.textContent = FAMILY_LABELS[family];
      return option;
    }),
  );
  const fromUrl = new URLSearchParams(location.search).get('family');
  if (fromUrl !== null && (FAMILIES as string[]).includes(fromUrl)) ui.family.value = fromUrl;
}

export function selectedFamily(): EchoFamily {
  return FAMILIES.find((family) => family === ui.family.value) ?? 'whole';
}

/** The selected family's description, epochs and what its sequence field accepts. */
export function showFamily(): void {
  const family = selectedFamily();
  const preset = familyPresets[family];
  ui.description.textContent = `${preset.description} (built by ${preset.factory}.)`;
  ui.maxEpochs.textContent = String(epochsFor(family));
  ui.sequence.placeholder = `random; or type ${acceptedText(family)}`;
}

/** The controls for a run that is (or is not) training; Load needs a saved model too. */
export function setControls(running: boolean, canLoad: boolean): void {
  ui.start.disabled = running;
  ui.family.disabled = running;
  ui.stop.disabled = !running;
  ui.load.disabled = running || !canLoad;
}

/** While "Load saved model" is at work: nothing else can start. */
export function lockControls(): void {
  ui.start.disabled = true;
  ui.family.disabled = true;
  ui.load.disabled = true;
}

// ---- progress --------------------------------------------------------------------------------

/** A new run: the last one's results and counters go, the status says `training`. */
export function showTrainingStarted(detail: string): void {
  ui.loadResult.hidden = true;
  ui.epoch.textContent = '0';
  ui.loss.textContent = '–';
  ui.trainAccuracy.textContent = '–';
  ui.elapsed.textContent = '';
  setStatus('training', detail);
}

export function showEpoch({ epoch, loss, accuracy, elapsedMs }: RunLog): void {
  ui.epoch.textContent = String(epoch);
  ui.loss.textContent = loss.toFixed(3);
  ui.trainAccuracy.textContent = percent(accuracy);
  ui.elapsed.textContent = seconds(elapsedMs);
}

// ---- the threads line -----------------------------------------------------------------------

/** Says where training runs: the worker, and whether it may use seq-echo's thread workers. */
export function showWhereTrainingRuns(isolated: boolean, cores: number): void {
  ui.threads.dataset.isolated = String(isolated);
  ui.threads.textContent = isolated
    ? `training runs in a dedicated worker; cross-origin isolated, so seq-echo may share an ` +
      `epoch's math with its own worker threads where they pay (${cores} cores here)`
    : 'training runs in a dedicated worker; not cross-origin isolated: on its thread only';
}

/** Shows how many threads the last run trained on. */
export function showThreads(threads: number): void {
  const isolated = ui.threads.dataset.isolated === 'true';
  ui.threads.dataset.threads = String(threads);
  const where =
    threads === 1
      ? 'one thread (the training worker)'
      : `${threads} threads (the training worker and ${threads - 1} of seq-echo's workers)`;
  ui.threads.textContent =
    `${isolated ? 'cross-origin isolated' : 'not cross-origin isolated'}; ` +
    `the last run trained on ${where}`;
}

// ---- the save and load lines -----------------------------------------------------------------

export function setSaved(
  state: 'none' | 'saving' | 'saved' | 'found' | 'error',
  text: string,
): void {
  ui.saved.dataset.state = state;
  ui.saved.textContent = text;
}

export function showLoadResult(state: 'identical' | 'different' | 'unchecked', text: string): void {
  ui.loadResult.dataset.state = state;
  ui.loadResult.textContent = text;
  ui.loadResult.hidden = false;
}

/** Hides the load line and drops its counts, before another load. */
export function clearLoadResult(): void {
  ui.loadResult.hidden = true;
  delete ui.loadResult.dataset.identical;
  delete ui.loadResult.dataset.total;
  delete ui.loadResult.dataset.sameAccuracy;
}
