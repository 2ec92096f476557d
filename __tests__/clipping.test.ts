import * as tf from '@tensorflow/tfjs';
import { buildEncoderDecoder, buildTeacherForcing, trainEcho, trainTeacherForcing } from '../src';
import { clipGradient } from '../src/training/clipping';
import { expectRejection } from './helpers/errors';
import { weightValues } from './helpers/models';

const small = { nUnique: 12, units: 6, stateful: false, seed: 3 };
const build = () => buildEncoderDecoder(small);

/** Largest absolute difference between two lists of weights. */
function maxDifference(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((w, i) => w.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('gradient clipping (clipNorm, clipValue)', () => {
  it('clips a gradient as Keras does: the norm first, then each value', () => {
    const g = Float32Array.from([3, -4]);
    clipGradient(g, { norm: 1, value: undefined });
    expect([...g].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.6, -0.8]);
    const short = Float32Array.from([0.3, -0.4]);
    clipGradient(short, { norm: 1, value: undefined });
    expect(short).toEqual(Float32Array.from([0.3, -0.4]));
    const values = Float32Array.from([0.5, -2, 0.01]);
    clipGradient(values, { norm: undefined, value: 0.1 });
    expect(values).toEqual(Float32Array.from([0.1, -0.1, 0.01]));
    const both = Float32Array.from([3, -4]);
    clipGradient(both, { norm: 1, value: 0.7 });
    expect([...both].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.6, -0.7]);
  });

  it.each([
    ['clipValue', { clipValue: 2e-3 }],
    ['clipNorm', { clipNorm: 1e-2 }],
    ['both', { clipNorm: 1e-2, clipValue: 5e-4 }],
  ] as const)(
    '%s: the fused and tfjs engines train the same weights, and the clipping was applied',
    async (_, clip) => {
      const options = { epochs: 3, batchSize: 8, seed: 5, ...clip };
      const [viaFit, viaFused, plain] = [build(), build(), build()];
      await trainEcho(viaFit, { ...options, engine: 'tfjs' });
      await trainEcho(viaFused, { ...options, engine: 'fused' });
      expect(maxDifference(weightValues(viaFit), weightValues(viaFused))).toBeLessThan(1e-5);
      // Once Adam's moments exist, a clipped tfjs run leaves no tensor behind, and the
      // optimizer is its own again afterwards.
      const before = tf.memory().numTensors;
      await trainEcho(viaFit, { ...options, engine: 'tfjs' });
      expect(tf.memory().numTensors).toBe(before);
      expect(Object.prototype.hasOwnProperty.call(viaFit.optimizer, 'applyGradients')).toBe(false);
      await trainEcho(plain, { epochs: 3, batchSize: 8, seed: 5 });
      expect(maxDifference(weightValues(plain), weightValues(viaFused))).toBeGreaterThan(1e-4);
      for (const model of [viaFit, viaFused, plain]) model.dispose();
    },
  );

  it('on 2 threads as on 1, bit-identical run to run (each thread takes whole weights for the norms)', async () => {
    const options = { epochs: 3, batchSize: 16, seed: 5, clipNorm: 1e-2, clipValue: 1e-3 };
    const weights = async (threads: number) => {
      const model = build();
      const result = await trainEcho(model, { ...options, threads });
      expect(result.threads).toBe(threads);
      const values = weightValues(model);
      model.dispose();
      return values;
    };
    const [a, b, one] = [await weights(2), await weights(2), await weights(1)];
    expect(a).toEqual(b);
    expect(maxDifference(a, one)).toBeLessThan(1e-5);
  });

  it('teacher forcing clips too, the same on both engines', async () => {
    const make = () =>
      buildTeacherForcing({ maxLength: 4, nUnique: 7, units: 8, learningRate: 0.02, seed: 4 });
    const run = { epochs: 2, samplesPerEpoch: 48, batchSize: 16, seed: 9, clipValue: 1e-3 };
    const [viaFit, viaFused] = [make(), make()];
    await trainTeacherForcing(viaFit, { ...run, engine: 'tfjs' });
    await trainTeacherForcing(viaFused, { ...run, engine: 'fused' });
    const difference = maxDifference(
      weightValues(viaFit.training),
      weightValues(viaFused.training),
    );
    expect(difference).toBeLessThan(1e-5);
    viaFit.dispose();
    viaFused.dispose();
  });

  it('refuses clipping that is not a number above 0, before any weight changes', async () => {
    const model = build();
    const before = weightValues(model);
    const fn = 'trainEcho';
    const cases: [Record<string, unknown>, typeof TypeError | typeof RangeError, string, string][] =
      [
        [{ clipNorm: 0 }, RangeError, 'options.clipNorm', '0'],
        [{ clipNorm: -1 }, RangeError, 'options.clipNorm', '-1'],
        [{ clipNorm: Number.NaN }, RangeError, 'options.clipNorm', 'NaN'],
        [{ clipValue: Infinity }, RangeError, 'options.clipValue', 'Infinity'],
        [{ clipValue: '0.1' }, TypeError, 'options.clipValue', '"0.1"'],
        [{ clipNorm: null }, TypeError, 'options.clipNorm', 'null'],
      ];
    for (const [clip, type, param, shown] of cases) {
      await expectRejection(() => trainEcho(model, { epochs: 1, ...clip }), type, fn, param, shown);
    }
    expect(weightValues(model)).toEqual(before);
    model.dispose();
  });
});
