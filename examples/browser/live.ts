/**
 * The live view of a model: the Expected/Predicted table on the table's sequences, and, for
 * attention, the heatmap of its weights, for teacher forcing, the greedy decoding step by step.
 * Refreshed while a model trains (from `onEpochEnd`, where reading the model is allowed, at
 * most every {@link LIVE_EVERY_MS}), when training ends, after a load, and when the user shows
 * a sequence they typed ("Show"). Hooks for tests: `data-state` on the sequence message (`ok`,
 * `random`, `error`, `waiting`).
 */
import { predictRows, type TableRow, type Trained } from './families';
import { showHeatmap } from './heatmap';
import { parseSequence, tableSequences } from './sequence';
import { page, typedFor } from './state';
import { showDecodeSteps } from './steps';
import { showResultsFamily, showRows } from './table';
import { selectedFamily, ui } from './view';

/** How often a training run refreshes the table (and heatmap, or decoding steps) at most. */
const LIVE_EVERY_MS = 400;

/** The table's sequences for `trained`'s family now: the typed one, or the seeded random ones. */
export function currentSequences(trained: Trained): number[][] {
  return tableSequences(trained.family, page.tableSeed, typedFor(trained.family));
}

/**
 * Shows `trained`'s predictions on `sequences` in the table, with the attention heatmap or the
 * decoding steps for its family, and returns the rows. `live`: a run in progress.
 */
export function refreshView(trained: Trained, sequences: number[][], live: boolean): TableRow[] {
  const rows = predictRows(trained, sequences);
  showResultsFamily(trained.family, live);
  showRows(rows);
  const first = sequences[0] ?? [];
  if (trained.kind === 'echo' && trained.family === 'attention') {
    const nIn = trained.model.inputs[0]?.shape[1];
    showHeatmap(trained.model, first.slice(0, typeof nIn === 'number' ? nIn : first.length));
  } else {
    ui.heatmap.hidden = true;
  }
  if (trained.kind === 'teacherForcing') showDecodeSteps(trained.models, first);
  else ui.steps.hidden = true;
  return rows;
}

let lastLive = -Infinity;

/** From `onEpochEnd`: refreshes the view when {@link LIVE_EVERY_MS} have passed. */
export function refreshLive(trained: Trained): void {
  const now = performance.now();
  if (now - lastLive < LIVE_EVERY_MS) return;
  lastLive = now;
  refreshView(trained, currentSequences(trained), true);
}

/** A new run: its first epoch refreshes the view at once. */
export function resetLive(): void {
  lastLive = -Infinity;
}

function setMessage(state: 'ok' | 'random' | 'error' | 'waiting', text: string): void {
  ui.sequenceMessage.dataset.state = state;
  ui.sequenceMessage.textContent = text;
}

/**
 * "Show": checks the typed sequence against the selected family and keeps it for the table;
 * empty means a random sequence again. The page's model, if of that family and not training,
 * is shown on it at once; a run in progress picks it up at its next refresh.
 */
export function showTyped(): void {
  const family = selectedFamily();
  const parsed = parseSequence(ui.sequence.value, family);
  if (parsed.kind === 'error') {
    setMessage('error', parsed.message);
    return;
  }
  page.typed = parsed.kind === 'ok' ? { family, sequence: parsed.sequence } : undefined;
  const trained = page.trained?.family === family ? page.trained : undefined;
  const what =
    parsed.kind === 'ok'
      ? `showing your ${parsed.sequence.length} integers`
      : `showing a random sequence (seed ${page.tableSeed})`;
  if (!trained) {
    setMessage('waiting', `${what} once a ${family} model is trained or loaded`);
    return;
  }
  setMessage(parsed.kind === 'ok' ? 'ok' : 'random', what);
  if (!page.controller) refreshView(trained, currentSequences(trained), false);
}
