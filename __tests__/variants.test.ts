/**
 * Variants 3, 4 and 8 of the walkthrough's extensions, each learning its task: longer echoes
 * with the encoder-decoder, stateless training (batch 1 with the state reset after every
 * sample, and a larger batch), and reversing text through a vocabulary.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildAttention,
  buildEncoderDecoder,
  buildSeq2Seq,
  createVocabulary,
  evaluateEcho,
  predictEcho,
  selectBackend,
  trainEcho,
} from '../src';

describe('variant 3: longer echoes', () => {
  it('an encoder-decoder learns to echo the oldest 5 of 10 (fused engine)', async () => {
    const model = buildEncoderDecoder({
      nIn: 10,
      nOut: 5,
      nUnique: 10,
      units: 64,
      stateful: false,
      learningRate: 0.01,
      seed: 1,
    });
    const result = await trainEcho(model, {
      epochs: 1500,
      sequenceLength: 60,
      batchSize: 32,
      seed: 2,
      targetAccuracy: 0.99,
      evaluateEvery: 20,
    });
    expect(result.stopReason).toBe('targetAccuracy');
    const fresh = await evaluateEcho(model, { sequences: 30, sequenceLength: 60, seed: 3 });
    expect(fresh.accuracy).toBeGreaterThanOrEqual(0.95);
    const [row] = predictEcho(model, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(row!.expected).toEqual([9, 8, 7, 6, 5]);
    model.dispose();
  });
});

describe('variant 4: stateless training', () => {
  const small = { nUnique: 20, units: 20, learningRate: 0.01, seed: 1 };

  it.each([
    ['batch 1: state reset after every sample, 21 updates per epoch', 1],
    ['batch 21: one update per epoch', 21],
  ])('learns the whole-window echo with %s', async (_, batchSize) => {
    const model = buildSeq2Seq({ ...small, stateful: false });
    expect(model.inputs[0]!.shape[0]).toBeNull(); // a free batch dimension
    const result = await trainEcho(model, {
      epochs: 600,
      batchSize,
      seed: 2,
      targetAccuracy: 0.99,
      evaluateEvery: 10,
    });
    expect(result.stopReason).toBe('targetAccuracy');
    const fresh = await evaluateEcho(model, { sequences: 40, seed: 3 });
    expect(fresh.accuracy).toBeGreaterThanOrEqual(0.95);
    model.dispose();
  });

  it('batch 1 needs fewer epochs than one update per epoch (same seeds, same settings)', async () => {
    const epochsTo99 = async (batchSize: number) => {
      const model = buildSeq2Seq({ ...small, stateful: false });
      const { epochs } = await trainEcho(model, {
        epochs: 600,
        batchSize,
        seed: 2,
        targetAccuracy: 0.99,
        evaluateEvery: 10,
      });
      model.dispose();
      return epochs;
    };
    expect(await epochsTo99(1)).toBeLessThan(await epochsTo99(21));
  });
});

describe('variant 8: reversing text through a vocabulary', () => {
  let backend: string;
  beforeAll(async () => {
    backend = tf.getBackend();
    await selectBackend('wasm'); // attention trains through model.fit: wasm is several times faster
  });
  afterAll(async () => {
    await tf.setBackend(backend);
  });

  it('an attention model trained on random ids reverses the windows of unseen words', async () => {
    const vocabulary = createVocabulary(Array.from('abcdefghij '));
    const model = buildAttention({
      nIn: 6,
      nUnique: vocabulary.size,
      units: 32,
      task: 'reverse',
      learningRate: 0.02,
      seed: 1,
    });
    const result = await trainEcho(model, {
      epochs: 200,
      sequenceLength: 133, // 128 windows per epoch
      batchSize: 32,
      seed: 2,
      targetAccuracy: 0.99,
      evaluateEvery: 5,
      evaluationSequences: 4,
    });
    expect(result.stopReason).toBe('targetAccuracy');
    const text = 'a bad cafe hid a big jade chef';
    const rows = predictEcho(model, vocabulary.encode(text));
    expect(rows).toHaveLength(text.length - 5);
    const asText = (ids: number[]) => vocabulary.decode(ids).join('');
    expect(asText(rows[0]!.input)).toBe('a bad ');
    expect(asText(rows[0]!.expected)).toBe(' dab a');
    const right = rows.filter((r) => asText(r.predicted) === asText(r.expected)).length;
    expect(right / rows.length).toBeGreaterThanOrEqual(0.9);
    // A character outside the vocabulary is a clear error, not a silent id.
    expect(() => vocabulary.encode('a bad kite')).toThrow(/"k"/);
    model.dispose();
    model.optimizer.dispose();
  });
});
