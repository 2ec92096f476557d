/**
 * "Load saved model": has the training worker load the selected family's saved model with
 * `loadEchoModel` (teacher forcing: `loadTeacherForcing`) and make it its model, and checks it against what the saved model predicted
 * (saved.ts keeps that record).
 */
import type { EchoFamily } from '../../src/index';
import { call } from './client';
import { showView } from './live';
import type { Accuracies, TableRow } from './protocol';
import { describeSavedRun, readSavedRun, saveUrl, savedFamilies, type SavedRun } from './saved';
import { tableSequences } from './sequence';
import { chooseSeed, EVALUATION_SEQUENCES } from './settings';
import { page, setRunning, typedFor } from './state';
import { markResults, showAccuracies } from './table';
import {
  clearLoadResult,
  lockControls,
  percent,
  selectedFamily,
  setStatus,
  showError,
  showLoadResult,
  ui,
} from './view';

/**
 * Has the worker load the selected family's saved model (loadEchoModel, loadTeacherForcing)
 * and make it its model, predict the saved run's table sequences with it and evaluate it; says whether every
 * prediction is the one the saved model made (and whether the seeded evaluation gives the
 * same accuracy).
 */
export async function loadSaved(): Promise<void> {
  const family = selectedFamily();
  if (page.running || page.restoring || !page.savedFamilies.has(family)) return;
  const url = saveUrl(family);
  page.restoring = true;
  lockControls();
  setStatus('restoring', `loading ${url}…`);
  clearLoadResult();
  try {
    const saved = readSavedRun(family);
    const tableSeed = saved?.seed ?? chooseSeed();
    const { loadMs, view, evaluation } = await call('load', {
      family,
      url,
      sequences: saved?.sequences ?? tableSequences(family, tableSeed, typedFor(family)),
      evaluationSeed: saved?.evaluationSeed ?? tableSeed + 1,
    });
    page.model = family; // the worker's model now
    page.tableSeed = tableSeed;
    const { rows } = view;
    showView(view);
    showAccuracies(evaluation);
    markResults(family);
    if (saved) ui.epoch.textContent = String(saved.epochs);
    const from = saved ? describeSavedRun(saved) : 'no record of the saved run in localStorage';
    setStatus('loaded', `loaded ${url} in ${Math.round(loadMs)} ms (${from})`);
    showComparison(family, rows, saved, evaluation);
  } catch (error) {
    showError(error);
    page.savedFamilies = await savedFamilies(); // it may be gone (site data cleared)
  } finally {
    page.restoring = false;
    setRunning(false);
  }
}

/** The load line: how many of the loaded model's predictions are the saved ones. */
function showComparison(
  family: EchoFamily,
  rows: TableRow[],
  saved: SavedRun | undefined,
  evaluation: Accuracies,
): void {
  if (!saved) {
    showLoadResult(
      'unchecked',
      `loaded ${family} model: ${rows.length} predictions, nothing saved to compare them with`,
    );
    return;
  }
  const reference = saved.predicted;
  const differing = rows
    .map((row, i) => (row.predicted.join(',') === reference[i]?.join(',') ? 0 : i + 1))
    .filter((i) => i > 0);
  const identical = rows.length - differing.length;
  const complete = rows.length === reference.length;
  const sameAccuracy =
    evaluation.accuracy === saved.evaluation.accuracy &&
    evaluation.sequenceAccuracy === saved.evaluation.sequenceAccuracy;
  ui.loadResult.dataset.identical = String(identical);
  ui.loadResult.dataset.total = String(reference.length);
  ui.loadResult.dataset.sameAccuracy = String(sameAccuracy);
  showLoadResult(
    differing.length === 0 && complete ? 'identical' : 'different',
    `loaded ${family} model: ${identical}/${reference.length} predictions identical` +
      (differing.length === 1 ? ` (row ${differing[0]} differs)` : '') +
      (differing.length > 1 ? ` (rows ${differing.join(', ')} differ)` : '') +
      (sameAccuracy
        ? `; the same accuracy on the saved run's ${EVALUATION_SEQUENCES} evaluation sequences`
        : `; accuracy on the saved run's ${EVALUATION_SEQUENCES} evaluation sequences ` +
          `${percent(evaluation.accuracy)}, the saved model had ${percent(saved.evaluation.accuracy)}`),
  );
}
