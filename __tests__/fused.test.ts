import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  generateSequence,
  predictEcho,
  trainEcho,
} from '../src';
import { planModel } from '../src/models/fusedPlan';
import { preferKernels } from '../src/training/fused/kernels';
import { expectRejection } from './helpers/errors';
import { expectStateReset, weightValues } from './helpers/models';

/** Largest absolute difference between two models' weights. */
function maxWeightDifference(a: tf.LayersModel, b: tf.LayersModel): number {
  const wb = weightValues(b);
  return Math.max(...weightValues(a).flatMap((w, i) => w.map((v, j) => Math.abs(v - wb[i]![j]!))));
}

/**
 * Trains two identical models on identical data, one with model.fit and one with the fused
 * engine, and returns both histories and how far their weights ended apart.
 */
async function trainBoth(
  build: () => tf.LayersModel,
  options: { epochs: number; batchSize?: number },
) {
  const viaFit = build();
  const viaFused = build();
  const a = await trainEcho(viaFit, { ...options, seed: 11, engine: 'tfjs' });
  const b = await trainEcho(viaFused, { ...options, seed: 11, engine: 'fused' });
  const difference = maxWeightDifference(viaFit, viaFused);
  if (viaFused.layers.some((l) => (l as { stateful?: boolean }).stateful === true)) {
    expectStateReset(viaFused);
  }
  viaFit.dispose();
  viaFused.dispose();
  return { a, b, difference };
}

describe.each(['wasm-simd', 'js'] as const)(
  "trainEcho's fused engine on the %s kernels computes what model.fit computes",
  (kernels) => {
    const small = { nUnique: 12, units: 6, seed: 3 };
    beforeAll(() => {
      preferKernels(kernels);
    });
    afterAll(() => {
      preferKernels('auto');
    });

    it.each([
      ['model A, stateful, 3 batches per epoch carrying state', () => buildSeq2Seq(small), {}],
      [
        'model B, stateful, batch 7 (3 batches per epoch)',
        () => buildEncoderDecoder({ ...small, batchSize: 7 }),
        {},
      ],
      ['model B, walkthrough batch 21', () => buildEncoderDecoder({ ...small, nOut: 3 }), {}],
      [
        'model A, stateless, uneven last batch',
        () => buildSeq2Seq({ ...small, stateful: false }),
        { batchSize: 4 },
      ],
    ] as const)('%s', async (_, build, extra) => {
      const { a, b, difference } = await trainBoth(build, { epochs: 4, ...extra });
      // Both histories in full, so the comparisons below cannot pass on empty arrays.
      for (const h of [a.history, b.history]) {
        expect(h.loss).toHaveLength(4);
        expect(h.accuracy).toHaveLength(4);
      }
      a.history.loss.forEach((loss, i) => {
        expect(b.history.loss[i]).toBeCloseTo(loss, 5);
      });
      a.history.accuracy.forEach((acc, i) => {
        expect(b.history.accuracy[i]).toBeCloseTo(acc, 6);
      });
      expect(difference).toBeLessThan(1e-5);
    });
  },
);

describe("trainEcho's fused engine", () => {
  it('is chosen by default for the factories, and its runs repeat exactly', async () => {
    const run = async () => {
      const model = buildSeq2Seq({ seed: 8, nUnique: 10, units: 5 });
      const result = await trainEcho(model, { epochs: 5, seed: 9 });
      expect(result.engine).toBe('fused');
      expect(result.fallbackReason).toBeUndefined();
      const weights = weightValues(model);
      model.dispose();
      return { loss: result.history.loss, weights };
    };
    const first = await run();
    expect(first.loss).toHaveLength(5);
    const second = await run();
    expect(second).toEqual(first);
    const viaFit = buildSeq2Seq({ seed: 8, nUnique: 10, units: 5 });
    const viaFitResult = await trainEcho(viaFit, { epochs: 5, seed: 9, engine: 'tfjs' });
    expect(viaFitResult.engine).toBe('tfjs');
    expect(viaFitResult.fallbackReason).toBeUndefined();
    expect(viaFitResult.history.loss).toHaveLength(5);
    viaFit.dispose();
    viaFitResult.history.loss.forEach((loss, i) => {
      expect(first.loss[i]).toBeCloseTo(loss, 5);
    });
  });

  it('continues where it left off across calls, keeping its Adam moments', async () => {
    const split = buildSeq2Seq({ seed: 4, nUnique: 10, units: 5 });
    // The same two calls through model.fit are the reference: the fused engine's Adam moments
    // must carry over from the first call to the second as tfjs's optimizer's do.
    const reference = buildSeq2Seq({ seed: 4, nUnique: 10, units: 5 });
    await trainEcho(split, { epochs: 3, seed: 1 });
    await trainEcho(split, { epochs: 3, seed: 2 });
    await trainEcho(reference, { epochs: 3, seed: 1, engine: 'tfjs' });
    await trainEcho(reference, { epochs: 3, seed: 2, engine: 'tfjs' });
    expect(maxWeightDifference(split, reference)).toBeLessThan(1e-5);
    [split, reference].forEach((m) => m.dispose());
  });

  it("falls back to model.fit for models it does not know, and 'fused' says why", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 4, returnSequences: true, dropout: 0.1, inputShape: [5, 10] }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 10, activation: 'softmax' }) }),
      ],
    });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    const fallback = await trainEcho(model, { epochs: 1 });
    expect(fallback.epochs).toBe(1);
    expect(fallback.engine).toBe('tfjs');
    expect(fallback.fallbackReason).toMatch(/dropout/);
    await expectRejection(
      () => trainEcho(model, { epochs: 1, engine: 'fused' }),
      RangeError,
      'trainEcho',
      'dropout',
    );
    const sgd = buildSeq2Seq({ nUnique: 10, units: 4 });
    sgd.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    await expectRejection(
      () => trainEcho(sgd, { epochs: 1, engine: 'fused' }),
      RangeError,
      'trainEcho',
      'Adam',
    );
    const sgdResult = await trainEcho(sgd, { epochs: 1 });
    expect(sgdResult.epochs).toBe(1);
    expect(sgdResult.engine).toBe('tfjs');
    expect(sgdResult.fallbackReason).toMatch(/SGD|Sgd|sgd/);
    model.dispose();
    sgd.dispose();
  });

  it("names an LSTM's state as the output it does not plan, instead of failing", () => {
    for (const index of [1, 2]) {
      const input = tf.input({ shape: [5, 10] });
      const outputs = tf.layers.lstm({ units: 4, returnState: true }).apply(input);
      const model = tf.model({
        inputs: input,
        outputs: (outputs as tf.SymbolicTensor[])[index]!,
      });
      expect(planModel(model)).toBe("its output is an LSTM's state, not a layer's output");
      model.dispose();
    }
  });
});

/** What model.predict says for these windows, from reset state, in the model's batches. */
function predictWithTfjs(model: tf.LayersModel, windows: number[][], nUnique: number): number[][] {
  const batch = model.inputs[0]!.shape[0] ?? windows.length;
  const rows = Math.ceil(windows.length / batch) * batch;
  const nIn = windows[0]!.length;
  const values = new Float32Array(rows * nIn * nUnique);
  windows.forEach((w, r) => {
    w.forEach((id, k) => (values[(r * nIn + k) * nUnique + id] = 1));
  });
  model.resetStates();
  const ids = tf.tidy(() => {
    const out = model.predict(tf.tensor3d(values, [rows, nIn, nUnique]), { batchSize: batch });
    return (out as tf.Tensor).argMax(-1).arraySync() as number[][];
  });
  model.resetStates();
  return ids.slice(0, windows.length);
}

describe("predictEcho's fused forward pass gives model.predict's answers", () => {
  it.each([
    [
      'model A, stateful batch 7, 36 windows (padded last batch)',
      () => buildSeq2Seq({ seed: 2, nUnique: 20, units: 8 }),
      40,
    ],
    [
      'model B, stateful batch 21, 4 windows',
      () => buildEncoderDecoder({ seed: 2, nUnique: 20, units: 8 }),
      8,
    ],
    [
      'model B, stateful batch 7 carrying state, 30 windows',
      () => buildEncoderDecoder({ seed: 2, nUnique: 20, units: 8, batchSize: 7 }),
      34,
    ],
    [
      'model A, stateless',
      () => buildSeq2Seq({ seed: 2, nUnique: 20, units: 8, stateful: false }),
      60,
    ],
  ] as const)('%s', async (_, build, length) => {
    const model = build();
    // A little training so the outputs are not near-uniform (no near-ties to break).
    await trainEcho(model, { epochs: 30, seed: 1 });
    const sequence = generateSequence(length, { seed: 5, nUnique: 20 });
    const rows = predictEcho(model, sequence);
    const expected = predictWithTfjs(
      model,
      rows.map((r) => r.input),
      20,
    );
    expect(rows.map((r) => r.predicted)).toEqual(expected);
    model.dispose();
  });
});

describe("the fused engine's working memory", () => {
  it('refuses a batch whose working values would exceed 2^28, before any weight changes', async () => {
    const model = buildSeq2Seq({ stateful: false, seed: 1 });
    const weights = weightValues(model);
    const before = tf.memory().numTensors;
    // 60,000 windows in one batch: about 2.9e8 values of LSTM, head and loss state.
    await expectRejection(
      () => trainEcho(model, { epochs: 1, sequenceLength: 60_004, batchSize: 60_000 }),
      RangeError,
      'trainEcho',
      'options.batchSize',
      '60000, which gives 288,600,000',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(weightValues(model)).toEqual(weights);
    // The same windows in batches of 1000 train.
    const result = await trainEcho(model, { epochs: 1, sequenceLength: 60_004, batchSize: 1000 });
    expect(result.engine).toBe('fused');
    model.dispose();
  });
});
