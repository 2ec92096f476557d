/**
 * The examples' printouts: the model's shapes, training progress and why it stopped, the
 * evaluation and the Expected/Predicted table (in the `seq-echo` command's own format,
 * src/cli/table.ts), and the one-line summaries the variant examples end with. Part of
 * ../shared.ts, which re-exports all of it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EchoEvaluation, EchoPrediction, EpochLog, TrainEchoResult } from '../../src/index';
import { formatEchoTable, formatEvaluation } from '../../src/cli/table';

/**
 * Builds a model with `build`, then prints its input and output shapes (`[batch, time
 * steps, one-hot width]`), its weight count and how long building it took.
 *
 * @param build - Calls the model factory.
 * @returns The model.
 */
export function timedBuild(build: () => tf.LayersModel): tf.LayersModel {
  const started = performance.now();
  const model = build();
  console.log(
    `model: input ${JSON.stringify(model.inputs[0]!.shape)} -> output ` +
      `${JSON.stringify(model.outputs[0]!.shape)}, ${model.countParams()} weights, ` +
      `built in ${seconds(performance.now() - started)}`,
  );
  return model;
}

/**
 * Makes an `onEpochEnd` callback for `trainEcho` that prints `epoch N/M  loss X  accuracy Y`
 * about `lines` times over the run: after the first epoch, the last, and every
 * `M / lines`-th in between.
 *
 * @param lines - About how many progress lines to print over the whole run. Default `10`.
 * @returns The callback, to pass as `onEpochEnd`.
 */
export function logProgress(lines = 10): (log: EpochLog) => void {
  return ({ epoch, epochs, loss, accuracy }) => {
    const every = Math.max(1, Math.round(epochs / lines));
    if (epoch % every === 0 || epoch === 1 || epoch === epochs) {
      console.log(
        `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}` +
          `  loss ${loss.toFixed(4)}  accuracy ${accuracy.toFixed(4)}`,
      );
    }
  };
}

/**
 * Ends the training output: why training stopped when it stopped before its last epoch
 * (`stopped early after epoch N (targetAccuracy)`), how long it took, then a blank line.
 *
 * @param result - What `trainEcho` returned.
 */
export function printStop(result: TrainEchoResult): void {
  const { epochs, elapsedMs } = result;
  if (result.stoppedEarly)
    console.log(`stopped early after epoch ${epochs} (${result.stopReason})`);
  console.log(
    `training time: ${seconds(elapsedMs)} for ${epochs} epochs` +
      ` (${(elapsedMs / Math.max(1, epochs)).toFixed(1)} ms/epoch)`,
  );
  console.log();
}

/**
 * Prints an `evaluateEcho` result, per echoed item and per whole window, as `seq-echo
 * evaluate` does, then a blank line.
 *
 * @param evaluation - What `evaluateEcho` returned.
 * @param sequences - How many fresh sequences it was asked for (its `sequences` option).
 */
export function printEvaluation(evaluation: EchoEvaluation, sequences: number): void {
  console.log(formatEvaluation(evaluation, sequences).join('\n'));
  console.log();
}

/**
 * Prints the walkthrough's table as `seq-echo predict` does, one line per window:
 * `[input] => Expected: [echo]  Predicted: [answer]`, each wrong answer marked `<- wrong`, and
 * how many windows were right; then a blank line.
 *
 * @param rows - What `predictEcho` returned for one sequence.
 */
export function printEchoTable(rows: readonly EchoPrediction[]): void {
  console.log(['one new random sequence:', ...formatEchoTable(rows)].join('\n'));
  console.log();
}

/** `12.3 s` from milliseconds. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `98.7%` from a fraction. */
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/**
 * One model's part of the one-line summary a variant example ends with: epochs trained
 * (and whether it reached its target), training seconds and accuracy on fresh sequences.
 *
 * @param label - Which model or run.
 * @param result - What `trainEcho` returned.
 * @param evaluation - What `evaluateEcho` returned on fresh sequences.
 * @returns e.g. `one-hot 80 epochs (reached target), 1.4 s, fresh 99.3%`.
 */
export function summaryPart(
  label: string,
  result: TrainEchoResult,
  evaluation: EchoEvaluation,
): string {
  const how = result.stopReason === 'targetAccuracy' ? ' (reached target)' : '';
  return (
    `${label} ${result.epochs} epochs${how}, ${seconds(result.elapsedMs)},` +
    ` fresh ${percent(evaluation.accuracy)}`
  );
}

/**
 * Prints the one-line summary a variant example ends with: `summary: ` and each model's
 * {@link summaryPart}, separated by ` | `.
 *
 * @param parts - One {@link summaryPart} per model trained.
 */
export function printSummary(parts: readonly string[]): void {
  console.log(`summary: ${parts.join(' | ')}`);
}

/**
 * Prints a few `predictEcho` rows as `[input] => expected [..]  predicted [..]`, marking wrong
 * answers; `show` formats one item (default: the number itself).
 *
 * @param rows - What `predictEcho` returned (pass a slice for "a few").
 * @param show - Formats one item, e.g. padding (`-1`) as `_`.
 */
export function printRows(
  rows: readonly EchoPrediction[],
  show: (item: number) => string = String,
): void {
  const list = (items: readonly number[]): string => `[${items.map(show).join(', ')}]`;
  for (const { input, expected, predicted } of rows) {
    const wrong = list(expected) === list(predicted) ? '' : '   <- wrong';
    console.log(
      `  ${list(input)} => expected ${list(expected)}  predicted ${list(predicted)}${wrong}`,
    );
  }
}
