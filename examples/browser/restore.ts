/**
 * "Load saved model": loads the selected family's saved model with `loadEchoModel`, makes it
 * the page's model, and checks it against what the saved model predicted (saved.ts keeps that
 * record).
 */
import { loadEchoModel, type EchoFamily } from '../../src/index';
import { evaluateFamily, type Accuracies, type TableRow, type Trained } from './families';
import { currentSequences, refreshView } from './live';
import { describeSavedRun, readSavedRun, saveUrl, savedFamilies, type SavedRun } from './saved';
import { chooseSeed, EVALUATION_SEQUENCES } from './settings';
import { disposeModel, page, setRunning } from './state';
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
 * Loads the selected family's saved model with loadEchoModel, makes it the page's model,
 * predicts the saved run's table sequences with it and says whether every prediction is the
 * one the saved model made (and whether the seeded evaluation gives the same accuracy).
 */
export async function loadSaved(): Promise<void> {
  const family = selectedFamily();
  if (page.controller || page.restoring || !page.savedFamilies.has(family)) return;
  if (family === 'teacherForcing') return; // never saved (saved.ts)
  const url = saveUrl(family);
  page.restoring = true;
  lockControls();
  setStatus('restoring', `loading ${url}…`);
  clearLoadResult();
  try {
    const started = performance.now();
    const model = await loadEchoModel(url);
    const loadMs = performance.now() - started;
    disposeModel();
    const trained: Trained = { kind: 'echo', family, model };
    page.trained = trained;

    const saved = readSavedRun(family);
    page.tableSeed = saved?.seed ?? chooseSeed();
    const rows = refreshView(trained, saved?.sequences ?? currentSequences(trained), false);
    const evaluation = await evaluateFamily(trained, saved?.evaluationSeed ?? page.tableSeed + 1);
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
