import * as tf from '@tensorflow/tfjs';
import { buildEncoderDecoder, buildSeq2Seq, evaluateEcho, presets, trainEcho } from '../src';

describe('presets', () => {
  it('are frozen, so one caller cannot change them for another', () => {
    const { epochs } = presets.fastWhole.train;
    expect(() => {
      (presets.fastWhole.train as { epochs: number }).epochs = 1;
    }).toThrow(TypeError);
    expect(() => {
      (presets as unknown as Record<string, unknown>).fastWhole = {};
    }).toThrow(TypeError);
    expect(Object.isFrozen(presets.fastPartial.model)).toBe(true);
    // Frozen all the way down: the schedule inside train too.
    expect(Object.isFrozen(presets.fastPartial.train.learningRateSchedule)).toBe(true);
    expect(presets.fastWhole.train.epochs).toBe(epochs);
  });

  it("walkthrough presets are the walkthrough's settings (the factories' defaults)", () => {
    const a = buildSeq2Seq({ ...presets.walkthroughWhole.model, seed: 1 });
    const b = buildEncoderDecoder({ ...presets.walkthroughPartial.model, seed: 1 });
    expect(a.inputs[0]!.shape).toEqual([7, 5, 100]);
    expect(b.inputs[0]!.shape).toEqual([21, 5, 100]);
    expect(a.layers.map((l) => (l.getConfig() as { units?: number }).units)).toEqual([
      20,
      undefined,
    ]);
    expect((b.layers[0]!.getConfig() as { units: number }).units).toBe(150);
    expect(presets.walkthroughWhole.train).toEqual({ epochs: 500 });
    expect(presets.walkthroughPartial.train).toEqual({ epochs: 5000 });
    a.dispose();
    b.dispose();
  });

  it('fast presets keep the task, architecture and hidden sizes', () => {
    const pairs = [
      [buildSeq2Seq({ seed: 1 }), buildSeq2Seq({ ...presets.fastWhole.model, seed: 1 })],
      [
        buildEncoderDecoder({ seed: 1 }),
        buildEncoderDecoder({ ...presets.fastPartial.model, seed: 1 }),
      ],
    ] as const;
    for (const [walkthrough, fast] of pairs) {
      expect(fast.layers.map((l) => l.getClassName())).toEqual(
        walkthrough.layers.map((l) => l.getClassName()),
      );
      expect(fast.weights.map((w) => w.shape)).toEqual(walkthrough.weights.map((w) => w.shape));
      expect(fast.outputs[0]!.shape.slice(1)).toEqual(walkthrough.outputs[0]!.shape.slice(1));
      walkthrough.dispose();
      fast.dispose();
    }
  });

  it.each([
    [
      'fastWhole',
      () => buildSeq2Seq({ ...presets.fastWhole.model, seed: 1 }),
      presets.fastWhole,
      150,
    ],
    [
      'fastPartial',
      () => buildEncoderDecoder({ ...presets.fastPartial.model, seed: 1 }),
      presets.fastPartial,
      400,
    ],
  ] as const)(
    '%s reaches 99%% on fresh sequences well within its epoch budget, leaving no tensor behind',
    async (name, build, preset, epochBound) => {
      const model = build();
      const before = tf.memory().numTensors;
      const result = await trainEcho(model, { ...preset.train, seed: 1 });
      expect(result.stopReason).toBe('targetAccuracy');
      expect(result.epochs).toBeLessThanOrEqual(epochBound);
      // 50 sequences the training never saw.
      const { accuracy } = await evaluateEcho(model, { sequences: 50, seed: 4242 });
      expect(accuracy).toBeGreaterThanOrEqual(0.98);
      expect(tf.memory().numTensors).toBe(before);
      console.log(`${name}: ${result.epochs} epochs, fresh accuracy ${accuracy.toFixed(4)}`);
      model.dispose();
    },
    600_000,
  );
});
