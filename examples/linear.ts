/**
 * Variant 1 of the walkthrough's extensions: the linear representation. Model A's whole-window
 * echo, once with one-hot inputs (the walkthrough) and once with each integer scaled to one
 * number in [0, 1], side by side, so you see what the representation costs.
 *
 *   one-hot  5 steps x 100 inputs -> LSTM(20) -> softmax over 100 per step, cross-entropy
 *   linear   5 steps x 1 input    -> LSTM(20) -> one linear output per step, mean squared error;
 *            the output is rescaled by 99 and rounded to read the integer back
 *
 * Both are built by buildSeq2Seq, stateless (state reset every batch), with the same 20 units,
 * the same Adam learning rate (0.01), batches of 7 (3 weight updates per 25-integer epoch) and
 * the same epoch budget, and both stop once fresh sequences reach 99%. The linear model has a
 * sixth of the weights, but 100 levels squeezed into [0, 1] are 1/99 apart, so each output must
 * land within +-0.005 of the right value to round to it: a regression that precise takes far
 * longer to learn than picking one of 100 classes.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/linear.ts               # both models, up to 800 epochs each
 *   npx tsx examples/linear.ts --epochs 3    # a quick smoke run
 *   npx tsx examples/linear.ts --backend cpu # tfjs's plain JavaScript backend (slower)
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags, the
 * backend and the printouts) is a helper of these examples, not part of seq-echo.
 */
import {
  buildSeq2Seq,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  linearDecode,
  linearEncode,
  predictEcho,
  trainEcho,
  type EchoEvaluation,
  type EchoRepresentation,
  type TrainEchoResult,
} from '../src/index';
import * as shared from './shared';

/** One trained model's figures, for the comparison table. */
interface Outcome {
  representation: EchoRepresentation;
  params: number;
  result: TrainEchoResult;
  evaluation: EchoEvaluation;
}

async function main({ epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  // Both models train on trainEcho's fused engine (softmax with cross-entropy, and the linear
  // head with mean squared error), whatever the backend.
  // Step 1: what the linear representation is. linearEncode scales each integer to
  // id / (nUnique - 1), one number per step; linearDecode multiplies back and rounds.
  const window = generateSequence(5, { seed: seed + 3 });
  const encoded = linearEncode(window);
  console.log(`a window:         [${window.join(', ')}]`);
  console.log(`linearEncode:     [${encoded.map(([v]) => v!.toFixed(4)).join(', ')}]`);
  console.log(`linearDecode:     [${linearDecode(encoded).join(', ')}]`);
  // A slightly-off prediction still decodes right while it stays within half a level.
  const nudged = encoded.map(([v]) => [Math.min(1, v! + 0.004)]);
  console.log(`each +0.004:      [${linearDecode(nudged).join(', ')}]  (still right)`);
  console.log(
    'with 100 levels 1/99 = 0.0101 apart, an output must be accurate to +-0.005 to round to the\n' +
      'right integer; one-hot only needs the right class to have the largest probability.\n',
  );

  const outcomes: Outcome[] = [];
  for (const representation of ['one-hot', 'linear'] as const) {
    // Step 2: the model: the same LSTM(20) stack, stateless, the same learning rate and seed.
    const model = buildSeq2Seq({
      representation,
      stateful: false,
      learningRate: 0.01,
      seed,
    });
    const params = model.countParams();
    console.log(
      `${representation}: input ${JSON.stringify(model.inputs[0]!.shape)} -> output ` +
        `${JSON.stringify(model.outputs[0]!.shape)}, ${params} weights`,
    );

    // Step 3: training. Each epoch is one fresh 25-integer sequence (21 windows) in batches of
    // 7; every 10 epochs trainEcho checks 20 fresh sequences and stops at 99%.
    const result = await trainEcho(model, {
      epochs,
      batchSize: 7,
      seed,
      targetAccuracy: target,
      evaluateEvery: 10,
      onEpochEnd: shared.logProgress(5),
    });
    shared.printStop(result);

    // Step 4: 100 fresh sequences the model has never seen (a seed apart from training's),
    // then a few windows of one more. predictEcho reads the representation from the model and
    // rescales and rounds the linear model's outputs for you.
    const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
    console.log(`fresh sequences: ${shared.percent(evaluation.accuracy)} of items correct`);
    shared.printRows(predictEcho(model, generateSequence(25, { seed: seed + 2 })).slice(0, 4));
    console.log();
    outcomes.push({ representation, params, result, evaluation });
    disposeEchoModel(model);
  }

  // Step 5: the contrast.
  console.log('representation  weights  epochs  seconds  ms/epoch  fresh accuracy');
  for (const { representation, params, result, evaluation } of outcomes) {
    console.log(
      `${representation.padEnd(14)}  ${String(params).padStart(7)}  ${String(result.epochs).padStart(6)}` +
        `  ${shared.seconds(result.elapsedMs).padStart(7)}  ${(result.elapsedMs / result.epochs).toFixed(0).padStart(8)}` +
        `  ${shared.percent(evaluation.accuracy).padStart(14)}`,
    );
  }
  console.log("(both train on trainEcho's fused engine: compare epochs first, seconds second)\n");
  shared.printSummary(
    outcomes.map((o) => shared.summaryPart(o.representation, o.result, o.evaluation)),
  );
}

shared.runExample(
  {
    script: 'examples/linear.ts',
    title: 'seq-echo variant 1: one-hot vs the linear representation',
    summary:
      "Model A's whole-window echo with one-hot inputs and with the linear representation " +
      '(integers scaled to [0, 1]), side by side.',
    epochs: 800,
    target: 0.99,
    backend: 'wasm',
  },
  main,
);
