/**
 * The walkthrough's first two extensions and the reverse task, on its own two factories:
 * the linear representation (regression on scaled integers), masking with padded framing,
 * and `task: 'reverse'`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  evaluateEcho,
  generateSequence,
  linearDecode,
  linearEncode,
  loadEchoModel,
  oneHotEncode,
  oneHotDecode,
  predictEcho,
  saveEchoModel,
  toSupervised,
  trainEcho,
} from '../src';
import { readEchoShape } from '../src/models/echoShape';
import { TASK_KEY } from '../src/models/echoTask';
import { expectError, expectRejection } from './helpers/errors';

const weights = (model: tf.LayersModel): number[][] =>
  model.getWeights().map((w) => Array.from(w.dataSync()));

describe('linearEncode / linearDecode', () => {
  it('scales integers to [0, 1] as id / (nUnique - 1), one row per item', () => {
    expect(linearEncode([0, 33, 99])).toEqual([[0], [33 / 99], [1]]);
    expect(linearEncode([0, 1, 2, 3, 4], 5)).toEqual([[0], [0.25], [0.5], [0.75], [1]]);
    expect(linearEncode([])).toEqual([]);
    expect(linearEncode(new Int32Array([9]), 10)).toEqual([[1]]);
  });

  it('round-trips every integer, and rounds to the nearest one', () => {
    const all = Array.from({ length: 100 }, (_, i) => i);
    expect(linearDecode(linearEncode(all))).toEqual(all);
    expect(linearDecode([[0.504], [0.996], [-0.004], [0.2549]], 100)).toEqual([50, 99, 0, 25]);
    expect(linearDecode([[0.12], [0.13]], 5)).toEqual([0, 1]);
    expect(Object.is(linearDecode([[-0.001]])[0], 0)).toBe(true); // not -0
  });

  it('refuses values that are not the encoding of any integer, naming the row', () => {
    // nUnique 5: the valid range is [-0.125, 1.125).
    expectError(
      () => linearDecode([[0.5], [1.125]], 5),
      RangeError,
      'linearDecode',
      'encoded[1][0]',
      '1.125',
    );
    expectError(
      () => linearDecode([[-0.13]], 5),
      RangeError,
      'linearDecode',
      'encoded[0][0]',
      '-0.13',
    );
    expectError(() => linearDecode([[2]]), RangeError, 'linearDecode', 'encoded[0][0]');
    expectError(() => linearDecode([[Number.NaN]]), RangeError, 'linearDecode', 'encoded[0]');
    expectError(() => linearDecode([[0.1, 0.2]]), RangeError, 'linearDecode', 'encoded[0]');
    expectError(() => linearDecode([0.1] as never), TypeError, 'linearDecode', 'encoded[0]');
    expectError(() => linearDecode([[0.1]], 1), RangeError, 'linearDecode', 'nUnique', '1');
  });

  it('checks linearEncode arguments like oneHotEncode', () => {
    expectError(() => linearEncode([3, 100]), RangeError, 'linearEncode', 'sequence[1]', '100');
    expectError(() => linearEncode([1.5], 10), RangeError, 'linearEncode', 'sequence[0]', '1.5');
    expectError(() => linearEncode('12' as never), TypeError, 'linearEncode', 'sequence');
    expectError(() => linearEncode([1], 2.5), RangeError, 'linearEncode', 'nUnique', '2.5');
  });

  it('frames with toSupervised like one-hot rows', () => {
    const { X, y } = toSupervised(linearEncode([0, 1, 2, 3], 4), 3, 2);
    expect(X.map((row) => linearDecode(row, 4))).toEqual([
      [0, 1, 2],
      [1, 2, 3],
    ]);
    expect(y.map((row) => linearDecode(row, 4))).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });
});

describe('toSupervised: padded framing and reversed targets', () => {
  it('keeps the incomplete windows, padded at the front: one row per item', () => {
    const sequence = [10, 11, 12, 13];
    const { X, y } = toSupervised(oneHotEncode(sequence, 20), 3, 2, { framing: 'padded' });
    expect(X).toHaveLength(4);
    const zero = new Array<number>(20).fill(0);
    expect(X[0]).toEqual([zero, zero, oneHotEncode([10], 20)[0]]);
    expect(X[1]).toEqual([zero, ...oneHotEncode([10, 11], 20)]);
    expect(oneHotDecode(X[2]!)).toEqual([10, 11, 12]);
    expect(oneHotDecode(X[3]!)).toEqual([11, 12, 13]);
    // Targets keep the padding: the oldest two items of each window.
    expect(y[0]).toEqual([zero, zero]);
    expect(y[1]).toEqual([zero, oneHotEncode([10], 20)[0]]);
    expect(oneHotDecode(y[3]!)).toEqual([11, 12]);
  });

  it('pads with any value that does not occur, even when nIn exceeds the sequence', () => {
    const { X, y } = toSupervised([[1], [2]], 3, 3, { framing: 'padded', padValue: -1 });
    expect(X).toEqual([
      [[-1], [-1], [1]],
      [[-1], [1], [2]],
    ]);
    expect(y).toEqual(X);
  });

  it('reverses each target with task reverse, in either framing', () => {
    const rows = [[1], [2], [3], [4]];
    expect(toSupervised(rows, 3, 3, { task: 'reverse' }).y).toEqual([
      [[3], [2], [1]],
      [[4], [3], [2]],
    ]);
    expect(toSupervised(rows, 3, 2, { task: 'reverse', framing: 'padded', padValue: 9 }).y).toEqual(
      [
        [[9], [9]],
        [[1], [9]],
        [[2], [1]],
        [[3], [2]],
      ],
    );
  });

  it('refuses a pad value that occurs as a whole row, and bad options', () => {
    expectError(
      () => toSupervised(linearEncode([0, 5], 10), 2, 1, { framing: 'padded' }),
      RangeError,
      'toSupervised',
      'options.padValue',
      '0',
    );
    expectError(
      () => toSupervised([[1]], 1, 1, { framing: 'pad' as never }),
      RangeError,
      'toSupervised',
      'options.framing',
      '"pad"',
    );
    expectError(
      () => toSupervised([[1]], 1, 1, { framing: 'padded', padValue: Number.NaN }),
      RangeError,
      'toSupervised',
      'options.padValue',
    );
    expectError(
      () => toSupervised([[1]], 1, 1, { padValue: '0' as never }),
      TypeError,
      'toSupervised',
      'options.padValue',
    );
    expectError(
      () => toSupervised([[1]], 1, 1, { task: 'mirror' as never }),
      RangeError,
      'toSupervised',
      'options.task',
    );
    expectError(() => toSupervised([[1]], 1, 1, 5 as never), TypeError, 'toSupervised', 'options');
    // Padded framing still needs nOut <= nIn and a non-empty sequence.
    expectError(
      () => toSupervised([[1]], 1, 2, { framing: 'padded' }),
      RangeError,
      'toSupervised',
      'nOut',
    );
    expectError(
      () => toSupervised([], 2, 1, { framing: 'padded' }),
      RangeError,
      'toSupervised',
      'nIn',
    );
  });
});

describe('factory options: representation, masking, task', () => {
  it('builds a linear model: one value per step in and out, mean squared error', () => {
    const model = buildSeq2Seq({ representation: 'linear', nUnique: 50, seed: 1 });
    expect(model.inputs[0]!.shape).toEqual([7, 5, 1]);
    expect(model.outputs[0]!.shape).toEqual([7, 5, 1]);
    expect(model.loss).toBe('meanSquaredError');
    expect(readEchoShape('t', model)).toMatchObject({
      nIn: 5,
      nOut: 5,
      nUnique: 50,
      representation: 'linear',
      framing: 'complete',
      task: 'echo',
    });
    model.dispose();
    const b = buildEncoderDecoder({ representation: 'linear', units: 8, stateful: false });
    expect(b.inputs[0]!.shape).toEqual([null, 5, 1]);
    expect(b.outputs[0]!.shape).toEqual([null, 2, 1]);
    b.dispose();
  });

  it('builds a masking model: a Masking layer first, padded framing', () => {
    const model = buildEncoderDecoder({ masking: true, units: 8, batchSize: 5, seed: 1 });
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Masking',
      'LSTM',
      'RepeatVector',
      'LSTM',
      'TimeDistributed',
    ]);
    expect(model.inputs[0]!.shape).toEqual([5, 5, 100]);
    expect(readEchoShape('t', model)).toMatchObject({ framing: 'padded', stateful: true });
    model.dispose();
  });

  it('refuses incompatible and malformed options before making any weight', () => {
    const before = tf.memory().numTensors;
    expectError(
      () => buildSeq2Seq({ masking: true, representation: 'linear' }),
      RangeError,
      'buildSeq2Seq',
      'options.masking',
    );
    expectError(
      () => buildSeq2Seq({ representation: 'binary' as never }),
      RangeError,
      'buildSeq2Seq',
      'options.representation',
      '"binary"',
    );
    expectError(
      () => buildEncoderDecoder({ masking: 'yes' as never }),
      TypeError,
      'buildEncoderDecoder',
      'options.masking',
    );
    expectError(
      () => buildEncoderDecoder({ task: 'sideways' as never }),
      RangeError,
      'buildEncoderDecoder',
      'options.task',
      '"sideways"',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model whose recorded task is malformed', () => {
    const model = buildSeq2Seq({ units: 4 });
    model.setUserDefinedMetadata({ [TASK_KEY]: { task: 'echo', representation: 'one-hot' } });
    expectError(() => predictEcho(model, [1, 2, 3, 4, 5]), TypeError, 'predictEcho', TASK_KEY);
    // A recorded vocabulary size that the shapes contradict.
    model.setUserDefinedMetadata({
      [TASK_KEY]: { task: 'echo', representation: 'one-hot', nUnique: 7 },
    });
    expectError(() => predictEcho(model, [1, 2, 3, 4, 5]), RangeError, 'predictEcho', 'nUnique 7');
    model.dispose();
  });
});

describe('the linear representation learns (regression, decoded by rounding)', () => {
  let model: tf.LayersModel;
  afterAll(() => model.dispose());

  it('echoes whole windows of 10 integers to >= 95% on fresh sequences', async () => {
    // Ten levels 1/9 apart: rounding forgives an error below 0.055.
    model = buildSeq2Seq({
      representation: 'linear',
      nUnique: 10,
      units: 32,
      stateful: false,
      learningRate: 0.01,
      seed: 1,
    });
    // The first model.fit makes Adam's moment variables (model state, not a leak); count after.
    await trainEcho(model, { epochs: 1, batchSize: 7, seed: 1 });
    const before = tf.memory().numTensors;
    const result = await trainEcho(model, {
      epochs: 600,
      batchSize: 7,
      seed: 2,
      targetAccuracy: 0.97,
      evaluateEvery: 25,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.epochs).toBeGreaterThan(0);
    expect(result.history.accuracy).toHaveLength(result.epochs);
    expect(result.history.accuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
    const fresh = await evaluateEcho(model, { sequences: 40, seed: 77 });
    expect(fresh.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(tf.memory().numTensors).toBe(before);
    const rows = predictEcho(model, generateSequence(8, { nUnique: 10, seed: 5 }));
    expect(rows).toHaveLength(4);
    for (const { predicted } of rows) {
      for (const id of predicted) expect(Number.isInteger(id) && id >= 0 && id < 10).toBe(true);
    }
  });

  it('saves and loads as a linear model with the same predictions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seq-echo-linear-'));
    try {
      const saved = await saveEchoModel(model, dir);
      expect(saved.metadata).toMatchObject({ representation: 'linear', nUnique: 10, task: 'echo' });
      const loaded = await loadEchoModel(dir);
      expect(loaded.loss).toBe('meanSquaredError');
      const sequence = generateSequence(30, { nUnique: 10, seed: 6 });
      expect(predictEcho(loaded, sequence)).toEqual(predictEcho(model, sequence));
      // And it trains on.
      await trainEcho(loaded, { epochs: 2, batchSize: 7, seed: 3 });
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('masking: padded framing uses every item', () => {
  let model: tf.LayersModel;
  afterAll(() => model.dispose());

  it('refuses a stateful batch that does not divide the padded window count', async () => {
    model = buildSeq2Seq({ masking: true, nUnique: 20, batchSize: 7, seed: 1 });
    const before = weights(model);
    // 25 items give 25 padded windows, which 7 does not divide (21 complete ones would do).
    await expectRejection(
      () => trainEcho(model, { epochs: 1 }),
      RangeError,
      'trainEcho',
      'options.sequenceLength',
      '25',
    );
    expect(weights(model)).toEqual(before);
    await trainEcho(model, { epochs: 1, sequenceLength: 28 }); // 28 windows: 4 batches of 7
    model.dispose();
  });

  it('learns the whole-window echo, padded windows included, to >= 95%', async () => {
    model = buildSeq2Seq({ masking: true, nUnique: 20, batchSize: 5, learningRate: 0.03, seed: 1 });
    await trainEcho(model, { epochs: 1, seed: 1 }); // Adam's moments are made on the first fit
    const before = tf.memory().numTensors;
    await trainEcho(model, { epochs: 300, seed: 2, targetAccuracy: 0.99, evaluateEvery: 10 });
    const fresh = await evaluateEcho(model, { sequences: 20, seed: 8 });
    expect(fresh.windows).toBe(20 * 25); // one window per item
    expect(fresh.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predicts one row per item, padding shown as -1 and never scored', () => {
    const sequence = generateSequence(6, { nUnique: 20, seed: 4 });
    const rows = predictEcho(model, sequence);
    expect(rows).toHaveLength(6);
    expect(rows[0]!.input).toEqual([-1, -1, -1, -1, sequence[0]]);
    expect(rows[0]!.expected).toEqual([-1, -1, -1, -1, sequence[0]]);
    expect(rows[0]!.predicted.slice(0, 4)).toEqual([-1, -1, -1, -1]);
    expect(rows[5]!.input).toEqual(sequence.slice(1));
    // The first item alone (padded window 0) is echoed: the point of padding.
    const right = rows.filter((r) => r.predicted[4] === r.expected[4]).length;
    expect(right).toBeGreaterThanOrEqual(5);
  });
});

describe('masking with a partial echo', () => {
  it('does not score padded windows whose whole target is padding', async () => {
    // nOut 2 of nIn 5: the windows ending at items 0, 1 and 2 echo only padding.
    const model = buildEncoderDecoder({ masking: true, units: 4, nUnique: 10, stateful: false });
    const rows = predictEcho(model, [1, 2, 3, 4]);
    expect(rows.map((r) => r.expected)).toEqual([
      [-1, -1],
      [-1, -1],
      [-1, -1],
      [-1, 1],
    ]);
    const { windows } = await evaluateEcho(model, { sequences: 3, seed: 1 });
    expect(windows).toBe(3 * 22); // 25 padded windows a sequence, 3 of them all padding
    model.dispose();
    model.optimizer.dispose();
  });
});

describe("task 'reverse'", () => {
  it('frames reversed targets for training, prediction and evaluation', () => {
    const model = buildEncoderDecoder({ task: 'reverse', nOut: 3, units: 4, nUnique: 10 });
    const rows = predictEcho(model, [1, 2, 3, 4, 5, 6]);
    expect(rows.map((r) => r.expected)).toEqual([
      [3, 2, 1],
      [4, 3, 2],
    ]);
    model.dispose();
  });

  it('an encoder-decoder learns to reverse the oldest two of five (fused engine)', async () => {
    const model = buildEncoderDecoder({
      task: 'reverse',
      nUnique: 20,
      units: 48,
      stateful: false,
      learningRate: 0.01,
      seed: 1,
    });
    const result = await trainEcho(model, {
      epochs: 1500,
      batchSize: 21,
      seed: 2,
      targetAccuracy: 0.99,
      evaluateEvery: 25,
    });
    expect(result.stopReason).toBe('targetAccuracy');
    const fresh = await evaluateEcho(model, { sequences: 40, seed: 9 });
    expect(fresh.accuracy).toBeGreaterThanOrEqual(0.95);
    const [row] = predictEcho(model, [3, 14, 15, 9, 2]);
    expect(row!.expected).toEqual([14, 3]);
    expect(row!.predicted).toEqual([14, 3]);
    model.dispose();
  });
});
