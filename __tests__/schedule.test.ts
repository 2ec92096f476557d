import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  buildTeacherForcing,
  trainEcho,
  trainTeacherForcing,
  type LearningRateSchedule,
} from '../src';
import { checkSchedule } from '../src/training/schedule';
import { expectError, expectRejection } from './helpers/errors';
import { weightValues } from './helpers/models';

const small = { nUnique: 12, units: 6, seed: 3 };
const rate = (schedule: LearningRateSchedule, step: number, compiled = 0.01) =>
  checkSchedule('test', 'schedule', schedule)(compiled, step);

/** Largest absolute difference between two lists of weights. */
function maxDifference(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((w, i) => w.map((v, j) => Math.abs(v - b[i]![j]!))));
}

describe('learning-rate schedules follow the Keras formulas', () => {
  it('ExponentialDecay, smooth and staircase', () => {
    const smooth = { kind: 'exponential', decaySteps: 100, decayRate: 0.5 } as const;
    expect(rate(smooth, 0)).toBe(0.01);
    expect(rate(smooth, 150)).toBeCloseTo(0.01 * 0.5 ** 1.5, 12);
    expect(rate({ ...smooth, staircase: true }, 150)).toBeCloseTo(0.005, 12);
    expect(rate({ ...smooth, staircase: true }, 199)).toBeCloseTo(0.005, 12);
  });

  it('CosineDecay, with warm-up and a floor', () => {
    const cosine = { kind: 'cosine', decaySteps: 100, alpha: 0.1, warmupSteps: 10 } as const;
    expect(rate(cosine, 0)).toBe(0);
    expect(rate(cosine, 5)).toBeCloseTo(0.005, 12);
    expect(rate(cosine, 10)).toBeCloseTo(0.01, 12);
    expect(rate(cosine, 60)).toBeCloseTo(0.01 * (0.9 * 0.5 + 0.1), 12);
    expect(rate(cosine, 110)).toBeCloseTo(0.001, 12);
    expect(rate(cosine, 10_000)).toBeCloseTo(0.001, 12);
    expect(rate({ kind: 'cosine', decaySteps: 100 }, 100)).toBeCloseTo(0, 12);
  });

  it('PiecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const piecewise = { kind: 'piecewise', boundaries: [2, 5], values: [0.1, 0.05, 0] } as const;
    expect([0, 2, 3, 5, 6, 100].map((step) => rate(piecewise, step))).toEqual([
      0.1, 0.1, 0.05, 0.05, 0, 0,
    ]);
  });
});

describe('trainEcho options.learningRateSchedule', () => {
  it.each([
    ['exponential', { kind: 'exponential', decaySteps: 2, decayRate: 0.3 }],
    ['cosine with warm-up', { kind: 'cosine', decaySteps: 6, alpha: 0.2, warmupSteps: 3 }],
    ['piecewise', { kind: 'piecewise', boundaries: [1, 4], values: [0.05, 0.01, 0.002] }],
  ] as const)(
    'the fused and tfjs engines train the same weights with a %s schedule',
    async (_, schedule) => {
      const build = () => buildEncoderDecoder({ ...small, stateful: false });
      const viaFit = build();
      const viaFused = build();
      const options = { epochs: 3, batchSize: 8, seed: 5, learningRateSchedule: schedule };
      await trainEcho(viaFit, { ...options, engine: 'tfjs' });
      await trainEcho(viaFused, { ...options, engine: 'fused' });
      expect(maxDifference(weightValues(viaFit), weightValues(viaFused))).toBeLessThan(1e-5);
      // Once Adam's moments exist, a scheduled run leaves no tensor behind.
      const before = tf.memory().numTensors;
      await trainEcho(viaFit, { ...options, engine: 'tfjs' });
      expect(tf.memory().numTensors).toBe(before);
      // Without the schedule the weights end elsewhere: the schedule was applied.
      const plain = build();
      await trainEcho(plain, { ...options, learningRateSchedule: undefined });
      expect(maxDifference(weightValues(plain), weightValues(viaFused))).toBeGreaterThan(1e-3);
      for (const model of [viaFit, viaFused, plain]) model.dispose();
    },
  );

  it.each(['tfjs', 'fused'] as const)(
    'on %s, a rate of 0 after step k leaves the weights as k steps left them, and a second call resumes the schedule',
    async (engine) => {
      // Model A: batch 7, 21 windows, so 3 optimizer steps an epoch.
      const stopped = buildSeq2Seq(small);
      const plain = buildSeq2Seq(small);
      const learningRateSchedule = {
        kind: 'piecewise',
        boundaries: [2],
        values: [0.001, 0],
      } as const;
      await trainEcho(stopped, { epochs: 3, seed: 9, engine, learningRateSchedule });
      await trainEcho(plain, { epochs: 1, seed: 9, engine });
      const afterFirst = weightValues(stopped);
      expect(maxDifference(afterFirst, weightValues(plain))).toBeLessThan(1e-6);
      // The optimizer has taken 9 steps: the schedule resumes at step 9, where the rate is 0.
      await trainEcho(stopped, { epochs: 2, seed: 10, engine, learningRateSchedule });
      expect(maxDifference(afterFirst, weightValues(stopped))).toBe(0);
      // The compiled rate is left as it was, so a run without the schedule trains again.
      expect((stopped.optimizer as unknown as { learningRate: number }).learningRate).toBe(0.001);
      await trainEcho(stopped, { epochs: 1, seed: 11, engine });
      expect(maxDifference(afterFirst, weightValues(stopped))).toBeGreaterThan(1e-5);
      stopped.dispose();
      plain.dispose();
    },
  );

  it('refuses bad schedules before any weight changes', async () => {
    const model = buildSeq2Seq(small);
    const before = weightValues(model);
    const fn = 'trainEcho';
    const p = 'options.learningRateSchedule';
    const cases: [unknown, typeof TypeError | typeof RangeError, string, string][] = [
      [0.5, TypeError, p, '0.5'],
      [{ kind: 7 }, TypeError, `${p}.kind`, '7'],
      [{ kind: 'linear' }, RangeError, `${p}.kind`, '"linear"'],
      [{ kind: 'exponential', decaySteps: 10, decayRate: 0 }, RangeError, `${p}.decayRate`, '0'],
      [
        { kind: 'exponential', decaySteps: 1.5, decayRate: 0.5 },
        RangeError,
        `${p}.decaySteps`,
        '1.5',
      ],
      [
        { kind: 'exponential', decaySteps: 10, decayRate: '0.5' },
        TypeError,
        `${p}.decayRate`,
        '"0.5"',
      ],
      [
        { kind: 'exponential', decaySteps: 9, decayRate: 0.5, stair: true },
        RangeError,
        p,
        undefined as never,
      ],
      [{ kind: 'cosine', decaySteps: 10, alpha: 2 }, RangeError, `${p}.alpha`, '2'],
      [{ kind: 'cosine', decaySteps: 10, warmupSteps: -1 }, RangeError, `${p}.warmupSteps`, '-1'],
      [{ kind: 'piecewise', boundaries: 3, values: [1] }, TypeError, `${p}.boundaries`, '3'],
      [
        { kind: 'piecewise', boundaries: [5, 5], values: [1, 1, 1] },
        RangeError,
        `${p}.boundaries[1]`,
        '5',
      ],
      [
        { kind: 'piecewise', boundaries: [5], values: [1] },
        RangeError,
        `${p}.values`,
        'an array of length 1',
      ],
      [{ kind: 'piecewise', boundaries: [5], values: [1, -1] }, RangeError, `${p}.values[1]`, '-1'],
    ];
    for (const [schedule, type, param, received] of cases) {
      await expectRejection(
        () => trainEcho(model, { epochs: 1, learningRateSchedule: schedule as never }),
        type,
        fn,
        param,
        received,
      );
    }
    expectError(() => checkSchedule(fn, p, { kind: 'cosine', decaySteps: 0 }), RangeError, fn, p);
    expect(weightValues(model)).toEqual(before);
    model.dispose();
  });
});

describe('trainTeacherForcing options.learningRateSchedule', () => {
  const build = () =>
    buildTeacherForcing({ maxLength: 4, nUnique: 7, units: 8, learningRate: 0.02, seed: 4 });
  // 48 samples in batches of 16: 3 optimizer steps an epoch.
  const run = { samplesPerEpoch: 48, batchSize: 16, seed: 9 };

  it('the fused and tfjs engines train the same weights with a cosine schedule, and it was applied', async () => {
    const learningRateSchedule = {
      kind: 'cosine',
      decaySteps: 6,
      alpha: 0.1,
      warmupSteps: 2,
    } as const;
    const [viaFit, viaFused, plain] = [build(), build(), build()];
    await trainTeacherForcing(viaFit, { ...run, epochs: 3, engine: 'tfjs', learningRateSchedule });
    await trainTeacherForcing(viaFused, {
      ...run,
      epochs: 3,
      engine: 'fused',
      learningRateSchedule,
    });
    const [a, b] = [weightValues(viaFit.training), weightValues(viaFused.training)];
    expect(maxDifference(a, b)).toBeLessThan(1e-5);
    await trainTeacherForcing(plain, { ...run, epochs: 3 });
    expect(maxDifference(weightValues(plain.training), b)).toBeGreaterThan(1e-3);
    // The compiled rate is the optimizer's again after the run.
    const optimizer = viaFit.training.optimizer as unknown as { learningRate: number };
    expect(optimizer.learningRate).toBeCloseTo(0.02, 7);
    for (const models of [viaFit, viaFused, plain]) models.dispose();
  });

  it.each(['tfjs', 'fused'] as const)(
    'on %s, a rate of 0 after step k leaves the weights as k steps left them, and a second call resumes it',
    async (engine) => {
      const learningRateSchedule = {
        kind: 'piecewise',
        boundaries: [2],
        values: [0.02, 0],
      } as const;
      const [stopped, plain] = [build(), build()];
      await trainTeacherForcing(stopped, { ...run, epochs: 3, engine, learningRateSchedule });
      await trainTeacherForcing(plain, { ...run, epochs: 1, engine });
      const afterFirst = weightValues(stopped.training);
      expect(maxDifference(afterFirst, weightValues(plain.training))).toBeLessThan(1e-6);
      await trainTeacherForcing(stopped, { ...run, epochs: 1, engine, learningRateSchedule });
      expect(maxDifference(afterFirst, weightValues(stopped.training))).toBe(0);
      stopped.dispose();
      plain.dispose();
    },
  );

  it('refuses a bad schedule before any weight changes', async () => {
    const models = build();
    const before = weightValues(models.training);
    await expectRejection(
      () =>
        trainTeacherForcing(models, {
          ...run,
          epochs: 1,
          learningRateSchedule: {
            kind: 'cosine',
            decaySteps: 0,
          } as unknown as LearningRateSchedule,
        }),
      RangeError,
      'trainTeacherForcing',
      'options.learningRateSchedule.decaySteps',
      '0',
    );
    expect(weightValues(models.training)).toEqual(before);
    models.dispose();
  });
});
