import { buildSeq2Seq, presets, trainEcho } from '../src';
import { mulberry32 } from '../src/data/random';
import { canStillReach, gateOpen, gateThreshold, useCheapChecks } from '../src/training/earlyStop';

const small = { nUnique: 10, units: 8 };

describe('the training-accuracy gate', () => {
  it('opens at 1 - 4 * (1 - target)', () => {
    expect(gateThreshold(0.99)).toBeCloseTo(0.96, 12);
    expect(gateThreshold(0.9)).toBeCloseTo(0.6, 12);
    expect(gateThreshold(1)).toBe(1);
  });

  it('skips a due check only while every epoch since the last one is below the threshold', () => {
    expect(gateOpen([0.5, 0.9, 0.959], 0.99, false)).toBe(false);
    expect(gateOpen([0.5, 0.961, 0.9], 0.99, false)).toBe(true);
    expect(gateOpen([0.7], 0.9, false)).toBe(true);
    expect(gateOpen([0.59], 0.9, false)).toBe(false);
  });

  it('always checks after the last epoch, with no accuracy to go on, or on a NaN accuracy', () => {
    expect(gateOpen([0.1], 0.99, true)).toBe(true);
    expect(gateOpen([], 0.99, false)).toBe(true);
    expect(gateOpen([0.1, Number.NaN], 0.99, false)).toBe(true);
  });
});

describe('the sequential check', () => {
  it('gives up exactly when the target is out of reach over all sequences', () => {
    // 10 sequences of 100 items, target 0.99: at most 10 wrong items in all.
    expect(canStillReach(0.99, 90, 1, 10, 100)).toBe(true); // 10 wrong: 990/1000 still possible
    expect(canStillReach(0.99, 89, 1, 10, 100)).toBe(false); // 11 wrong
    expect(canStillReach(0.99, 490, 5, 10, 100)).toBe(true);
    expect(canStillReach(0.99, 489, 5, 10, 100)).toBe(false);
    expect(canStillReach(1, 99, 1, 10, 100)).toBe(false);
    expect(canStillReach(1, 100, 1, 10, 100)).toBe(true);
  });

  it('decides what the full check decides, on 2000 random checks', () => {
    const random = mulberry32(7);
    let passed = 0;
    let stoppedEarly = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const sequences = 1 + Math.floor(random() * 20);
      const items = 1 + Math.floor(random() * 200);
      const errorRate = random() * 0.05;
      const target = 0.95 + random() * 0.05;
      const right = Array.from({ length: sequences }, () => {
        let r = 0;
        for (let i = 0; i < items; i++) if (random() >= errorRate) r++;
        return r;
      });
      const full = right.reduce((a, b) => a + b, 0) / (items * sequences) >= target;
      let sum = 0;
      let sequential = true;
      for (let s = 0; s < sequences; s++) {
        sum += right[s] ?? 0;
        if (!canStillReach(target, sum, s + 1, sequences, items)) {
          sequential = false;
          if (s + 1 < sequences) stoppedEarly++;
          break;
        }
      }
      if (sequential) sequential = sum / (items * sequences) >= target;
      expect(sequential).toBe(full);
      if (full) passed++;
    }
    // Both outcomes, and early stops, occur, so the comparison means something.
    expect(passed).toBeGreaterThan(100);
    expect(stoppedEarly).toBeGreaterThan(100);
  });
});

describe('trainEcho with cheap checks', () => {
  afterEach(() => {
    useCheapChecks(true);
  });

  it('skips due checks while training accuracy is low, and stops a hopeless check early', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const result = await trainEcho(model, {
      epochs: 3,
      seed: 2,
      targetAccuracy: 0.99,
      evaluateEvery: 1,
    });
    // An untrained model of 10 integers is near 10%: epochs 1 and 2 are gated; the last
    // epoch's check runs and stops after its first sequence (21 windows), far below target.
    expect(Math.max(...result.history.accuracy)).toBeLessThan(gateThreshold(0.99));
    expect(result.evaluations).toHaveLength(1);
    expect(result.evaluations[0]).toMatchObject({ epoch: 3, windows: 21, complete: false });
    expect(result.stopReason).toBe('epochs');
    expect(result.checkMs).toBeGreaterThan(0);
    expect(result.checkMs).toBeLessThanOrEqual(result.elapsedMs);
    model.dispose();
  });

  it('never gates a masked model, whose training accuracy counts its padded steps', async () => {
    const model = buildSeq2Seq({
      ...presets.fastWhole.model,
      masking: true,
      batchSize: 5,
      seed: 1,
    });
    const result = await trainEcho(model, {
      epochs: 300,
      seed: 1,
      targetAccuracy: 0.99,
      evaluateEvery: 5,
    });
    // Training accuracy counts 10 padded steps of 125 as wrong: it never passes 0.92.
    expect(Math.max(...result.history.accuracy)).toBeLessThan(gateThreshold(0.99));
    expect(result.stopReason).toBe('targetAccuracy');
    expect(result.epochs).toBeLessThan(150);
    expect(result.evaluations[0]!.epoch).toBe(5);
    model.dispose();
  });

  it('runs every due check in full when turned off (as before), with the same last check', async () => {
    useCheapChecks(false);
    const model = buildSeq2Seq({ seed: 1, ...small });
    const result = await trainEcho(model, {
      epochs: 3,
      seed: 2,
      targetAccuracy: 0.99,
      evaluateEvery: 1,
    });
    expect(result.evaluations.map((e) => [e.epoch, e.windows, e.complete])).toEqual([
      [1, 420, true],
      [2, 420, true],
      [3, 420, true],
    ]);
    model.dispose();
  });

  it('declares the target reached only on a complete check', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const result = await trainEcho(model, {
      epochs: 10,
      seed: 2,
      targetAccuracy: 1e-9,
      evaluateEvery: 2,
    });
    expect(result).toMatchObject({ epochs: 2, stopReason: 'targetAccuracy' });
    expect(result.evaluations).toEqual([
      expect.objectContaining({ epoch: 2, windows: 420, complete: true }),
    ]);
    expect(result.checkMs).toBeGreaterThan(0);
    model.dispose();
  });

  it('reports no check time without targetAccuracy', async () => {
    const model = buildSeq2Seq({ seed: 1, ...small });
    const result = await trainEcho(model, { epochs: 2, seed: 2 });
    expect(result.checkMs).toBe(0);
    model.dispose();
  });
});
