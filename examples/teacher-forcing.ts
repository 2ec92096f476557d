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
 * and decodes does not use it).
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  buildTeacherForcing,
  decodeGreedyBatch,
  evaluateTeacherForcing,
  generateSequence,
  selectBackend,
  trainTeacherForcing,
} from '../src/index';

const usage =
  'usage: npx tsx examples/teacher-forcing.ts [--epochs N] [--task echo|reverse] [--seed N] [--target X] [--backend wasm|cpu]';

function fail(text: string): never {
  console.error(`${text}\n${usage}`);
  process.exit(2);
}

function readArgs(): {
  epochs: number;
  task: 'echo' | 'reverse';
  seed: number;
  target: number;
  backend: string;
} {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        epochs: { type: 'string' },
        task: { type: 'string' },
        seed: { type: 'string' },
        target: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  const int = (name: string, fallback: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0)
      fail(`--${name} must be a whole number, got ${String(text)}`);
    return n;
  };
  const task = values.task ?? 'echo';
  if (task !== 'echo' && task !== 'reverse')
    fail(`--task must be echo or reverse, got ${String(task)}`);
  const target = values.target === undefined ? 0.99 : Number(values.target);
  if (!(target > 0 && target <= 1))
    fail(`--target must be in (0, 1], got ${String(values.target)}`);
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu')
    fail(`--backend must be wasm or cpu, got ${String(backend)}`);
  return { epochs: Math.max(1, int('epochs', 120)), task, seed: int('seed', 1), target, backend };
}

async function main(): Promise<void> {
  const { epochs, task, seed, target, backend } = readArgs();
  // seq-echo never switches backends on its own; the wasm one needs the optional
  // '@tensorflow/tfjs-backend-wasm' package.
  await selectBackend(backend);
  console.log(`seq-echo: teacher forcing (${task}), backend ${tf.getBackend()}, seed ${seed}`);

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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
