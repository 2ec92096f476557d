/**
 * Variant 3 of the walkthrough's extensions: longer echoes. Model B, the walkthrough's
 * encoder-decoder, echoes the 2 oldest of 5 integers; here the same architecture echoes the
 * 5 oldest of 10 and the 10 oldest of 20:
 *
 *   encoder  LSTM(units)                  reads the nIn one-hot integers into one vector
 *            RepeatVector(nOut)           hands that vector to each output step
 *   decoder  LSTM(units, return_sequences)
 *            TimeDistributed(Dense(100, softmax))
 *
 * The whole echo has to pass through the encoder's one vector, so a longer echo needs more
 * training, and the 10-of-20 echo a bigger hidden layer than model B's 150. Both are stateless (state reset every
 * batch, so the batch size is free), trained like seq-echo's `presets.fastPartial`: each epoch
 * one fresh random sequence giving 96 windows, in batches of 32 (3 weight updates an epoch),
 * stopping once a check on fresh sequences reaches 99%. They train on trainEcho's fused engine
 * (WebAssembly SIMD), whatever the tfjs backend.
 *
 *   5 of 10:   LSTM(150) x 2, Adam 0.01 (model B's size): reaches 99% in several hundred
 *              epochs, a few minutes on a 2-core machine
 *   10 of 20:  LSTM(200) x 2, Adam 0.01: far harder for a single encoder vector; its loss
 *              sits at chance (ln 100 = 4.6) for the first hundred epochs or more, and it costs
 *              about 3x as much per epoch. For long windows an attention model is the better
 *              tool: see examples/attention.ts, which echoes 20 of 20.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/longer-echoes.ts                  # 5 of 10, up to 1500 epochs
 *   npx tsx examples/longer-echoes.ts --task 10of20    # 10 of 20 (expect it not to get far)
 *   npx tsx examples/longer-echoes.ts --task both      # one after the other
 *   npx tsx examples/longer-echoes.ts --epochs 3       # a quick smoke run
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags, the
 * backend and the printouts) is a helper of these examples, not part of seq-echo.
 */
import {
  buildEncoderDecoder,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  predictEcho,
  trainEcho,
} from '../src/index';
import * as shared from './shared';

/** One longer echo: the window, the echo, and the hidden size and learning rate it needs. */
interface Task {
  name: '5of10' | '10of20';
  nIn: number;
  nOut: number;
  units: number;
  learningRate: number;
}

const TASKS: readonly Task[] = [
  { name: '5of10', nIn: 10, nOut: 5, units: 150, learningRate: 0.01 },
  { name: '10of20', nIn: 20, nOut: 10, units: 200, learningRate: 0.01 },
];

async function main({
  epochs,
  seed,
  choice,
  target,
}: shared.ExampleArgs<Task['name'] | 'both'>): Promise<void> {
  // Training runs on trainEcho's fused engine whatever the backend; the backend runs the
  // evaluations and predictions.
  const parts: string[] = [];
  for (const task of TASKS.filter((t) => choice === 'both' || t.name === choice)) {
    const { nIn, nOut, units, learningRate } = task;
    // Step 1: the model: model B's layers with nIn steps in, nOut out, `units` in each LSTM.
    const model = buildEncoderDecoder({ nIn, nOut, units, stateful: false, learningRate, seed });
    console.log(
      `echo the ${nOut} oldest of ${nIn}: LSTM(${units}) encoder and decoder, Adam ${learningRate},` +
        ` ${model.countParams()} weights`,
    );

    // Step 2: training. A sequence of nIn + 95 integers gives 96 windows of nIn, fitted in
    // batches of 32, each from a zero state. Every 10 epochs trainEcho checks 20 fresh
    // sequences and stops at 99%.
    const sequenceLength = nIn + 95;
    const result = await trainEcho(model, {
      epochs,
      sequenceLength,
      batchSize: 32,
      seed,
      targetAccuracy: target,
      evaluateEvery: 10,
      onEpochEnd: shared.logProgress(5),
    });
    shared.printStop(result);

    // Step 3: 100 fresh sequences (a seed apart from training's) of the walkthrough's 25
    // integers: 16 windows each for 5 of 10, 6 for 10 of 20. Then a few windows of one more.
    const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
    shared.printEvaluation(evaluation, 100);
    shared.printRows(predictEcho(model, generateSequence(nIn + 2, { seed: seed + 2 })));
    console.log();
    parts.push(shared.summaryPart(`${nOut} of ${nIn}`, result, evaluation));
    disposeEchoModel(model);
  }
  shared.printSummary(parts);
}

shared.runExample(
  {
    script: 'examples/longer-echoes.ts',
    title: 'seq-echo variant 3: longer echoes with the encoder-decoder',
    summary:
      "Model B's encoder-decoder echoing the 5 oldest of 10 integers and the 10 oldest of 20.",
    epochs: 1500,
    target: 0.99,
    choice: {
      name: 'task',
      values: ['5of10', '10of20', 'both'] as const,
      default: '5of10',
      help: 'which echo to train',
    },
    backend: 'wasm',
  },
  main,
);
