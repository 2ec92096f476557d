/**
 * The results section: the accuracies of the final evaluation and the Expected/Predicted
 * table, which the live view (live.ts) also refreshes while a model trains. Hooks for tests:
 * `data-value` on the accuracy outputs (absent until an evaluation), and per row
 * `data-input`, `data-expected`, `data-predicted` (comma-separated ids, `-1` for padding) and
 * `data-match`.
 */
import type { EchoFamily } from '../../src/index';
import type { Accuracies, TableRow } from './protocol';
import { percent, ui } from './view';

/** The section's title and the accuracy line's wording, for the model's family. */
export function showResultsFamily(family: EchoFamily, live: boolean): void {
  const what = family === 'teacherForcing' ? 'greedy decoding' : 'predictEcho';
  ui.resultsTitle.textContent = `${family}: Expected/Predicted (${what}${live ? ', live' : ''})`;
  ui.sequenceUnit.textContent =
    family === 'teacherForcing' ? 'sequences decoded exactly' : 'whole windows';
}

/** Shows the final evaluation's accuracies, or `–` (no evaluation yet: a run in progress). */
export function showAccuracies(evaluation: Accuracies | undefined): void {
  for (const [output, value] of [
    [ui.accuracy, evaluation?.accuracy],
    [ui.sequenceAccuracy, evaluation?.sequenceAccuracy],
  ] as const) {
    output.textContent = value === undefined ? '–' : percent(value);
    if (value === undefined) delete output.dataset.value;
    else output.dataset.value = String(value);
  }
}

/** Replaces the table's rows and shows the section. */
export function showRows(rows: TableRow[]): void {
  const body = document.createDocumentFragment();
  rows.forEach((row, index) => {
    body.append(tableRow(row, index));
  });
  ui.rows.replaceChildren(body);
  ui.results.hidden = false;
}

/** An id as the table shows it: `·` for a masking model's padding. */
const id = (value: number): string => (value < 0 ? '·' : String(value));

/** Row `index` of the table: #, input, expected, predicted (wrong ids marked), ✓ or ✗. */
function tableRow({ input, expected, predicted }: TableRow, index: number): HTMLElement {
  const tr = document.createElement('tr');
  const right =
    predicted.length === expected.length && predicted.every((value, k) => value === expected[k]);
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
  predicted.forEach((value, k) => {
    if (k > 0) predictedCell.append(', ');
    const span = document.createElement('span');
    span.textContent = id(value);
    if (value !== expected[k]) span.className = 'wrong';
    predictedCell.append(span);
  });
  const mark = cell(right ? '✓' : '✗');
  mark.className = right ? 'mark right' : 'mark wrong';
  tr.append(
    cell(String(index + 1)),
    cell(input.map(id).join(', ')),
    cell(expected.map(id).join(', ')),
    predictedCell,
    mark,
  );
  return tr;
}

/** Marks the results as those of `family`'s model, with its run's end if it was trained here. */
export function markResults(
  family: EchoFamily,
  run?: { stopReason: string; epochs: number },
): void {
  const { dataset } = ui.results;
  dataset.family = family;
  if (run) {
    dataset.stopReason = run.stopReason;
    dataset.epochs = String(run.epochs);
  } else {
    delete dataset.stopReason;
    delete dataset.epochs;
  }
}

/** Hides the results section and its live parts (the heatmap, the decoding steps). */
export function hideResults(): void {
  ui.results.hidden = true;
  ui.heatmap.hidden = true;
  ui.steps.hidden = true;
}
