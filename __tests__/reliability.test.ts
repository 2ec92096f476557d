import * as tf from '@tensorflow/tfjs';
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  disposeEchoModel,
  evaluateEcho,
  generateSequence,
  predictEcho,
  trainEcho,
  trainTeacherForcing,
} from '../src';
import * as trainEchoModule from '../src/training/trainEcho';
import { expectError, expectRejection } from './helpers/errors';

const small = { nUnique: 10, units: 8 };
const sequence = generateSequence(25, { nUnique: 10, seed: 3 });

/** A seeded source of uniform numbers that calls `onDraw` with the number of draws so far. */
function countingRandom(onDraw: (draws: number) => void = () => undefined) {
  let state = 12345;
  let draws = 0;
  const random = () => {
    draws++;
    onDraw(draws);
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  return { random, draws: () => draws };
}

describe('one training call per model at a time', () => {
  it.each(['fused', 'tfjs'] as const)(
    "refuses a second trainEcho on a model the '%s' engine is training, and leaves the first run as it would be alone",
    async (engine) => {
      const alone = buildSeq2Seq({ seed: 1, ...small });
      const reference = await trainEcho(alone, { epochs: 3, seed: 2, engine });
      disposeEchoModel(alone);

      const model = buildSeq2Seq({ seed: 1, ...small });
      const first = trainEcho(model, { epochs: 3, seed: 2, engine });
      await expectRejection(
        () => trainEcho(model, { epochs: 3, seed: 5, engine }),
        RangeError,
        'trainEcho',
        'model',
        'a model that trainEcho is training',
      );
      expect((await first).history.loss).toEqual(reference.history.loss);
      // The hold ends with the call: the model trains again.
      expect((await trainEcho(model, { epochs: 1, engine })).epochs).toBe(1);
      disposeEchoModel(model);
    },
  );

  it('ends the hold when a run fails, and holds nothing when the checks fail', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    await expect(
      trainEcho(model, {
        epochs: 2,
        onEpochEnd: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    await expectRejection(() => trainEcho(model, { epochs: 0 }), RangeError, 'trainEcho', 'epochs');
    expect((await trainEcho(model, { epochs: 1 })).epochs).toBe(1);
    disposeEchoModel(model);
  });

  it('refuses a second trainTeacherForcing on the same models', async () => {
    const models = buildTeacherForcing({ maxLength: 4, nUnique: 10, units: 8, seed: 1 });
    const first = trainTeacherForcing(models, { epochs: 2, samplesPerEpoch: 32, seed: 1 });
    await expectRejection(
      () => trainTeacherForcing(models, { epochs: 1, samplesPerEpoch: 32 }),
      RangeError,
      'trainTeacherForcing',
      'models',
      'a model that trainTeacherForcing is training',
    );
    expect((await first).epochs).toBe(2);
    expect((await trainTeacherForcing(models, { epochs: 1, samplesPerEpoch: 32 })).epochs).toBe(1);
    models.dispose();
  });
});

describe('no prediction or evaluation in the middle of training', () => {
  it.each(['tfjs', 'fused'] as const)(
    "refuses predictEcho and evaluateEcho while the '%s' engine trains a stateful model",
    async (engine) => {
      const model = buildSeq2Seq({ seed: 1, ...small });
      const run = trainEcho(model, { epochs: 2, seed: 2, engine });
      const received = 'a model that trainEcho is training';
      expectError(() => predictEcho(model, sequence), RangeError, 'predictEcho', 'model', received);
      await expectRejection(
        () => evaluateEcho(model, { sequences: 2, seed: 1 }),
        RangeError,
        'evaluateEcho',
        'model',
        received,
      );
      expect((await run).epochs).toBe(2);
      expect(predictEcho(model, sequence)).toHaveLength(21);
      disposeEchoModel(model);
    },
  );

  it.each(['tfjs', 'fused'] as const)(
    "allows them from onEpochEnd, between epochs ('%s'), and trainEcho's own checks still run",
    async (engine) => {
      const model = buildSeq2Seq({ seed: 1, ...small });
      const seen: number[] = [];
      const result = await trainEcho(model, {
        epochs: 2,
        seed: 2,
        engine,
        // Low enough that the training-accuracy gate never skips a check, out of reach in 2 epochs.
        targetAccuracy: 0.5,
        evaluateEvery: 1,
        evaluationSequences: 2,
        onEpochEnd: async () => {
          seen.push(predictEcho(model, sequence).length);
          seen.push((await evaluateEcho(model, { sequences: 2, seed: 1 })).windows);
        },
      });
      expect(seen).toEqual([21, 42, 21, 42]);
      expect(result.evaluations).toHaveLength(2);
      disposeEchoModel(model);
    },
  );

  it('stops an evaluation that a training run overtakes, before its next sequence', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const source = countingRandom();
    const evaluation = evaluateEcho(model, { sequences: 50, random: source.random });
    const run = trainEcho(model, { epochs: 1, seed: 2, engine: 'tfjs' });
    await expectRejection(
      () => evaluation,
      RangeError,
      'evaluateEcho',
      'model',
      'a model that trainEcho is training',
    );
    expect(source.draws()).toBe(25);
    expect((await run).epochs).toBe(1);
    disposeEchoModel(model);
  });
});

describe('disposeEchoModel', () => {
  const factories: [string, () => tf.LayersModel][] = [
    ['buildSeq2Seq (model A)', () => buildSeq2Seq({ seed: 1, ...small })],
    ['buildEncoderDecoder (model B)', () => buildEncoderDecoder({ seed: 1, ...small })],
    ['a stateless model', () => buildSeq2Seq({ seed: 1, stateful: false, ...small })],
    ['a masking model', () => buildSeq2Seq({ seed: 1, masking: true, stateful: false, ...small })],
    ['a linear model', () => buildEncoderDecoder({ seed: 1, representation: 'linear', ...small })],
    ['buildOneToOne', () => buildOneToOne({ seed: 1, ...small })],
    ['buildManyToOne', () => buildManyToOne({ seed: 1, ...small })],
    ['buildAttention', () => buildAttention({ seed: 1, nIn: 5, nOut: 2, ...small })],
    [
      'a model compiled with an optimizer by name (tfjs owns and frees it)',
      () => {
        const model = tf.sequential({
          layers: [
            tf.layers.lstm({
              units: 8,
              returnSequences: true,
              stateful: true,
              batchInputShape: [1, 5, 10],
              unitForgetBias: false,
              recurrentInitializer: 'glorotUniform',
            }),
            tf.layers.timeDistributed({
              layer: tf.layers.dense({ units: 10, activation: 'softmax' }),
            }),
          ],
        });
        model.compile({
          loss: 'categoricalCrossentropy',
          optimizer: 'adam',
          metrics: ['accuracy'],
        });
        return model;
      },
    ],
  ];

  it.each(factories)(
    'frees every tensor of %s, trained with both engines and used',
    async (_name, build) => {
      const before = tf.memory().numTensors;
      const model = build();
      await trainEcho(model, { epochs: 1, seed: 1 });
      await trainEcho(model, { epochs: 1, seed: 2, engine: 'tfjs' });
      predictEcho(model, sequence);
      await evaluateEcho(model, { sequences: 2, seed: 1 });
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      disposeEchoModel(model);
      expect(tf.memory().numTensors).toBe(before);
      // A second call does nothing.
      disposeEchoModel(model);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it("frees what model.dispose() left behind (model B's four state tensors)", async () => {
    const before = tf.memory().numTensors;
    const model = buildEncoderDecoder({ seed: 1, ...small });
    await trainEcho(model, { epochs: 1, seed: 1, engine: 'tfjs' });
    model.dispose();
    model.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before + 4);
    disposeEchoModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("forgets the fused engine's trainer for the model", async () => {
    const forget = jest.spyOn(trainEchoModule, 'forgetFusedTrainer');
    const model = buildSeq2Seq({ seed: 1, ...small });
    await trainEcho(model, { epochs: 1, engine: 'fused' });
    disposeEchoModel(model);
    expect(forget).toHaveBeenCalledWith(model);
    forget.mockRestore();
  });

  it('refuses a model being trained (also from its onEpochEnd; and models.dispose() likewise), and anything but a model', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const received = 'a model that trainEcho is training';
    const run = trainEcho(model, {
      epochs: 2,
      onEpochEnd: () => {
        expectError(
          () => {
            disposeEchoModel(model);
          },
          RangeError,
          'disposeEchoModel',
          'model',
          received,
        );
      },
    });
    expectError(
      () => {
        disposeEchoModel(model);
      },
      RangeError,
      'disposeEchoModel',
      'model',
      received,
    );
    expect((await run).epochs).toBe(2);
    const models = buildTeacherForcing({ maxLength: 4, nUnique: 10, units: 8, seed: 1 });
    const tf2 = trainTeacherForcing(models, { epochs: 1, samplesPerEpoch: 32 });
    expectError(
      () => {
        disposeEchoModel(models.training);
      },
      RangeError,
      'disposeEchoModel',
      'model',
      'a model that trainTeacherForcing is training',
    );
    expectError(
      () => {
        models.dispose();
      },
      RangeError,
      'models.dispose',
      'models',
      'a model that trainTeacherForcing is training',
    );
    await tf2;
    models.dispose();
    expect(models.disposed).toBe(true);
    disposeEchoModel(model);
    expectError(
      () => {
        disposeEchoModel(undefined as unknown as tf.LayersModel);
      },
      TypeError,
      'disposeEchoModel',
      'model',
      'undefined',
    );
    expectError(
      () => {
        disposeEchoModel({} as unknown as tf.LayersModel);
      },
      TypeError,
      'disposeEchoModel',
      'model',
      'an object',
    );
  });

  it('keeps tf.memory().numTensors flat over 200 build/train/dispose cycles', async () => {
    const start = tf.memory().numTensors;
    const counts: number[] = [];
    for (let cycle = 0; cycle < 200; cycle++) {
      const tiny = { seed: cycle, nUnique: 5, units: 4 };
      const model = cycle % 2 === 0 ? buildSeq2Seq(tiny) : buildEncoderDecoder(tiny);
      const engine = cycle % 4 < 2 ? 'fused' : 'tfjs';
      await trainEcho(model, { epochs: 1, seed: cycle, engine });
      disposeEchoModel(model);
      counts.push(tf.memory().numTensors);
    }
    console.log(
      `200 build/train/dispose cycles: numTensors ${start} before, ${counts[0]} after the first, ` +
        `${counts[99]} after the 100th, ${counts[199]} after the 200th (min ${Math.min(...counts)}, max ${Math.max(...counts)})`,
    );
    expect(counts.filter((count) => count !== start)).toEqual([]);
  });
});

describe('aborting stops evaluations', () => {
  it('evaluateEcho stops between sequences when its signal aborts, rejecting with AbortError', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    // Abort while the first sequence is drawn: the evaluation must not start a second one.
    const source = countingRandom((draws) => {
      if (draws === 1) controller.abort();
    });
    const evaluation = evaluateEcho(model, {
      sequences: 100,
      random: source.random,
      signal: controller.signal,
    });
    await expect(evaluation).rejects.toMatchObject({
      name: 'AbortError',
      message: 'evaluateEcho: options.signal aborted the evaluation after 1 of 100 sequences',
    });
    expect(source.draws()).toBe(25);
    expect(tf.memory().numTensors).toBe(before);

    const early = countingRandom();
    await expect(
      evaluateEcho(model, { sequences: 5, random: early.random, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(early.draws()).toBe(0);
    await expectRejection(
      () => evaluateEcho(model, { signal: {} as AbortSignal }),
      TypeError,
      'evaluateEcho',
      'options.signal',
      'an object',
    );
    disposeEchoModel(model);
  });

  it("trainEcho's signal stops its evaluation after the sequence in progress", async () => {
    // A model the fused engine does not map (dropout), so its evaluations call model.predict
    // once per sequence.
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 4, returnSequences: true, dropout: 0.1, inputShape: [5, 6] }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 6, activation: 'softmax' }) }),
      ],
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    const controller = new AbortController();
    const predict = model.predict.bind(model);
    let calls = 0;
    const spy = jest.spyOn(model, 'predict').mockImplementation((x, args) => {
      calls++;
      controller.abort();
      return predict(x, args);
    });
    const result = await trainEcho(model, {
      epochs: 5,
      seed: 1,
      engine: 'tfjs',
      // Low enough that the training-accuracy gate opens and the first sequence cannot put it
      // out of reach, so the check goes on to a second sequence unless the abort stops it.
      targetAccuracy: 0.5,
      evaluateEvery: 1,
      evaluationSequences: 50,
      signal: controller.signal,
    });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ epochs: 1, stopReason: 'aborted', evaluations: [] });
    spy.mockRestore();
    disposeEchoModel(model);
  });

  it("trainTeacherForcing's signal stops its evaluation between decoder steps", async () => {
    // On the tfjs engine, whose evaluation runs the tfjs decoder model one step at a time (the
    // fused engine decodes a whole chunk of samples in milliseconds).
    const models = buildTeacherForcing({ maxLength: 6, nUnique: 10, units: 8, seed: 1 });
    await trainTeacherForcing(models, { epochs: 1, samplesPerEpoch: 32, seed: 1, engine: 'tfjs' });
    const before = tf.memory().numTensors;
    // Without the signal, the evaluation takes several decoder steps.
    const steps = jest.spyOn(models.decoder, 'predict');
    await trainTeacherForcing(models, {
      epochs: 1,
      samplesPerEpoch: 32,
      seed: 2,
      targetAccuracy: 1,
      evaluationSamples: 64,
      engine: 'tfjs',
    });
    expect(steps.mock.calls.length).toBeGreaterThan(1);
    steps.mockRestore();

    const controller = new AbortController();
    const predict = models.decoder.predict.bind(models.decoder);
    let calls = 0;
    const spy = jest.spyOn(models.decoder, 'predict').mockImplementation((x, args) => {
      calls++;
      controller.abort();
      return predict(x, args);
    });
    const result = await trainTeacherForcing(models, {
      epochs: 3,
      samplesPerEpoch: 32,
      seed: 2,
      targetAccuracy: 1,
      evaluationSamples: 64,
      signal: controller.signal,
      engine: 'tfjs',
    });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ epochs: 1, stopReason: 'aborted', evaluations: [] });
    expect(tf.memory().numTensors).toBe(before);
    spy.mockRestore();
    models.dispose();
  });
});
