import * as tf from '@tensorflow/tfjs';
import { buildEncoderDecoder, evaluateEcho, trainEcho } from '../../src';

/**
 * The walkthrough's recipe B for its full 5,000 epochs: tensor count and RSS are sampled at
 * epochs 500 and 5,000. Nothing may accumulate: the tensor count must be identical, and RSS
 * may grow by less than 10% (allocator noise, not a leak).
 */
describe('long run: recipe B for 5,000 epochs', () => {
  it('keeps the tensor count identical and RSS within 10% from epoch 500 to 5,000', async () => {
    const model = buildEncoderDecoder({ seed: 1 });
    const samples = new Map<number, { numTensors: number; rssMb: number }>();
    const sample = (epoch: number) => {
      samples.set(epoch, {
        numTensors: tf.memory().numTensors,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      });
    };
    const result = await trainEcho(model, {
      epochs: 5000,
      seed: 1,
      onEpochEnd: ({ epoch }) => {
        if (epoch === 500 || epoch === 5000) sample(epoch);
      },
    });
    expect(result.epochs).toBe(5000);
    const at500 = samples.get(500)!;
    const at5000 = samples.get(5000)!;
    const growth = at5000.rssMb / at500.rssMb - 1;
    console.log(
      `recipe B, 5000 epochs in ${(result.elapsedMs / 1000).toFixed(1)} s: numTensors ${at500.numTensors} -> ${at5000.numTensors}; RSS ${at500.rssMb.toFixed(1)} MB -> ${at5000.rssMb.toFixed(1)} MB (${(growth * 100).toFixed(1)}%)`,
    );
    expect(at5000.numTensors).toBe(at500.numTensors);
    expect(growth).toBeLessThan(0.1);

    // And it learned, as the walkthrough's run did.
    const { accuracy } = await evaluateEcho(model, { sequences: 50, seed: 99 });
    console.log(
      `recipe B after 5000 epochs: ${(accuracy * 100).toFixed(1)}% on 50 fresh sequences`,
    );
    expect(accuracy).toBeGreaterThan(0.95);
    model.dispose();
  }, 1_800_000);
});
