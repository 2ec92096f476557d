/**
 * Teacher forcing: an encoder-decoder learns to echo (or reverse) sequences of varying length,
 * then answers fresh ones by greedy decoding, one item at a time, until it says END.
 *
 * Each sample is 1 to 6 random integers in 0..9. The encoder LSTM reads them (one-hot, padded
 * in front); during training the decoder LSTM starts from the encoder's state and reads the
 * right answer shifted by a START token (teacher forcing), predicting the answer followed by
 * END. For inference the same weights form two other models: the encoder alone, and one
 * decoder step fed its own previous output.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/teacher-forcing.ts                   # echo, up to 120 epochs, stops at 99%
 *   npx tsx examples/teacher-forcing.ts --task reverse    # answer the items newest first
 *   npx tsx examples/teacher-forcing.ts --epochs 3        # a quick smoke run
 *
 * Flags: --epochs N, --task echo|reverse, --seed N, --target X (exact-sequence accuracy at
 * which to stop, default 0.99), --backend wasm|cpu (default wasm; the fused engine that trains
 * and decodes does not use it), read by shared.ts.
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'.
 */
import {
  buildTeacherForcing,
  decodeGreedyBatch,
  evaluateTeacherForcing,
  generateSequence,
  trainTeacherForcing,
} from '../src/index';
import * as shared from './shared';

async function main({
  epochs,
  choice: task,
  seed,
  target,
}: shared.ExampleArgs<'echo' | 'reverse'>): Promise<void> {
  // Step 1: three models sharing one set of weights: `training`, `encoder`, `decoder`.
  const models = buildTeacherForcing({
    maxLength: 6,
    nUnique: 10,
    units: 64,
    learningRate: 0.01,
    task,
    seed,
  });
  console.log(
    `training model: inputs ${JSON.stringify(models.training.inputs.map((i) => i.shape))} -> ${JSON.stringify(models.training.outputs[0]!.shape)}; START = END = id ${models.endId}`,
  );

  // Step 2: training. Each epoch is 512 fresh samples of random lengths 1..6; every 2 epochs
  // 200 fresh samples are decoded greedily, and training stops once enough are exactly right.
  console.log(`training for up to ${epochs} epochs (target: ${target} exact sequences)...`);
  const result = await trainTeacherForcing(models, {
    epochs,
    samplesPerEpoch: 512,
    batchSize: 64,
    seed,
    targetAccuracy: target,
    evaluateEvery: 2,
    evaluationSamples: 200,
    onEpochEnd: ({ epoch, loss, accuracy, elapsedMs }) => {
      if (epoch === 1 || epoch % 10 === 0 || epoch === epochs) {
        console.log(
          `  epoch ${epoch}: loss ${loss.toFixed(4)}, teacher-forced item accuracy ${accuracy.toFixed(4)}, ${(elapsedMs / 1000).toFixed(1)} s`,
        );
      }
    },
  });
  const last = result.evaluations[result.evaluations.length - 1];
  console.log(
    `stopped after ${result.epochs} epochs (${result.stopReason}) in ${(result.elapsedMs / 1000).toFixed(1)} s` +
      (last ? `; last check: ${(last.sequenceAccuracy * 100).toFixed(1)}% exact` : ''),
  );

  // Step 3: evaluation on 1000 fresh samples, decoded greedily (the decoder is fed its own
  // outputs, not the right answer).
  const evaluation = evaluateTeacherForcing(models, { samples: 1000, seed: seed + 1 });
  console.log(
    `fresh samples: ${(evaluation.sequenceAccuracy * 100).toFixed(1)}% exactly right, ` +
      `${(evaluation.accuracy * 100).toFixed(1)}% of items, ${(evaluation.lengthAccuracy * 100).toFixed(1)}% of lengths right`,
  );

  // Step 4: a few fresh inputs of different lengths and their greedy decodings.
  const inputs = [1, 3, 6, 2, 5, 4].map((length, i) =>
    generateSequence(length, { nUnique: 10, seed: seed + 10 + i }),
  );
  const outputs = decodeGreedyBatch(models, inputs);
  inputs.forEach((input, i) => {
    const expected = task === 'echo' ? input : [...input].reverse();
    const got = outputs[i]!;
    const mark = JSON.stringify(got) === JSON.stringify(expected) ? 'ok' : 'WRONG';
    console.log(
      `  ${JSON.stringify(input).padEnd(16)} -> ${JSON.stringify(got).padEnd(16)} ${mark}`,
    );
  });

  // Free the weights of all three models, and Adam's state.
  models.dispose();
}

shared.runExample(
  {
    script: 'examples/teacher-forcing.ts',
    title: 'seq-echo: teacher forcing',
    summary:
      'An encoder-decoder trained with teacher forcing echoes (or reverses) sequences of 1 to 6 ' +
      'integers, decoding greedily until it says END.',
    epochs: 120,
    target: 0.99,
    choice: {
      name: 'task',
      values: ['echo', 'reverse'] as const,
      default: 'echo',
      help: 'answer the items oldest first (echo) or newest first (reverse)',
    },
    backend: 'wasm',
  },
  main,
);
