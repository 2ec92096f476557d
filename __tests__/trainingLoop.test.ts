/**
 * trainEcho and trainTeacherForcing run one epoch loop (src/training/loop.ts): the same
 * onEpochEnd log, verbose lines, abort handling, early stop and yield policy. Each case runs
 * on both functions.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildSeq2Seq,
  buildTeacherForcing,
  trainEcho,
  trainTeacherForcing,
  type EpochLog,
  type TrainingLoopOptions,
  type TrainingLoopResult,
} from '../src';
import { useCheapChecks } from '../src/training/earlyStop';

type Run = (
  options: TrainingLoopOptions<EpochLog> & {
    epochs: number;
    targetAccuracy?: number;
    evaluateEvery?: number;
  },
) => Promise<TrainingLoopResult<{ epoch: number; accuracy: number; sequenceAccuracy: number }>>;

/** A fresh small model of each kind, and how to train it with the loop's options. */
function trainers(): { name: string; run: Run; dispose: () => void }[] {
  const echo = buildSeq2Seq({ seed: 1, nUnique: 10, units: 8 });
  const forcing = buildTeacherForcing({ maxLength: 3, nUnique: 5, units: 8, seed: 1 });
  return [
    {
      name: 'trainEcho',
      run: (options) => trainEcho(echo, { seed: 1, evaluationSequences: 2, ...options }),
      dispose: () => echo.dispose(),
    },
    {
      name: 'trainTeacherForcing',
      run: (options) =>
        trainTeacherForcing(forcing, {
          seed: 1,
          samplesPerEpoch: 16,
          batchSize: 8,
          evaluationSamples: 8,
          ...options,
        }),
      dispose: () => {
        forcing.dispose();
      },
    },
  ];
}

/** Runs `body` on each training function's fresh model, and frees the models. */
async function onBoth(body: (name: string, run: Run) => Promise<void>): Promise<void> {
  for (const { name, run, dispose } of trainers()) {
    try {
      await body(name, run);
    } finally {
      dispose();
    }
  }
}

describe('the shared training loop', () => {
  it('hands onEpochEnd the same log in both, and returns the same result fields', async () => {
    const shapes: string[][] = [];
    const results: string[][] = [];
    await onBoth(async (name, run) => {
      const logs: EpochLog[] = [];
      const result = await run({ epochs: 3, onEpochEnd: (log) => void logs.push(log) });
      expect([name, logs.map((l) => [l.epoch, l.epochs])]).toEqual([
        name,
        [
          [1, 3],
          [2, 3],
          [3, 3],
        ],
      ]);
      const elapsed = logs.map((l) => l.elapsedMs);
      expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
      expect(result.history.loss).toEqual(logs.map((l) => l.loss));
      expect(result.history.accuracy).toEqual(logs.map((l) => l.accuracy));
      expect(result).toMatchObject({ stopReason: 'epochs', stoppedEarly: false, checkMs: 0 });
      shapes.push(...logs.map((l) => Object.keys(l).sort()));
      results.push(Object.keys(result).sort());
    });
    expect(new Set(shapes.map((s) => s.join())).size).toBe(1);
    expect(shapes[0]).toEqual(['accuracy', 'elapsedMs', 'epoch', 'epochs', 'loss']);
    expect(results[1]).toEqual(results[0]);
  });

  it('prints the same verbose lines: progress ten times over the run and the checks', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await onBoth(async (name, run) => {
        log.mockClear();
        await run({ epochs: 20 });
        expect(log).not.toHaveBeenCalled(); // quiet by default
        // A target no small model reaches in 20 epochs: both due checks run and print.
        const result = await run({
          epochs: 20,
          verbose: true,
          targetAccuracy: 1,
          evaluateEvery: 10,
        });
        expect(result.epochs).toBe(20);
        const lines = log.mock.calls.map((args) => String(args[0]));
        const progress = lines.flatMap((line) => {
          const m = new RegExp(`^${name}: epoch (\\d+)/20 loss ([\\d.]+) accuracy ([\\d.]+)$`).exec(
            line,
          );
          return m ? [m] : [];
        });
        expect(progress.map((m) => Number(m[1]))).toEqual([1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
        for (const m of progress) {
          const epoch = Number(m[1]);
          expect(Number(m[2])).toBeCloseTo(result.history.loss[epoch - 1]!, 4);
          expect(Number(m[3])).toBeCloseTo(result.history.accuracy[epoch - 1]!, 4);
        }
        const checks = lines.filter(
          (line) => line.startsWith(`${name}: epoch `) && line.includes(' fresh-'),
        );
        // One line per check made, with its score: per item for trainEcho, per sequence for
        // teacher forcing (what targetAccuracy compares).
        expect(checks).toHaveLength(result.evaluations.length);
        expect(checks.length).toBeGreaterThan(0); // the check after the last epoch always runs
        result.evaluations.forEach((e, i) => {
          const score = name === 'trainEcho' ? e.accuracy : e.sequenceAccuracy;
          expect(checks[i]).toMatch(
            new RegExp(`^${name}: epoch ${e.epoch} fresh-.* accuracy ${score.toFixed(4)} \\(`),
          );
        });
        expect(lines).toHaveLength(progress.length + checks.length);
      });
    } finally {
      log.mockRestore();
    }
  });

  it("stops with stopReason 'aborted' after the epoch, or in the check, that its signal aborted", async () => {
    await onBoth(async (name, run) => {
      const controller = new AbortController();
      const abortAt = (epoch: number) => (log: EpochLog) => {
        if (log.epoch === epoch) controller.abort();
      };
      const result = await run({ epochs: 10, signal: controller.signal, onEpochEnd: abortAt(2) });
      expect([name, result]).toMatchObject([
        name,
        { epochs: 2, stoppedEarly: true, stopReason: 'aborted' },
      ]);

      // Aborted in onEpochEnd before a due check: the check stops and is not listed. (Full
      // checks, so that trainEcho's gate does not skip the earlier ones.)
      const during = new AbortController();
      useCheapChecks(false);
      const checked = await run({
        epochs: 10,
        targetAccuracy: 1,
        evaluateEvery: 1,
        signal: during.signal,
        onEpochEnd: (log) => {
          if (log.epoch === 3) during.abort();
        },
      }).finally(() => {
        useCheapChecks(true);
      });
      expect([name, checked.stopReason, checked.epochs]).toEqual([name, 'aborted', 3]);
      expect(checked.evaluations.map((e) => e.epoch)).toEqual([1, 2]);
    });
  });

  it('yields to the event loop while it trains, so an abort from a timer lands', async () => {
    await onBoth(async (name, run) => {
      const before = tf.memory().numTensors;
      const signal = AbortSignal.timeout(200);
      const result = await run({ epochs: 1e9, signal });
      expect([name, result.stopReason]).toEqual([name, 'aborted']);
      expect(result.epochs).toBeGreaterThan(0);
      // The tfjs engine's Adam moments are the only tensors a run may add, and the fused
      // engine (the default here) makes none.
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('stops early on targetAccuracy, after the first check that reaches it', async () => {
    await onBoth(async (name, run) => {
      // trainEcho's per-item accuracy of an untrained model is above 1e-9 at once; a
      // teacher-forcing model must first learn to decode some samples exactly.
      const target = name === 'trainEcho' ? 1e-9 : 0.5;
      const result = await run({ epochs: 300, targetAccuracy: target, evaluateEvery: 2 });
      expect([name, result.stopReason, result.stoppedEarly]).toEqual([
        name,
        'targetAccuracy',
        true,
      ]);
      const last = result.evaluations[result.evaluations.length - 1]!;
      expect(last.epoch).toBe(result.epochs);
      // Only the last check reached the target (a trainEcho check reads per-item accuracy, a
      // teacher-forcing one exact-sequence accuracy).
      const scores = result.evaluations.map((e) =>
        name === 'trainTeacherForcing' ? e.sequenceAccuracy : e.accuracy,
      );
      expect(scores.map((a) => a >= target)).toEqual(scores.map((_, i) => i === scores.length - 1));
      expect(result.epochs % 2).toBe(0);
      expect(result.checkMs).toBeGreaterThan(0);
      expect(result.checkMs).toBeLessThanOrEqual(result.elapsedMs);
    });
  });
});
