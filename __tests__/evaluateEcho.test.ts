import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, evaluateEcho } from '../src';
import { expectRejection } from './helpers/errors';
import { expectStateReset, fixedEchoModel } from './helpers/models';

describe('evaluateEcho', () => {
  it('scores a perfect echo 1 and an always-wrong one 0', async () => {
    const perfect = fixedEchoModel(5, 100, [0, 1]);
    expect(await evaluateEcho(perfect, { sequences: 10, seed: 1 })).toEqual({
      accuracy: 1,
      sequenceAccuracy: 1,
      positionAccuracy: [1, 1],
      windows: 210,
    });
    const wrong = fixedEchoModel(5, 100, [0, 1], 1);
    expect(await evaluateEcho(wrong, { sequences: 10, seed: 1 })).toMatchObject({
      accuracy: 0,
      sequenceAccuracy: 0,
      positionAccuracy: [0, 0],
    });
    perfect.dispose();
    wrong.dispose();
  });

  it('counts items and whole windows separately', async () => {
    // Output step 2 copies input step 3 instead of step 2: wrong unless the two are equal.
    const model = fixedEchoModel(4, 1000, [0, 1, 3]);
    const result = await evaluateEcho(model, { sequences: 5, sequenceLength: 10, seed: 2 });
    expect(result.windows).toBe(35);
    expect(result.accuracy).toBeCloseTo(2 / 3, 2);
    expect(result.sequenceAccuracy).toBeLessThan(0.05);
    // Partial learning shows per step: the first two steps right, the third only by chance.
    const [first, second, third] = result.positionAccuracy;
    expect([first, second]).toEqual([1, 1]);
    expect(third).toBeLessThan(0.05);
    // Every step has as many items (no padding): their mean is the per-item accuracy.
    expect((first! + second! + third!) / 3).toBeCloseTo(result.accuracy, 12);
    model.dispose();
  });

  it('is reproducible for a seed, leaves state reset, and leaves no tensor behind', async () => {
    const model = buildSeq2Seq({ seed: 2 });
    const first = await evaluateEcho(model, { sequences: 3, seed: 9 });
    const before = tf.memory().numTensors;
    expect(await evaluateEcho(model, { sequences: 3, seed: 9 })).toEqual(first);
    expect(tf.memory().numTensors).toBe(before);
    expectStateReset(model);
    model.dispose();
  });

  it('rejects bad options and unfit models', async () => {
    const model = buildSeq2Seq({ seed: 2 });
    const fn = 'evaluateEcho';
    await expectRejection(
      () => evaluateEcho(model, { sequences: 0 }),
      RangeError,
      fn,
      'options.sequences',
      '0',
    );
    await expectRejection(() => evaluateEcho(model, { sequenceLength: 4 }), RangeError, fn, 'nIn');
    await expectRejection(
      () => evaluateEcho(model, { seed: NaN }),
      RangeError,
      fn,
      'options.seed',
      'NaN',
    );
    await expectRejection(
      () => evaluateEcho(null as unknown as tf.LayersModel),
      TypeError,
      fn,
      'model',
      'null',
    );
    model.dispose();
  });
});
