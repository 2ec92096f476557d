import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  attentionWeights,
  buildAttention,
  buildEncoderDecoder,
  evaluateEcho,
  generateSequence,
  loadEchoModel,
  predictEcho,
  saveEchoModel,
  selectBackend,
  trainEcho,
} from '../src';
import { ATTENTION_LAYER_CLASSES, sinusoids } from '../src/models/attention/layers';
import { readEchoTask } from '../src/models/echoTask';
import { disposeAll } from './helpers/models';
import { expectError } from './helpers/errors';
import { weightValues } from './helpers/models';

// Small and seeded so the learning tests run in CI: windows of 24 items in a vocabulary of 10
// (nUnique 10, not 100: the softmax head is the bulk of each step's work), 32 units.
const N = 24;
const small = { nIn: N, nUnique: 10, units: 32, learningRate: 0.02 } as const;
/** 128 windows per epoch (4 batches of 32): sequences of N + 127 items. */
const sequenceLength = N + 127;

const registered = (): boolean[] =>
  ATTENTION_LAYER_CLASSES.map(
    (cls) => cls.className in tf.serialization.SerializationMap.getMap().classNameMap,
  );

/** A seeded batch of random windows of ids. */
const randomWindows = (count: number, seed: number, nIn = N, nUnique = 10): number[][] => {
  const items = generateSequence(count * nIn, { nUnique, seed });
  return Array.from({ length: count }, (_, w) => items.slice(w * nIn, (w + 1) * nIn));
};

/** The fraction of rows `j` whose largest weight is at input step `target(j)`. */
function argmaxHits(weights: number[][][], target: (j: number) => number): number {
  let hits = 0;
  let rows = 0;
  for (const window of weights) {
    window.forEach((row, j) => {
      rows++;
      if (row.indexOf(Math.max(...row)) === target(j)) hits++;
    });
  }
  return hits / rows;
}

describe('registration', () => {
  it('importing the module registers nothing; buildAttention registers its layers once', () => {
    expect(registered()).toEqual([false, false, false]);
    const model = buildAttention({ ...small, seed: 1 });
    expect(registered()).toEqual([true, true, true]);
    disposeAll(model);
    const again = buildAttention({ ...small, seed: 1 });
    expect(registered()).toEqual([true, true, true]);
    disposeAll(again);
  });
});

describe('buildAttention', () => {
  it('has the echo shapes, a free batch, the task recorded and the standard compile', () => {
    const before = tf.memory().numTensors;
    const model = buildAttention({ seed: 1 });
    expect(model.inputs).toHaveLength(1);
    expect(model.outputs).toHaveLength(1);
    expect(model.inputs[0]!.shape).toEqual([null, 20, 100]);
    expect(model.outputs[0]!.shape).toEqual([null, 20, 100]);
    expect(readEchoTask(model)).toEqual({ task: 'echo', representation: 'one-hot', nUnique: 100 });
    expect(model.loss).toBe('categoricalCrossentropy');
    expect(model.optimizer.getClassName()).toBe('Adam');
    expect((model.optimizer.getConfig() as { learningRate: number }).learningRate).toBe(0.01);
    expect(model.layers.some((layer) => (layer as { stateful?: boolean }).stateful)).toBe(false);
    disposeAll(model);

    const partial = buildAttention({ nIn: 30, nOut: 7, nUnique: 12, task: 'reverse', seed: 2 });
    expect(partial.inputs[0]!.shape).toEqual([null, 30, 12]);
    expect(partial.outputs[0]!.shape).toEqual([null, 7, 12]);
    expect(readEchoTask(partial)).toEqual({
      task: 'reverse',
      representation: 'one-hot',
      nUnique: 12,
    });
    // Any batch size predicts; a softmax per output step.
    const y = tf.tidy(() => partial.predict(tf.zeros([3, 30, 12])) as tf.Tensor);
    expect(y.shape).toEqual([3, 7, 12]);
    const sums = tf.tidy(() => y.sum(-1).arraySync() as number[][]);
    for (const row of sums) for (const s of row) expect(s).toBeCloseTo(1, 5);
    y.dispose();
    disposeAll(partial);

    expect(tf.memory().numTensors).toBe(before);
    // The LSTM encoder too: tfjs's LSTM initialiser temporaries are freed by the build's tidy.
    const lstm = buildAttention({ ...small, encoder: 'lstm', seed: 3 });
    expect(lstm.outputs[0]!.shape).toEqual([null, N, 10]);
    expect(lstm.layers.some((layer) => layer.getClassName() === 'LSTM')).toBe(true);
    disposeAll(lstm);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds the same weights from the same seed, different ones from another', () => {
    const a = buildAttention({ ...small, seed: 5 });
    const b = buildAttention({ ...small, seed: 5 });
    const c = buildAttention({ ...small, seed: 6 });
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)).not.toEqual(weightValues(c));
    [a, b, c].forEach(disposeAll);
  });

  it('rejects bad options before making a tensor', () => {
    const before = tf.memory().numTensors;
    const fn = 'buildAttention';
    expectError(() => buildAttention({ nIn: 5, nOut: 6 }), RangeError, fn, 'options.nOut', '6');
    expectError(() => buildAttention({ nOut: 0 }), RangeError, fn, 'options.nOut', '0');
    expectError(
      () => buildAttention({ stateful: true } as unknown as object),
      RangeError,
      fn,
      'options.stateful',
      'true',
    );
    expectError(
      () => buildAttention({ stateful: 'no' } as unknown as object),
      TypeError,
      fn,
      'options.stateful',
    );
    expectError(
      () => buildAttention({ task: 'sideways' } as unknown as object),
      RangeError,
      fn,
      'options.task',
      '"sideways"',
    );
    expectError(
      () => buildAttention({ task: 1 } as unknown as object),
      TypeError,
      fn,
      'options.task',
      '1',
    );
    expectError(
      () => buildAttention({ encoder: 'gru' } as unknown as object),
      RangeError,
      fn,
      'options.encoder',
      '"gru"',
    );
    expectError(
      () => buildAttention({ positionFeatures: 3 }),
      RangeError,
      fn,
      'options.positionFeatures',
      '3',
    );
    expectError(() => buildAttention({ nIn: 0 }), RangeError, fn, 'options.nIn', '0');
    expectError(() => buildAttention({ nUnique: 1 }), RangeError, fn, 'options.nUnique', '1');
    expectError(() => buildAttention({ units: 1.5 }), RangeError, fn, 'options.units', '1.5');
    expectError(
      () => buildAttention({ learningRate: 0 }),
      RangeError,
      fn,
      'options.learningRate',
      '0',
    );
    expectError(() => buildAttention({ seed: 0.5 }), RangeError, fn, 'options.seed', '0.5');
    expectError(
      () => buildAttention('big' as unknown as object),
      TypeError,
      fn,
      'options',
      '"big"',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sinusoids', () => {
  it('are sin/cos pairs of geometrically spaced frequencies, 1 rad/step first', () => {
    const table = sinusoids(3, 4, 10);
    expect(Array.from(table).map((v) => Number(v.toFixed(5)))).toEqual(
      [0, 1, 0, 1, Math.sin(1), Math.cos(1), Math.sin(0.1), Math.cos(0.1)]
        .concat([Math.sin(2), Math.cos(2), Math.sin(0.2), Math.cos(0.2)])
        .map((v) => Number(v.toFixed(5))),
    );
  });
});

describe('attentionWeights', () => {
  it('refuses more windows than one tensor may hold, before making it', () => {
    const model = buildAttention({ nIn: 6, nUnique: 10, units: 4, seed: 1 });
    const before = tf.memory().numTensors;
    const windows = new Array<number[]>(5_000_000).fill([1, 2, 3, 4, 5, 6]); // 3e8 values
    expect(() => attentionWeights(model, windows)).toThrow(
      /^attentionWeights: windows must keep the windows' one-hot values/,
    );
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(model);
  });

  it('gives [nOut][nIn] rows summing to 1 per window and leaves no tensor behind', () => {
    const model = buildAttention({ nIn: 9, nOut: 4, nUnique: 10, units: 8, seed: 1 });
    const windows = randomWindows(3, 1, 9);
    const before = tf.memory().numTensors;
    const weights = attentionWeights(model, windows);
    expect(tf.memory().numTensors).toBe(before);
    expect(weights).toHaveLength(3);
    for (const window of weights) {
      expect(window).toHaveLength(4);
      for (const row of window) {
        expect(row).toHaveLength(9);
        expect(row.every((w) => w >= 0)).toBe(true);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
    // The same window gives the same weights, alone or in a batch.
    expect(attentionWeights(model, [windows[1]!])[0]).toEqual(weights[1]);
    disposeAll(model);
  });

  it('rejects models that are not attention models and bad windows, before any tensor', () => {
    const model = buildAttention({ nIn: 6, nUnique: 10, units: 8, seed: 1 });
    const other = buildEncoderDecoder({ nIn: 6, nOut: 6, nUnique: 10, units: 4, stateful: false });
    const before = tf.memory().numTensors;
    const fn = 'attentionWeights';
    const ok = [0, 1, 2, 3, 4, 5];
    expectError(() => attentionWeights(other, [ok]), TypeError, fn, 'model');
    expectError(
      () => attentionWeights({} as unknown as tf.LayersModel, [ok]),
      TypeError,
      fn,
      'model',
      'an object',
    );
    expectError(
      () => attentionWeights(model, 'windows' as unknown as number[][]),
      TypeError,
      fn,
      'windows',
    );
    expectError(() => attentionWeights(model, []), RangeError, fn, 'windows');
    expectError(() => attentionWeights(model, [ok, [1, 2, 3]]), RangeError, fn, 'windows[1]');
    expectError(
      () => attentionWeights(model, [[0, 1, 2, 3, 4, 10]]),
      RangeError,
      fn,
      'windows[0][5]',
      '10',
    );
    expectError(
      () => attentionWeights(model, [[0, 1, 2, 3, 4, 'x' as unknown as number]]),
      TypeError,
      fn,
      'windows[0][5]',
    );
    expectError(
      () => attentionWeights(model, [7 as unknown as number[]]),
      TypeError,
      fn,
      'windows[0]',
      '7',
    );
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(model);
    disposeAll(other);
  });
});

describe('learning long windows (nIn = nOut = 24, nUnique 10)', () => {
  let root: string;
  let backend: string;
  // tfjs runs these layers op by op: its wasm backend does this model's small ops several
  // times faster than cpu, so the learning tests use it and put the backend back afterwards.
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'seq-echo-attention-test-'));
    backend = tf.getBackend();
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend(backend);
    await rm(root, { recursive: true, force: true });
  });

  const train = (model: tf.LayersModel, seed: number) =>
    trainEcho(model, {
      epochs: 60,
      sequenceLength,
      batchSize: 32,
      seed,
      targetAccuracy: 0.99,
      evaluateEvery: 5,
      evaluationSequences: 4,
    });

  it('learns to echo, each output step attending to its own input step', async () => {
    const model = buildAttention({ ...small, seed: 11 });
    const result = await train(model, 12);
    expect(result.stopReason).toBe('targetAccuracy');
    const { accuracy } = await evaluateEcho(model, {
      sequences: 10,
      sequenceLength: N + 49,
      seed: 13,
    });
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    const weights = attentionWeights(model, randomWindows(8, 14));
    expect(argmaxHits(weights, (j) => j)).toBeGreaterThanOrEqual(0.9);
    disposeAll(model);
  });

  it('learns to reverse, attends to input step nIn - 1 - j, and saves and loads', async () => {
    const model = buildAttention({ ...small, task: 'reverse', seed: 21 });
    const result = await train(model, 22);
    expect(result.stopReason).toBe('targetAccuracy');
    const { accuracy } = await evaluateEcho(model, {
      sequences: 10,
      sequenceLength: N + 49,
      seed: 23,
    });
    expect(accuracy).toBeGreaterThanOrEqual(0.95);

    const sequence = generateSequence(N + 9, { nUnique: 10, seed: 24 });
    const rows = predictEcho(model, sequence);
    expect(rows).toHaveLength(10);
    expect(rows[0]!.expected).toEqual(sequence.slice(0, N).reverse());
    const right = rows.flatMap((r) => r.predicted.map((p, k) => (p === r.expected[k] ? 1 : 0)));
    expect(right.reduce<number>((a, b) => a + b, 0) / right.length).toBeGreaterThanOrEqual(0.95);

    const windows = randomWindows(8, 25);
    const weights = attentionWeights(model, windows);
    expect(argmaxHits(weights, (j) => N - 1 - j)).toBeGreaterThanOrEqual(0.9);

    // Save, forget the layer classes (as in a program that never imported buildAttention),
    // and load: loadEchoModel registers them itself.
    const dir = join(root, 'reverse');
    await saveEchoModel(model, dir);
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const cls of ATTENTION_LAYER_CLASSES) Reflect.deleteProperty(map, cls.className);
    const before = tf.memory().numTensors;
    const loaded = await loadEchoModel(dir);
    expect(registered()).toEqual([true, true, true]);
    expect(readEchoTask(loaded)).toEqual({
      task: 'reverse',
      representation: 'one-hot',
      nUnique: 10,
    });
    expect(predictEcho(loaded, sequence)).toEqual(rows);
    const x = tf.tidy(() => tf.oneHot(tf.tensor2d(windows, undefined, 'int32'), 10));
    const [y1, y2] = [model, loaded].map((m) => m.predict(x) as tf.Tensor);
    expect(Array.from(y2!.dataSync())).toEqual(Array.from(y1!.dataSync()));
    tf.dispose([x, y1!, y2!]);
    expect(attentionWeights(loaded, windows)).toEqual(weights);
    disposeAll(loaded);
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(model);
  });

  it('saves and loads an LSTM-encoder model with identical predictions', async () => {
    const model = buildAttention({
      nIn: 8,
      nUnique: 10,
      units: 8,
      encoder: 'lstm',
      task: 'reverse',
      seed: 31,
    });
    const dir = join(root, 'lstm');
    await saveEchoModel(model, dir);
    const loaded = await loadEchoModel(dir);
    const windows = randomWindows(4, 32, 8);
    expect(attentionWeights(loaded, windows)).toEqual(attentionWeights(model, windows));
    const sequence = generateSequence(11, { nUnique: 10, seed: 33 });
    expect(predictEcho(loaded, sequence)).toEqual(predictEcho(model, sequence));
    expect(readEchoTask(loaded)).toMatchObject({ task: 'reverse' });
    disposeAll(loaded);
    disposeAll(model);
  });
});
