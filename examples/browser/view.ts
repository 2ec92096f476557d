/**
 * The page's elements and everything that writes to them but the chart (chart.ts): the status
 * line, the progress counters, the controls, the save and load lines and the results table.
 * Hooks for tests: `data-testid` attributes, `body[data-status]`, `data-value` (the raw number)
 * on the accuracy outputs, `data-state` on the save and load lines.
 */
import type { EchoPrediction, EpochLog } from '../../src/index';
import { epochsFor, recipes, type PresetName } from './settings';

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
  preset: element('preset', HTMLSelectElement),
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
  rows: element('echo-rows', HTMLTableSectionElement),
  loadResult: element('load-result', HTMLElement),
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

// ---- the preset and the controls -------------------------------------------------------------

export function selectedPreset(): PresetName {
  return ui.preset.value === 'fast' ? 'fast' : 'walkthrough';
}

export function showPreset(): void {
  const preset = recipes[selectedPreset()];
  ui.description.textContent = preset.description;
  ui.maxEpochs.textContent = String(epochsFor(preset));
}

/** The controls for a run that is (or is not) training; Load needs a saved model too. */
export function setControls(running: boolean, canLoad: boolean): void {
  ui.start.disabled = running;
  ui.preset.disabled = running;
  ui.stop.disabled = !running;
  ui.load.disabled = running || !canLoad;
}

/** While "Load saved model" is at work: nothing else can start. */
export function lockControls(): void {
  ui.start.disabled = true;
  ui.preset.disabled = true;
  ui.load.disabled = true;
}

// ---- progress --------------------------------------------------------------------------------

/** A new run: the last one's results and counters go, the status says `training`. */
export function showTrainingStarted(detail: string): void {
  ui.results.hidden = true;
  ui.loadResult.hidden = true;
  ui.epoch.textContent = '0';
  ui.loss.textContent = '–';
  ui.trainAccuracy.textContent = '–';
  ui.elapsed.textContent = '';
  setStatus('training', detail);
}

export function showEpoch({ epoch, loss, accuracy, elapsedMs }: EpochLog): void {
  ui.epoch.textContent = String(epoch);
  ui.loss.textContent = loss.toFixed(3);
  ui.trainAccuracy.textContent = percent(accuracy);
  ui.elapsed.textContent = seconds(elapsedMs);
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

// ---- results ---------------------------------------------------------------------------------

/** The accuracies the results section shows. */
export interface Accuracies {
  accuracy: number;
  sequenceAccuracy: number;
}

export function showResults(evaluation: Accuracies, rows: EchoPrediction[]): void {
  ui.accuracy.textContent = percent(evaluation.accuracy);
  ui.accuracy.dataset.value = String(evaluation.accuracy);
  ui.sequenceAccuracy.textContent = percent(evaluation.sequenceAccuracy);
  ui.sequenceAccuracy.dataset.value = String(evaluation.sequenceAccuracy);
  const body = document.createDocumentFragment();
  rows.forEach((row, index) => {
    body.append(tableRow(row, index));
  });
  ui.rows.replaceChildren(body);
  ui.results.hidden = false;
}

/** Row `index` of the table: #, input, expected, predicted (wrong ids marked), ✓ or ✗. */
function tableRow({ input, expected, predicted }: EchoPrediction, index: number): HTMLElement {
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
  return tr;
}

/** The rows the table shows now, if it is shown. */
export function shownRows(): HTMLElement[] {
  if (ui.results.hidden) return [];
  return Array.from(ui.rows.querySelectorAll<HTMLElement>('[data-testid="echo-row"]'));
}
