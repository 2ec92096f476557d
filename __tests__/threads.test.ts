import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  buildTeacherForcing,
  disposeEchoModel,
  trainEcho,
  trainTeacherForcing,
} from '../src';
import { KERNELS_WASM_BASE64 } from '../src/training/fused/kernelsWasm';
import { ABORT, controlBlock, DONE, signal, waitFor } from '../src/training/fused/threads/protocol';
import { shardOf } from '../src/training/fused/threads/shard';
import { adamShare } from '../src/training/fused/threads/adamShare';
import { mailboxWords, readMailbox, writeMailbox } from '../src/training/fused/threads/mailbox';
import { planTraining } from '../src/models/fusedPlan';
import { FusedTrainer } from '../src/training/fused/trainer';
import { echoData } from '../src/training/fused/echoData';
import type { Kernels } from '../src/training/fused/kernels';
import { attachKernels, createKernels } from '../src/training/fused/kernels';
import { WasmKernels } from '../src/training/fused/wasmKernels';
import { shareMemoryImport } from '../src/training/fused/threads/sharedMemory';
import { expectRejection } from './helpers/errors';
import { weightValues } from './helpers/models';

/** Largest absolute difference between two weight lists. */
const maxDifference = (a: number[][], b: number[][]): number =>
  Math.max(...a.flatMap((w, i) => w.map((v, j) => Math.abs(v - b[i]![j]!))));

describe("the fused engine's threads", () => {
  const small = { nUnique: 12, units: 8, seed: 3 };

  it.each([
    ['model B, stateful, one batch of 21', 2, { ...small }, {}],
    // Three threads on two cores: slower, but the Adam step splits three ways.
    ['model B, stateful, one batch of 21', 3, { ...small }, {}],
    [
      'model B, stateless, batches of 8 and a last of 5',
      2,
      { ...small, stateful: false },
      { batchSize: 8 },
    ],
    // Epochs too big for the workers' first mailbox: they come as messages, with a new one.
    [
      'model B, stateless, epochs of 20,000 windows',
      2,
      { ...small, stateful: false },
      { batchSize: 4000, sequenceLength: 20_004 },
    ],
  ])(
    '%s: bit-identical for %i threads, within float32 precision of 1',
    async (_name, threads, model, options) => {
      const before = tf.memory().numTensors;
      const weights = async (threads: number) => {
        const m = buildEncoderDecoder(model);
        const result = await trainEcho(m, { ...options, epochs: 3, seed: 5, threads });
        expect(result.threads).toBe(threads);
        const values = weightValues(m);
        disposeEchoModel(m);
        return { values, loss: result.history.loss };
      };
      const two = { a: await weights(threads), b: await weights(threads) };
      expect(two.a.values).toEqual(two.b.values);
      expect(two.a.loss).toEqual(two.b.loss);
      const one = await weights(1);
      expect(maxDifference(one.values, two.a.values)).toBeLessThan(1e-5);
      one.loss.forEach((loss, i) => {
        expect(two.a.loss[i]).toBeCloseTo(loss, 5);
      });
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('train teacher forcing on 2 threads as on 1', async () => {
    const run = async (threads: number) => {
      const models = buildTeacherForcing({ maxLength: 4, nUnique: 8, units: 8, seed: 1 });
      const options = { epochs: 2, samplesPerEpoch: 40, batchSize: 16, seed: 2, threads };
      const result = await trainTeacherForcing(models, options);
      const values = weightValues(models.training);
      models.dispose();
      return { result, values };
    };
    const a = await run(2);
    const b = await run(2);
    const one = await run(1);
    expect(a.result.threads).toBe(2);
    expect(a.values).toEqual(b.values);
    expect(maxDifference(one.values, a.values)).toBeLessThan(1e-5);
  });

  it('use no more threads than a batch has rows, and one with the tfjs engine', async () => {
    const model = buildEncoderDecoder({ ...small, batchSize: 3, nIn: 3, nOut: 2 });
    const fused = await trainEcho(model, { epochs: 1, sequenceLength: 5, threads: 8 });
    expect(fused.threads).toBe(3);
    const fit = await trainEcho(model, {
      epochs: 1,
      sequenceLength: 5,
      engine: 'tfjs',
      threads: 2,
    });
    expect(fit.threads).toBe(1);
    disposeEchoModel(model);
  });

  it("choose by default 2 threads for the walkthrough's model B, 1 for batches of 7", async () => {
    const b = buildEncoderDecoder({ seed: 1 });
    const a = buildSeq2Seq({ seed: 1 });
    const many = availableParallelism() >= 2;
    expect((await trainEcho(b, { epochs: 1, seed: 2 })).threads).toBe(many ? 2 : 1);
    expect((await trainEcho(a, { epochs: 1, seed: 2 })).threads).toBe(1);
    disposeEchoModel(a);
    disposeEchoModel(b);
  });

  it('refuse a threads option that is not an integer in [1, 64] or auto', async () => {
    const model = buildEncoderDecoder(small);
    const expected = "an integer in [1, 64] or 'auto'";
    for (const [threads, kind] of [
      [0, RangeError],
      [1.5, RangeError],
      [65, RangeError],
      ['many', RangeError],
      [true, TypeError],
      [null, TypeError],
    ] as const) {
      await expectRejection(
        () => trainEcho(model, { epochs: 1, threads: threads as never }),
        kind,
        'trainEcho',
        `options.threads must be ${expected}`,
      );
    }
    disposeEchoModel(model);
  });

  it.each([1, 2])(
    'leave every gradient zero after an epoch on %i thread(s), and clear them after a failed one',
    async (threads) => {
      const model = buildEncoderDecoder({ ...small, stateful: false });
      const twin = buildEncoderDecoder({ ...small, stateful: false });
      const plan = planTraining(model);
      if (typeof plan === 'string') throw new Error(plan);
      const [trainer, clean] = [new FusedTrainer(model, plan), new FusedTrainer(twin, plan)];
      for (const t of [trainer, clean]) expect(await t.useThreads(threads, 8)).toBe(threads);
      const data = echoData(
        { representation: 'one-hot', nUnique: 12 },
        Array.from({ length: 16 }, (_, i) => [i % 12, (i * 5) % 12, 3, 7, (i * 7) % 12]),
        Array.from({ length: 16 }, (_, i) => [i % 12, (i * 5) % 12]),
      );
      const gradients = (t: FusedTrainer) => {
        const arrays = (t as unknown as { kernels: Kernels }).kernels.arrays();
        const count = model.weights.length;
        // The caller's gradients, and the inboxes (see adamShare.ts).
        return [
          ...arrays.slice(count, 2 * count),
          ...arrays.slice(4 * count, (3 + threads) * count),
        ];
      };
      trainer.trainEpoch(data, 8, false);
      clean.trainEpoch(data, 8, false);
      for (const g of gradients(trainer)) expect(g.every((x) => x === 0)).toBe(true);
      // A batch that fails after its gradients were formed (here: garbage in them, and an
      // epoch without targets) must not leave them for the next epoch.
      for (const g of gradients(trainer)) g.fill(1);
      expect(() => trainer.trainEpoch({ ...data, target: undefined }, 8, false)).toThrow();
      if (threads > 1) expect(await trainer.useThreads(threads, 8)).toBe(threads);
      const after = trainer.trainEpoch(data, 8, false);
      expect(after).toEqual(clean.trainEpoch(data, 8, false));
      trainer.writeBack();
      clean.writeBack();
      expect(weightValues(model)).toEqual(weightValues(twin));
      for (const t of [trainer, clean]) t.forget();
      disposeEchoModel(model);
      disposeEchoModel(twin);
    },
  );

  it("run a new trainer's first batch on the WebAssembly kernels, its scratch sized ahead", () => {
    // Model B's size: a first step's scratch beyond the memory's initial room.
    const model = buildEncoderDecoder({ stateful: false, seed: 3 });
    const plan = planTraining(model);
    if (typeof plan === 'string') throw new Error(plan);
    const trainer = new FusedTrainer(model, plan);
    const windows = Array.from({ length: 32 }, (_, i) => [i, i + 1, i + 2, i + 3, i + 4]);
    const data = echoData(
      { representation: 'one-hot', nUnique: 100 },
      windows,
      windows.map((w) => w.slice(0, 2)),
    );
    trainer.trainEpoch(data, 32, false);
    const kernels = (trainer as unknown as { kernels: Kernels }).kernels;
    if (!(kernels instanceof WasmKernels)) throw new Error('expected the WebAssembly kernels');
    expect(kernels.fallbacks).toBe(0);
    disposeEchoModel(model);
  });

  it('split a batch into contiguous shards whose sizes differ by at most one', () => {
    expect([0, 1, 2].map((i) => shardOf(7, 3, i))).toEqual([
      { start: 0, rows: 3 },
      { start: 3, rows: 2 },
      { start: 5, rows: 2 },
    ]);
    expect(shardOf(21, 2, 1)).toEqual({ start: 11, rows: 10 });
  });

  it("split the Adam step's weights into contiguous shares cut at whole vectors", () => {
    const lengths = [60_000, 90_000, 600, 90_000, 90_000, 600, 15_000, 100, 3];
    const total = lengths.reduce((a, b) => a + b, 0);
    for (const threads of [1, 2, 3, 7]) {
      // Laid end to end, the shares cover every value once, in order.
      let next = 0;
      const sizes: number[] = [];
      for (let index = 0; index < threads; index++) {
        let size = 0;
        for (const { array, start, end } of adamShare(lengths, threads, index)) {
          const at = lengths.slice(0, array).reduce((a, b) => a + b, 0) + start;
          expect(at).toBe(next);
          expect(end).toBeLessThanOrEqual(lengths[array]!);
          next = at + end - start;
          size += end - start;
        }
        if (index < threads - 1) expect(next % 4).toBe(0);
        sizes.push(size);
      }
      expect(next).toBe(total);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(8);
    }
    expect(adamShare([3, 2], 4, 0)).toEqual([]);
  });

  it('hand an epoch over through the mailbox: settings, feeds and target, read back in place', () => {
    const data = {
      rows: 3,
      feeds: [
        { kind: 'ids' as const, ids: Int32Array.from([1, 2, -1, 4, 5, 6]), width: 7 },
        { kind: 'values' as const, values: Float32Array.from([0.5, -1.25, 3]) },
      ],
      target: { kind: 'ids' as const, ids: Int32Array.from([6, 5, 4]) },
    };
    const settings = { batchSize: 2, stateful: true, threads: 2, base: 41 };
    const box = new SharedArrayBuffer(mailboxWords(data) * 4);
    writeMailbox(box, 9, data, settings);
    const read = readMailbox(box);
    expect(read.epoch).toBe(9);
    expect(read.settings).toEqual(settings);
    expect(read.data).toEqual(data);
    // Views of the mailbox, not copies.
    const ids = read.data.feeds[0]!.kind === 'ids' ? read.data.feeds[0]!.ids : undefined;
    expect(ids?.buffer).toBe(box);
    // Without a target, and the next epoch over the last.
    const next = { rows: 1, feeds: [{ kind: 'values' as const, values: Float32Array.from([2]) }] };
    writeMailbox(box, 10, next, { ...settings, stateful: false });
    expect(readMailbox(box).data).toEqual({ ...next, target: undefined });
    expect(readMailbox(box).settings.stateful).toBe(false);
  });

  it("run kernels in place on another instance's shared memory", () => {
    const owner = createKernels([9, 9, 9, 9], true);
    expect(owner).toBeInstanceOf(WasmKernels);
    const [p, g, m, v] = owner.arrays() as [Float32Array, Float32Array, Float32Array, Float32Array];
    p.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    g.set([0.5, -1, 2, 0, 3, -2, 1, 1, -0.25]);
    const reference = {
      p: p.slice(),
      g: g.slice(),
      m: new Float32Array(9),
      v: new Float32Array(9),
    };
    const step = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, c1: 0.1, c2: 0.001 };
    createKernels([9]).adam({ ...reference, step });

    const guest = attachKernels(owner.share());
    if (!(guest instanceof WasmKernels)) throw new Error('expected the WebAssembly kernels');
    const [gp, gg, gm, gv] = guest.arrays() as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    guest.adam({ p: gp, g: gg, m: gm, v: gv, step });
    // In place, with nothing staged or run in JavaScript: the owner sees the update.
    expect(guest.fallbacks).toBe(0);
    expect(p).toEqual(reference.p);
    expect(m).toEqual(reference.m);
    expect(v).toEqual(reference.v);
  });

  it('stop waiting for a worker that never answers once the deadline passes', () => {
    // A worker that dies without a word (out of memory, killed) never signals its slot; its
    // exit event cannot reach a thread blocked here, so the deadline is what ends the wait.
    const control = new Int32Array(controlBlock());
    expect(waitFor(control, DONE + 1, 1, performance.now() + 5)).toBe(false);
    signal(control, DONE + 1, 1);
    expect(waitFor(control, DONE + 1, 1, performance.now() + 5)).toBe(true);
    expect(waitFor(control, DONE + 2, 1, performance.now() - 1)).toBe(false);
    signal(control, ABORT, 1);
    expect(waitFor(control, DONE + 2, 1, performance.now() - 1)).toBe(true);
  });

  it('load the kernels with a shared memory', () => {
    const binary = shareMemoryImport(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } });
    expect(typeof instance.exports.mmadd).toBe('function');
  });

  it('let a Node process exit while its workers idle', () => {
    const script = `
      import { buildEncoderDecoder, trainEcho } from './src/index.ts';
      const model = buildEncoderDecoder({ nUnique: 12, units: 8, seed: 3 });
      const result = await trainEcho(model, { epochs: 2, threads: 2 });
      console.log('threads', result.threads);
    `;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        timeout: 60000,
        encoding: 'utf8',
      },
    );
    expect(out).toContain('threads 2');
  });
});

/** Two runs of the same thread count. */
