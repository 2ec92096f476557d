/**
 * What seq-echo promises under stress (the README's "Guarantees"): bad input never touches a
 * weight, aborts return promptly and cleanly, seeds repeat bit for bit, concurrent runs do not
 * disturb each other, and absurd sizes are refused before anything is allocated.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  evaluateEcho,
  generateSequence,
  getEchoData,
  oneHotEncode,
  predictEcho,
  presets,
  toSupervised,
  trainEcho,
} from '../src';
import { mulberry32 } from '../src/data/random';
import { weightValues } from './helpers/models';

const small = { nUnique: 12, units: 6 };

describe('bad input to model-facing functions changes no weight', () => {
  const model = buildSeq2Seq({ ...small, seed: 1 });
  const other = buildEncoderDecoder({ ...small, seed: 1 });
  const notAnEchoModel = tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })],
  });
  notAnEchoModel.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  afterAll(() => {
    model.dispose();
    other.dispose();
    notAnEchoModel.dispose();
  });

  const calls: [string, () => unknown][] = [
    ['trainEcho, epochs 0', () => trainEcho(model, { epochs: 0 })],
    ['trainEcho, NaN learning target', () => trainEcho(model, { epochs: 2, targetAccuracy: NaN })],
    [
      'trainEcho, batch that does not divide',
      () => trainEcho(model, { epochs: 2, sequenceLength: 26 }),
    ],
    [
      'trainEcho, batchSize on a stateful model',
      () => trainEcho(model, { epochs: 2, batchSize: 3 }),
    ],
    ['trainEcho, unknown engine', () => trainEcho(model, { epochs: 2, engine: 'gpu' as never })],
    [
      'trainEcho, signal that is not one',
      () => trainEcho(model, { epochs: 2, signal: {} as never }),
    ],
    ['trainEcho, a non-echo model', () => trainEcho(notAnEchoModel, { epochs: 1 })],
    ['evaluateEcho, 0 sequences', () => evaluateEcho(model, { sequences: 0 })],
    ['evaluateEcho, a non-echo model', () => evaluateEcho(notAnEchoModel)],
    ['predictEcho, a non-echo model', () => predictEcho(notAnEchoModel, [1, 2, 3, 4, 5])],
    ['evaluateEcho, seed and random', () => evaluateEcho(model, { seed: 1, random: Math.random })],
    ['predictEcho, id out of range', () => predictEcho(model, [1, 2, 3, 4, 12])],
    ['predictEcho, too short', () => predictEcho(other, [1, 2, 3])],
    ['predictEcho, not numbers', () => predictEcho(model, ['1', 2, 3, 4, 5] as never)],
  ];

  it.each(calls)('%s', async (_, call) => {
    const before = [weightValues(model), weightValues(other)];
    const tensors = tf.memory().numTensors;
    let threw = false;
    try {
      await call();
    } catch (error) {
      threw = true;
      expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    }
    expect(threw).toBe(true);
    expect([weightValues(model), weightValues(other)]).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('aborting trainEcho', () => {
  const random = mulberry32(2026);

  it.each([1, 2, 3])(
    'at a random moment (trial %i) returns within one epoch, cleanly, with a usable model',
    async () => {
      const model = buildSeq2Seq({ ...small, seed: 1 });
      await trainEcho(model, { epochs: 1, seed: 1, engine: 'tfjs' }); // optimizer state exists
      const tensors = tf.memory().numTensors;
      const controller = new AbortController();
      let epochAtAbort = -1;
      let lastEpoch = 0;
      const delayMs = 20 + Math.floor(random() * 200);
      const timer = setTimeout(() => {
        epochAtAbort = lastEpoch;
        controller.abort();
      }, delayMs);
      const result = await trainEcho(model, {
        epochs: 100_000,
        seed: 2,
        signal: controller.signal,
        onEpochEnd: ({ epoch }) => {
          lastEpoch = epoch;
        },
      });
      clearTimeout(timer);
      expect(result.stopReason).toBe('aborted');
      // The epoch running when abort() was called may finish; no further one starts.
      expect(result.epochs).toBeGreaterThanOrEqual(epochAtAbort);
      expect(result.epochs).toBeLessThanOrEqual(epochAtAbort + 1);
      expect(tf.memory().numTensors).toBe(tensors);

      // Still predicts, and still trains.
      const rows = predictEcho(model, generateSequence(10, { seed: 3, nUnique: 12 }));
      expect(rows).toHaveLength(6);
      const again = await trainEcho(model, { epochs: 3, seed: 4 });
      expect(again.history.loss).toHaveLength(3);
      expect(again.history.loss.every(Number.isFinite)).toBe(true);
      expect(tf.memory().numTensors).toBe(tensors);
      model.dispose();
    },
  );

  it('at a random epoch from onEpochEnd stops exactly there, on both engines', async () => {
    for (const engine of ['fused', 'tfjs'] as const) {
      const at = 1 + Math.floor(random() * 8);
      const model = buildEncoderDecoder({ ...small, seed: 1 });
      const controller = new AbortController();
      const result = await trainEcho(model, {
        epochs: 50,
        engine,
        signal: controller.signal,
        onEpochEnd: ({ epoch }) => {
          if (epoch === at) controller.abort();
        },
      });
      expect(result).toMatchObject({ epochs: at, stopReason: 'aborted', stoppedEarly: true });
      expect(result.history.loss).toHaveLength(at);
      model.dispose();
    }
  });
});

describe('determinism: the same seeds give the same run', () => {
  it('same data, same initial weights', () => {
    expect(generateSequence(50, { seed: 9 })).toEqual(generateSequence(50, { seed: 9 }));
    const a = getEchoData(5, 2, { seed: 9 });
    const b = getEchoData(5, 2, { seed: 9 });
    expect(a.X.arraySync()).toEqual(b.X.arraySync());
    tf.dispose([a.X, a.y, b.X, b.y]);
    for (const build of [buildSeq2Seq, buildEncoderDecoder]) {
      const m1 = build({ ...small, seed: 5 });
      const m2 = build({ ...small, seed: 5 });
      const m3 = build({ ...small, seed: 6 });
      expect(weightValues(m1)).toEqual(weightValues(m2));
      expect(weightValues(m1)).not.toEqual(weightValues(m3));
      [m1, m2, m3].forEach((m) => m.dispose());
    }
  });

  it.each(['fused', 'tfjs'] as const)(
    "the same loss history to the last bit on the cpu backend (engine '%s')",
    async (engine) => {
      expect(tf.getBackend()).toBe('cpu');
      const run = async () => {
        const model = buildEncoderDecoder({ ...small, seed: 5 });
        const { history } = await trainEcho(model, { epochs: 6, seed: 8, engine });
        const weights = weightValues(model);
        model.dispose();
        return { history, weights };
      };
      const [first, second] = [await run(), await run()];
      expect(second.history.loss).toEqual(first.history.loss); // toEqual on numbers is Object.is
      expect(second.weights).toEqual(first.weights);
    },
  );
});

describe('concurrency', () => {
  it('two interleaved trainEcho runs give exactly what each gives alone, and both learn', async () => {
    const build = (seed: number) => buildSeq2Seq({ ...presets.fastWhole.model, seed });
    const train = (model: tf.LayersModel, seed: number, log: number[]) =>
      trainEcho(model, {
        ...presets.fastWhole.train,
        targetAccuracy: undefined,
        epochs: 60,
        seed,
        onEpochEnd: async ({ epoch }) => {
          log.push(epoch);
          await new Promise((resolve) => setTimeout(resolve, 0)); // let the other run in
        },
      });

    // Alone, one after the other.
    const aloneA = build(1);
    const aloneB = build(2);
    const soloA = await train(aloneA, 10, []);
    const soloB = await train(aloneB, 20, []);

    // Interleaved: the two runs' epochs alternate.
    const [twinA, twinB] = [build(1), build(2)];
    const order: string[] = [];
    const logA: number[] = [];
    const logB: number[] = [];
    const [runA, runB] = await Promise.all([
      train(twinA, 10, logA),
      train(twinB, 20, logB),
      // Samples which run has advanced, to show they really ran side by side.
      (async () => {
        while (logA.length < 60 || logB.length < 60) {
          order.push(`${logA.length}:${logB.length}`);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      })(),
    ]);
    expect(logA).toHaveLength(60);
    expect(logB).toHaveLength(60);
    const midway = order.filter((o) => /^([1-9]|[1-5]\d):([1-9]|[1-5]\d)$/.test(o));
    expect(midway.length).toBeGreaterThan(10); // moments when both were part-way through

    expect(runA.history.loss).toEqual(soloA.history.loss);
    expect(runB.history.loss).toEqual(soloB.history.loss);
    expect(weightValues(twinA)).toEqual(weightValues(aloneA));
    expect(weightValues(twinB)).toEqual(weightValues(aloneB));
    for (const model of [twinA, twinB]) {
      const { accuracy } = await evaluateEcho(model, { sequences: 30, seed: 77 });
      expect(accuracy).toBeGreaterThan(0.95);
    }
    [aloneA, aloneB, twinA, twinB].forEach((m) => m.dispose());
  });

  it("predictEcho during another model's training returns the same answers as before it", async () => {
    const trained = buildSeq2Seq({ ...presets.fastWhole.model, seed: 3 });
    await trainEcho(trained, { ...presets.fastWhole.train, seed: 3 });
    const sequence = generateSequence(40, { seed: 31 });
    const expected = predictEcho(trained, sequence);

    const busy = buildEncoderDecoder({ ...small, seed: 4 });
    const during: (typeof expected)[] = [];
    await trainEcho(busy, {
      epochs: 12,
      onEpochEnd: () => {
        during.push(predictEcho(trained, sequence));
      },
    });
    expect(during).toHaveLength(12);
    for (const rows of during) expect(rows).toEqual(expected);
    trained.dispose();
    busy.dispose();
  });
});

describe('resource bounds: absurd sizes are refused before anything is allocated', () => {
  const model = buildSeq2Seq({ seed: 1 });
  afterAll(() => model.dispose());
  const bigEncoded = Array.from({ length: 10_000 }, () => new Array<number>(100).fill(0));

  const calls: [string, () => unknown, string][] = [
    ['generateSequence(1e9)', () => generateSequence(1e9), 'length'],
    ['generateSequence(2^24 + 1)', () => generateSequence(2 ** 24 + 1), 'length'],
    [
      'oneHotEncode of 10^6 ids into 1000 columns',
      () => oneHotEncode(new Uint8Array(1e6), 1000),
      'sequence',
    ],
    ['toSupervised with nIn 5000 over 10,000 rows', () => toSupervised(bigEncoded, 5000, 5), 'nIn'],
    ['getEchoData with length 1e7', () => getEchoData(5, 5, { length: 1e7 }), 'options.length'],
    ['buildSeq2Seq with 100,000 units', () => buildSeq2Seq({ units: 100_000 }), 'options.units'],
    [
      'buildEncoderDecoder with 20,000 units',
      () => buildEncoderDecoder({ units: 20_000 }),
      'options.units',
    ],
    [
      'buildSeq2Seq with a batch of 10^6 x 1000 classes',
      () => buildSeq2Seq({ batchSize: 1_000_000, nUnique: 1000, stateful: false }),
      'options.batchSize',
    ],
    [
      'trainEcho over sequences of 10^7',
      () => trainEcho(model, { epochs: 1, sequenceLength: 1e7 }),
      'options.sequenceLength',
    ],
    [
      'evaluateEcho over sequences of 10^7',
      () => evaluateEcho(model, { sequenceLength: 1e7 }),
      'options.sequenceLength',
    ],
    [
      'predictEcho of 10^6 ids',
      () => predictEcho(model, new Array<number>(1e6).fill(1)),
      'sequence',
    ],
  ];

  it.each(calls)('%s', async (_, call, param) => {
    const tensors = tf.memory().numTensors;
    let caught: unknown;
    try {
      await call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toContain(param);
    // No time limit asserted (the machines are shared): had any of these calls allocated what
    // it asked for, it would have run out of memory instead of throwing the RangeError.
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
