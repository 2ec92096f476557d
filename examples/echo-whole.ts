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
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. cli-args.ts (the flags)
 * and report.ts (the printouts) are helpers of these examples, not part of seq-echo: copy
 * them, or print your own way.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildSeq2Seq,
  disposeEchoModel,
  generateSequence,
  trainEcho,
  predictEcho,
  presets,
  selectBackend,
  type TrainEchoOptions,
  evaluateEcho,
} from '../src/index';
import { parseExampleArgs } from './cli-args';
import * as report from './report';

// Everything runs inside an async function (rather than top-level await) so the script also
// works when copied into a CommonJS project. `report.*` (report.ts) only prints: every call
// into seq-echo is written out here.
async function main(): Promise<void> {
  // The recipes `--preset` chooses between: seq-echo's `presets` for model A. Each is frozen
  // data, `{ description, model, train }`: options for buildSeq2Seq and for trainEcho.
  // - walkthrough: the walkthrough's settings exactly (also the functions' own defaults).
  // - fast: the same task, the same stateful LSTM(20) and batch of 7, only Adam's learning
  //   rate raised from 0.001 to 0.03, so each of the epoch's 3 weight updates moves further;
  //   it reaches 99% on fresh sequences in about 55 epochs instead of about 400, checks every
  //   5 epochs and stops there (300 epochs at most).
  const recipes = { walkthrough: presets.walkthroughWhole, fast: presets.fastWhole };
  const args = parseExampleArgs({
    script: 'examples/echo-whole.ts',
    summary: 'Model A of the walkthrough: an LSTM learns to echo the whole window of 5 integers.',
    presets: recipes,
  });
  // `epochs` is --epochs, or else the preset's own (500 or 300); `target` is --target or
  // undefined, in which case the preset's own target (none, or 0.99) applies.
  const { epochs, seed, target, backend } = args;
  const preset = recipes[args.preset];
  const targetAccuracy = target ?? preset.train.targetAccuracy;

  // Step 0: the backend. seq-echo never switches backends on its own: that is your call, made
  // before any model is built. `--backend wasm` calls seq-echo's `selectBackend('wasm')`, which
  // loads the optional '@tensorflow/tfjs-backend-wasm' package and switches tfjs to it (`'auto'`
  // would pick it whenever it is installed); without the flag we keep tfjs's default, which in
  // Node without '@tensorflow/tfjs-node' is the plain JavaScript 'cpu' backend (tfjs prints a
  // hint about tfjs-node when it loads; it is harmless). trainEcho's fused engine trains this
  // model in plain JavaScript whatever the backend.
  if (backend === undefined) await tf.ready();
  else await selectBackend(backend);
  report.printHeader(
    'seq-echo: echo the whole window (model A of the walkthrough)',
    tf.getBackend(),
    { ...args, target: targetAccuracy },
  );

  // Step 1: the model. buildSeq2Seq's defaults are the walkthrough's settings: 5 time steps in,
  // 100 possible integers, 20 LSTM units, a stateful LSTM with a fixed batch of 7, Adam with
  // learning rate 0.001, categorical cross-entropy. The preset's `model` options override some
  // of them (the walkthrough preset none; the fast one the learning rate); `seed` makes the
  // initial weights repeatable.
  const buildStarted = performance.now();
  const model = buildSeq2Seq({ ...preset.model, seed });
  report.printModel(model, performance.now() - buildStarted);

  // Step 2: training. trainEcho runs the walkthrough's loop: each epoch draws a fresh sequence of
  // 25 integers, frames it into 21 windows of 5 (target: the same 5), fits them once in order
  // (batch 7, no shuffling), then resets the LSTM state. The same `seed` makes the data repeatable.
  // We start from the preset's `train` options and set our own epochs, seed and target on top.
  const trainOptions: TrainEchoOptions = {
    ...preset.train,
    epochs,
    seed,
    // With a target (--target, or the fast preset's 0.99), every `evaluateEvery` epochs (10 by
    // default, 5 in the fast preset) trainEcho measures accuracy on fresh sequences and stops
    // once it reaches the target; undefined trains every epoch. Model A does learn a perfect
    // echo, so `--target 1` is a fair stopping point.
    targetAccuracy,
    // onEpochEnd is called after every epoch; logProgress prints about ten of them over the run.
    // Note: the loss stays well above 0 even when accuracy reaches 1.0; the walkthrough's log
    // shows the same. Accuracy is what tells you the echo works.
    onEpochEnd: report.logProgress(),
  };
  // With a target, `epochs` is only an upper bound.
  console.log(`training for ${targetAccuracy === undefined ? '' : 'up to '}${epochs} epochs...`);
  const result = await trainEcho(model, trainOptions);
  report.printStop(result);

  // Step 3: evaluation on data the model has never seen: 100 fresh sequences (2100 windows).
  // evaluateEcho resets the LSTM state around each sequence, so running it twice gives the same
  // answer (the walkthrough's plain `predict` did not, which confused its readers).
  // A different seed than training's keeps the test sequences apart from the training ones.
  const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
  report.printEvaluation(evaluation, 100);

  // Step 4: the walkthrough's table for one new random sequence: every window, what a perfect
  // echo is, and what the model said. predictEcho reads the window size from the model.
  const sequence = generateSequence(25, { seed: seed + 2 });
  report.printEchoTable(predictEcho(model, sequence));

  // Step 5: how long training took (evaluation and the table are not included), as trainEcho
  // measured it: `result.elapsedMs`. The README's ms/epoch for model A comes from this line.
  report.printTiming(result, tf.getBackend());

  // Free the model: its weights, its LSTM state, its optimizer (tfjs tensors are not
  // garbage-collected, and model.dispose() alone leaves the last two behind).
  disposeEchoModel(model);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
