import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { oneHotDecode, oneHotEncode } from '../src';
import { expectError } from './helpers/errors';

describe('oneHotEncode', () => {
  it('puts a single 1 at each integer', () => {
    expect(oneHotEncode([2, 0, 1], 3)).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('defaults to 100-wide vectors and accepts typed arrays and empty input', () => {
    const [row] = oneHotEncode([99]);
    expect(row).toHaveLength(100);
    expect(row![99]).toBe(1);
    expect(row!.reduce((a, b) => a + b, 0)).toBe(1);
    expect(oneHotEncode(Int32Array.from([1, 0]), 2)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(oneHotEncode([], 5)).toEqual([]);
  });

  it('rejects values outside [0, nUnique), non-integers and bad nUnique', () => {
    expectError(() => oneHotEncode([1, 100]), RangeError, 'oneHotEncode', 'sequence[1]', '100');
    expectError(() => oneHotEncode([-1]), RangeError, 'oneHotEncode', 'sequence[0]', '-1');
    expectError(() => oneHotEncode([0.5]), RangeError, 'oneHotEncode', 'sequence[0]', '0.5');
    expectError(() => oneHotEncode([NaN]), RangeError, 'oneHotEncode', 'sequence[0]', 'NaN');
    expectError(
      () => oneHotEncode(['1' as unknown as number]),
      TypeError,
      'oneHotEncode',
      'sequence[0]',
      '"1"',
    );
    expectError(
      () => oneHotEncode('12' as unknown as number[]),
      TypeError,
      'oneHotEncode',
      'sequence',
      '"12"',
    );
    expectError(() => oneHotEncode([0], 1), RangeError, 'oneHotEncode', 'nUnique', '1');
    expectError(() => oneHotEncode([0], 2.5), RangeError, 'oneHotEncode', 'nUnique', '2.5');
  });
});

describe('oneHotDecode', () => {
  it('takes the argmax of each row, first index on ties', () => {
    expect(
      oneHotDecode([
        [0.1, 0.7, 0.2],
        [0.5, 0.5, 0],
        [-3, -1, -2],
      ]),
    ).toEqual([1, 0, 1]);
    expect(oneHotDecode([])).toEqual([]);
  });

  it('reads a 2-D tensor without disposing it or leaking', () => {
    const t = tf.tensor2d([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const before = tf.memory().numTensors;
    expect(oneHotDecode(t)).toEqual([2, 0]);
    expect(tf.memory().numTensors).toBe(before);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('round-trips any sequence (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 200 })
          .chain((nUnique) =>
            fc.tuple(
              fc.constant(nUnique),
              fc.array(fc.integer({ min: 0, max: nUnique - 1 }), { maxLength: 60 }),
            ),
          ),
        ([nUnique, sequence]) => {
          expect(oneHotDecode(oneHotEncode(sequence, nUnique))).toEqual(sequence);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects ragged, empty-row and non-numeric input, and tensors of the wrong rank', () => {
    expectError(
      () => oneHotDecode([[1, 0], [1]]),
      RangeError,
      'oneHotDecode',
      'encoded[1]',
      'an array of length 1',
    );
    expectError(() => oneHotDecode([[]]), RangeError, 'oneHotDecode', 'encoded[0]');
    expectError(() => oneHotDecode([[0, NaN]]), RangeError, 'oneHotDecode', 'encoded[0][1]', 'NaN');
    expectError(
      () => oneHotDecode([[0, '1' as unknown as number]]),
      TypeError,
      'oneHotDecode',
      'encoded[0][1]',
    );
    expectError(
      () => oneHotDecode(5 as unknown as number[][]),
      TypeError,
      'oneHotDecode',
      'encoded',
      '5',
    );
    expectError(
      () => oneHotDecode([1, 2] as unknown as number[][]),
      TypeError,
      'oneHotDecode',
      'encoded[0]',
      '1',
    );
    const t3 = tf.zeros([2, 2, 2]);
    expectError(
      () => oneHotDecode(t3),
      RangeError,
      'oneHotDecode',
      'encoded',
      'a tensor of shape [2, 2, 2]',
    );
    t3.dispose();
    const gone = tf.zeros([2, 2]);
    gone.dispose();
    expectError(
      () => oneHotDecode(gone),
      TypeError,
      'oneHotDecode',
      'encoded',
      'a disposed tensor',
    );
  });
});
