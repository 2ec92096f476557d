import * as tf from '@tensorflow/tfjs';
import * as lib from '../src';
import { familyPresets, type EchoFamily } from '../src';

const FAMILIES = Object.keys(familyPresets) as EchoFamily[];

/** Builds a family's model from its preset, by the factory it names. */
function trainFamily(family: EchoFamily, seed: number) {
  const preset = familyPresets[family];
  if (preset.factory === 'buildTeacherForcing') {
    const models = lib.buildTeacherForcing({ ...preset.model, seed });
    return {
      params: models.training.countParams(),
      train: () => lib.trainTeacherForcing(models, { ...preset.train, seed }),
      fresh: () =>
        lib.evaluateTeacherForcing(models, { samples: 300, seed: 4242 }).sequenceAccuracy,
      dispose: () => {
        models.dispose();
      },
    };
  }
  const build = lib[preset.factory] as (options: object) => tf.LayersModel;
  const model = build({ ...preset.model, seed });
  return {
    params: model.countParams(),
    train: () => lib.trainEcho(model, { ...preset.train, seed }),
    fresh: async () =>
      (
        await lib.evaluateEcho(model, {
          sequences: 30,
          seed: 4242,
          ...('sequenceLength' in preset.train
            ? { sequenceLength: preset.train.sequenceLength }
            : {}),
        })
      ).accuracy,
    dispose: () => {
      lib.disposeEchoModel(model);
    },
  };
}

describe('familyPresets', () => {
  it('names a factory seq-echo exports for every family, and is frozen all the way down', () => {
    for (const family of FAMILIES) {
      const preset = familyPresets[family];
      expect(typeof lib[preset.factory]).toBe('function');
      expect(Object.isFrozen(preset.model)).toBe(true);
      expect(Object.isFrozen(preset.train)).toBe(true);
      expect(preset.train.targetAccuracy).toBe(0.99);
    }
    expect(() => {
      (familyPresets.attention.model as { nIn: number }).nIn = 3;
    }).toThrow(TypeError);
    expect(familyPresets.whole.train).toEqual(lib.presets.fastWhole.train);
    expect(familyPresets.partial.model).toEqual(lib.presets.fastPartial.model);
  });

  it.each(FAMILIES)(
    '%s reaches 99%% on fresh sequences within its epochs, leaving no tensor behind',
    async (family) => {
      const before = tf.memory().numTensors;
      const run = trainFamily(family, 1);
      try {
        const result = await run.train();
        expect(result.stopReason).toBe('targetAccuracy');
        expect(result.epochs).toBeLessThan(familyPresets[family].train.epochs);
        expect(await run.fresh()).toBeGreaterThanOrEqual(0.95);
        console.log(
          `${family}: ${result.epochs} epochs, ${(result.elapsedMs / 1000).toFixed(1)} s`,
        );
      } finally {
        run.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    },
    300_000,
  );
});
