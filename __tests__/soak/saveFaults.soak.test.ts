/**
 * The fault-injection sweep behind the README's promise that a save is atomic as a whole: for
 * several seeds (each picks an old and a new model, and how the directory starts out), a
 * failure is injected at every file system call of a save, once (a full disk that frees up)
 * and as a crash (nothing after that call reaches the disk). After each, the directory must
 * load as the old model or the new one, told apart by their weights and their predictions,
 * and a later save must succeed and leave exactly the three files. At least 200 failures are
 * injected in all.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, loadEchoModel, saveEchoModel } from '../../src';
import { mulberry32 } from '../../src/data/random';
import { setFsWrapper } from '../../src/io/nodeIo';
import { type FaultPlan, type FsCall, faultyFs } from '../helpers/faults';
import { disposeAll, outputs, weightValues } from '../helpers/models';

const SEEDS = 8;
const FILES = ['model.json', 'seq-echo.json', 'weights.bin'];

/** How the directory starts out before the save under test. */
type Start = 'old model' | 'old model and a crashed save' | 'empty' | 'missing';
const STARTS: Start[] = ['old model', 'old model and a crashed save', 'empty', 'missing'];

/** A model and what tells it apart: its weights and its outputs on a fixed batch. */
interface Known {
  model: tf.LayersModel;
  weights: string;
  outputs: string;
}

let root: string;
let counter = 0;
const pool: Known[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seq-echo-save-soak-'));
  for (let i = 0; i < 4; i++) {
    // Two input lengths, so that the metadata and the topology differ too.
    const model = buildSeq2Seq({ nUnique: 12, units: 6, nIn: 4 + (i % 2), seed: 100 + i });
    pool.push({
      model,
      weights: JSON.stringify(weightValues(model)),
      outputs: JSON.stringify(outputs(model)),
    });
  }
});
afterAll(async () => {
  setFsWrapper(undefined);
  for (const known of pool) disposeAll(known.model);
  await rm(root, { recursive: true, force: true });
});

/** Saves through a file system that records its calls and fails as `plan` says. */
async function save(model: tf.LayersModel, dir: string, plan?: FaultPlan): Promise<FsCall[]> {
  const calls: FsCall[] = [];
  setFsWrapper((fs) => faultyFs(fs, calls, plan));
  try {
    await saveEchoModel(model, dir);
  } catch {
    // An injected failure: what matters is what the directory holds now.
  } finally {
    setFsWrapper(undefined);
  }
  return calls;
}

/** Which of `candidates` the directory loads as (by weights and outputs), or why not. */
async function loadsAs(dir: string, candidates: Record<string, Known>): Promise<string> {
  let loaded: tf.LayersModel;
  try {
    loaded = await loadEchoModel(dir);
  } catch (error) {
    return `no model: ${(error as Error).message}`;
  }
  const weights = JSON.stringify(weightValues(loaded));
  const predicted = JSON.stringify(outputs(loaded));
  disposeAll(loaded);
  for (const [name, known] of Object.entries(candidates)) {
    if (known.weights === weights && known.outputs === predicted) return name;
  }
  return 'a model that is neither the old nor the new one';
}

/** A directory set up as `start` says, with `old` as the model it holds (if any). */
async function prepare(start: Start, old: Known, other: Known, crashAt: number): Promise<string> {
  const dir = join(root, `dir-${++counter}`);
  if (start === 'empty') await mkdir(dir);
  if (start.startsWith('old model')) await saveEchoModel(old.model, dir);
  if (start === 'old model and a crashed save') {
    // A save of a third model that died early: its leftovers are in the directory.
    await save(other.model, dir, { failAt: crashAt, mode: 'crash' });
  }
  return dir;
}

describe('save fault-injection sweep', () => {
  it('after a failure at any step of a save, the directory loads as the old or the new model', async () => {
    let injected = 0;
    const byStart = new Map<Start, number>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const random = mulberry32(seed);
      const pick = () => pool[Math.floor(random() * pool.length)]!;
      const old = pick();
      let next = pick();
      while (next === old) next = pick();
      const start = STARTS[(seed - 1) % STARTS.length]!;
      // Where the earlier, crashed save died: before or after it committed its model.
      const crashAt = 10 + Math.floor(random() * 30);
      const third = pool.find((known) => known !== old && known !== next)!;
      const steps = (await save(next.model, await prepare(start, old, third, crashAt))).length;
      expect(steps).toBeGreaterThan(5);

      for (const mode of ['once', 'crash'] as const) {
        for (let failAt = 1; failAt <= steps; failAt++) {
          const dir = await prepare(start, old, third, crashAt);
          // What the directory holds before the save: the old model, the third one (if the
          // crashed save got as far as committing it), or no model at all.
          const before = await loadsAs(dir, { old, third });
          const previous = before === 'old' ? old : before === 'third' ? third : undefined;
          const calls = await save(next.model, dir, { failAt, mode });
          if (calls.length >= failAt) injected++;
          const result = await loadsAs(
            dir,
            previous ? { old: previous, new: next } : { new: next },
          );
          const where = `seed ${seed} (${start}), ${mode} failure at step ${failAt}: ${calls[failAt - 1]?.method} ${calls[failAt - 1]?.target}`;
          if (previous !== undefined || result !== 'new') {
            // No model before: "does not exist" (the directory or its model.json) is the old state.
            expect([where, result]).toEqual([
              where,
              previous
                ? expect.stringMatching(/^(old|new)$/)
                : expect.stringMatching(/^no model: .* does not exist/),
            ]);
          }
          // Whatever was left behind, the next save succeeds and tidies up.
          await saveEchoModel(next.model, dir);
          expect([where, (await readdir(dir)).sort()]).toEqual([where, FILES]);
          expect([where, await loadsAs(dir, { new: next })]).toEqual([where, 'new']);
        }
      }
      byStart.set(start, (byStart.get(start) ?? 0) + 2 * steps);
    }
    console.log(
      `save fault-injection sweep: ${injected} injected failures over ${SEEDS} seeds (${[...byStart].map(([s, n]) => `${s}: ${n}`).join(', ')})`,
    );
    expect(injected).toBeGreaterThanOrEqual(200);
  });
});
