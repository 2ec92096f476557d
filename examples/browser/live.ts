/**
 * The live view of the worker's model: the Expected/Predicted table on the table's sequences,
 * and, for attention, the heatmap of its weights, for teacher forcing, the greedy decoding step
 * by step. The worker posts it while a model trains (at most every 400 ms), and with its
 * replies when training ends, after a load, and when the user shows a sequence they typed
 * ("Show"). Hooks for tests: `data-state` on the sequence message (`ok`, `random`, `error`,
 * `waiting`, and `showing` while the worker is asked).
 */
import type { EchoFamily } from '../../src/index';
import { call } from './client';
import { showHeatmap } from './heatmap';
import type { ModelView } from './protocol';
import { parseSequence, tableSequences } from './sequence';
import { page, typedFor } from './state';
import { showDecodeSteps } from './steps';
import { showResultsFamily, showRows } from './table';
import { selectedFamily, showError, ui } from './view';

/** The table's sequences for `family` now: the typed one, or the seeded random ones. */
export function currentSequences(family: EchoFamily): number[][] {
  return tableSequences(family, page.tableSeed, typedFor(family));
}

/** Shows a view the worker posted: the table, with the heatmap or the decoding steps. */
export function showView({ family, live, rows, heatmap, steps }: ModelView): void {
  showResultsFamily(family, live);
  showRows(rows);
  if (heatmap) showHeatmap(heatmap);
  else ui.heatmap.hidden = true;
  if (steps) showDecodeSteps(steps);
  else ui.steps.hidden = true;
}

function setMessage(state: 'ok' | 'random' | 'error' | 'waiting' | 'showing', text: string): void {
  ui.sequenceMessage.dataset.state = state;
  ui.sequenceMessage.textContent = text;
}

/**
 * "Show": checks the typed sequence against the selected family and keeps it for the table;
 * empty means a random sequence again. The worker's model, if of that family and not training,
 * is shown on it at once; a run in progress picks it up at its next live refresh.
 */
export async function showTyped(): Promise<void> {
  const family = selectedFamily();
  const parsed = parseSequence(ui.sequence.value, family);
  if (parsed.kind === 'error') {
    setMessage('error', parsed.message);
    return;
  }
  page.typed = parsed.kind === 'ok' ? { family, sequence: parsed.sequence } : undefined;
  const what =
    parsed.kind === 'ok'
      ? `showing your ${parsed.sequence.length} integers`
      : `showing a random sequence (seed ${page.tableSeed})`;
  if (page.model !== family) {
    setMessage('waiting', `${what} once a ${family} model is trained or loaded`);
    return;
  }
  setMessage('showing', `${what}…`); // until the worker's view arrives
  try {
    const view = await call('show', { sequences: currentSequences(family) });
    if (view) showView(view);
    setMessage(parsed.kind === 'ok' ? 'ok' : 'random', what);
  } catch (error) {
    setMessage(
      'error',
      `could not show it: ${error instanceof Error ? error.message : String(error)}`,
    );
    showError(error);
  }
}
