import * as tf from '@tensorflow/tfjs';
import {
  attentionWeights,
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  trainEcho,
  trainTeacherForcing,
  type TrainEchoResult,
} from '../src';
import { readEchoShape } from '../src/models/echoShape';
import { setEchoTask } from '../src/models/echoTask';
import { tfjsWeights } from '../src/training/attentionWeights';
import { planTraining } from '../src/models/fusedPlan';
import { preferKernels } from '../src/training/fused/kernels';
import { decodeChecked } from '../src/training/decodeGreedy';
import { weightValues } from './helpers/models';

/**
 * Every model family seq-echo builds, trained twice from identical weights on identical data:
 * once with model.fit, once on the fused engine. The engine must compute what model.fit
 * computes: the same loss and accuracy every epoch, and the same weights after several epochs.
 */

function maxWeightDifference(a: tf.LayersModel, b: tf.LayersModel): number {
  const wb = weightValues(b);
  return Math.max(...weightValues(a).flatMap((w, i) => w.map((v, j) => Math.abs(v - wb[i]![j]!))));
}

/** Compiles a hand-built one-hot model (8 ids) as seq-echo compiles its own, and tags its task. */
function asEchoModel(model: tf.LayersModel): tf.LayersModel {
  model.compile({
    loss: 'categoricalCrossentropy',
    optimizer: tf.train.adam(0.01),
    metrics: ['accuracy'],
  });
  setEchoTask(model, { task: 'echo', representation: 'one-hot', nUnique: 8 });
  return model;
}

/** Two stacked LSTMs, as a user might build: not a factory's model, but made of its layers. */
function stackedLstms(): tf.LayersModel {
  const init = (seed: number) => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
  });
  let model!: tf.Sequential;
  tf.tidy(() => {
    model = tf.sequential();
    const m = model;
    m.add(
      tf.layers.lstm({
        units: 6,
        returnSequences: true,
        inputShape: [5, 8],
        recurrentActivation: 'sigmoid',
        ...init(1),
      }),
    );
    m.add(tf.layers.lstm({ units: 5, returnSequences: true, ...init(3) }));
    m.add(
      tf.layers.timeDistributed({
        layer: tf.layers.dense({
          units: 8,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
        }),
      }),
    );
  });
  return asEchoModel(model);
}

/** A user model whose first Reshape splits one-hot rows across steps ([5, 8] -> [10, 4]). */
function splitReshape(): tf.LayersModel {
  let model!: tf.Sequential;
  tf.tidy(() => {
    model = tf.sequential();
    model.add(tf.layers.reshape({ targetShape: [10, 4], inputShape: [5, 8] }));
    model.add(
      tf.layers.lstm({
        units: 6,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
        recurrentInitializer: tf.initializers.glorotUniform({ seed: 8 }),
      }),
    );
    model.add(
      tf.layers.dense({ units: 40, kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }),
    );
    model.add(tf.layers.reshape({ targetShape: [5, 8] }));
    model.add(tf.layers.softmax({ axis: -1 }));
  });
  return asEchoModel(model);
}

/**
 * A user model whose encoder's sequence output is read after its state: a decoder LSTM starts
 * from the encoder's [h, c] and its output is joined with the encoder's, so the plan reaches
 * the encoder through its state first.
 */
function sequenceAfterState(): tf.LayersModel {
  const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
  let model!: tf.LayersModel;
  tf.tidy(() => {
    const input = tf.input({ shape: [5, 8] });
    const [sequence, h, c] = tf.layers
      .lstm({
        units: 6,
        returnSequences: true,
        returnState: true,
        kernelInitializer: glorot(11),
        recurrentInitializer: glorot(12),
      })
      .apply(input) as tf.SymbolicTensor[];
    const decoded = tf.layers
      .lstm({
        units: 6,
        returnSequences: true,
        kernelInitializer: glorot(13),
        recurrentInitializer: glorot(14),
      })
      .apply(input, { initialState: [h!, c!] }) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([decoded, sequence!]) as tf.SymbolicTensor;
    const output = tf.layers
      .timeDistributed({
        layer: tf.layers.dense({ units: 8, activation: 'softmax', kernelInitializer: glorot(15) }),
      })
      .apply(joined) as tf.SymbolicTensor;
    model = tf.model({ inputs: input, outputs: output });
  });
  return asEchoModel(model);
}

const small = { nUnique: 8, units: 6, seed: 3 };

const FAMILIES: [string, () => tf.LayersModel, { batchSize?: number; epochs?: number }][] = [
  [
    'linear representation, stateless',
    () => buildSeq2Seq({ ...small, representation: 'linear', stateful: false, learningRate: 0.01 }),
    { batchSize: 4 },
  ],
  [
    'linear representation, stateful',
    () => buildSeq2Seq({ ...small, representation: 'linear' }),
    {},
  ],
  ['masking, stateful batch 5', () => buildSeq2Seq({ ...small, masking: true, batchSize: 5 }), {}],
  [
    'masking encoder-decoder, stateless',
    () => buildEncoderDecoder({ ...small, masking: true, nOut: 2, stateful: false }),
    { batchSize: 6 },
  ],
  [
    'reverse, stateless encoder-decoder',
    () => buildEncoderDecoder({ ...small, task: 'reverse', nOut: 3, stateful: false }),
    { batchSize: 8 },
  ],
  [
    'reverse, stateful encoder-decoder batch 7',
    () => buildEncoderDecoder({ ...small, task: 'reverse', nOut: 4, batchSize: 7 }),
    {},
  ],
  ['one-to-one, stateful', () => buildOneToOne({ ...small, learningRate: 0.01 }), {}],
  [
    'one-to-one, stateless',
    () => buildOneToOne({ ...small, stateful: false, nOut: 3 }),
    { batchSize: 5 },
  ],
  ['many-to-one, stateful', () => buildManyToOne({ ...small, nOut: 3 }), {}],
  [
    'many-to-one, stateless',
    () => buildManyToOne({ ...small, stateful: false, learningRate: 0.01 }),
    { batchSize: 8 },
  ],
  [
    'attention, dense encoder',
    () => buildAttention({ nIn: 7, nUnique: 6, units: 8, positionFeatures: 4, seed: 2 }),
    { batchSize: 8 },
  ],
  [
    'attention, LSTM encoder, reverse',
    () =>
      buildAttention({
        nIn: 6,
        nOut: 4,
        nUnique: 6,
        units: 8,
        encoder: 'lstm',
        task: 'reverse',
        seed: 2,
      }),
    { batchSize: 8 },
  ],
  ['two stacked LSTMs (a user model), sigmoid gates', stackedLstms, { batchSize: 8 }],
  [
    'a Reshape that splits one-hot rows across steps (a user model)',
    splitReshape,
    { batchSize: 8 },
  ],
  [
    "an encoder's sequence read after its state (a user model)",
    sequenceAfterState,
    { batchSize: 8 },
  ],
  [
    'model B with sigmoid gates, stateful',
    () => buildEncoderDecoder({ ...small, batchSize: 7, recurrentActivation: 'sigmoid' }),
    {},
  ],
];

async function trainTwins(
  build: () => tf.LayersModel,
  options: { batchSize?: number; epochs?: number },
) {
  const viaFit = build();
  const viaFused = build();
  const run = { epochs: options.epochs ?? 4, seed: 5, sequenceLength: 25, ...options };
  const a = await trainEcho(viaFit, { ...run, engine: 'tfjs' });
  const b = await trainEcho(viaFused, { ...run, engine: 'fused' });
  const difference = maxWeightDifference(viaFit, viaFused);
  viaFit.dispose();
  viaFused.dispose();
  return { a, b, difference };
}

function expectSameHistory(a: TrainEchoResult, b: TrainEchoResult, epochs: number): void {
  expect(a.history.loss).toHaveLength(epochs);
  expect(b.history.loss).toHaveLength(epochs);
  expect(a.history.accuracy).toHaveLength(epochs);
  expect(b.history.accuracy).toHaveLength(epochs);
  a.history.loss.forEach((loss, i) => {
    expect(b.history.loss[i]).toBeCloseTo(loss, 5);
  });
  a.history.accuracy.forEach((acc, i) => {
    expect(b.history.accuracy[i]).toBeCloseTo(acc, 5);
  });
}

describe.each(['wasm-simd', 'js'] as const)(
  'the fused engine on the %s kernels computes what model.fit computes, for every family',
  (kernels) => {
    beforeAll(() => {
      preferKernels(kernels);
    });
    afterAll(() => {
      preferKernels('auto');
    });

    it.each(FAMILIES)('%s', async (_, build, options) => {
      const model = build();
      expect(typeof planTraining(model)).toBe('object');
      model.dispose();
      const { a, b, difference } = await trainTwins(build, options);
      expect(a.engine).toBe('tfjs');
      expect(b.engine).toBe('fused');
      expectSameHistory(a, b, options.epochs ?? 4);
      expect(difference).toBeLessThan(1e-5);
    });
  },
);

describe.each(['wasm-simd', 'js'] as const)(
  'teacher forcing on the fused engine (%s kernels)',
  (kernels) => {
    beforeAll(() => {
      preferKernels(kernels);
    });
    afterAll(() => {
      preferKernels('auto');
    });
    const build = () =>
      buildTeacherForcing({
        maxLength: 5,
        nUnique: 7,
        units: 8,
        learningRate: 0.02,
        seed: 4,
        recurrentActivation: 'sigmoid',
      });

    it('trains as models.training.fit does, and decodes as the tfjs inference models do', async () => {
      const viaFit = build();
      const viaFused = build();
      const run = { epochs: 4, samplesPerEpoch: 40, batchSize: 16, seed: 9 };
      const a = await trainTeacherForcing(viaFit, { ...run, engine: 'tfjs' });
      const b = await trainTeacherForcing(viaFused, { ...run, engine: 'fused' });
      expect([a.engine, b.engine]).toEqual(['tfjs', 'fused']);
      expectSameHistory(a as unknown as TrainEchoResult, b as unknown as TrainEchoResult, 4);
      expect(maxWeightDifference(viaFit.training, viaFused.training)).toBeLessThan(1e-5);

      const sequences = [[1], [2, 3], [6, 5, 4, 3, 2], [0, 0, 1], [3, 1, 4, 1, 5]];
      const before = tf.memory().numTensors;
      const fused = decodeChecked(viaFused, sequences, 6);
      expect(tf.memory().numTensors).toBe(before);
      expect(fused).toEqual(decodeChecked(viaFused, sequences, 6, { kind: 'tfjs' }));
      expect(fused).toHaveLength(sequences.length);
      expect(fused.every((out) => out.length <= 6)).toBe(true);
      viaFit.dispose();
      viaFused.dispose();
    });
  },
);

describe('recurrentActivation', () => {
  it("builds every factory's LSTMs with the chosen gates, hard-sigmoid by default", () => {
    const gates = (model: tf.LayersModel) =>
      model.layers
        .filter((l) => l.getClassName() === 'LSTM')
        .map((l) => (l.getConfig() as { recurrentActivation?: string }).recurrentActivation);
    const models = [
      buildSeq2Seq(small),
      buildSeq2Seq({ ...small, recurrentActivation: 'sigmoid' }),
      buildEncoderDecoder({ ...small, recurrentActivation: 'sigmoid' }),
      buildOneToOne({ ...small, recurrentActivation: 'sigmoid' }),
      buildManyToOne({ ...small, recurrentActivation: 'sigmoid' }),
      buildAttention({ nUnique: 6, units: 8, encoder: 'lstm', recurrentActivation: 'sigmoid' }),
    ];
    expect(models.map(gates)).toEqual([
      ['hardSigmoid'],
      ['sigmoid'],
      ['sigmoid', 'sigmoid'],
      ['sigmoid'],
      ['sigmoid'],
      ['sigmoid'],
    ]);
    models.forEach((m) => m.dispose());
    const tf2 = buildTeacherForcing({
      maxLength: 3,
      nUnique: 4,
      units: 4,
      recurrentActivation: 'sigmoid',
    });
    expect(gates(tf2.training)).toEqual(['sigmoid', 'sigmoid']);
    tf2.dispose();
  });

  it('refuses anything else, naming the factory, before making a tensor', () => {
    const before = tf.memory().numTensors;
    const bad = { recurrentActivation: 'relu' } as unknown as { recurrentActivation: 'sigmoid' };
    expect(() => buildSeq2Seq(bad)).toThrow(
      /buildSeq2Seq: options.recurrentActivation must be 'hardSigmoid' or 'sigmoid', but received "relu"/,
    );
    expect(() => buildEncoderDecoder(bad)).toThrow(RangeError);
    expect(() => buildAttention(bad)).toThrow(/buildAttention: options.recurrentActivation/);
    expect(() => buildTeacherForcing(bad)).toThrow(
      /buildTeacherForcing: options.recurrentActivation/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('attentionWeights on the fused forward pass', () => {
  it('gives the weights the tfjs layers compute, leaving no tensor behind', async () => {
    const model = buildAttention({ nIn: 9, nOut: 6, nUnique: 7, units: 12, seed: 3 });
    await trainEcho(model, { epochs: 3, seed: 1, batchSize: 8 });
    const windows = [
      [1, 2, 3, 4, 5, 6, 0, 1, 2],
      [6, 6, 6, 0, 0, 0, 3, 3, 3],
      [0, 1, 0, 1, 0, 1, 0, 1, 0],
    ];
    const before = tf.memory().numTensors;
    const fused = attentionWeights(model, windows);
    expect(tf.memory().numTensors).toBe(before);
    const shape = readEchoShape('test', model);
    const layer = model.layers.find((l) => l.getClassName() === 'SeqEchoDotAttention');
    const reference = tfjsWeights(model, layer as never, shape, windows);
    expect(fused).toHaveLength(3);
    fused.forEach((matrix, w) => {
      expect(matrix).toHaveLength(6);
      matrix.forEach((row, i) => {
        expect(row).toHaveLength(9);
        row.forEach((v, j) => {
          expect(v).toBeCloseTo(reference[w]![i]![j]!, 6);
        });
      });
    });
    model.dispose();
  });
});

describe('what the fused engine refuses, it names', () => {
  it("a Softmax over the time axis (tfjs's default axis 1) is refused, saying why", async () => {
    let model!: tf.Sequential;
    tf.tidy(() => {
      model = tf.sequential();
      model.add(tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 8] }));
      model.add(tf.layers.dense({ units: 8 }));
      model.add(tf.layers.softmax());
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
    expect(planTraining(model)).toBe('a Softmax layer is not over the last axis');
    // (tfjs itself cannot run it either: its softmax takes the last axis only.)
    await expect(trainEcho(model, { epochs: 1, engine: 'fused' })).rejects.toThrow(
      "trainEcho: options.engine 'fused' needs a model the fused engine computes, but a Softmax layer is not over the last axis",
    );
    model.dispose();
  });
});
