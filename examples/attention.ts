/**
 * An attention encoder-decoder echoes, or reverses, windows of 20 random integers: far longer
 * than the walkthrough's RepeatVector encoder-decoder (buildEncoderDecoder) manages, because
 * each output step looks up the input step it needs instead of squeezing the whole window
 * through one vector.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/attention.ts                    # echo, up to 100 epochs, stop at 99%
 *   npx tsx examples/attention.ts --task reverse     # answer each window newest first
 *   npx tsx examples/attention.ts --epochs 3         # a quick smoke run
 *
 * Flags: --task echo|reverse (default echo), --epochs N (default 100), --seed N (default 1),
 * --backend wasm|cpu (default wasm, several times faster here), read by shared.ts.
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'.
 */
import {
  attentionWeights,
  buildAttention,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  predictEcho,
  trainEcho,
} from '../src/index';
import * as shared from './shared';

/** One character per weight, darker for more: a small text heat map of a [nOut][nIn] matrix. */
function heatMap(weights: number[][]): string {
  const shades = ' .:-=+*#%@';
  const header = `      input step 0${' '.repeat(Math.max(0, (weights[0]?.length ?? 0) - 17))}`;
  const rows = weights.map(
    (row, j) =>
      `out ${String(j).padStart(2)} |${row
        .map((w) => shades[Math.min(shades.length - 1, Math.floor(w * shades.length))])
        .join('')}|`,
  );
  return [header, ...rows].join('\n');
}

async function main({
  choice: task,
  epochs,
  seed,
  target,
}: shared.ExampleArgs<'echo' | 'reverse'>): Promise<void> {
  // trainEcho's fused engine trains the attention model whatever the backend; the backend
  // matters to engine: 'tfjs' (model.fit) only.

  // Step 1: the model. Windows of nIn = 20 integers in 0..99, answered whole (nOut = nIn),
  // oldest first ('echo') or newest first ('reverse').
  const nIn = 20;
  const model = buildAttention({ nIn, nUnique: 100, task, seed });
  console.log(`model: ${task} windows of ${nIn} with attention, ${model.countParams()} weights`);

  // Step 2: training. Each epoch is one fresh random sequence; nIn + 127 items give 128
  // windows, 4 batches of 32. trainEcho checks fresh sequences every 5 epochs and stops at 99%.
  const result = await trainEcho(model, {
    epochs,
    sequenceLength: nIn + 127,
    batchSize: 32,
    seed,
    targetAccuracy: target,
    evaluateEvery: 5,
    evaluationSequences: 4,
    onEpochEnd: ({ epoch, loss, accuracy, elapsedMs }) => {
      if (epoch % 10 === 0 || epoch === epochs) {
        console.log(
          `epoch ${epoch}: loss ${loss.toFixed(3)}, accuracy ${accuracy.toFixed(3)}, ${(elapsedMs / 1000).toFixed(1)} s`,
        );
      }
    },
  });
  console.log(
    `stopped after ${result.epochs} epochs (${result.stopReason}), ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );

  // Step 3: evaluation on fresh sequences the model has never seen.
  const evaluation = await evaluateEcho(model, {
    sequences: 20,
    sequenceLength: nIn + 24,
    seed: seed + 1,
  });
  console.log(
    `fresh sequences: ${(evaluation.accuracy * 100).toFixed(1)}% of items, ${(evaluation.sequenceAccuracy * 100).toFixed(1)}% of whole windows (${evaluation.windows} windows)`,
  );

  // Step 4: a few windows of a new sequence: what a perfect answer is, and what the model said.
  const sequence = generateSequence(nIn + 2, { seed: seed + 2 });
  const rows = predictEcho(model, sequence);
  for (const { input, expected, predicted } of rows) {
    console.log(`\ninput     ${input.join(' ')}`);
    console.log(`expected  ${expected.join(' ')}`);
    console.log(`predicted ${predicted.join(' ')}`);
  }

  // Step 5: where each output step looked, for the first window: row j is output step j's
  // attention over the 20 input steps. Trained on echo it is the diagonal; on reverse, the
  // anti-diagonal.
  const [weights] = attentionWeights(model, [rows[0]!.input]);
  console.log(`\nattention of window 0 (darker = more weight):\n${heatMap(weights!)}`);

  disposeEchoModel(model);
}

shared.runExample(
  {
    script: 'examples/attention.ts',
    title: 'seq-echo: an attention encoder-decoder on windows of 20',
    summary: 'An attention encoder-decoder echoing, or reversing, windows of 20 random integers.',
    epochs: 100,
    target: 0.99,
    choice: {
      name: 'task',
      values: ['echo', 'reverse'] as const,
      default: 'echo',
      help: 'answer each window oldest first (echo) or newest first (reverse)',
    },
    backend: 'wasm',
  },
  main,
);
