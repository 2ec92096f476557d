/**
 * Variant 2 of the walkthrough's extensions: padding and masking. The walkthrough frames a
 * 25-integer sequence into 21 windows of 5 and drops the first 4 incomplete ones, so the first
 * items are only ever seen at the start of a window. With `masking: true`, buildSeq2Seq puts a
 * Masking layer in front of model A's LSTM, and trainEcho, evaluateEcho and predictEcho frame
 * PADDED windows instead: one window ending at every item (25 per sequence), the missing front
 * items filled with all-zero rows that the Masking layer tells the LSTM to skip. Padding is
 * never scored: predictEcho shows it as -1 (printed here as `_`).
 *
 * The model is the walkthrough's stateful model A, LSTM(20), with a batch of 5 instead of 7: a
 * stateful model's batch size must divide the windows of a sequence, and 25 padded windows
 * split into 5 batches of 5 (7 does not divide 25). Adam's learning rate is 0.03, as in
 * seq-echo's `presets.fastWhole`, and training stops once fresh sequences reach 99%.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/masking.ts               # up to 300 epochs, stops at 99%
 *   npx tsx examples/masking.ts --epochs 3    # a quick smoke run
 *   npx tsx examples/masking.ts --backend cpu # tfjs's plain JavaScript backend (slower)
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags, the
 * backend and the printouts) is a helper of these examples, not part of seq-echo.
 */
import {
  buildSeq2Seq,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  oneHotEncode,
  predictEcho,
  toSupervised,
  trainEcho,
} from '../src/index';
import * as shared from './shared';

/** An item for printing: padding (`-1` from predictEcho) as `_`. */
const showItem = (id: number): string => (id === -1 ? '_' : String(id));

/** A one-hot row for printing: its integer, or `_` for an all-zero padding row. */
const showRow = (row: readonly number[]): string => {
  const id = row.indexOf(1);
  return id === -1 ? '_' : String(id);
};

async function main({ epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  // trainEcho's fused engine masks padded steps exactly as tfjs does, so the backend matters
  // only to engine: 'tfjs' (model.fit).
  // Step 1: padded framing on a tiny sequence, with toSupervised (the data function). Four
  // integers in 0..4, windows of 3, echo all 3: complete framing keeps the 2 full windows,
  // padded framing one window per item, the missing front rows all zeros (shown as _).
  const tiny = oneHotEncode([3, 1, 4, 1], 5);
  const show = (windows: number[][][]): string =>
    windows.map((w) => `[${w.map(showRow).join(' ')}]`).join(' ');
  const complete = toSupervised(tiny, 3, 3);
  const padded = toSupervised(tiny, 3, 3, { framing: 'padded' });
  console.log('toSupervised on [3, 1, 4, 1], windows of 3:');
  console.log(`  complete framing: ${complete.X.length} windows  ${show(complete.X)}`);
  console.log(`  padded framing:   ${padded.X.length} windows  ${show(padded.X)}`);
  console.log(`  padded targets:   ${show(padded.y)}\n`);

  // Step 2: the model: model A plus a Masking layer (an all-zero row is padding, which one-hot
  // encoding never produces), stateful with a batch of 5.
  const model = buildSeq2Seq({ masking: true, batchSize: 5, learningRate: 0.03, seed });
  console.log(
    `model: ${model.layers.map((layer) => layer.getClassName()).join(' -> ')},` +
      ` input ${JSON.stringify(model.inputs[0]!.shape)}, ${model.countParams()} weights`,
  );

  // Step 3: training. Each epoch is one fresh 25-integer sequence framed into 25 padded
  // windows: 5 batches of 5, state carried across them and reset after the sequence. Every 5
  // epochs trainEcho checks 20 fresh sequences and stops at 99%.
  console.log(`training for up to ${epochs} epochs (25 padded windows each)...`);
  const result = await trainEcho(model, {
    epochs,
    seed,
    targetAccuracy: target,
    evaluateEvery: 5,
    onEpochEnd: shared.logProgress(),
  });
  shared.printStop(result);

  // Step 4: 100 fresh sequences the model has never seen (a seed apart from training's): 2500
  // windows, padding not counted.
  const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
  shared.printEvaluation(evaluation, 100);

  // Step 5: the first windows of a new sequence. With complete framing the table would start
  // at the fifth item; here the first 4 rows are the padded windows the walkthrough drops, and
  // their items are echoed too, as soon as they arrive, with the padding left blank.
  const rows = predictEcho(model, generateSequence(25, { seed: seed + 2 }));
  console.log(
    `one new sequence: ${rows.length} windows (complete framing would give 21); the first 7:`,
  );
  shared.printRows(rows.slice(0, 7), showItem);
  console.log();

  shared.printSummary([shared.summaryPart('masking', result, evaluation)]);
  disposeEchoModel(model);
}

shared.runExample(
  {
    script: 'examples/masking.ts',
    title: 'seq-echo variant 2: padded windows and a Masking layer',
    summary:
      'Model A with a Masking layer: trained on padded framing, 25 windows per 25-integer sequence instead of 21.',
    epochs: 300,
    target: 0.99,
    backend: 'wasm',
  },
  main,
);
