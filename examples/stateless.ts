/**
 * Variant 4 of the walkthrough's extensions: does model A need its state? The walkthrough's
 * LSTM is stateful: within an epoch, each batch of 7 windows starts from the state the previous
 * batch left, and the state is reset only after the whole 25-integer sequence. But each window
 * already holds the 5 integers to echo, so a stateless LSTM (state reset for every batch) can
 * learn the same echo. This trains model A three ways and compares them:
 *
 *   stateful, batch 7    the walkthrough (presets.walkthroughWhole): 3 weight updates an epoch
 *   stateless, batch 1   state reset after every sample: 21 updates an epoch
 *   stateless, batch 21  the whole epoch in one batch: 1 update an epoch
 *
 * Everything else is the same: LSTM(20) and softmax head, the same initial weights (seed),
 * the same training sequences, the same epoch budget, and the same Adam learning rate, 0.003
 * (the walkthrough's 0.001 would take over 400 epochs for the stateful model; 0.003 keeps the
 * comparison fair and quick). Each stops once a check on fresh sequences reaches 99%.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/stateless.ts               # the three models, up to 500 epochs each
 *   npx tsx examples/stateless.ts --epochs 3    # a quick smoke run
 *   npx tsx examples/stateless.ts --seed 2      # another seed, to see how much it varies
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags, the
 * backend and the printouts) is a helper of these examples, not part of seq-echo.
 */
import {
  buildSeq2Seq,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  predictEcho,
  presets,
  trainEcho,
  type EchoEvaluation,
  type Seq2SeqOptions,
  type TrainEchoOptions,
  type TrainEchoResult,
} from '../src/index';
import * as shared from './shared';

/** The one learning rate all three models train with. */
const LEARNING_RATE = 0.003;

/** One way to train model A. */
interface Way {
  label: string;
  /** Options for buildSeq2Seq, on top of the walkthrough's. */
  model: Seq2SeqOptions;
  /** Batch size for trainEcho (a stateful model uses the one it was built with). */
  batchSize: number | undefined;
  /** Weight updates per epoch: 21 windows / batch size, rounded up. */
  updates: number;
}

async function main({ epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  // All three models train on trainEcho's fused engine, whatever the backend; it still runs
  // the evaluations and predictions.
  const windows = 21; // 25 integers, windows of 5
  const ways: Way[] = [
    {
      label: 'stateful, batch 7',
      model: { ...presets.walkthroughWhole.model },
      batchSize: undefined,
      updates: windows / 7,
    },
    { label: 'stateless, batch 1', model: { stateful: false }, batchSize: 1, updates: windows },
    { label: 'stateless, batch 21', model: { stateful: false }, batchSize: 21, updates: 1 },
  ];

  const outcomes: { way: Way; result: TrainEchoResult; evaluation: EchoEvaluation }[] = [];
  for (const way of ways) {
    console.log(
      `${way.label}: ${way.updates} weight update${way.updates === 1 ? '' : 's'} an epoch`,
    );
    // Step 1: the model: the walkthrough's LSTM(20) and softmax head, stateful or not, at the
    // shared learning rate, from the same seeded initial weights.
    const model = buildSeq2Seq({ ...way.model, learningRate: LEARNING_RATE, seed });

    // Step 2: training on the walkthrough's data: one fresh 25-integer sequence an epoch, the
    // same sequences for all three (same seed). A stateful model trains with its own batch of
    // 7 and resets its state after each sequence; a stateless one starts every batch from zero.
    const options: TrainEchoOptions = {
      ...presets.walkthroughWhole.train,
      epochs,
      seed,
      targetAccuracy: target,
      evaluateEvery: 5,
      onEpochEnd: shared.logProgress(4),
      ...(way.batchSize === undefined ? {} : { batchSize: way.batchSize }),
    };
    const result = await trainEcho(model, options);
    shared.printStop(result);

    // Step 3: 100 fresh sequences (a seed apart from training's) and a few windows of one more.
    const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
    console.log(`fresh sequences: ${shared.percent(evaluation.accuracy)} of items correct`);
    shared.printRows(predictEcho(model, generateSequence(25, { seed: seed + 2 })).slice(0, 3));
    console.log();
    outcomes.push({ way, result, evaluation });
    disposeEchoModel(model);
  }

  // Step 4: the comparison. "epochs to 99%" is the epoch at which trainEcho's check on 20
  // fresh sequences first reached 99%, or "-" when the budget ran out first.
  console.log('model A                updates/epoch  epochs to 99%  seconds  fresh accuracy');
  for (const { way, result, evaluation } of outcomes) {
    const reached = result.stopReason === 'targetAccuracy' ? String(result.epochs) : '-';
    console.log(
      `${way.label.padEnd(21)}  ${String(way.updates).padStart(13)}  ${reached.padStart(13)}` +
        `  ${shared.seconds(result.elapsedMs).padStart(7)}  ${shared.percent(evaluation.accuracy).padStart(14)}`,
    );
  }
  console.log();
  shared.printSummary(outcomes.map((o) => shared.summaryPart(o.way.label, o.result, o.evaluation)));
}

shared.runExample(
  {
    script: 'examples/stateless.ts',
    title: 'seq-echo variant 4: stateful vs stateless model A',
    note: `learning rate: ${LEARNING_RATE} for all three`,
    summary:
      "The walkthrough's model A three ways: stateful batch 7, stateless batch 1 (state reset " +
      'after every sample), stateless batch 21; same learning rate and epoch budget.',
    epochs: 500,
    target: 0.99,
    backend: 'wasm',
  },
  main,
);
