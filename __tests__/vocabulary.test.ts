import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, createVocabulary, predictEcho, presets, trainEcho } from '../src';
import { expectError } from './helpers/errors';

describe('createVocabulary', () => {
  const letters = createVocabulary(Array.from('abcdefghijklmnopqrstuvwxyz '));

  it('maps characters and words to ids and back', () => {
    expect(letters.size).toBe(27);
    expect(letters.encode('hello world')).toEqual([7, 4, 11, 11, 14, 26, 22, 14, 17, 11, 3]);
    expect(letters.decode(letters.encode('hello world')).join('')).toBe('hello world');
    const words = createVocabulary(['the', 'cat', 'sat', 'on', 'mat']);
    expect(words.encode(['the', 'cat', 'sat', 'on', 'the', 'mat'])).toEqual([0, 1, 2, 3, 0, 4]);
    expect(words.decode([4, 1])).toEqual(['mat', 'cat']);
    expect(letters.encode('')).toEqual([]);
  });

  it('splits strings into code points, so emoji and accents are one token each', () => {
    const v = createVocabulary(['😀', 'é', 'e']);
    expect(v.encode('é😀e')).toEqual([1, 0, 2]);
  });

  it('is frozen and keeps its own copy of the tokens', () => {
    const tokens = ['x', 'y'];
    const v = createVocabulary(tokens);
    tokens[0] = 'z';
    expect(v.tokens).toEqual(['x', 'y']);
    expect(Object.isFrozen(v)).toBe(true);
    expect(Object.isFrozen(v.tokens)).toBe(true);
  });

  it('refuses bad token lists with errors naming the problem', () => {
    expectError(
      () => createVocabulary(['a', 'b', 'a']),
      RangeError,
      'createVocabulary',
      'tokens[2]',
      '"a"',
    );
    expect(() => createVocabulary(['a', 'b', 'a'])).toThrow('not already at tokens[0]');
    expectError(
      () => createVocabulary(['a']),
      RangeError,
      'createVocabulary',
      'tokens',
      'an array of length 1',
    );
    expectError(
      () => createVocabulary(['a', 3] as never),
      TypeError,
      'createVocabulary',
      'tokens[1]',
      '3',
    );
    expectError(
      () => createVocabulary('abc' as never),
      TypeError,
      'createVocabulary',
      'tokens',
      '"abc"',
    );
  });

  it('refuses unknown tokens and out-of-range ids', () => {
    expectError(() => letters.encode('héllo'), RangeError, 'Vocabulary.encode', 'tokens[1]', '"é"');
    expect(() => letters.encode('héllo')).toThrow('a token of the vocabulary (one of "a", "b"');
    expectError(
      () => letters.encode(['a', 1] as never),
      TypeError,
      'Vocabulary.encode',
      'tokens[1]',
    );
    expectError(() => letters.encode(5 as never), TypeError, 'Vocabulary.encode', 'tokens');
    expectError(() => letters.decode([0, 27]), RangeError, 'Vocabulary.decode', 'ids[1]', '27');
    expectError(() => letters.decode([0.5]), RangeError, 'Vocabulary.decode', 'ids[0]');
  });

  it('lets the same models echo text: trained on random ids, a model echoes windows of a sentence', async () => {
    const model = buildSeq2Seq({ ...presets.fastWhole.model, nUnique: letters.size, seed: 1 });
    const before = tf.memory().numTensors;
    const result = await trainEcho(model, { ...presets.fastWhole.train, seed: 1 });
    expect(result.stopReason).toBe('targetAccuracy');
    const text = 'the quick brown fox jumps over the lazy dog';
    const rows = predictEcho(model, letters.encode(text));
    const echoed = rows.map((r) => letters.decode(r.predicted).join(''));
    const expected = rows.map((_, t) => text.slice(t, t + 5));
    const right = echoed.filter((w, i) => w === expected[i]).length;
    expect(right / rows.length).toBeGreaterThan(0.8);
    expect(tf.memory().numTensors).toBe(before);
    console.log(`echoed ${right}/${rows.length} windows of "${text}", e.g. "${echoed[4]}"`);
    model.dispose();
  });
});
