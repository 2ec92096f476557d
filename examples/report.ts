/**
 * The printouts both examples make, written once: the header, the model's shapes, a progress
 * line every tenth of the run, why training stopped, the evaluation, the Expected/Predicted
 * table and the training time. They only format what seq-echo returns; every call into
 * seq-echo stays in the examples, so each example still shows the whole recipe.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EchoEvaluation, EchoPrediction, EpochLog, TrainEchoResult } from '../src/index';
import type { ExampleArgs } from './cli-args';

/**
 * Prints the example's title, then the preset, the backend and the settings of this run, then
 * a blank line.
 *
 * @param title - One line naming the example.
 * @param backend - The backend in use (`tf.getBackend()`, after it has been chosen).
 * @param args - The parsed flags, with `target` the one in effect (`--target` or the preset's);
 *   `target` is shown only when there is one.
 */
export function printHeader(
  title: string,
  backend: string,
  { preset, epochs, seed, target }: ExampleArgs,
): void {
  console.log(title);
  console.log(
    `preset: ${preset}  backend: ${backend}  epochs: ${epochs}  seed: ${seed}` +
      (target === undefined ? '' : `  target accuracy: ${target}`),
  );
  console.log();
}

/**
 * Prints a model's input and output shapes (`[batch, time steps, one-hot width]`) and how
 * long building it took.
 *
 * @param model - The model just built.
 * @param buildMs - Milliseconds the build took.
 */
export function printModel(model: tf.LayersModel, buildMs: number): void {
  const inputShape = JSON.stringify(model.inputs[0]!.shape);
  const outputShape = JSON.stringify(model.outputs[0]!.shape);
  console.log(
    `model: input ${inputShape} -> output ${outputShape}, built in ${(buildMs / 1000).toFixed(1)} s`,
  );
}

/**
 * Makes an `onEpochEnd` callback for `trainEcho` that prints `epoch N/M  loss X  accuracy Y`
 * about `lines` times over the run: after the first epoch, the last, and every
 * `M / lines`-th in between. `M` is the run's `epochs`, which every {@link EpochLog} carries.
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
 * Ends the training output: says why training stopped when it stopped before its last epoch
 * (`stopped early after epoch N (targetAccuracy)`), then prints a blank line.
 *
 * @param result - What `trainEcho` returned.
 */
export function printStop(result: TrainEchoResult): void {
  if (result.stoppedEarly) {
    console.log(`stopped early after epoch ${result.epochs} (${result.stopReason})`);
  }
  console.log();
}

/**
 * Prints an `evaluateEcho` result as percentages, per echoed item and per whole window,
 * followed by a blank line.
 *
 * @param evaluation - What `evaluateEcho` returned.
 * @param sequences - How many fresh sequences it was asked for (its `sequences` option).
 */
export function printEvaluation(evaluation: EchoEvaluation, sequences: number): void {
  console.log(`evaluation on ${sequences} fresh sequences (${evaluation.windows} windows):`);
  console.log(`  per-item accuracy:   ${(evaluation.accuracy * 100).toFixed(1)}%`);
  console.log(`  per-window accuracy: ${(evaluation.sequenceAccuracy * 100).toFixed(1)}%`);
  console.log();
}

/**
 * Prints the walkthrough's table, one line per window:
 * `[input] => Expected: [echo]  Predicted: [answer]`, marking each wrong answer with `<- wrong`;
 * then a blank line.
 *
 * @param rows - What `predictEcho` returned for one sequence.
 */
export function printEchoTable(rows: EchoPrediction[]): void {
  const show = (values: number[]): string => `[${values.join(', ')}]`;
  console.log('one new random sequence:');
  for (const { input, expected, predicted } of rows) {
    const wrong = show(expected) === show(predicted) ? '' : '   <- wrong';
    console.log(
      `${show(input)} => Expected: ${show(expected)}  Predicted: ${show(predicted)}${wrong}`,
    );
  }
  console.log();
}

/**
 * Prints how long training took, in total and per epoch, from `trainEcho`'s own clock
 * (`result.elapsedMs`, which includes any `targetAccuracy` checks during training).
 *
 * @param result - What `trainEcho` returned.
 * @param backend - The backend it ran on (`tf.getBackend()`).
 */
export function printTiming(result: TrainEchoResult, backend: string): void {
  const { elapsedMs, epochs } = result;
  console.log(
    `training time: ${(elapsedMs / 1000).toFixed(1)} s for ${epochs} epochs` +
      ` (${(elapsedMs / Math.max(1, epochs)).toFixed(1)} ms/epoch on the '${backend}' backend)`,
  );
}
