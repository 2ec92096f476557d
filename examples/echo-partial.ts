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
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags,
 * the backend and the printouts) is a helper of these examples, not part of seq-echo: copy it,
 * or print your own way.
 */
// What trains the model, and what tests and frees it:
import { buildEncoderDecoder, presets, trainEcho } from '../src/index';
import { disposeEchoModel, evaluateEcho, generateSequence, predictEcho } from '../src/index';
import * as shared from './shared';

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

// Step 0, before this runs: shared.runExample has read the flags (`epochs` is --epochs or the
// preset's own, 5000 or 1000; `target` is --target or the preset's own, none or 0.99) and
// selected the backend, tfjs's default unless --backend says. trainEcho's fused engine trains
// this model whatever the backend; the backend still runs anything else done with the model.
async function main({ preset, epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  const recipe = recipes[preset];
  // Step 1: the model. buildEncoderDecoder's defaults are the walkthrough's settings: 5 time
  // steps in, echo the oldest 2 (nOut), 100 possible integers, 150 units in each LSTM, stateful
  // with a fixed batch of 21, Adam with learning rate 0.001, categorical cross-entropy.
  // The preset's `model` options override some of them (the walkthrough preset none; the fast
  // one `stateful: false` and the learning rate); `seed` makes the initial weights repeatable.
  const model = shared.timedBuild(() => buildEncoderDecoder({ ...recipe.model, seed }));

  // Step 2: training. trainEcho runs the walkthrough's loop: each epoch draws a fresh sequence of
  // 25 integers, frames it into 21 windows of 5 (target: the oldest 2 of each window), fits them
  // in one batch of 21, then resets the LSTM state. It reads nIn and nOut from the model's shapes.
  // (With the fast preset: a sequence of 100 integers, 96 windows, fitted in order in 3 batches
  // of 32, each from a zero state.) With one batch of 21, the walkthrough's model B makes one
  // weight update per epoch (model A makes three), one reason it trains for 5000 epochs rather
  // than 500. With a target, every 10 epochs trainEcho measures accuracy on fresh sequences and
  // stops once it reaches it: `--target 0.99` can save many of the 5000 epochs.
  const result = await trainEcho(model, {
    ...recipe.train,
    epochs,
    targetAccuracy: target,
    seed,
    onEpochEnd: shared.logProgress(),
  });
  // Model B's 150-unit LSTMs cost far more per epoch than model A's: compare the ms/epoch.
  shared.printStop(result);

  // Step 3: evaluation on data the model has never seen: 100 fresh sequences (2100 windows,
  // 4200 echoed integers), with a seed apart from training's. evaluateEcho resets the LSTM
  // state around each sequence, so running it twice gives the same answer.
  const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
  shared.printEvaluation(evaluation, 100);

  // Step 4: the walkthrough's table for one new random sequence: every window, what a perfect
  // echo is (its 2 oldest integers), and what the model said.
  shared.printEchoTable(predictEcho(model, generateSequence(25, { seed: seed + 2 })));

  // Free the model: its weights, its LSTM state, its optimizer.
  disposeEchoModel(model);
}

shared.runExample(
  {
    script: 'examples/echo-partial.ts',
    title: 'seq-echo: echo part of the window (model B of the walkthrough)',
    summary:
      'Model B of the walkthrough: an encoder-decoder LSTM learns to echo the 2 oldest of 5 integers.',
    presets: recipes,
  },
  main,
);
