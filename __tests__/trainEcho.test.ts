import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  generateSequence,
  predictEcho,
  trainEcho,
} from '../src';
import type { EpochLog } from '../src';
import { expectRejection } from './helpers/errors';
import { expectStateReset, weightValues } from './helpers/models';

const small = { nUnique: 10, units: 8 };

describe('trainEcho', () => {
  it('runs the walkthrough loop: one fresh sequence per epoch, a log per epoch, state reset', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const logs: EpochLog[] = [];
    const result = await trainEcho(model, {
      epochs: 4,
      seed: 2,
      onEpochEnd: (log) => void logs.push(log),
    });
    expect(result).toMatchObject({
      epochs: 4,
      stoppedEarly: false,
      stopReason: 'epochs',
      evaluations: [],
    });
    expect(logs.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    expect(logs.every((l) => l.epochs === 4)).toBe(true);
    const elapsed = logs.map((l) => l.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((x, y) => x - y));
    expect(result.elapsedMs).toBeGreaterThanOrEqual(elapsed[3]!);
    expect(result.history.loss).toEqual(logs.map((l) => l.loss));
    expect(result.history.accuracy).toEqual(logs.map((l) => l.accuracy));
    for (const { loss, accuracy } of logs) {
      expect(Number.isFinite(loss)).toBe(true);
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
    }
    expectStateReset(model);
    model.dispose();
  });

  it('changes the weights, and reproduces a run exactly from the same seeds (cpu backend)', async () => {
    const run = async () => {
      const model = buildSeq2Seq({ seed: 3, ...small });
      const initial = weightValues(model);
      const result = await trainEcho(model, { epochs: 3, seed: 4 });
      const trained = weightValues(model);
      model.dispose();
      return { initial, trained, loss: result.history.loss };
    };
    const a = await run();
    const b = await run();
    expect(a.trained).not.toEqual(a.initial);
    expect(b.loss).toEqual(a.loss);
    expect(b.trained).toEqual(a.trained);
  });

  it("keeps tf.memory().numTensors flat with the 'tfjs' engine: only Adam's state appears, once", async () => {
    const model = buildSeq2Seq({ seed: 5, ...small });
    const start = tf.memory().numTensors;
    await trainEcho(model, { epochs: 1, seed: 1, engine: 'tfjs' });
    // Adam creates two moment variables per trainable weight on its first step; they belong
    // to the model's optimizer, not to the call.
    expect(tf.memory().numTensors).toBe(start + 2 * model.trainableWeights.length);
    const before = tf.memory().numTensors;
    await trainEcho(model, {
      epochs: 40,
      seed: 2,
      engine: 'tfjs',
      targetAccuracy: 1,
      evaluateEvery: 10,
      evaluationSequences: 2,
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('leaves tf.memory().numTensors unchanged with the fused engine, from the first call', async () => {
    const model = buildSeq2Seq({ seed: 5, ...small });
    const before = tf.memory().numTensors;
    for (let run = 0; run < 2; run++) {
      await trainEcho(model, {
        epochs: 40,
        seed: run,
        engine: 'fused',
        targetAccuracy: 1,
        evaluateEvery: 10,
        evaluationSequences: 2,
        onEpochEnd: () => undefined,
      });
      expect(tf.memory().numTensors).toBe(before);
    }
    model.dispose();
  });

  it('stops at targetAccuracy with the evaluations it made', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    // Any model reaches a target of 1e-9 on its first evaluation.
    const result = await trainEcho(model, {
      epochs: 50,
      seed: 1,
      targetAccuracy: 1e-9,
      evaluateEvery: 5,
    });
    expect(result).toMatchObject({ epochs: 5, stoppedEarly: true, stopReason: 'targetAccuracy' });
    expect(result.evaluations).toHaveLength(1);
    expect(result.evaluations[0]).toMatchObject({ epoch: 5, windows: 20 * 21 });
    model.dispose();
  });

  it('switches engines on one model: each engine starts from the weights the other left', async () => {
    // Each engine keeps its own Adam moments (documented), so a mixed run is not a one-engine
    // run; what must carry over is the weights: the fused engine writes its weights back
    // before model.fit runs, and re-reads the model's weights when it runs again.
    const build = () => buildSeq2Seq({ seed: 6, ...small });
    const mixed = build();
    const first = await trainEcho(mixed, { epochs: 3, seed: 10, engine: 'fused' });
    expect(first.engine).toBe('fused');

    // model.fit from the weights the fused engine left: as a fresh model given those weights.
    const probe = build();
    probe.setWeights(mixed.getWeights());
    const second = await trainEcho(mixed, { epochs: 3, seed: 11, engine: 'tfjs' });
    const probed = await trainEcho(probe, { epochs: 3, seed: 11, engine: 'tfjs' });
    expect(second.engine).toBe('tfjs');
    expect(second.history.loss).toHaveLength(3);
    expect(second.history.loss).toEqual(probed.history.loss);
    expect(weightValues(mixed)).toEqual(weightValues(probe));

    // Back to the fused engine, from the weights model.fit left (and with its own moments):
    // as a twin with the same fused history that is given those weights by hand...
    const twin = build();
    await trainEcho(twin, { epochs: 3, seed: 10, engine: 'fused' });
    twin.setWeights(mixed.getWeights());
    // ...and unlike one that never left the fused engine (stale weights would give this).
    const stayed = build();
    await trainEcho(stayed, { epochs: 3, seed: 10, engine: 'fused' });
    const third = await trainEcho(mixed, { epochs: 3, seed: 12, engine: 'fused' });
    const twinned = await trainEcho(twin, { epochs: 3, seed: 12, engine: 'fused' });
    const stale = await trainEcho(stayed, { epochs: 3, seed: 12, engine: 'fused' });
    expect(third.engine).toBe('fused');
    expect(third.history.loss).toHaveLength(3);
    expect(third.history.loss).toEqual(twinned.history.loss);
    expect(weightValues(mixed)).toEqual(weightValues(twin));
    expect(third.history.loss).not.toEqual(stale.history.loss);
    expectStateReset(mixed);
    for (const model of [mixed, probe, twin, stayed]) model.dispose();
  });

  it('stops after the current epoch when its signal aborts, and the model stays usable', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const controller = new AbortController();
    const result = await trainEcho(model, {
      epochs: 100,
      signal: controller.signal,
      onEpochEnd: ({ epoch }) => {
        if (epoch === 3) controller.abort();
      },
    });
    expect(result).toMatchObject({ epochs: 3, stoppedEarly: true, stopReason: 'aborted' });
    expect(predictEcho(model, generateSequence(25, { nUnique: 10, seed: 1 }))).toHaveLength(21);
    expect((await trainEcho(model, { epochs: 1 })).epochs).toBe(1);

    const weights = weightValues(model);
    const early = await trainEcho(model, { epochs: 5, signal: AbortSignal.abort() });
    expect(early).toMatchObject({ epochs: 0, stopReason: 'aborted' });
    expect(weightValues(model)).toEqual(weights);
    model.dispose();
  });

  it('trains stateless models with a chosen batch size, and partial echoes', async () => {
    const stateless = buildSeq2Seq({ seed: 1, stateful: false, ...small });
    expect(
      (await trainEcho(stateless, { epochs: 2, batchSize: 4, sequenceLength: 30 })).epochs,
    ).toBe(2);
    const partial = buildEncoderDecoder({ seed: 1, nOut: 3, ...small });
    const result = await trainEcho(partial, { epochs: 2, seed: 1 });
    expect(result.history.loss).toHaveLength(2);
    stateless.dispose();
    partial.dispose();
  });

  it('rejects bad options and unfit models before any weight changes', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const weights = weightValues(model);
    const fn = 'trainEcho';
    const bad: [object, typeof TypeError | typeof RangeError, string, string?][] = [
      [{}, TypeError, 'options.epochs', 'undefined'],
      [{ epochs: 0 }, RangeError, 'options.epochs', '0'],
      [{ epochs: 1.5 }, RangeError, 'options.epochs', '1.5'],
      [{ epochs: 1, sequenceLength: 26 }, RangeError, 'options.sequenceLength', '26'],
      [{ epochs: 1, sequenceLength: 3 }, RangeError, 'nIn'],
      [{ epochs: 1, batchSize: 3 }, RangeError, 'options.batchSize', '3'],
      [{ epochs: 1, targetAccuracy: 1.5 }, RangeError, 'options.targetAccuracy', '1.5'],
      [{ epochs: 1, targetAccuracy: 0 }, RangeError, 'options.targetAccuracy', '0'],
      [{ epochs: 1, evaluateEvery: 0 }, RangeError, 'options.evaluateEvery', '0'],
      [{ epochs: 1, seed: 'x' }, TypeError, 'options.seed', '"x"'],
      [{ epochs: 1, onEpochEnd: 5 }, TypeError, 'options.onEpochEnd', '5'],
      [{ epochs: 1, signal: {} }, TypeError, 'options.signal', 'an object'],
      [{ epochs: 1, verbose: 1 }, TypeError, 'options.verbose', '1'],
      [{ epochs: 1, engine: 'gpu' }, RangeError, 'options.engine', '"gpu"'],
    ];
    for (const [options, type, param, received] of bad) {
      await expectRejection(
        () => trainEcho(model, options as { epochs: number }),
        type,
        fn,
        param,
        received,
      );
    }
    await expectRejection(
      () => trainEcho(model, undefined as unknown as { epochs: number }),
      TypeError,
      fn,
      'options',
      'undefined',
    );
    expect(weightValues(model)).toEqual(weights);

    const uncompiled = tf.sequential({
      layers: [tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [5, 10] })],
    });
    await expectRejection(() => trainEcho(uncompiled, { epochs: 1 }), RangeError, fn, 'model');
    const notCompiled = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 3, returnSequences: true, inputShape: [5, 10] }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 10 }) }),
      ],
    });
    await expectRejection(() => trainEcho(notCompiled, { epochs: 1 }), TypeError, fn, 'model');
    [model, uncompiled, notCompiled].forEach((m) => m.dispose());
  });
});
