/**
 * Three ways to lay out an LSTM for the same echo task, trained side by side:
 *
 * - one-to-one: the window's 5 time steps become the features of ONE step
 *   (`Reshape([1, 5*100]) -> LSTM -> Dense(5*100) -> Reshape([5, 100]) -> Softmax`);
 * - many-to-one: the LSTM reads the 5 steps and only its last output is used; the whole
 *   answer comes out as one vector (`LSTM -> Dense(5*100) -> Reshape([5, 100]) -> Softmax`);
 * - many-to-many: the walkthrough's model A, an answer at every step
 *   (`LSTM(return_sequences) -> TimeDistributed(Dense(100, softmax))`).
 *
 * The task is model A's: echo the whole window of 5 random integers in 0..99. All three use the
 * same LSTM size, the same stateless batches of 7 windows, Adam at the same learning rate, and
 * stop once they echo 99% of the items of fresh sequences right. A table at the end compares
 * their size, the epochs and seconds they took, and their accuracy on 100 fresh sequences.
 *
 * What to expect: with model A's 20 units only many-to-many learns the echo (about 60 epochs).
 * The other two must squeeze all 5 items through 20 numbers before answering them together,
 * and stay near 40% even after 3000 epochs; they need about 150 units (and many more weights).
 *
 * Run it from a clone of the repository (no build needed):
 *
 *   npx tsx examples/topologies.ts                # up to 300 epochs each (a few minutes)
 *   npx tsx examples/topologies.ts --epochs 3     # a quick smoke run
 *   npx tsx examples/topologies.ts --backend cpu  # tfjs's plain JavaScript backend (slower)
 *
 * In your own project, import from 'seq-echo' instead of '../src/index'.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  disposeEchoModel,
  evaluateEcho,
  trainEcho,
} from '../src/index';
import * as shared from './shared';

/** One row of the comparison table. */
interface Row {
  topology: string;
  params: number;
  epochs: number;
  seconds: number;
  accuracy: number;
  windows: number;
}

async function main({ epochs, seed, target }: shared.ExampleArgs): Promise<void> {
  // The same settings for all three: model A's task and LSTM size, stateless (so each batch of 7
  // windows starts from a zero state), and Adam at 0.03 instead of the walkthrough's 0.001.
  const settings = { nIn: 5, nUnique: 100, units: 20, stateful: false, learningRate: 0.03, seed };
  const topologies: [string, () => tf.LayersModel][] = [
    // nOut defaults to nIn: the whole window, as one vector of 5 x 100.
    ['one-to-one', () => buildOneToOne(settings)],
    ['many-to-one', () => buildManyToOne(settings)],
    ['many-to-many (model A)', () => buildSeq2Seq(settings)],
  ];
  const rows: Row[] = [];
  for (const [topology, build] of topologies) {
    const model = build();
    console.log(
      `${topology}: ${model.layers.map((layer) => layer.getClassName()).join(' -> ')}` +
        `, ${model.countParams()} parameters`,
    );
    // The same data for all three (same seed). trainEcho trains the two new topologies with
    // model.fit; model A it could train with its fused engine, but `engine: 'tfjs'` keeps the
    // seconds comparable. Every 10 epochs it checks 20 fresh sequences and stops at 99%.
    const result = await trainEcho(model, {
      epochs,
      seed,
      batchSize: 7,
      targetAccuracy: target,
      evaluateEvery: 10,
      engine: 'tfjs',
    });
    // Then the real test: 100 sequences it has never seen (2100 windows).
    const evaluation = await evaluateEcho(model, { sequences: 100, seed: seed + 1 });
    rows.push({
      topology,
      params: model.countParams(),
      epochs: result.epochs,
      seconds: result.elapsedMs / 1000,
      accuracy: evaluation.accuracy,
      windows: evaluation.sequenceAccuracy,
    });
    console.log(
      `  ${result.epochs} epochs (${result.stopReason}), fresh accuracy ${(evaluation.accuracy * 100).toFixed(1)}%`,
    );
    disposeEchoModel(model);
  }

  console.log();
  console.log('topology                  params  epochs  seconds  items right  windows right');
  for (const r of rows) {
    console.log(
      `${r.topology.padEnd(24)}${String(r.params).padStart(8)}${String(r.epochs).padStart(8)}` +
        `${r.seconds.toFixed(1).padStart(9)}${`${(r.accuracy * 100).toFixed(1)}%`.padStart(13)}` +
        `${(r.windows * 100).toFixed(1)}%`.padStart(15),
    );
  }
}

shared.runExample(
  {
    script: 'examples/topologies.ts',
    title: 'seq-echo: one-to-one vs many-to-one vs many-to-many on the whole-window echo',
    summary:
      'Trains one-to-one, many-to-one and many-to-many LSTMs on the same echo task and compares them.',
    epochs: 300,
    target: 0.99,
    backend: 'wasm',
  },
  main,
);
