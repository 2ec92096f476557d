/**
 * saveEchoModel to a directory: a save that fails at any step, or dies there, leaves the
 * directory loading as the old model or the new one, never anything else; concurrent saves to
 * one directory run one at a time and the last one wins whole; a directory that seq-echo did
 * not write is not overwritten unless asked.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, loadEchoModel, saveEchoModel } from '../src';
import { setFsWrapper } from '../src/io/nodeIo';
import { type FaultPlan, type FsCall, faultyFs } from './helpers/faults';
import { disposeAll, weightValues } from './helpers/models';

const small = { nUnique: 12, units: 6 };
const FILES = ['model.json', 'seq-echo.json', 'weights.bin'];

let root: string;
let counter = 0;
const fresh = (name = 'model') => join(root, `${name}-${++counter}`);

let oldModel: tf.LayersModel;
let newModel: tf.LayersModel;
let oldWeights: number[][];
let newWeights: number[][];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seq-echo-save-test-'));
  oldModel = buildSeq2Seq({ ...small, seed: 1 });
  // Another architecture's metadata too (nIn 4), so seq-echo.json differs between the two.
  newModel = buildSeq2Seq({ ...small, nIn: 4, seed: 2 });
  oldWeights = weightValues(oldModel);
  newWeights = weightValues(newModel);
  const warm = fresh('warm');
  await saveEchoModel(oldModel, warm);
  await loadEchoModel(warm).then(disposeAll); // tfjs's first-use allocations
});
afterAll(async () => {
  disposeAll(oldModel);
  disposeAll(newModel);
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  setFsWrapper(undefined);
});

/** Which model `dir` loads as: `'old'`, `'new'`, or the error message when it does not load. */
async function loadsAs(dir: string): Promise<string> {
  let loaded: tf.LayersModel;
  try {
    loaded = await loadEchoModel(dir);
  } catch (error) {
    return (error as Error).message;
  }
  const weights = weightValues(loaded);
  disposeAll(loaded);
  if (JSON.stringify(weights) === JSON.stringify(oldWeights)) return 'old';
  if (JSON.stringify(weights) === JSON.stringify(newWeights)) return 'new';
  return 'a model that is neither';
}

/** Saves `model` to `dir` through a file system that fails as `plan` says; the calls made. */
async function saveWithFault(
  model: tf.LayersModel,
  dir: string,
  plan?: FaultPlan,
): Promise<{ calls: FsCall[]; error: unknown }> {
  const calls: FsCall[] = [];
  setFsWrapper((fs) => faultyFs(fs, calls, plan));
  let error: unknown;
  try {
    await saveEchoModel(model, dir);
  } catch (caught) {
    error = caught;
  } finally {
    setFsWrapper(undefined);
  }
  return { calls, error };
}

describe('a failed save leaves the old model or the new one, whole', () => {
  it('at every step of a save over an earlier one, failing once or dying there', async () => {
    const probe = fresh();
    await saveEchoModel(oldModel, probe);
    const { calls, error } = await saveWithFault(newModel, probe);
    expect(error).toBeUndefined();
    const steps = calls.length;
    expect(steps).toBeGreaterThan(5);

    const outcomes = { old: 0, new: 0 };
    for (const mode of ['once', 'crash'] as const) {
      for (let failAt = 1; failAt <= steps; failAt++) {
        const dir = fresh();
        await saveEchoModel(oldModel, dir);
        const { calls: made } = await saveWithFault(newModel, dir, { failAt, mode });
        const result = await loadsAs(dir);
        const step = `${mode} failure at step ${failAt} (${made[failAt - 1]?.method} ${made[failAt - 1]?.target})`;
        expect([step, result]).toEqual([step, expect.stringMatching(/^(old|new)$/)]);
        outcomes[result as 'old' | 'new']++;
        // Whatever was left behind, the next save completes and tidies up.
        await saveEchoModel(newModel, dir);
        expect([step, (await readdir(dir)).sort()]).toEqual([step, FILES]);
        expect(await loadsAs(dir)).toBe('new');
      }
    }
    // Early failures keep the old model, late ones the new.
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
  });

  it('at every step of a first save, the directory loads as the new model or not at all', async () => {
    const { calls } = await saveWithFault(newModel, fresh());
    for (let failAt = 1; failAt <= calls.length; failAt++) {
      const dir = fresh();
      await saveWithFault(newModel, dir, { failAt, mode: 'crash' });
      const result = await loadsAs(dir);
      if (result !== 'new') {
        expect(result).toMatch(/^loadEchoModel: .* does not exist/);
      }
    }
  });

  it('an ENOSPC at the last rename keeps the old weights.bin and seq-echo.json loadable', async () => {
    // The reported failure: the old code had replaced weights.bin and seq-echo.json by then.
    const dir = fresh();
    await saveEchoModel(oldModel, dir);
    const { calls } = await saveWithFault(newModel, fresh());
    const renames = calls
      .map((call, i) => ({ ...call, step: i + 1 }))
      .filter((call) => call.method === 'rename');
    const firstCommit = renames.find((call) => call.target.includes('model.json'))!;
    const { error } = await saveWithFault(newModel, dir, {
      failAt: firstCommit.step,
      mode: 'once',
    });
    expect((error as Error).message).toMatch(/^saveEchoModel: .*ENOSPC/);
    expect(await loadsAs(dir)).toBe('old');
  });
  it('a failure after the commit says that the new model is saved', async () => {
    const dir = fresh();
    await saveEchoModel(oldModel, dir);
    const { calls } = await saveWithFault(newModel, fresh());
    // The first write after model.json's first rename: the weights under their usual name.
    const step = calls.findIndex((call) => /weights\.bin\.[0-9a-z]+\.tmp$/.test(call.target)) + 1;
    expect(step).toBeGreaterThan(0);
    const { error } = await saveWithFault(newModel, dir, { failAt: step, mode: 'once' });
    expect((error as Error).message).toMatch(
      /^saveEchoModel: .*ENOSPC.*; the new model is saved nonetheless \(its model\.json points to weights\.[0-9a-z]+\.bin until the next save\)$/,
    );
    expect(await loadsAs(dir)).toBe('new');
  });
});

describe('concurrent saves to one directory', () => {
  it('60 rounds of six concurrent saves (through two spellings of the path): the last to finish wins whole', async () => {
    const models = Array.from({ length: 6 }, (_, i) =>
      buildSeq2Seq({ ...small, nIn: 3 + (i % 3), seed: 10 + i }),
    );
    const weights = models.map((m) => JSON.stringify(weightValues(m)));
    try {
      for (let round = 0; round < 60; round++) {
        const dir = fresh('concurrent');
        await mkdir(dir);
        const link = `${dir}-link`;
        await symlink(dir, link);
        const finished: number[] = [];
        await Promise.all(
          models.map((m, i) =>
            saveEchoModel(m, i % 2 === 0 ? dir : link).then(() => finished.push(i)),
          ),
        );
        const loaded = await loadEchoModel(dir);
        const got = JSON.stringify(weightValues(loaded));
        disposeAll(loaded);
        expect([round, weights.indexOf(got)]).toEqual([round, finished[finished.length - 1]]);
        expect((await readdir(dir)).sort()).toEqual(FILES);
      }
    } finally {
      models.forEach(disposeAll);
    }
  });

  it('run one at a time, in the order they were called', async () => {
    const dir = fresh('order');
    const finished: number[] = [];
    await Promise.all(
      [oldModel, newModel, oldModel, newModel].map((m, i) =>
        saveEchoModel(m, dir).then(() => finished.push(i)),
      ),
    );
    expect(finished).toEqual([0, 1, 2, 3]);
    expect(await loadsAs(dir)).toBe('new');
  });

  it('a failed save does not stop the next one queued behind it', async () => {
    const dir = fresh('after-failure');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'not a model');
    // The first is refused inside the queue (a foreign directory); the second waits for it.
    const results = await Promise.allSettled([
      saveEchoModel(oldModel, dir),
      saveEchoModel(newModel, dir, { overwrite: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(await loadsAs(dir)).toBe('new');
  });
});

describe('saveEchoModel refuses a directory it did not write, unless told to overwrite', () => {
  it('a directory with a foreign model.json and weights.bin is left as it was', async () => {
    const dir = fresh('foreign');
    await mkdir(dir);
    await writeFile(join(dir, 'model.json'), '{"modelTopology": {}, "weightsManifest": []}');
    await writeFile(join(dir, 'weights.bin'), 'their weights');
    let caught: unknown;
    try {
      await saveEchoModel(newModel, dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    const text = (caught as Error).message;
    expect(text.startsWith('saveEchoModel: destination ')).toBe(true);
    expect(text).toContain(dir);
    expect(text).toContain('must be an empty directory or one saved by saveEchoModel');
    expect(text).toContain('"model.json", "weights.bin"');
    expect(text).toContain('overwrite: true');
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    expect(await readFile(join(dir, 'weights.bin'), 'utf8')).toBe('their weights');

    await saveEchoModel(newModel, dir, { overwrite: true });
    expect(await loadsAs(dir)).toBe('new');
  });

  it('a directory of unrelated files is refused; their names are listed, at most three', async () => {
    const dir = fresh('unrelated');
    await mkdir(dir);
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) await writeFile(join(dir, name), name);
    await expect(saveEchoModel(newModel, dir)).rejects.toThrow(
      /^saveEchoModel: destination .* holds "a.txt", "b.txt", "c.txt" and 1 more and no seq-echo model/,
    );
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    // overwrite: true writes the three files and leaves the others alone.
    await saveEchoModel(newModel, dir, { overwrite: true });
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt', ...FILES]);
  });

  it("a seq-echo directory with other files in it (the CLI's learning-curve.svg) is saved into", async () => {
    const dir = fresh('cli');
    await saveEchoModel(oldModel, dir);
    await writeFile(join(dir, 'learning-curve.svg'), '<svg/>');
    await saveEchoModel(newModel, dir);
    expect(await loadsAs(dir)).toBe('new');
    expect((await readdir(dir)).sort()).toEqual(['learning-curve.svg', ...FILES]);
  });

  it('options and options.overwrite are checked', async () => {
    const dir = fresh();
    await expect(
      saveEchoModel(newModel, dir, { overwrite: 'yes' as unknown as boolean }),
    ).rejects.toThrow(
      new TypeError('saveEchoModel: options.overwrite must be a boolean, but received "yes"'),
    );
    await expect(
      saveEchoModel(newModel, dir, null as unknown as { overwrite?: boolean }),
    ).rejects.toThrow(
      new TypeError('saveEchoModel: options must be an options object, but received null'),
    );
  });
});
