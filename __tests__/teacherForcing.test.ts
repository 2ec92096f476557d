import * as tf from '@tensorflow/tfjs';
import {
  buildTeacherForcing,
  type TeacherForcingModels,
  type TeacherForcingOptions,
} from '../src/models/teacherForcing';
import { decodeGreedy, decodeGreedyBatch } from '../src/training/decodeGreedy';
import { evaluateTeacherForcing } from '../src/training/evaluateTeacherForcing';
import { frameTeacherForcing } from '../src/data/teacherForcingFrames';
import { teacherForcingTensors } from '../src/tensors/teacherForcingTensors';
import {
  trainTeacherForcing,
  type TeacherForcingEpochLog,
} from '../src/training/trainTeacherForcing';
import { selectBackend } from '../src/backend/selectBackend';
import { generateSequence } from '../src/data/generateSequence';
import { expectError, expectRejection } from './helpers/errors';

// tfjs's layers run op by op; the wasm backend runs this model's small ops about five times
// faster than the cpu backend, so the learning tests use it and the file puts the backend back.
let original: string;
beforeAll(async () => {
  await tf.ready();
  original = tf.getBackend();
  await selectBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend(original);
});

const tiny: TeacherForcingOptions = { maxLength: 6, nUnique: 10, units: 16, seed: 1 };

/** Rows of a `[n, steps, width]` tensor as ids, `-1` for an all-zero (padding) row. */
function rowIds(tensor: tf.Tensor3D): number[][] {
  return tensor
    .arraySync()
    .map((sample) => sample.map((row) => (row.every((v) => v === 0) ? -1 : row.indexOf(1))));
}

describe('buildTeacherForcing', () => {
  it('builds the training, encoder and decoder models with the documented shapes', () => {
    const models = buildTeacherForcing(tiny);
    expect(models.training.inputs.map((i) => i.shape)).toEqual([
      [null, 6, 10],
      [null, 7, 11],
    ]);
    expect(models.training.outputs.map((o) => o.shape)).toEqual([[null, 7, 11]]);
    expect(models.encoder.inputs.map((i) => i.shape)).toEqual([[null, 6, 10]]);
    expect(models.encoder.outputs.map((o) => o.shape)).toEqual([
      [null, 16],
      [null, 16],
    ]);
    expect(models.decoder.inputs.map((i) => i.shape)).toEqual([
      [null, 1, 11],
      [null, 16],
      [null, 16],
    ]);
    expect(models.decoder.outputs.map((o) => o.shape)).toEqual([
      [null, 1, 11],
      [null, 16],
      [null, 16],
    ]);
    expect(models).toMatchObject({
      maxLength: 6,
      nUnique: 10,
      units: 16,
      task: 'echo',
      startId: 10,
      endId: 10,
      disposed: false,
    });
    models.dispose();
    expect(models.disposed).toBe(true);
  });

  it('shares one set of weights: a change through training shows in encoder and decoder', () => {
    const models = buildTeacherForcing(tiny);
    const x = tf.oneHot(tf.tensor2d([[0, 0, 0, 1, 2, 3]], [1, 6], 'int32'), 10).toFloat();
    const [h0] = models.encoder.predict(x) as tf.Tensor[];
    const encoderKernel = models.training.getLayer('encoder_lstm').getWeights()[0]!;
    models.training
      .getLayer('encoder_lstm')
      .setWeights([
        tf.onesLike(encoderKernel),
        ...models.training.getLayer('encoder_lstm').getWeights().slice(1),
      ]);
    models.training
      .getLayer('decoder_softmax')
      .setWeights([models.training.getLayer('decoder_softmax').getWeights()[0]!, tf.fill([11], 7)]);
    expect(Array.from(models.encoder.getLayer('encoder_lstm').getWeights()[0]!.dataSync())).toEqual(
      new Array(10 * 64).fill(1),
    );
    expect(
      Array.from(models.decoder.getLayer('decoder_softmax').getWeights()[1]!.dataSync()),
    ).toEqual(new Array(11).fill(7));
    const [h1] = models.encoder.predict(x) as tf.Tensor[];
    expect(Array.from(h1!.dataSync())).not.toEqual(Array.from(h0!.dataSync()));
    // Same weights in three models, counted once.
    const ids = (m: tf.LayersModel) => new Set(m.weights.map((w) => w.id));
    const all = ids(models.training);
    for (const id of ids(models.encoder)) expect(all.has(id)).toBe(true);
    for (const id of ids(models.decoder)) expect(all.has(id)).toBe(true);
    expect(all.size).toBe(3 + 3 + 2);
    tf.dispose([x, h0!, h1!]); // getWeights() hands out the weights themselves: not disposed
    models.dispose();
  });

  it('seeds the weights: the same seed builds the same weights, another seed others', () => {
    const weights = (seed: number) => {
      const models = buildTeacherForcing({ ...tiny, seed });
      const values = models.training.getWeights().map((w) => Array.from(w.dataSync()));
      models.dispose();
      return values;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('leaves no tensor behind after build + dispose, also after training; dispose is idempotent', async () => {
    const before = tf.memory().numTensors;
    const models = buildTeacherForcing(tiny);
    models.dispose();
    models.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const trained = buildTeacherForcing(tiny);
    await trainTeacherForcing(trained, { epochs: 1, samplesPerEpoch: 16, batchSize: 8, seed: 1 });
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options before making any weight', () => {
    const before = tf.memory().numTensors;
    const fn = 'buildTeacherForcing';
    const build = (o: unknown) => () => buildTeacherForcing(o as TeacherForcingOptions);
    expectError(build(5), TypeError, fn, 'options', '5');
    expectError(build({ maxLength: 0 }), RangeError, fn, 'options.maxLength', '0');
    expectError(build({ maxLength: 2.5 }), RangeError, fn, 'options.maxLength', '2.5');
    expectError(build({ maxLength: '4' }), TypeError, fn, 'options.maxLength', '"4"');
    expectError(build({ nUnique: 1 }), RangeError, fn, 'options.nUnique', '1');
    expectError(build({ units: 0 }), RangeError, fn, 'options.units', '0');
    expectError(build({ units: 100_000 }), RangeError, fn, 'options.units', '100000');
    expectError(build({ learningRate: 0 }), RangeError, fn, 'options.learningRate', '0');
    expectError(build({ learningRate: NaN }), RangeError, fn, 'options.learningRate', 'NaN');
    expectError(build({ task: 'sort' }), RangeError, fn, 'options.task', '"sort"');
    expectError(build({ task: 1 }), TypeError, fn, 'options.task', '1');
    expectError(build({ seed: 0.5 }), RangeError, fn, 'options.seed', '0.5');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('frameTeacherForcing and the training tensors', () => {
  it('shifts the target right by START for the decoder input, and ends the target with END', () => {
    expect(frameTeacherForcing([3, 1, 4], { nUnique: 10 })).toEqual({
      encoderInput: [3, 1, 4],
      decoderInput: [10, 3, 1, 4],
      decoderTarget: [3, 1, 4, 10],
    });
    expect(frameTeacherForcing([3, 1, 4], { nUnique: 10, task: 'reverse' })).toEqual({
      encoderInput: [3, 1, 4],
      decoderInput: [10, 4, 1, 3],
      decoderTarget: [4, 1, 3, 10],
    });
    expect(frameTeacherForcing([0], { nUnique: 2 })).toEqual({
      encoderInput: [0],
      decoderInput: [2, 0],
      decoderTarget: [0, 2],
    });
  });

  it('is what training feeds: encoder padded in front, decoder rows padded after, one-hot', () => {
    const models = buildTeacherForcing({ ...tiny, maxLength: 4, task: 'reverse' });
    const t = teacherForcingTensors(models, [[5], [1, 2, 3, 4], [9, 0]]);
    expect(rowIds(t.encoderInput)).toEqual([
      [-1, -1, -1, 5],
      [1, 2, 3, 4],
      [-1, -1, 9, 0],
    ]);
    expect(rowIds(t.decoderInput)).toEqual([
      [10, 5, -1, -1, -1],
      [10, 4, 3, 2, 1],
      [10, 0, 9, -1, -1],
    ]);
    expect(rowIds(t.decoderTarget)).toEqual([
      [5, 10, -1, -1, -1],
      [4, 3, 2, 1, 10],
      [0, 9, 10, -1, -1],
    ]);
    // Every one-hot row has a single 1.
    expect(t.decoderInput.sum(-1).arraySync()).toEqual([
      [1, 1, 0, 0, 0],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ]);
    tf.dispose([t.encoderInput, t.decoderInput, t.decoderTarget]);
    models.dispose();
  });

  it('rejects bad sequences and options', () => {
    const fn = 'frameTeacherForcing';
    const frame = (s: unknown, o: unknown) => () =>
      frameTeacherForcing(s as number[], o as { nUnique: number });
    expectError(frame([1], undefined), TypeError, fn, 'options', 'undefined');
    expectError(frame([1], {}), TypeError, fn, 'options.nUnique', 'undefined');
    expectError(frame([1], { nUnique: 1 }), RangeError, fn, 'options.nUnique', '1');
    expectError(frame([1], { nUnique: 5, task: 'x' }), RangeError, fn, 'options.task', '"x"');
    expectError(frame([], { nUnique: 5 }), RangeError, fn, 'sequence', 'an array of length 0');
    expectError(frame([1, 5], { nUnique: 5 }), RangeError, fn, 'sequence[1]', '5');
    expectError(frame([1, -1], { nUnique: 5 }), RangeError, fn, 'sequence[1]', '-1');
    expectError(frame(['1'], { nUnique: 5 }), TypeError, fn, 'sequence[0]', '"1"');
    expectError(frame('12', { nUnique: 5 }), TypeError, fn, 'sequence', '"12"');
  });
});

describe('decodeGreedy, decodeGreedyBatch, evaluateTeacherForcing (untrained)', () => {
  let models: TeacherForcingModels;
  beforeAll(() => {
    models = buildTeacherForcing(tiny);
  });
  afterAll(() => {
    models.dispose();
  });

  it('never exceeds maxSteps, agrees one by one and batched, and leaves no tensor', () => {
    const before = tf.memory().numTensors;
    const sequences = [[1], [2, 3], [4, 5, 6, 7, 8, 9], [0, 0, 0]];
    for (const maxSteps of [1, 2, 3, 7, 20]) {
      const batch = decodeGreedyBatch(models, sequences, { maxSteps });
      expect(batch).toEqual(sequences.map((s) => decodeGreedy(models, s, { maxSteps })));
      for (const output of batch) {
        expect(output.length).toBeLessThanOrEqual(maxSteps);
        expect(output.every((id) => Number.isInteger(id) && id >= 0 && id < 10)).toBe(true);
      }
    }
    expect(decodeGreedyBatch(models, [])).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('evaluates repeatably with a seed, counting positions as documented', () => {
    const before = tf.memory().numTensors;
    const a = evaluateTeacherForcing(models, { samples: 40, seed: 5 });
    const b = evaluateTeacherForcing(models, { samples: 40, seed: 5 });
    expect(a).toEqual(b);
    expect(a.samples).toBe(40);
    for (const v of [a.accuracy, a.sequenceAccuracy, a.lengthAccuracy]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(a.sequenceAccuracy).toBeLessThan(0.5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad models, sequences and options before any tensor', () => {
    const before = tf.memory().numTensors;
    const models2 = models;
    const d = (m: unknown, s: unknown, o?: unknown) => () =>
      decodeGreedy(m as TeacherForcingModels, s as number[], o as { maxSteps: number });
    expectError(d({}, [1]), TypeError, 'decodeGreedy', 'models', 'an object');
    expectError(d(models.training, [1]), TypeError, 'decodeGreedy', 'models');
    expectError(d(models2, []), RangeError, 'decodeGreedy', 'sequence', 'an array of length 0');
    expectError(d(models2, [1, 2, 3, 4, 5, 6, 7]), RangeError, 'decodeGreedy', 'sequence');
    expectError(d(models2, [1, 10]), RangeError, 'decodeGreedy', 'sequence[1]', '10');
    expectError(d(models2, [1.5]), RangeError, 'decodeGreedy', 'sequence[0]', '1.5');
    expectError(d(models2, null), TypeError, 'decodeGreedy', 'sequence', 'null');
    expectError(
      d(models2, [1], { maxSteps: 0 }),
      RangeError,
      'decodeGreedy',
      'options.maxSteps',
      '0',
    );
    expectError(d(models2, [1], 3), TypeError, 'decodeGreedy', 'options', '3');
    const b = (s: unknown, o?: unknown) => () =>
      decodeGreedyBatch(models2, s as number[][], o as { maxSteps: number });
    expectError(b([[1], 'x']), TypeError, 'decodeGreedyBatch', 'sequences[1]', '"x"');
    expectError(b([[1], [2, 11]]), RangeError, 'decodeGreedyBatch', 'sequences[1][1]', '11');
    expectError(b([[1], []]), RangeError, 'decodeGreedyBatch', 'sequences[1]');
    expectError(b(5), TypeError, 'decodeGreedyBatch', 'sequences', '5');
    expectError(
      b([[1]], { maxSteps: 1.5 }),
      RangeError,
      'decodeGreedyBatch',
      'options.maxSteps',
      '1.5',
    );
    const e = (o: unknown) => () => evaluateTeacherForcing(models2, o as { samples: number });
    const fn = 'evaluateTeacherForcing';
    expectError(e('x'), TypeError, fn, 'options', '"x"');
    expectError(e({ samples: 0 }), RangeError, fn, 'options.samples', '0');
    expectError(e({ maxLength: 7 }), RangeError, fn, 'options.maxLength', '7');
    expectError(e({ minLength: 0 }), RangeError, fn, 'options.minLength', '0');
    expectError(e({ minLength: 4, maxLength: 3 }), RangeError, fn, 'options.minLength', '4');
    expectError(e({ seed: 1, random: Math.random }), TypeError, fn, 'options.seed');
    expectError(e({ random: 3 }), TypeError, fn, 'options.random', '3');
    expectError(() => evaluateTeacherForcing({} as TeacherForcingModels), TypeError, fn, 'models');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses disposed models', async () => {
    const gone = buildTeacherForcing(tiny);
    gone.dispose();
    expectError(() => decodeGreedy(gone, [1]), RangeError, 'decodeGreedy', 'models');
    expectError(() => evaluateTeacherForcing(gone), RangeError, 'evaluateTeacherForcing', 'models');
    await expectRejection(
      () => trainTeacherForcing(gone, { epochs: 1 }),
      RangeError,
      'trainTeacherForcing',
      'models',
    );
  });
});

describe('trainTeacherForcing', () => {
  it('logs every epoch, leaves no tensor after the first, and stops on abort', async () => {
    const models = buildTeacherForcing(tiny);
    await trainTeacherForcing(models, { epochs: 1, samplesPerEpoch: 16, batchSize: 8, seed: 1 });
    const before = tf.memory().numTensors; // Adam's moments exist from here on
    const logs: TeacherForcingEpochLog[] = [];
    const result = await trainTeacherForcing(models, {
      epochs: 3,
      samplesPerEpoch: 32,
      batchSize: 16,
      seed: 2,
      targetAccuracy: 1,
      evaluationSamples: 8,
      onEpochEnd: (log) => void logs.push(log),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ epochs: 3, stopReason: 'epochs', stoppedEarly: false });
    expect(logs.map((l) => [l.epoch, l.epochs])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(result.history.loss).toEqual(logs.map((l) => l.loss));
    expect(result.history.accuracy).toEqual(logs.map((l) => l.accuracy));
    for (const { loss, accuracy } of logs) {
      expect(Number.isFinite(loss)).toBe(true);
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
    }
    expect(result.evaluations.map((e) => [e.epoch, e.samples])).toEqual([
      [1, 8],
      [2, 8],
      [3, 8],
    ]);

    const controller = new AbortController();
    const aborted = await trainTeacherForcing(models, {
      epochs: 10,
      samplesPerEpoch: 16,
      seed: 3,
      onEpochEnd: ({ epoch }) => {
        if (epoch === 2) controller.abort();
      },
      signal: controller.signal,
    });
    expect(aborted).toMatchObject({ epochs: 2, stopReason: 'aborted', stoppedEarly: true });
    const never = await trainTeacherForcing(models, {
      epochs: 5,
      signal: controller.signal,
    });
    expect(never).toMatchObject({ epochs: 0, stopReason: 'aborted' });
    expect(tf.memory().numTensors).toBe(before);
    models.dispose();
  });

  it('is repeatable: same seeds, same losses', async () => {
    const run = async () => {
      const models = buildTeacherForcing(tiny);
      const r = await trainTeacherForcing(models, { epochs: 2, samplesPerEpoch: 32, seed: 4 });
      models.dispose();
      return r.history.loss;
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects bad options before touching a weight', async () => {
    const models = buildTeacherForcing(tiny);
    const weights = models.training.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    const fn = 'trainTeacherForcing';
    const t = (o: unknown) => () =>
      trainTeacherForcing(models, o as Parameters<typeof trainTeacherForcing>[1]);
    await expectRejection(t(undefined), TypeError, fn, 'options', 'undefined');
    await expectRejection(t({}), TypeError, fn, 'options.epochs', 'undefined');
    await expectRejection(t({ epochs: 0 }), RangeError, fn, 'options.epochs', '0');
    await expectRejection(
      t({ epochs: 1, samplesPerEpoch: 0 }),
      RangeError,
      fn,
      'options.samplesPerEpoch',
      '0',
    );
    await expectRejection(t({ epochs: 1, batchSize: 0 }), RangeError, fn, 'options.batchSize', '0');
    await expectRejection(t({ epochs: 1, maxLength: 7 }), RangeError, fn, 'options.maxLength', '7');
    await expectRejection(
      t({ epochs: 1, minLength: 3, maxLength: 2 }),
      RangeError,
      fn,
      'options.minLength',
      '3',
    );
    await expectRejection(t({ epochs: 1, seed: 'a' }), TypeError, fn, 'options.seed', '"a"');
    await expectRejection(
      t({ epochs: 1, targetAccuracy: 0 }),
      RangeError,
      fn,
      'options.targetAccuracy',
      '0',
    );
    await expectRejection(
      t({ epochs: 1, targetAccuracy: 1.5 }),
      RangeError,
      fn,
      'options.targetAccuracy',
      '1.5',
    );
    await expectRejection(
      t({ epochs: 1, evaluateEvery: 0 }),
      RangeError,
      fn,
      'options.evaluateEvery',
      '0',
    );
    await expectRejection(
      t({ epochs: 1, evaluationSamples: 0 }),
      RangeError,
      fn,
      'options.evaluationSamples',
      '0',
    );
    await expectRejection(
      t({ epochs: 1, onEpochEnd: 1 }),
      TypeError,
      fn,
      'options.onEpochEnd',
      '1',
    );
    await expectRejection(
      t({ epochs: 1, signal: {} }),
      TypeError,
      fn,
      'options.signal',
      'an object',
    );
    await expectRejection(
      () => trainTeacherForcing(models.training as unknown as TeacherForcingModels, { epochs: 1 }),
      TypeError,
      fn,
      'models',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(models.training.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    models.dispose();
  });
});

// Each learning test takes about 30 s on an idle 2-core machine; the timeouts allow for a
// heavily loaded one.
describe('learning (wasm backend)', () => {
  it('echoes fresh variable-length sequences: >= 95% exact, right lengths, stops at END', async () => {
    // nUnique 8, lengths 1..5, 48 units: about 40 epochs of 512 samples.
    const models = buildTeacherForcing({
      maxLength: 5,
      nUnique: 8,
      units: 48,
      learningRate: 0.02,
      seed: 1,
    });
    const result = await trainTeacherForcing(models, {
      epochs: 60,
      samplesPerEpoch: 512,
      batchSize: 64,
      seed: 2,
      targetAccuracy: 0.97,
      evaluateEvery: 2,
      evaluationSamples: 200,
    });
    expect(result.stopReason).toBe('targetAccuracy');
    const before = tf.memory().numTensors;
    const evaluation = evaluateTeacherForcing(models, { samples: 500, seed: 77 });
    expect(evaluation.sequenceAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.lengthAccuracy).toBeGreaterThanOrEqual(0.98);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.97);
    // Fresh sequences of every length: greedy output has the input's length.
    const sequences = [1, 2, 3, 4, 5, 5, 4, 3, 2, 1].map((length, i) =>
      generateSequence(length, { seed: 100 + i, nUnique: 8 }),
    );
    const outputs = decodeGreedyBatch(models, sequences);
    const lengthsRight = outputs.filter((o, i) => o.length === sequences[i]!.length).length;
    expect(lengthsRight).toBeGreaterThanOrEqual(9);
    // Stopped at END: a right output is shorter than maxSteps; a smaller maxSteps truncates.
    const right = sequences.filter((s, i) => JSON.stringify(outputs[i]) === JSON.stringify(s));
    expect(right.length).toBeGreaterThanOrEqual(8);
    for (const s of right) {
      expect(decodeGreedy(models, s)).toEqual(s);
      expect(decodeGreedy(models, s, { maxSteps: s.length + 3 })).toEqual(s);
      if (s.length > 1)
        expect(decodeGreedy(models, s, { maxSteps: s.length - 1 })).toEqual(s.slice(0, -1));
    }
    expect(tf.memory().numTensors).toBe(before);
    models.dispose();
  }, 400_000);

  it('reverses fresh variable-length sequences', async () => {
    // nUnique 6, lengths 1..4, 48 units.
    const models = buildTeacherForcing({
      maxLength: 4,
      nUnique: 6,
      units: 48,
      learningRate: 0.02,
      task: 'reverse',
      seed: 3,
    });
    const result = await trainTeacherForcing(models, {
      epochs: 40,
      samplesPerEpoch: 512,
      seed: 4,
      targetAccuracy: 0.97,
      evaluateEvery: 2,
      evaluationSamples: 200,
    });
    expect(result.stopReason).toBe('targetAccuracy');
    const evaluation = evaluateTeacherForcing(models, { samples: 500, seed: 78 });
    expect(evaluation.sequenceAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(decodeGreedy(models, [1, 2, 3, 4])).toEqual([4, 3, 2, 1]);
    models.dispose();
  }, 400_000);
});
