import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildOneToOne,
  disposeEchoModel,
  evaluateEcho,
  trainCurriculum,
  trainEcho,
} from '../src';
import { deriveSeed } from '../src/data/random';

const reverse = ({ nIn, nOut }: { nIn: number; nOut: number }) =>
  buildEncoderDecoder({
    nIn,
    nOut,
    nUnique: 10,
    units: 24,
    task: 'reverse',
    stateful: false,
    learningRate: 0.01,
    seed: 1,
  });

const flat = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('trainCurriculum', () => {
  it('trains each stage with trainEcho from the previous stage weights, exactly as by hand', async () => {
    const before = tf.memory().numTensors;
    const { model, stages, epochs } = await trainCurriculum(reverse, {
      stages: [
        { nIn: 3, epochs: 4 },
        { nIn: 4, epochs: 3, sequenceLength: 30 },
      ],
      sequenceLength: 40,
      seed: 7,
    });
    expect(stages.map((s) => [s.nIn, s.nOut, s.epochs, s.stopReason])).toEqual([
      [3, 3, 4, 'epochs'],
      [4, 4, 3, 'epochs'],
    ]);
    expect(epochs).toBe(7);
    expect(model.inputs[0]!.shape).toEqual([null, 4, 10]);

    // The same by hand: stage 0 on seed deriveSeed(7, 0), its weights into the 4-item model.
    const first = reverse({ nIn: 3, nOut: 3 });
    await trainEcho(first, { epochs: 4, sequenceLength: 40, seed: deriveSeed(7, 0) });
    const second = reverse({ nIn: 4, nOut: 4 });
    second.setWeights(first.getWeights());
    await trainEcho(second, { epochs: 3, sequenceLength: 30, seed: deriveSeed(7, 1) });
    expect(flat(model)).toEqual(flat(second));
    // Without the carried weights, the second stage ends elsewhere.
    const fresh = reverse({ nIn: 4, nOut: 4 });
    await trainEcho(fresh, { epochs: 3, sequenceLength: 30, seed: deriveSeed(7, 1) });
    expect(flat(model)).not.toEqual(flat(fresh));

    for (const m of [model, first, second, fresh]) disposeEchoModel(m);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('moves on at each stage target, and the last model echoes fresh windows', async () => {
    const before = tf.memory().numTensors;
    const { model, stages } = await trainCurriculum(reverse, {
      stages: [
        { nIn: 2, epochs: 600, targetAccuracy: 0.95 },
        { nIn: 4, epochs: 1500 },
      ],
      sequenceLength: 60,
      targetAccuracy: 0.97,
      evaluateEvery: 10,
      seed: 3,
    });
    expect(stages.map((s) => s.stopReason)).toEqual(['targetAccuracy', 'targetAccuracy']);
    expect(stages[0]!.evaluations.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.95);
    const { accuracy } = await evaluateEcho(model, { sequences: 20, seed: 99 });
    expect(accuracy).toBeGreaterThanOrEqual(0.93);
    console.log(`curriculum: ${stages.map((s) => `${s.nIn}: ${s.epochs} epochs`).join(', ')}`);
    disposeEchoModel(model);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('ends with the stage an abort stopped', async () => {
    const controller = new AbortController();
    const { model, stages } = await trainCurriculum(reverse, {
      stages: [
        { nIn: 2, epochs: 50 },
        { nIn: 3, epochs: 50 },
      ],
      onEpochEnd: ({ epoch }) => {
        if (epoch === 2) controller.abort();
      },
      signal: controller.signal,
    });
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({ nIn: 2, epochs: 2, stopReason: 'aborted' });
    expect(model.inputs[0]!.shape).toEqual([null, 2, 10]);
    disposeEchoModel(model);
  });

  it.each([
    [
      'build',
      null,
      { stages: [{ nIn: 2, epochs: 1 }] },
      /trainCurriculum: build must be a function, but received null/,
    ],
    [
      'options',
      reverse,
      undefined,
      /trainCurriculum: options must be an options object, but received undefined/,
    ],
    [
      'stages',
      reverse,
      { stages: [] },
      /options.stages must be a non-empty array of stages, but received an array of length 0/,
    ],
    [
      'stages',
      reverse,
      { stages: 'x' },
      /options.stages must be a non-empty array of stages, but received "x"/,
    ],
    [
      'a stage',
      reverse,
      { stages: [3] },
      /options.stages\[0\] must be a stage object, but received 3/,
    ],
    [
      'nIn',
      reverse,
      { stages: [{ nIn: 0, epochs: 1 }] },
      /options.stages\[0\].nIn must be an integer in \[1, \d+\], but received 0/,
    ],
    [
      'nOut',
      reverse,
      { stages: [{ nIn: 2, nOut: 3, epochs: 1 }] },
      /options.stages\[0\].nOut must be an integer in \[1, 2\], but received 3/,
    ],
    [
      'epochs',
      reverse,
      {
        stages: [
          { nIn: 2, epochs: 1 },
          { nIn: 3, epochs: 0.5 },
        ],
      },
      /options.stages\[1\].epochs must be an integer >= 1, but received 0.5/,
    ],
    [
      'targetAccuracy',
      reverse,
      { stages: [{ nIn: 2, epochs: 1, targetAccuracy: 1.5 }] },
      /options.stages\[0\].targetAccuracy must be a number in \(0, 1\], but received 1.5/,
    ],
    [
      'a stage key',
      reverse,
      { stages: [{ nIn: 2, epoch: 1 }] },
      /options.stages\[0\].*"epoch".*did you mean "epochs"/,
    ],
  ])('refuses a bad %s before building a model', async (_, build, options, error) => {
    const before = tf.memory().numTensors;
    await expect(trainCurriculum(build as never, options as never)).rejects.toThrow(error);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses trainEcho's bad options and a family whose weights depend on the window, leaving no tensor", async () => {
    const before = tf.memory().numTensors;
    await expect(
      trainCurriculum(reverse, { stages: [{ nIn: 2, epochs: 1 }], batchSize: -1 }),
    ).rejects.toThrow(/trainEcho: options.batchSize must be an integer >= 1, but received -1/);
    await expect(
      trainCurriculum(
        ({ nIn }) => buildOneToOne({ nIn, nUnique: 10, units: 8, stateful: false, seed: 1 }),
        {
          stages: [
            { nIn: 2, epochs: 1 },
            { nIn: 3, epochs: 1 },
          ],
          sequenceLength: 20,
        },
      ),
    ).rejects.toThrow(
      /trainCurriculum: build must return models whose weights do not depend on the window .* but for \{"nIn":3,"nOut":3\} weight .* is \[30, 32\] where the previous stage's is \[20, 32\]/,
    );
    await expect(
      trainCurriculum(() => 'model' as never, { stages: [{ nIn: 2, epochs: 1 }] }),
    ).rejects.toThrow(
      /build\(\{"nIn":2,"nOut":2\}\) must be a tf.LayersModel, but received "model"/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
