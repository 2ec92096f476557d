import * as tf from '@tensorflow/tfjs';
import { buildEncoderDecoder, buildSeq2Seq } from '../src';
import { expectError } from './helpers/errors';

const weightsOf = (model: tf.LayersModel) =>
  model.getWeights().map((w) => Array.from(w.dataSync()));

describe('buildSeq2Seq', () => {
  it("builds the walkthrough's model A: LSTM(20, return sequences, stateful) -> softmax per step", () => {
    const model = buildSeq2Seq();
    expect(model.inputs[0]!.shape).toEqual([7, 5, 100]);
    expect(model.outputs[0]!.shape).toEqual([7, 5, 100]);
    const [lstm, head] = model.layers;
    expect(lstm!.getClassName()).toBe('LSTM');
    expect(lstm!.getConfig()).toMatchObject({ units: 20, returnSequences: true, stateful: true });
    expect(head!.getClassName()).toBe('TimeDistributed');
    expect(head!.getConfig()).toMatchObject({
      layer: { className: 'Dense', config: { units: 100, activation: 'softmax' } },
    });
    // Keras reports 11,780 parameters for this model.
    expect(model.countParams()).toBe(11_780);
    expect(model.loss).toBe('categoricalCrossentropy');
    expect(model.optimizer.getConfig()).toMatchObject({ learningRate: 0.001 });
    model.dispose();
  });

  it('has a free batch dimension when stateless, and honours every size option', () => {
    const model = buildSeq2Seq({
      stateful: false,
      nIn: 3,
      nUnique: 10,
      units: 4,
      learningRate: 0.01,
    });
    expect(model.inputs[0]!.shape).toEqual([null, 3, 10]);
    expect(model.outputs[0]!.shape).toEqual([null, 3, 10]);
    expect(model.layers[0]!.getConfig()).toMatchObject({ units: 4, stateful: false });
    expect(model.optimizer.getConfig()).toMatchObject({ learningRate: 0.01 });
    model.dispose();
  });

  it("initialises like Keras did for the walkthrough, seeded or not (tfjs's own defaults differ)", () => {
    for (const seed of [undefined, 3]) {
      const model = buildSeq2Seq(seed === undefined ? {} : { seed });
      const lstm = model.layers[0]!.getConfig();
      const glorotUniform = {
        className: 'VarianceScaling',
        config: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
      };
      expect(lstm).toMatchObject({
        kernelInitializer: glorotUniform,
        recurrentInitializer: { className: 'Orthogonal' },
        recurrentActivation: 'hardSigmoid',
        unitForgetBias: true,
      });
      expect(model.layers[1]!.getConfig()).toMatchObject({
        layer: { config: { kernelInitializer: glorotUniform } },
      });
      // Unit forget bias: the forget gate's bias (second quarter) starts at 1, the rest at 0.
      const bias = Array.from(model.getWeights()[2]!.dataSync());
      expect(bias).toEqual(
        [20, 20, 20, 20].flatMap((n, gate) => new Array<number>(n).fill(gate === 1 ? 1 : 0)),
      );
      model.dispose();
    }
  });

  it('builds identical initial weights for the same seed', () => {
    const a = buildSeq2Seq({ seed: 9, units: 6, nUnique: 12 });
    const b = buildSeq2Seq({ seed: 9, units: 6, nUnique: 12 });
    const c = buildSeq2Seq({ seed: 10, units: 6, nUnique: 12 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)).not.toEqual(weightsOf(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects bad options before making any weight', () => {
    const before = tf.memory().numTensors;
    const fn = 'buildSeq2Seq';
    expectError(() => buildSeq2Seq({ nIn: 0 }), RangeError, fn, 'options.nIn', '0');
    expectError(() => buildSeq2Seq({ nUnique: 1 }), RangeError, fn, 'options.nUnique', '1');
    expectError(() => buildSeq2Seq({ units: 2.5 }), RangeError, fn, 'options.units', '2.5');
    expectError(() => buildSeq2Seq({ batchSize: 0 }), RangeError, fn, 'options.batchSize', '0');
    expectError(
      () => buildSeq2Seq({ stateful: 'yes' as unknown as boolean }),
      TypeError,
      fn,
      'options.stateful',
      '"yes"',
    );
    expectError(
      () => buildSeq2Seq({ learningRate: 0 }),
      RangeError,
      fn,
      'options.learningRate',
      '0',
    );
    expectError(
      () => buildSeq2Seq({ learningRate: NaN }),
      RangeError,
      fn,
      'options.learningRate',
      'NaN',
    );
    expectError(() => buildSeq2Seq({ seed: 1.5 }), RangeError, fn, 'options.seed', '1.5');
    expectError(() => buildSeq2Seq([] as object), TypeError, fn, 'options');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('buildEncoderDecoder', () => {
  it("builds the walkthrough's model B: LSTM(150) -> RepeatVector(2) -> LSTM(150, seq) -> softmax", () => {
    const model = buildEncoderDecoder();
    expect(model.inputs[0]!.shape).toEqual([21, 5, 100]);
    expect(model.outputs[0]!.shape).toEqual([21, 2, 100]);
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'LSTM',
      'RepeatVector',
      'LSTM',
      'TimeDistributed',
    ]);
    expect(model.layers[0]!.getConfig()).toMatchObject({
      units: 150,
      returnSequences: false,
      stateful: true,
    });
    expect(model.layers[1]!.getConfig()).toMatchObject({ n: 2 });
    expect(model.layers[2]!.getConfig()).toMatchObject({
      units: 150,
      returnSequences: true,
      stateful: true,
    });
    // Keras reports 346,300 parameters for this model.
    expect(model.countParams()).toBe(346_300);
    model.dispose();
  });

  it('honours nOut and stateless, and seeds its weights', () => {
    const options = { nIn: 6, nOut: 4, nUnique: 9, units: 5, stateful: false, seed: 4 };
    const a = buildEncoderDecoder(options);
    const b = buildEncoderDecoder(options);
    expect(a.inputs[0]!.shape).toEqual([null, 6, 9]);
    expect(a.outputs[0]!.shape).toEqual([null, 4, 9]);
    expect(weightsOf(a)).toEqual(weightsOf(b));
    a.dispose();
    b.dispose();
  });

  it('rejects nOut out of range before making any weight', () => {
    const before = tf.memory().numTensors;
    const fn = 'buildEncoderDecoder';
    expectError(() => buildEncoderDecoder({ nOut: 0 }), RangeError, fn, 'options.nOut', '0');
    expectError(() => buildEncoderDecoder({ nOut: 6 }), RangeError, fn, 'options.nOut', '6');
    expectError(
      () => buildEncoderDecoder({ nIn: 3, nOut: 4 }),
      RangeError,
      fn,
      'options.nOut',
      '4',
    );
    expectError(() => buildEncoderDecoder({ units: -1 }), RangeError, fn, 'options.units', '-1');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('building leaves nothing behind', () => {
  it("frees tfjs's LSTM initialiser temporaries; only a stateful LSTM's states outlive dispose", () => {
    const before = tf.memory().numTensors;
    const b = buildEncoderDecoder({ units: 8, stateful: false, seed: 1 });
    b.dispose();
    b.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const masked = buildSeq2Seq({ units: 4, masking: true, stateful: false });
    masked.dispose();
    masked.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // tfjs's model.dispose() does not free a stateful LSTM's two state tensors (h and c).
    const a = buildSeq2Seq({ units: 4, seed: 1 });
    a.dispose();
    a.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before + 2);
  });
});
