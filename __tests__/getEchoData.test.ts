import * as tf from '@tensorflow/tfjs';
import { generateSequence, getEchoData, oneHotEncode, toSupervised } from '../src';
import { expectError } from './helpers/errors';

describe('getEchoData', () => {
  it("gives the walkthrough's 21 samples of shape [5, 100] from 25 values", () => {
    const { X, y, sequence } = getEchoData(5, 2, { seed: 3 });
    expect(sequence).toHaveLength(25);
    expect(X.shape).toEqual([21, 5, 100]);
    expect(y.shape).toEqual([21, 2, 100]);
    expect(X.dtype).toBe('float32');
    X.dispose();
    y.dispose();
  });

  it('holds exactly what toSupervised frames from the same seeded sequence', () => {
    const { X, y, sequence } = getEchoData(4, 3, { seed: 11, length: 12, nUnique: 7 });
    expect(sequence).toEqual(generateSequence(12, { seed: 11, nUnique: 7 }));
    const framed = toSupervised(oneHotEncode(sequence, 7), 4, 3);
    expect(X.arraySync()).toEqual(framed.X);
    expect(y.arraySync()).toEqual(framed.y);
    X.dispose();
    y.dispose();
  });

  it('makes only the two tensors it returns', () => {
    const before = tf.memory().numTensors;
    const { X, y } = getEchoData(5, 5);
    expect(tf.memory().numTensors).toBe(before + 2);
    X.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad arguments before making any tensor', () => {
    const before = tf.memory().numTensors;
    expectError(() => getEchoData(0, 1), RangeError, 'getEchoData', 'nIn', '0');
    expectError(() => getEchoData(5, 6), RangeError, 'getEchoData', 'nOut', '6');
    expectError(() => getEchoData(30, 2), RangeError, 'getEchoData', 'nIn', '30');
    expectError(
      () => getEchoData(5, 2, { length: -4 }),
      RangeError,
      'getEchoData',
      'options.length',
      '-4',
    );
    expectError(
      () => getEchoData(5, 2, { nUnique: 1 }),
      RangeError,
      'getEchoData',
      'options.nUnique',
      '1',
    );
    expectError(
      () => getEchoData(5, 2, { seed: 0.5 }),
      RangeError,
      'getEchoData',
      'options.seed',
      '0.5',
    );
    expectError(
      () => getEchoData(5, 2, { random: () => -0.1 }),
      RangeError,
      'getEchoData',
      'options.random()',
      '-0.1',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
