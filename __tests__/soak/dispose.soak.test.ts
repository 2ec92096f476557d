import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { buildEncoderDecoder, buildSeq2Seq, disposeEchoModel, trainEcho } from '../../src';

// A full garbage collection before each sample, so RSS shows what is retained rather than
// what the collector has not reached yet (each fused trainer's WebAssembly memory is freed
// only when its model is collected, and jest's workers collect lazily).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Building, training and disposing small models 1,000 times, as a page or a sweep that makes
 * one model per run does: with disposeEchoModel nothing may accumulate. The tensor count must
 * be identical at cycles 200 and 1,000, and RSS after a full collection may grow by less than
 * 10% (allocator noise, not a leak; the first 200 cycles let the allocator and the JIT settle).
 */
describe('soak: 1,000 build/train/dispose cycles', () => {
  it('keeps the tensor count identical and RSS within 10% from cycle 200 to 1,000', async () => {
    const sample = () => {
      collect();
      return { numTensors: tf.memory().numTensors, rssMb: process.memoryUsage().rss / 2 ** 20 };
    };
    const start = tf.memory().numTensors;
    let at200 = sample();
    for (let cycle = 1; cycle <= 1000; cycle++) {
      const options = { seed: cycle, nUnique: 20, units: 16 };
      const model = cycle % 2 === 0 ? buildSeq2Seq(options) : buildEncoderDecoder(options);
      // Both engines: the fused one keeps a trainer per model, the tfjs one Adam's moments.
      const engine = cycle % 4 < 2 ? 'fused' : 'tfjs';
      await trainEcho(model, { epochs: 1, seed: cycle, engine });
      disposeEchoModel(model);
      if (cycle === 200) at200 = sample();
    }
    const at1000 = sample();
    const growth = at1000.rssMb / at200.rssMb - 1;
    console.log(
      `1000 build/train/dispose cycles: numTensors ${start} at start, ${at200.numTensors} at 200, ${at1000.numTensors} at 1000; RSS ${at200.rssMb.toFixed(1)} MB -> ${at1000.rssMb.toFixed(1)} MB (${(growth * 100).toFixed(1)}%)`,
    );
    expect(at200.numTensors).toBe(start);
    expect(at1000.numTensors).toBe(start);
    expect(growth).toBeLessThan(0.1);
  }, 1_800_000);
});
