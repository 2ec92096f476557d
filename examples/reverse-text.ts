/**
 * Variant 8 of the walkthrough's extensions: reverse text. A character vocabulary turns text
 * into the integer ids seq-echo's models work with; a model built with `task: 'reverse'`
 * learns to answer each window of 5 ids newest first; then it reverses the windows of a real
 * sentence, decoded back to text:
 *
 *   "the q" -> "q eht"
 *
 * The model never sees the sentence (or any text) in training: it learns on windows of random
 * ids in 0..29, every character equally likely, so it reverses any text over the vocabulary.
 * The model is seq-echo's attention encoder-decoder (buildAttention, from
 * src/models/attention): each output step looks up the input step it needs, so reversing is
 * as easy for it as echoing. It is stateless and trains through tfjs's model.fit, so the wasm
 * backend (the default here) matters.
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/reverse-text.ts               # up to 100 epochs, stops at 99%
 *   npx tsx examples/reverse-text.ts --epochs 3    # a quick smoke run
 *   npx tsx examples/reverse-text.ts --backend cpu # tfjs's plain JavaScript backend (slower)
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'. shared.ts (the flags, the
 * backend and the printouts) is a helper of these examples, not part of seq-echo.
 */
import {
  buildAttention,
  createVocabulary,
  disposeEchoModel,
  evaluateEcho,
  predictEcho,
  trainEcho,
} from '../src/index';
import * as shared from './shared';

async function main({ epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  // Step 1: the vocabulary: 26 letters, space, full stop and comma, ids 0..28 in this order.
  const vocabulary = createVocabulary(Array.from('abcdefghijklmnopqrstuvwxyz .,'));
  console.log(
    `vocabulary: ${vocabulary.size} characters, e.g. "echo" -> [${vocabulary.encode('echo').join(', ')}]`,
  );

  // A character outside the vocabulary is an error that names it, not a silent wrong id.
  try {
    vocabulary.encode('Hello!');
  } catch (error) {
    console.log(`an unknown character: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log();

  // Step 2: the model: windows of 5 ids in [0, vocabulary.size), all 5 answered newest first.
  const nIn = 5;
  const model = buildAttention({ nIn, nOut: nIn, nUnique: vocabulary.size, task: 'reverse', seed });
  console.log(
    `model: attention encoder-decoder, input ${JSON.stringify(model.inputs[0]!.shape)}, ` +
      `${model.countParams()} weights, task reverse`,
  );

  // Step 3: training on random ids: each epoch one fresh sequence of 100 ids (96 windows) in
  // batches of 32. Every 5 epochs trainEcho checks 20 fresh sequences and stops at 99%.
  console.log(`training for up to ${epochs} epochs...`);
  const result = await trainEcho(model, {
    epochs,
    sequenceLength: 100,
    batchSize: 32,
    seed,
    targetAccuracy: target,
    evaluateEvery: 5,
    onEpochEnd: shared.logProgress(5),
  });
  shared.printStop(result);

  // Step 4: 100 fresh random sequences (a seed apart from training's).
  const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
  shared.printEvaluation(evaluation, 100);

  // Step 5: a real sentence. Encode it, let predictEcho frame it into windows of 5 and answer
  // each one, then decode what the model said back to characters.
  const sentence = 'the quick brown fox jumps over the lazy dogs.'; // 45 = 9 x 5 characters
  const rows = predictEcho(model, vocabulary.encode(sentence));
  const text = (ids: readonly number[]): string => vocabulary.decode(ids).join('');
  const correct = rows.filter((row) => text(row.predicted) === text(row.expected)).length;
  console.log(`"${sentence}": ${rows.length} windows, ${correct} reversed correctly`);
  // Every fifth window, so the windows tile the sentence.
  for (let i = 0; i < rows.length; i += nIn) {
    const { input, expected, predicted } = rows[i]!;
    const wrong =
      text(predicted) === text(expected) ? '' : `   <- wrong, expected "${text(expected)}"`;
    console.log(`  "${text(input)}" -> "${text(predicted)}"${wrong}`);
  }
  const tiled = rows.filter((_, i) => i % nIn === 0).map((row) => text(row.predicted));
  console.log(`each window reversed in place: "${tiled.join('')}"\n`);

  shared.printSummary([
    shared.summaryPart('reverse', result, evaluation),
    `sentence windows ${correct}/${rows.length} (${shared.percent(correct / rows.length)})`,
  ]);
  disposeEchoModel(model);
}

shared.runExample(
  {
    script: 'examples/reverse-text.ts',
    title: 'seq-echo variant 8: reverse text, window by window',
    summary:
      'A character vocabulary and a model trained (on random ids) to reverse windows of 5, ' +
      'then used to reverse the windows of a sentence.',
    epochs: 100,
    target: 0.99,
    backend: 'wasm',
  },
  main,
);
