/**
 * "Load saved model": loads the saved run's model with `loadEchoModel`, makes it the page's
 * model, and checks it against what the saved model predicted (saved.ts keeps that record).
 */
import {
  evaluateEcho,
  generateSequence,
  loadEchoModel,
  predictEcho,
  type EchoEvaluation,
  type EchoPrediction,
} from '../../src/index';
import { describeSavedRun, readSavedRun, SAVE_URL, savedModelExists, type SavedRun } from './saved';
import { chooseSeed, EVALUATION_SEQUENCES, TABLE_LENGTH } from './settings';
import { disposeModel, page, setRunning } from './state';
import {
  clearLoadResult,
  lockControls,
  percent,
  setStatus,
  showError,
  showLoadResult,
  showPreset,
  showResults,
  shownRows,
  ui,
} from './view';

/**
 * Loads {@link SAVE_URL} with loadEchoModel, makes it the page's model, predicts the saved
 * run's table sequence with it and says whether every prediction is the one the saved model
 * made (and whether the seeded evaluation gives the same accuracy).
 */
export async function loadSaved(): Promise<void> {
  if (page.controller || page.restoring || !page.hasSavedModel) return;
  page.restoring = true;
  lockControls();
  setStatus('restoring', `loading ${SAVE_URL}…`);
  clearLoadResult();
  try {
    const started = performance.now();
    const loaded = await loadEchoModel(SAVE_URL);
    const loadMs = performance.now() - started;
    disposeModel();
    page.model = loaded;

    const saved = readSavedRun();
    const { sequence, reference } = tableToCheck(saved);
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
    const from = saved ? describeSavedRun(saved) : 'no record of the saved run in localStorage';
    setStatus('loaded', `loaded ${SAVE_URL} in ${Math.round(loadMs)} ms (${from})`);
    showComparison(rows, reference, saved, evaluation);
  } catch (error) {
    showError(error);
    page.hasSavedModel = await savedModelExists(); // it may be gone (site data cleared)
  } finally {
    page.restoring = false;
    setRunning(false);
  }
}

/**
 * The sequence of the table the saved model produced (kept with it in localStorage) and its
 * predictions; if that record is gone, the table on the page, else the one this page's seed
 * gives, with nothing to compare.
 */
function tableToCheck(saved: SavedRun | undefined): {
  sequence: number[];
  reference: number[][] | undefined;
} {
  const shown = shownRows();
  const sequence =
    saved?.sequence ??
    (shown.length > 0
      ? sequenceOfRows(shown)
      : generateSequence(TABLE_LENGTH, { seed: chooseSeed() }));
  const reference =
    saved?.predicted ??
    (shown.length > 0
      ? shown.map((tr) => (tr.dataset.predicted ?? '').split(',').map(Number))
      : undefined);
  return { sequence, reference };
}

/** The sequence a table's rows were framed from: the first window, then each window's last id. */
function sequenceOfRows(rows: HTMLElement[]): number[] {
  const windows = rows.map((tr) => (tr.dataset.input ?? '').split(',').map(Number));
  return [...(windows[0] ?? []), ...windows.slice(1).map((w) => w.at(-1) ?? 0)];
}

/** The load line: how many of the loaded model's predictions are the saved ones. */
function showComparison(
  rows: EchoPrediction[],
  reference: number[][] | undefined,
  saved: SavedRun | undefined,
  evaluation: EchoEvaluation,
): void {
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
}
