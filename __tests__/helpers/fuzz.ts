/**
 * Property tests over every public data function with arbitrary inputs: each call either
 * returns a result that is checked to be correct, or throws the documented error (a
 * `TypeError` or `RangeError` whose message starts with the function's name). A call that
 * hangs fails the test by its timeout. `fuzzSuite(runs)` is run by the regular suite with a few
 * hundred runs per function and by the soak suite (`npm run test:soak`) with 10,000.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import {
  createVocabulary,
  generateSequence,
  linearDecode,
  linearEncode,
  getEchoData,
  oneHotDecode,
  oneHotEncode,
  toSupervised,
} from '../../src';

/** Numbers that break careless code, mixed with ordinary ones. */
const awkwardNumber = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 1e9, 2 ** 24 + 1, 2 ** 53, -1e9),
  fc.double(),
);

/** Anything at all, weighted towards values of nearly the right kind. */
const awkward = fc.oneof(
  { weight: 3, arbitrary: awkwardNumber },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, '5', [], {}, [1, 2], 5n, true) },
);

/** Integer sequences, sometimes with a bad element. */
const sequence = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(awkward, { maxLength: 8 }) },
  { weight: 1, arbitrary: awkward },
);

/** Matrices: well-formed one-hot-ish rows, ragged rows, empty rows, junk. */
const matrix = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 6 }).chain((width) =>
      fc.array(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
          minLength: width,
          maxLength: width,
        }),
        {
          maxLength: 20,
        },
      ),
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.array(awkwardNumber, { maxLength: 4 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(awkward, { maxLength: 4 }) },
  { weight: 1, arbitrary: awkward },
);

/** Options objects with arbitrary (often wrong) fields, or something that is not an object. */
const options = (keys: string[]) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, awkward])), { requiredKeys: [] }),
    },
    { weight: 1, arbitrary: awkward },
  );

/** Runs `call`; a throw must be the documented kind, with the function's name first. */
function outcome<T>(fn: string, call: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    expect((error as Error).message.startsWith(`${fn}: `)).toBe(true);
    return { ok: false };
  }
}

const isIndex = (v: unknown, n: number) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) < n;

export function fuzzSuite(runs: number): void {
  const params = { numRuns: runs };

  it(`generateSequence: ${runs} arbitrary calls`, () => {
    fc.assert(
      fc.property(awkward, options(['nUnique', 'seed', 'random']), (length, opts) => {
        const result = outcome('generateSequence', () =>
          generateSequence(length as number, opts as never),
        );
        if (!result.ok) return;
        const nUnique = (opts as { nUnique?: number } | undefined)?.nUnique ?? 100;
        expect(result.value).toHaveLength(length === undefined ? 25 : (length as number));
        for (const v of result.value) expect(isIndex(v, nUnique)).toBe(true);
      }),
      params,
    );
  });

  it(`oneHotEncode and oneHotDecode round-trip: ${runs} arbitrary calls`, () => {
    fc.assert(
      fc.property(sequence, fc.oneof(fc.integer({ min: -1, max: 14 }), awkward), (seq, nUnique) => {
        const result = outcome('oneHotEncode', () =>
          oneHotEncode(seq as number[], nUnique as number),
        );
        if (!result.ok) return;
        const ids = Array.from(seq as ArrayLike<number>);
        expect(result.value).toHaveLength(ids.length);
        result.value.forEach((row, i) => {
          expect(row).toHaveLength(nUnique === undefined ? 100 : (nUnique as number));
          expect(row.filter((x) => x === 1)).toHaveLength(1);
          expect(row.filter((x) => x !== 0 && x !== 1)).toHaveLength(0);
          expect(row[ids[i]!]).toBe(1);
        });
        expect(oneHotDecode(result.value)).toEqual(ids.map((id) => id + 0)); // -0 decodes as 0
      }),
      params,
    );
  });

  it(`oneHotDecode: ${runs} arbitrary calls give the first argmax of each row`, () => {
    fc.assert(
      fc.property(matrix, (encoded) => {
        const result = outcome('oneHotDecode', () => oneHotDecode(encoded as number[][]));
        if (!result.ok) return;
        const rows = encoded as number[][];
        expect(result.value).toHaveLength(rows.length);
        result.value.forEach((arg, i) => {
          const row = rows[i]!;
          expect(isIndex(arg, row.length)).toBe(true);
          for (let j = 0; j < row.length; j++) {
            if (j < arg) expect(row[j]!).toBeLessThan(row[arg]!);
            else expect(row[j]!).toBeLessThanOrEqual(row[arg]!);
          }
        });
      }),
      params,
    );
  });

  it(`toSupervised: ${runs} arbitrary calls frame every window exactly`, () => {
    fc.assert(
      fc.property(matrix, awkward, awkward, (encoded, nIn, nOut) => {
        const result = outcome('toSupervised', () =>
          toSupervised(encoded as number[][], nIn as number, nOut as number),
        );
        if (!result.ok) return;
        const rows = encoded as number[][];
        const { X, y } = result.value;
        expect(X).toHaveLength(rows.length - (nIn as number) + 1);
        X.forEach((window, r) => {
          expect(window).toEqual(rows.slice(r, r + (nIn as number)));
          expect(y[r]).toEqual(window.slice(0, nOut as number));
          if (window.length > 0) expect(window[0]).not.toBe(rows[r]); // copies, not aliases
        });
      }),
      params,
    );
  });

  it(`toSupervised with options: ${runs} arbitrary calls frame padded and reversed windows exactly`, () => {
    const framingOptions = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record(
          {
            framing: fc.constantFrom('complete', 'padded', undefined),
            padValue: fc.oneof(fc.constantFrom(-1, 0, 7, undefined), awkwardNumber),
            task: fc.constantFrom('echo', 'reverse', undefined),
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: options(['framing', 'padValue', 'task']) },
    );
    // Mostly small window lengths: padded framing accepts windows of up to 2^24 items over a
    // one-item sequence, which take seconds each to build, so the huge ones come rarely.
    const windowLength = fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: -1, max: 8 }) },
      { weight: 1, arbitrary: awkward },
    );
    fc.assert(
      fc.property(matrix, windowLength, awkward, framingOptions, (encoded, nIn, nOut, opts) => {
        const result = outcome('toSupervised', () =>
          toSupervised(encoded as number[][], nIn as number, nOut as number, opts as never),
        );
        if (!result.ok) return;
        const o = (opts ?? {}) as { framing?: string; padValue?: number; task?: string };
        const rows = encoded as number[][];
        const n = nIn as number;
        const padded = o.framing === 'padded';
        const width = rows[0]?.length ?? 0;
        const pad = new Array<number>(width).fill(o.padValue ?? 0);
        const { X, y } = result.value;
        expect(X).toHaveLength(padded ? rows.length : rows.length - n + 1);
        // Padded framing accepts windows far longer than the sequence (up to the size limit):
        // check those at the item indices that matter rather than element by element.
        const probes = (length: number): number[] =>
          length <= 1000 ? [...Array(length).keys()] : [0, 1, length - 2, length - 1];
        X.forEach((window, r) => {
          const end = padded ? r : r + n - 1; // the window's newest item
          const item = (k: number) => rows[end - n + 1 + k] ?? pad;
          expect(window).toHaveLength(n);
          for (const k of probes(n)) expect(window[k]).toEqual(item(k));
          const m = nOut as number;
          const target = y[r]!;
          expect(target).toHaveLength(m);
          for (const k of probes(m)) {
            expect(target[k]).toEqual(item(o.task === 'reverse' ? m - 1 - k : k));
          }
        });
        if (padded) {
          // The pad value never occurs as a whole row of the data.
          for (const row of rows) expect(row.every((v) => v === pad[0])).toBe(false);
        }
      }),
      params,
    );
  });

  it(`linearEncode and linearDecode round-trip: ${runs} arbitrary calls`, () => {
    fc.assert(
      fc.property(sequence, fc.oneof(fc.integer({ min: -1, max: 14 }), awkward), (seq, nUnique) => {
        const result = outcome('linearEncode', () =>
          linearEncode(seq as number[], nUnique as number),
        );
        if (!result.ok) return;
        const n = nUnique === undefined ? 100 : (nUnique as number);
        const ids = Array.from(seq as ArrayLike<number>, (id) => id + 0);
        for (const row of result.value) {
          expect(row).toHaveLength(1);
          expect(row[0]! >= 0 && row[0]! <= 1).toBe(true);
        }
        expect(linearDecode(result.value, n)).toEqual(ids);
      }),
      params,
    );
  });

  it(`linearDecode: ${runs} arbitrary calls give the nearest integer, or refuse`, () => {
    fc.assert(
      fc.property(
        matrix,
        fc.oneof(fc.integer({ min: 2, max: 14 }), awkward),
        (encoded, nUnique) => {
          const result = outcome('linearDecode', () =>
            linearDecode(encoded as number[][], nUnique as number),
          );
          if (!result.ok) return;
          const n = nUnique === undefined ? 100 : (nUnique as number);
          result.value.forEach((id, r) => {
            expect(isIndex(id, n)).toBe(true);
            const value = (encoded as number[][])[r]![0]!;
            expect(Math.abs(value * (n - 1) - id)).toBeLessThanOrEqual(0.5);
          });
        },
      ),
      params,
    );
  });

  it(`createVocabulary and its encode/decode: ${runs} arbitrary calls`, () => {
    const tokenLists = fc.oneof(
      { weight: 3, arbitrary: fc.array(fc.string({ maxLength: 3 }), { maxLength: 12 }) },
      { weight: 1, arbitrary: fc.array(fc.oneof(fc.string(), awkward), { maxLength: 5 }) },
      { weight: 1, arbitrary: awkward },
    );
    const inputs = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.array(fc.string({ maxLength: 2 })),
      awkward,
    );
    fc.assert(
      fc.property(tokenLists, inputs, (tokens, input) => {
        const made = outcome('createVocabulary', () => createVocabulary(tokens as string[]));
        if (!made.ok) return;
        const vocabulary = made.value;
        const list = tokens as string[];
        expect(vocabulary.size).toBe(list.length);
        expect(new Set(list).size).toBe(list.length);
        expect(vocabulary.decode(vocabulary.encode(list))).toEqual(list);
        const encoded = outcome('Vocabulary.encode', () => vocabulary.encode(input as string));
        if (!encoded.ok) return;
        for (const id of encoded.value) expect(isIndex(id, vocabulary.size)).toBe(true);
        const pieces = typeof input === 'string' ? Array.from(input) : (input as string[]);
        expect(vocabulary.decode(encoded.value)).toEqual(pieces);
      }),
      params,
    );
  });

  it(`getEchoData: ${runs} arbitrary calls, no tensor left on a throw`, () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 7 }), awkward),
        fc.oneof(fc.integer({ min: 0, max: 7 }), awkward),
        options(['length', 'nUnique', 'seed']),
        (nIn, nOut, opts) => {
          const before = tf.memory().numTensors;
          const result = outcome('getEchoData', () =>
            getEchoData(nIn as number, nOut as number, opts as never),
          );
          if (!result.ok) {
            expect(tf.memory().numTensors).toBe(before);
            return;
          }
          const { X, y, sequence: seq } = result.value;
          const nUnique = (opts as { nUnique?: number } | undefined)?.nUnique ?? 100;
          const rows = seq.length - (nIn as number) + 1;
          expect(X.shape).toEqual([rows, nIn, nUnique]);
          expect(y.shape).toEqual([rows, nOut, nUnique]);
          const ids = (tf.tidy(() => X.argMax(-1).arraySync()) as number[][]).map((w) => w[0]);
          expect(ids).toEqual(seq.slice(0, rows));
          tf.dispose([X, y]);
          expect(tf.memory().numTensors).toBe(before);
        },
      ),
      params,
    );
  });
}
