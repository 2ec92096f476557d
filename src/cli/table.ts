/**
 * The `seq-echo` command's printouts of results: the evaluation and the walkthrough's
 * Expected/Predicted table (a model's one-line description is in family.ts). Pure functions
 * from seq-echo's results to lines of text.
 */
import type { EchoEvaluation, EchoPrediction, EchoTask } from '../index';
import { answered } from './family';

/**
 * A fraction as a percentage with two decimals, never rounded up to `100.00%` unless it is
 * exactly 1 (so a single mistake in 10,000 still shows).
 *
 * @param fraction - A number in [0, 1].
 * @returns E.g. `99.95%`.
 */
export function formatPercent(fraction: number): string {
  const text = (fraction * 100).toFixed(2);
  return text === '100.00' && fraction < 1 ? '99.99%' : `${text}%`;
}

/**
 * The evaluation block:
 * ```text
 * evaluation on 100 fresh sequences (2100 windows):
 *   per-item accuracy:   99.95%
 *   per-window accuracy: 99.76%
 *   per answer step:     100.00% 99.90%
 * ```
 *
 * @param evaluation - What `evaluateEcho` returned.
 * @param sequences - How many sequences it was asked for.
 * @param seed - The seed of the sequences, shown when given.
 * @returns The lines.
 */
export function formatEvaluation(
  evaluation: EchoEvaluation,
  sequences: number,
  seed?: number,
): string[] {
  const seedText = seed === undefined ? '' : `, seed ${seed}`;
  return [
    `evaluation on ${sequences} fresh sequences (${evaluation.windows} windows${seedText}):`,
    `  per-item accuracy:   ${formatPercent(evaluation.accuracy)}`,
    `  per-window accuracy: ${formatPercent(evaluation.sequenceAccuracy)}`,
    `  per answer step:     ${evaluation.positionAccuracy.map(formatPercent).join(' ')}`,
  ];
}

/**
 * The walkthrough's table, one line per window, ids padded so the columns line up:
 * `[ 3, 47, 12,  0, 99] => Expected: [ 3, 47, 12,  0, 99]  Predicted: [ 3, 47, 12,  0, 99]`,
 * each wrong answer marked `<- wrong`, then a count of the windows answered right (`echoed`,
 * or `reversed` for a reverse model).
 *
 * @param rows - What `predictEcho` returned.
 * @param nUnique - The model's vocabulary size, which sets the padding. Default: from the rows.
 * @param task - What the model answers. Default `'echo'`.
 * @returns The lines.
 */
export function formatEchoTable(
  rows: readonly EchoPrediction[],
  nUnique?: number,
  task: EchoTask = 'echo',
): string[] {
  const largest =
    nUnique === undefined
      ? Math.max(0, ...rows.flatMap((r) => [...r.input, ...r.expected, ...r.predicted]))
      : nUnique - 1;
  const width = String(largest).length;
  const show = (values: readonly number[]): string =>
    `[${values.map((v) => String(v).padStart(width)).join(', ')}]`;
  let right = 0;
  const lines = rows.map(({ input, expected, predicted }) => {
    const ok = expected.length === predicted.length && expected.every((v, i) => v === predicted[i]);
    if (ok) right++;
    return `${show(input)} => Expected: ${show(expected)}  Predicted: ${show(predicted)}${ok ? '' : '   <- wrong'}`;
  });
  const windows = `window${rows.length === 1 ? '' : 's'}`;
  lines.push(`${right} of ${rows.length} ${windows} ${answered(task)} right`);
  return lines;
}

/** One row of {@link formatDecodedTable}: a sequence, its right answer and the decoded one. */
export interface DecodedRow {
  /** The input sequence. */
  input: readonly number[];
  /** The right answer's items (END follows them). */
  expected: readonly number[];
  /** The decoded items, up to END. */
  predicted: readonly number[];
  /** Whether decoding stopped at END (rather than at its step limit). */
  ended: boolean;
}

/**
 * Teacher forcing's table: sequences of different lengths, each answer shown up to END, each
 * wrong one marked, then a count of the sequences decoded exactly:
 * `[3, 1, 4] => Expected: [3, 1, 4, END]  Predicted: [3, 1, 4, END]`.
 *
 * @param rows - The sequences, their answers and what greedy decoding gave.
 * @param task - What the model answers. Default `'echo'`.
 * @returns The lines.
 */
export function formatDecodedTable(rows: readonly DecodedRow[], task: EchoTask = 'echo'): string[] {
  const show = (values: readonly number[], end: boolean): string =>
    `[${[...values.map(String), ...(end ? ['END'] : [])].join(', ')}]`;
  const width = Math.max(0, ...rows.map((r) => show(r.input, false).length));
  const expectedWidth = Math.max(0, ...rows.map((r) => show(r.expected, true).length));
  let right = 0;
  const lines = rows.map(({ input, expected, predicted, ended }) => {
    const ok =
      ended && expected.length === predicted.length && expected.every((v, i) => v === predicted[i]);
    if (ok) right++;
    return (
      `${show(input, false).padEnd(width)} => Expected: ${show(expected, true).padEnd(expectedWidth)}  ` +
      `Predicted: ${show(predicted, ended)}${ok ? '' : '   <- wrong'}`
    );
  });
  const sequences = `sequence${rows.length === 1 ? '' : 's'}`;
  lines.push(`${right} of ${rows.length} ${sequences} ${answered(task)} right`);
  return lines;
}
