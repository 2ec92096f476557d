/**
 * Model A of the walkthrough: teach an LSTM to echo the whole window of random integers it has
 * just seen.
 *
 * Every training sample is a window of 5 random integers in 0..99, one-hot encoded, and the
 * model must answer with the same 5 integers. The model is a stateful
 * `LSTM(20, return_sequences) -> TimeDistributed(Dense(100, softmax))`, trained for 500 epochs,
 * each epoch on one fresh random sequence of 25 integers (21 windows, 3 batches of 7).
 * That is seq-echo's `presets.walkthroughWhole`, the default; `--preset fast` trains the same
 * model with `presets.fastWhole` instead (a higher learning rate, stopping at 99%).
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/echo-whole.ts                 # the walkthrough: 500 epochs, a few seconds
 *   npx tsx examples/echo-whole.ts --preset fast   # the same task to 99% in about 55 epochs
 *   npx tsx examples/echo-whole.ts --epochs 3      # a quick smoke run (with either preset)
 *   npx tsx examples/echo-whole.ts --target 1      # stop as soon as it echoes perfectly
 *   npx tsx examples/echo-whole.ts --backend wasm  # tfjs's WebAssembly backend
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags,
 * the backend and the printouts) is a helper of these examples, not part of seq-echo: copy it,
 * or print your own way.
 */
// What trains the model, and what tests and frees it:
import { buildSeq2Seq, presets, trainEcho } from '../src/index';
import { disposeEchoModel, evaluateEcho, generateSequence, predictEcho } from '../src/index';
import * as shared from './shared';

// The recipes `--preset` chooses between: seq-echo's `presets` for model A. Each is frozen
// data, `{ description, model, train }`: options for buildSeq2Seq and for trainEcho.
// - walkthrough: the walkthrough's settings exactly (also the functions' own defaults).
// - fast: the same task, the same stateful LSTM(20) and batch of 7, only Adam's learning
//   rate raised from 0.001 to 0.03, so each of the epoch's 3 weight updates moves further;
//   it reaches 99% on fresh sequences in about 55 epochs instead of about 400, checks every
//   5 epochs and stops there (300 epochs at most).
const recipes = { walkthrough: presets.walkthroughWhole, fast: presets.fastWhole };

// Step 0, before this runs: shared.runExample has read the flags (`epochs` is --epochs or the
// preset's own, 500 or 300; `target` is --target or the preset's own, none or 0.99) and
// selected the backend. Without --backend it keeps tfjs's default, which in Node without
// '@tensorflow/tfjs-node' is the plain JavaScript 'cpu' backend (tfjs prints a hint about
// tfjs-node when it loads; it is harmless). trainEcho's fused engine trains this model in
// WebAssembly or plain JavaScript whatever the backend.
async function main({ preset, epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  const recipe = recipes[preset];
  // Step 1: the model. buildSeq2Seq's defaults are the walkthrough's settings: 5 time steps in,
  // 100 possible integers, 20 LSTM units, a stateful LSTM with a fixed batch of 7, Adam with
  // learning rate 0.001, categorical cross-entropy. The preset's `model` options override some
  // of them (the walkthrough preset none; the fast one the learning rate); `seed` makes the
  // initial weights repeatable.
  const model = shared.timedBuild(() => buildSeq2Seq({ ...recipe.model, seed }));

  // Step 2: training. trainEcho runs the walkthrough's loop: each epoch draws a fresh sequence of
  // 25 integers, frames it into 21 windows of 5 (target: the same 5), fits them once in order
  // (batch 7, no shuffling), then resets the LSTM state. The same `seed` makes the data
  // repeatable. With a target, every `evaluateEvery` epochs (10 by default, 5 in the fast
  // preset) trainEcho measures accuracy on fresh sequences and stops once it reaches the
  // target; model A does learn a perfect echo, so `--target 1` is a fair stopping point.
  // The loss stays well above 0 even when accuracy reaches 1.0 (the walkthrough's log shows
  // the same): accuracy is what tells you the echo works.
  console.log(`training for ${target === undefined ? '' : 'up to '}${epochs} epochs...`);
  const result = await trainEcho(model, {
    ...recipe.train,
    epochs,
    seed,
    targetAccuracy: target,
    onEpochEnd: shared.logProgress(), // about ten lines over the run
  });
  // How long training took, as trainEcho measured it (`result.elapsedMs`, evaluation and the
  // table not included): the README's ms/epoch for model A comes from this line.
  shared.printStop(result);

  // Step 3: evaluation on data the model has never seen: 100 fresh sequences (2100 windows).
  // evaluateEcho resets the LSTM state around each sequence, so running it twice gives the same
  // answer (the walkthrough's plain `predict` did not, which confused its readers). A different
  // seed than training's keeps the test sequences apart from the training ones.
  shared.printEvaluation(await evaluateEcho(model, { sequences: 100, seed: seed + 1 }), 100);

  // Step 4: the walkthrough's table for one new random sequence: every window, what a perfect
  // echo is, and what the model said. predictEcho reads the window size from the model.
  const sequence = generateSequence(25, { seed: seed + 2 });
  shared.printEchoTable(predictEcho(model, sequence));

  // Free the model: its weights, its LSTM state, its optimizer (tfjs tensors are not
  // garbage-collected, and model.dispose() alone leaves the last two behind).
  disposeEchoModel(model);
}

shared.runExample(
  {
    script: 'examples/echo-whole.ts',
    title: 'seq-echo: echo the whole window (model A of the walkthrough)',
    summary: 'Model A of the walkthrough: an LSTM learns to echo the whole window of 5 integers.',
    presets: recipes,
  },
  main,
);
