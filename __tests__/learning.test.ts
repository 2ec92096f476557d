import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, evaluateEcho, generateSequence, predictEcho, trainEcho } from '../src';

describe('the whole-echo recipe learns (walkthrough model A, seeded)', () => {
  it('reaches at least 95% accuracy on fresh sequences, leaving no tensor behind', async () => {
    const model = buildSeq2Seq({ seed: 1 });
    // Warm-up: the optimizer creates its moment variables on the first step.
    await trainEcho(model, { epochs: 1, seed: 100 });
    const before = tf.memory().numTensors;
    const result = await trainEcho(model, {
      epochs: 600,
      seed: 2,
      targetAccuracy: 0.98,
      evaluateEvery: 25,
      evaluationSequences: 20,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stopReason).toBe('targetAccuracy');

    // Fresh sequences the training never saw, from another seed.
    const { accuracy, sequenceAccuracy, windows } = await evaluateEcho(model, {
      sequences: 100,
      seed: 777,
    });
    expect(windows).toBe(2100);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(sequenceAccuracy).toBeGreaterThan(0.8);
    expect(tf.memory().numTensors).toBe(before);

    const rows = predictEcho(model, generateSequence(25, { seed: 778 }));
    const right = rows.filter((r) => r.predicted.join() === r.expected.join()).length;
    expect(right / rows.length).toBeGreaterThan(0.8);
    console.log(
      `model A: ${result.epochs} epochs to target; fresh accuracy ${accuracy.toFixed(4)}, whole windows ${sequenceAccuracy.toFixed(4)}`,
    );
    model.dispose();
    // About 350 epochs at ~70 ms on an idle 2-core machine; generous for a loaded one.
  }, 900_000);
});
