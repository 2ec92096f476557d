import fc from 'fast-check';
import { oneHotDecode, oneHotEncode, toSupervised } from '../src';
import { expectError } from './helpers/errors';

const decodeAll = (rows: number[][][]) => rows.map((row) => oneHotDecode(row));

describe('toSupervised', () => {
  it("frames the walkthrough's example: [86, 81, 88, 1, 23] with nOut 3 echoes [86, 81, 88]", () => {
    const { X, y } = toSupervised(oneHotEncode([86, 81, 88, 1, 23]), 5, 3);
    expect(decodeAll(X)).toEqual([[86, 81, 88, 1, 23]]);
    expect(decodeAll(y)).toEqual([[86, 81, 88]]);
  });

  it('gives row t the window ending at t, oldest first, and drops incomplete windows', () => {
    const sequence = [10, 11, 12, 13, 14, 15, 16];
    const { X, y } = toSupervised(oneHotEncode(sequence, 20), 3, 2);
    expect(decodeAll(X)).toEqual([
      [10, 11, 12],
      [11, 12, 13],
      [12, 13, 14],
      [13, 14, 15],
      [14, 15, 16],
    ]);
    expect(decodeAll(y)).toEqual([
      [10, 11],
      [11, 12],
      [12, 13],
      [13, 14],
      [14, 15],
    ]);
  });

  it('turns 25 values with nIn 5 into 21 rows of the right shapes', () => {
    const sequence = Array.from({ length: 25 }, (_, i) => (i * 7) % 100);
    const { X, y } = toSupervised(oneHotEncode(sequence), 5, 5);
    expect(X).toHaveLength(21);
    expect(y).toHaveLength(21);
    expect(X[0]).toHaveLength(5);
    expect(X[0]![0]).toHaveLength(100);
    expect(decodeAll(y)).toEqual(decodeAll(X));
    expect(decodeAll(X)[20]).toEqual(sequence.slice(20));
  });

  it('frames any sequence the same way (property), and shares no arrays with its input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (sequence, a, b) => {
          const nIn = Math.min(a, sequence.length);
          const nOut = Math.min(b, nIn);
          const encoded = oneHotEncode(sequence, 10);
          const { X, y } = toSupervised(encoded, nIn, nOut);
          expect(X).toHaveLength(sequence.length - nIn + 1);
          expect(y).toHaveLength(X.length);
          decodeAll(X).forEach((window, t) => {
            expect(window).toEqual(sequence.slice(t, t + nIn));
          });
          decodeAll(y).forEach((echo, t) => {
            expect(echo).toEqual(sequence.slice(t, t + nOut));
          });
          expect(X[0]![0]).not.toBe(encoded[0]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects bad nIn, nOut and input', () => {
    const encoded = oneHotEncode([1, 2, 3], 5);
    expectError(() => toSupervised(encoded, 0, 1), RangeError, 'toSupervised', 'nIn', '0');
    expectError(() => toSupervised(encoded, 2, 0), RangeError, 'toSupervised', 'nOut', '0');
    expectError(() => toSupervised(encoded, 2, 3), RangeError, 'toSupervised', 'nOut', '3');
    expectError(() => toSupervised(encoded, 4, 1), RangeError, 'toSupervised', 'nIn', '4');
    expectError(() => toSupervised(encoded, 1.5, 1), RangeError, 'toSupervised', 'nIn', '1.5');
    expectError(
      () => toSupervised(encoded, '2' as unknown as number, 1),
      TypeError,
      'toSupervised',
      'nIn',
    );
    expectError(() => toSupervised([], 1, 1), RangeError, 'toSupervised', 'nIn', '1');
    expectError(() => toSupervised([[1, 0], [0]], 1, 1), RangeError, 'toSupervised', 'encoded[1]');
  });
});
