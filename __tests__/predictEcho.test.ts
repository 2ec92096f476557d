import * as tf from '@tensorflow/tfjs';
import { buildEncoderDecoder, buildSeq2Seq, generateSequence, predictEcho } from '../src';
import { expectError } from './helpers/errors';
import { expectStateReset, fixedEchoModel, lstmStates } from './helpers/models';

describe('predictEcho', () => {
  it('frames the sequence like training and reports input, expected and predicted', () => {
    const model = fixedEchoModel(3, 10, [0, 1]);
    const rows = predictEcho(model, [4, 5, 6, 7]);
    expect(rows).toEqual([
      { input: [4, 5, 6], expected: [4, 5], predicted: [4, 5] },
      { input: [5, 6, 7], expected: [5, 6], predicted: [5, 6] },
    ]);
    model.dispose();
  });

  it('gives the same answer twice on a stateful model, even after a raw predict moved its state', () => {
    const model = buildSeq2Seq({ seed: 3 });
    const sequence = generateSequence(25, { seed: 4 });
    const first = predictEcho(model, sequence);
    // The walkthrough's readers' bug: predict leaves state behind...
    const X = tf.randomUniform([7, 5, 100]);
    tf.dispose(model.predict(X, { batchSize: 7 }));
    X.dispose();
    expect(
      lstmStates(model)
        .flat()
        .some((v) => v !== 0),
    ).toBe(true);
    // ...which predictEcho resets before and after.
    expect(predictEcho(model, sequence)).toEqual(first);
    expect(predictEcho(model, sequence)).toEqual(first);
    expectStateReset(model);
    model.dispose();
  });

  it('accepts any number of windows whatever the stateful batch size, padding without effect', () => {
    const model = buildSeq2Seq({ seed: 5 }); // batch size 7
    const sequence = generateSequence(40, { seed: 6 }); // 36 windows: not a multiple of 7
    const all = predictEcho(model, sequence);
    expect(all).toHaveLength(36);
    // The first 4 windows alone (one padded batch) predict what they did as part of the whole.
    const firstFour = predictEcho(model, sequence.slice(0, 8));
    expect(firstFour).toHaveLength(4);
    expect(firstFour).toEqual(all.slice(0, 4));
    const encoderDecoder = buildEncoderDecoder({ units: 8, seed: 7 }); // batch size 21
    const rows = predictEcho(encoderDecoder, generateSequence(5, { seed: 8 }));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.predicted).toHaveLength(2);
    model.dispose();
    encoderDecoder.dispose();
  });

  it('leaves tf.memory().numTensors unchanged', () => {
    const model = buildSeq2Seq({ seed: 1 });
    const sequence = generateSequence(25, { seed: 2 });
    predictEcho(model, sequence);
    const before = tf.memory().numTensors;
    predictEcho(model, sequence);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad sequences and models that do not fit an echo task', () => {
    const model = buildSeq2Seq({ seed: 1, nUnique: 10 });
    const fn = 'predictEcho';
    expectError(() => predictEcho(model, [1, 2, 3, 4, 10]), RangeError, fn, 'sequence[4]', '10');
    expectError(() => predictEcho(model, [1, 2, 3, 4]), RangeError, fn, 'nIn', '5');
    expectError(() => predictEcho(model, 'abc' as unknown as number[]), TypeError, fn, 'sequence');
    expectError(
      () => predictEcho({} as unknown as tf.LayersModel, [1, 2, 3, 4, 5]),
      TypeError,
      fn,
      'model',
      'an object',
    );
    const flat = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    expectError(() => predictEcho(flat, [1, 2, 3, 4, 5]), RangeError, fn, 'model');
    const widthChange = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [5, 10] })],
    });
    expectError(() => predictEcho(widthChange, [1, 2, 3, 4, 5]), RangeError, fn, 'model');
    [model, flat, widthChange].forEach((m) => m.dispose());
  });
});
