import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  evaluateEcho,
  generateSequence,
  loadEchoModel,
  predictEcho,
  saveEchoModel,
  trainEcho,
  buildManyToOne,
  buildOneToOne,
} from '../src';
import { readEchoShape } from '../src/models/echoShape';
import { readEchoTask } from '../src/models/echoTask';
import { disposeAll, outputs } from './helpers/models';
import { expectError } from './helpers/errors';
import { weightValues } from './helpers/models';

const classNames = (model: tf.LayersModel): string[] =>
  model.layers.map((layer) => layer.getClassName());

const factories = [
  ['buildOneToOne', buildOneToOne],
  ['buildManyToOne', buildManyToOne],
] as const;

describe('buildOneToOne', () => {
  it('reads the window as the features of one step: Reshape -> LSTM -> Dense -> Reshape -> Softmax', () => {
    const model = buildOneToOne();
    expect(model.inputs[0]!.shape).toEqual([7, 5, 100]);
    expect(model.outputs[0]!.shape).toEqual([7, 5, 100]);
    expect(classNames(model)).toEqual(['Reshape', 'LSTM', 'Dense', 'Reshape', 'Softmax']);
    const [reshapeIn, lstm, dense, reshapeOut, softmax] = model.layers;
    expect(reshapeIn!.getConfig()).toMatchObject({ targetShape: [1, 500] });
    expect(reshapeIn!.outputShape).toEqual([7, 1, 500]);
    expect(lstm!.getConfig()).toMatchObject({
      units: 20,
      returnSequences: false,
      stateful: true,
      unitForgetBias: true,
      recurrentInitializer: { className: 'Orthogonal' },
    });
    expect(dense!.getConfig()).toMatchObject({ units: 500, activation: 'linear' });
    expect(reshapeOut!.getConfig()).toMatchObject({ targetShape: [5, 100] });
    expect(softmax!.getConfig()).toMatchObject({ axis: -1 });
    // LSTM: 4 * 20 * (500 + 20 + 1); Dense: (20 + 1) * 500.
    expect(model.countParams()).toBe(41_680 + 10_500);
    expect(model.loss).toBe('categoricalCrossentropy');
    expect(model.optimizer.getConfig()).toMatchObject({ learningRate: 0.001 });
    expect(readEchoShape('test', model)).toMatchObject({
      nIn: 5,
      nOut: 5,
      nUnique: 100,
      stateful: true,
      batchSize: 7,
    });
    expect(readEchoTask(model)).toEqual({ task: 'echo', representation: 'one-hot', nUnique: 100 });
    model.dispose();
  });
});

describe('buildManyToOne', () => {
  it('reads the window step by step and answers as one vector: LSTM -> Dense -> Reshape -> Softmax', () => {
    const model = buildManyToOne();
    expect(model.inputs[0]!.shape).toEqual([7, 5, 100]);
    expect(model.outputs[0]!.shape).toEqual([7, 5, 100]);
    expect(classNames(model)).toEqual(['LSTM', 'Dense', 'Reshape', 'Softmax']);
    const [lstm, dense, reshape, softmax] = model.layers;
    expect(lstm!.getConfig()).toMatchObject({
      units: 20,
      returnSequences: false,
      stateful: true,
      unitForgetBias: true,
    });
    expect(lstm!.outputShape).toEqual([7, 20]);
    expect(dense!.getConfig()).toMatchObject({ units: 500 });
    expect(reshape!.getConfig()).toMatchObject({ targetShape: [5, 100] });
    expect(softmax!.getConfig()).toMatchObject({ axis: -1 });
    // LSTM: 4 * 20 * (100 + 20 + 1); Dense: (20 + 1) * 500.
    expect(model.countParams()).toBe(9_680 + 10_500);
    expect(readEchoShape('test', model)).toMatchObject({ nOut: 5, stateful: true, batchSize: 7 });
    model.dispose();
  });
});

describe.each(factories)('%s options', (fn, build) => {
  it('honours nOut, sizes, statelessness, learning rate and task', () => {
    const model = build({
      nIn: 4,
      nOut: 2,
      nUnique: 9,
      units: 6,
      stateful: false,
      learningRate: 0.02,
      task: 'reverse',
    });
    expect(model.inputs[0]!.shape).toEqual([null, 4, 9]);
    expect(model.outputs[0]!.shape).toEqual([null, 2, 9]);
    expect(readEchoShape('test', model)).toMatchObject({
      nIn: 4,
      nOut: 2,
      nUnique: 9,
      stateful: false,
      batchSize: null,
    });
    expect(model.layers.find((l) => l.getClassName() === 'Dense')!.getConfig()).toMatchObject({
      units: 18,
    });
    expect(model.optimizer.getConfig()).toMatchObject({ learningRate: 0.02 });
    expect(readEchoTask(model)).toEqual({ task: 'reverse', representation: 'one-hot', nUnique: 9 });
    // A softmax over the vocabulary for every output item.
    const y = model.predict(tf.zeros([3, 4, 9])) as tf.Tensor;
    const sums = y.sum(-1);
    expect(y.shape).toEqual([3, 2, 9]);
    for (const s of sums.dataSync()) expect(s).toBeCloseTo(1, 5);
    tf.dispose([y, sums]);
    disposeAll(model);
  });

  it('builds a stateful model with the given batch size, and identical weights for a seed', () => {
    const a = build({ nUnique: 8, units: 5, batchSize: 3, seed: 4 });
    const b = build({ nUnique: 8, units: 5, batchSize: 3, seed: 4 });
    const c = build({ nUnique: 8, units: 5, batchSize: 3, seed: 5 });
    expect(readEchoShape('test', a)).toMatchObject({ stateful: true, batchSize: 3 });
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)).not.toEqual(weightValues(c));
    // Keras's initialisers: unit forget bias, Glorot-uniform kernels.
    const lstm = a.layers.find((l) => l.getClassName() === 'LSTM')!;
    const bias = Array.from(lstm.getWeights()[2]!.dataSync());
    expect(bias).toEqual([0, 1, 0, 0].flatMap((v) => new Array<number>(5).fill(v)));
    expect(a.layers.find((l) => l.getClassName() === 'Dense')!.getConfig()).toMatchObject({
      kernelInitializer: {
        className: 'VarianceScaling',
        config: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
      },
    });
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects bad options before making any weight', () => {
    const before = tf.memory().numTensors;
    expectError(() => build({ nOut: 0 }), RangeError, fn, 'options.nOut', '0');
    expectError(() => build({ nOut: 6 }), RangeError, fn, 'options.nOut', '6');
    expectError(() => build({ nIn: 3, nOut: 4 }), RangeError, fn, 'options.nOut', '4');
    expectError(() => build({ nOut: 1.5 }), RangeError, fn, 'options.nOut', '1.5');
    expectError(() => build({ nOut: '2' as unknown as number }), TypeError, fn, 'options.nOut');
    expectError(
      () => build({ task: 'mirror' as unknown as 'echo' }),
      RangeError,
      fn,
      'options.task',
      '"mirror"',
    );
    expectError(() => build({ task: 1 as unknown as 'echo' }), TypeError, fn, 'options.task', '1');
    expectError(() => build({ units: 0 }), RangeError, fn, 'options.units', '0');
    expectError(() => build({ nUnique: 1 }), RangeError, fn, 'options.nUnique', '1');
    expectError(() => build({ learningRate: 0 }), RangeError, fn, 'options.learningRate', '0');
    expectError(() => build({ stateful: 1 as unknown as boolean }), TypeError, fn, 'stateful');
    expectError(() => build(null as unknown as object), TypeError, fn, 'options', 'null');
    // These topologies have more weights than the many-to-many estimate resolveModelOptions
    // makes, and are checked against their own count.
    const huge =
      fn === 'buildOneToOne'
        ? { nIn: 1000, nUnique: 1000, units: 100 } // LSTM reads 1,000,000 features
        : { nIn: 1000, nUnique: 1000, units: 200 }; // Dense answers 1,000,000 values
    let caught: unknown;
    try {
      build(huge);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toMatch(
      new RegExp(`^${fn}: options\\.units must keep the weight count at or under 134,217,728`),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each([
  ['buildOneToOne', buildOneToOne, 30],
  ['buildManyToOne', buildManyToOne, 150],
] as const)('%s with the training functions', (_fn, build, epochs) => {
  // Whole-window echo, nIn = nOut = 5, over a vocabulary of 6 (smaller than the walkthrough's
  // 100 so that model.fit's per-op cost on the cpu backend stays within a CI budget),
  // stateless, Adam at 0.03, batch 7, a fixed number of epochs (seeded, so repeatable): about
  // 99.9% for one-to-one after 30 epochs, 98% for many-to-one after 150, measured.
  it('learns the whole-window echo to >= 95% on fresh sequences, leaving no tensor behind', async () => {
    const model = build({ nUnique: 6, units: 32, stateful: false, learningRate: 0.03, seed: 1 });
    // tfjs creates the optimizer's variables on the first step: one warm-up epoch first.
    await trainEcho(model, { epochs: 1, seed: 100, batchSize: 7 });
    const before = tf.memory().numTensors;
    const result = await trainEcho(model, { epochs, seed: 2, batchSize: 7 });
    expect(result.epochs).toBe(epochs);
    const evaluation = await evaluateEcho(model, { sequences: 100, seed: 77 });
    expect(evaluation.windows).toBe(2100);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(tf.memory().numTensors).toBe(before);
    // predictEcho reads the echo off the one-vector output like any other model's.
    const rows = predictEcho(model, generateSequence(25, { nUnique: 6, seed: 78 }));
    const right = rows.flatMap((r) => r.predicted.map((v, i) => v === r.expected[i]));
    expect(right.filter(Boolean).length / right.length).toBeGreaterThanOrEqual(0.9);
    disposeAll(model);
  });
});

describe.each(factories)('%s saved and loaded', (_fn, build) => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'seq-echo-topologies-test-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.each([true, false])(
    'round-trips (stateful %s) with identical predictions and its task',
    async (stateful) => {
      const model = build({ nUnique: 12, units: 6, nOut: 3, stateful, task: 'reverse', seed: 3 });
      const dir = join(root, `model-${String(stateful)}`);
      const { metadata } = await saveEchoModel(model, dir);
      expect(metadata).toMatchObject({
        architecture: 'other',
        nIn: 5,
        nOut: 3,
        nUnique: 12,
        stateful,
        batchSize: stateful ? 7 : null,
      });
      const loaded = await loadEchoModel(dir);
      expect(classNames(loaded)).toEqual(classNames(model));
      expect(loaded.outputs[0]!.shape).toEqual(model.outputs[0]!.shape);
      expect(outputs(loaded)).toEqual(outputs(model));
      expect(weightValues(loaded)).toEqual(weightValues(model));
      expect(readEchoTask(loaded)).toEqual(readEchoTask(model));
      expect(loaded.optimizer.getConfig()).toMatchObject({ learningRate: 0.001 });
      // The loaded model trains (model.fit, with the fixed batch when stateful).
      const { history } = await trainEcho(loaded, { epochs: 2, seed: 5 });
      expect(history.loss).toHaveLength(2);
      expect(history.loss.every(Number.isFinite)).toBe(true);
      disposeAll(loaded);
      disposeAll(model);
    },
  );
});
