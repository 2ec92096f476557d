/**
 * Model B of the walkthrough: teach an encoder-decoder LSTM to echo part of the window: the
 * two oldest of the 5 random integers it has just seen.
 *
 * Echoing only the start of the window means the answer no longer lines up step by step with
 * the input, so model A's one-output-per-input LSTM cannot do it. Model B splits the work:
 *
 *   encoder  LSTM(150)                         reads the 5 one-hot integers into one vector
 *            RepeatVector(2)                   hands that vector to each of the 2 output steps
 *   decoder  LSTM(150, return_sequences)       unrolls it into 2 steps
 *            TimeDistributed(Dense(100, softmax))  one guess over 0..99 per step
 *
 * Both LSTMs are stateful with a fixed batch of 21: one weight update per epoch, each epoch on
 * one fresh random sequence of 25 integers. The walkthrough trains it for 5000 epochs: about
 * ten minutes here with trainEcho's fused engine (over an hour through tfjs's `model.fit` on
 * the plain 'cpu' backend). That is seq-echo's `presets.walkthroughPartial`, the default;
 * `--preset fast` trains the same architecture with `presets.fastPartial` instead (stateless,
 * more windows per weight update, a higher learning rate, stopping at 99%).
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/echo-partial.ts                   # the walkthrough: 5000 epochs, ~10 min
 *   npx tsx examples/echo-partial.ts --preset fast     # the same task to 99%, well under a minute
 *   npx tsx examples/echo-partial.ts --epochs 3        # a quick smoke run (with either preset)
 *   npx tsx examples/echo-partial.ts --target 0.99     # stop once it is (almost) perfect
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. cli-args.ts (the flags)
 * and report.ts (the printouts) are helpers of these examples, not part of seq-echo: copy
 * them, or print your own way.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
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
  // The recipes `--preset` chooses between: seq-echo's `presets` for model B. Each is frozen
  // data, `{ description, model, train }`: options for buildEncoderDecoder and for trainEcho.
  // - walkthrough: the walkthrough's settings exactly (also the functions' own defaults).
  // - fast: the same task, the same encoder-decoder with two LSTM(150)s, trained differently:
  //   stateless (the state starts from zero every batch, so the batch size is free), on
  //   100-integer sequences (96 windows an epoch) in batches of 32, so 3 weight updates an
  //   epoch instead of 1 and about 4.5x the windows, with Adam's learning rate raised from
  //   0.001 to 0.01. It reaches 99% on fresh sequences in about 300 epochs (29,000 windows,
  //   against 73,000 or more for the walkthrough), checks every 10 epochs and stops there
  //   (1000 epochs at most).
  const recipes = { walkthrough: presets.walkthroughPartial, fast: presets.fastPartial };
  const args = parseExampleArgs({
    script: 'examples/echo-partial.ts',
    summary:
      'Model B of the walkthrough: an encoder-decoder LSTM learns to echo the 2 oldest of 5 integers.',
    presets: recipes,
  });
  // `epochs` is --epochs, or else the preset's own (5000 or 1000); `target` is --target or
  // undefined, in which case the preset's own target (none, or 0.99) applies.
  const { epochs, seed, target, backend } = args;
  const preset = recipes[args.preset];
  const targetAccuracy = target ?? preset.train.targetAccuracy;

  // Step 0: the backend, chosen before any model is built. seq-echo never switches backends on
  // its own: that is your call. trainEcho's fused engine trains this model in plain JavaScript
  // whatever the backend; the backend still runs anything else you do with the model. Without
  // a flag we keep tfjs's default, which in Node without '@tensorflow/tfjs-node' is the plain
  // JavaScript 'cpu' backend (tfjs prints a hint about tfjs-node when it loads; it is harmless).
  // `--backend wasm` calls seq-echo's `selectBackend('wasm')`, which loads the optional
  // '@tensorflow/tfjs-backend-wasm' package and switches tfjs to it.
  if (backend === undefined) await tf.ready();
  else await selectBackend(backend);
  report.printHeader(
    'seq-echo: echo part of the window (model B of the walkthrough)',
    tf.getBackend(),
    { ...args, target: targetAccuracy },
  );

  // Step 1: the model. buildEncoderDecoder's defaults are the walkthrough's settings: 5 time
  // steps in, echo the oldest 2 (nOut), 100 possible integers, 150 units in each LSTM, stateful
  // with a fixed batch of 21, Adam with learning rate 0.001, categorical cross-entropy.
  // The preset's `model` options override some of them (the walkthrough preset none; the fast
  // one `stateful: false` and the learning rate); `seed` makes the initial weights repeatable.
  const buildStarted = performance.now();
  const model = buildEncoderDecoder({ ...preset.model, seed });
  report.printModel(model, performance.now() - buildStarted);

  // Step 2: training. trainEcho runs the walkthrough's loop: each epoch draws a fresh sequence of
  // 25 integers, frames it into 21 windows of 5 (target: the oldest 2 of each window), fits them
  // in one batch of 21, then resets the LSTM state. It reads nIn and nOut from the model's shapes.
  // The same `seed` makes the data repeatable. (With the fast preset: a sequence of 100
  // integers, 96 windows, fitted in order in 3 batches of 32, each from a zero state.)
  // We start from the preset's `train` options and set our own epochs, seed and target on top.
  const trainOptions: TrainEchoOptions = {
    ...preset.train,
    epochs,
    seed,
    // With a target (--target, or the fast preset's 0.99), every 10 epochs trainEcho measures
    // accuracy on fresh sequences and stops once it reaches the target; undefined trains every
    // epoch. `--target 0.99` stops once model B is almost perfect, which can save many of the
    // 5000 epochs.
    targetAccuracy,
    // onEpochEnd is called after every epoch; logProgress prints about ten of them over the run.
    // With one batch of 21, the walkthrough's model B makes one weight update per epoch (model A
    // makes three), one reason it trains for 5000 epochs rather than 500; the fast preset makes
    // three.
    onEpochEnd: report.logProgress(),
  };
  // With a target, `epochs` is only an upper bound.
  console.log(`training for ${targetAccuracy === undefined ? '' : 'up to '}${epochs} epochs...`);
  const result = await trainEcho(model, trainOptions);
  report.printStop(result);

  // Step 3: evaluation on data the model has never seen: 100 fresh sequences (2100 windows,
  // 4200 echoed integers). evaluateEcho resets the LSTM state around each sequence, so running
  // it twice gives the same answer (the walkthrough's plain `predict` did not).
  // A different seed than training's keeps the test sequences apart from the training ones.
  const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
  report.printEvaluation(evaluation, 100);

  // Step 4: the walkthrough's table for one new random sequence: every window, what a perfect
  // echo is (its 2 oldest integers), and what the model said.
  const sequence = generateSequence(25, { seed: seed + 2 });
  report.printEchoTable(predictEcho(model, sequence));

  // Step 5: how long training took (evaluation and the table are not included), as trainEcho
  // measured it: `result.elapsedMs`. Model B's 150-unit LSTMs cost far more per epoch than
  // model A's: compare the ms/epoch of the two.
  report.printTiming(result, tf.getBackend());

  // Free the model: its weights, its LSTM state, its optimizer (tfjs tensors are not
  // garbage-collected, and model.dispose() alone leaves the last two behind).
  disposeEchoModel(model);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
