import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  buildSeq2Seq,
  buildTeacherForcing,
  decodeGreedy,
  decodeGreedyBatch,
  evaluateTeacherForcing,
  loadEchoModel,
  loadTeacherForcing,
  saveEchoModel,
  saveTeacherForcing,
  trainTeacherForcing,
  type TeacherForcingModels,
} from '../src';
import { VERSION } from '../src/version';
import { expectRejection } from './helpers/errors';
import { disposeAll, weightValues } from './helpers/models';
import { registerMemoryRouter } from './helpers/memoryRouter';
import { expectFailure } from './helpers/errors';

const options = { maxLength: 5, nUnique: 8, units: 12, learningRate: 0.02, seed: 1 };
const training = { samplesPerEpoch: 128, batchSize: 32 };

let root: string;
let counter = 0;
/** A fresh path under this file's temporary directory (not created). */
const fresh = (name = 'tf') => join(root, `${name}-${++counter}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seq-echo-io-tf-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const readJson = async (file: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

/** Fixed sequences of every length up to the models' maxLength. */
const SEQUENCES = [[3], [1, 4], [1, 5, 7], [2, 6, 5, 3], [5, 0, 7, 2, 6], [7, 7, 0]];

/** Everything the models answer: greedy decodes, one by one and batched, and an evaluation. */
const answers = (models: TeacherForcingModels) => ({
  decoded: SEQUENCES.map((sequence) => decodeGreedy(models, sequence)),
  batch: decodeGreedyBatch(models, SEQUENCES),
  evaluation: evaluateTeacherForcing(models, { samples: 64, seed: 9 }),
});

describe('saveTeacherForcing and loadTeacherForcing in Node (a directory)', () => {
  let models: TeacherForcingModels;
  let dir: string;

  beforeAll(async () => {
    models = buildTeacherForcing({ ...options, task: 'reverse', recurrentActivation: 'sigmoid' });
    await trainTeacherForcing(models, { ...training, epochs: 4, seed: 2 });
    dir = fresh();
  });
  afterAll(() => {
    models.dispose();
  });

  it('writes model.json, weights.bin and seq-echo.json holding the options, leaving no tensor', async () => {
    const before = tf.memory().numTensors;
    const result = await saveTeacherForcing(models, dir);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.location).toBe(dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'seq-echo.json', 'weights.bin']);
    const metadata = {
      format: 'seq-echo-teacher-forcing',
      formatVersion: 1,
      libraryVersion: VERSION,
      maxLength: 5,
      nUnique: 8,
      units: 12,
      task: 'reverse',
      recurrentActivation: 'sigmoid',
      learningRate: 0.02,
    };
    expect(result.metadata).toEqual(metadata);
    expect(await readJson(join(dir, 'seq-echo.json'))).toEqual(metadata);
    const modelJson = await readJson(join(dir, 'model.json'));
    expect(modelJson.userDefinedMetadata).toEqual({ seqEcho: metadata });
    const bytes = (await readFile(join(dir, 'weights.bin'))).byteLength;
    expect(bytes).toBe(4 * models.training.countParams());
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(bytes);
  });

  it('loads models that decode and evaluate exactly as the saved ones', async () => {
    const loaded = await loadTeacherForcing(dir);
    expect([loaded.maxLength, loaded.nUnique, loaded.units, loaded.task]).toEqual([
      5,
      8,
      12,
      'reverse',
    ]);
    expect([loaded.startId, loaded.endId]).toEqual([8, 8]);
    expect(weightValues(loaded.training)).toEqual(weightValues(models.training));
    expect(answers(loaded)).toEqual(answers(models));
    expect(loaded.training.optimizer.getConfig()).toMatchObject({ learningRate: 0.02 });
    expect(loaded.training.getUserDefinedMetadata()).toEqual({
      seqEcho: expect.objectContaining({ format: 'seq-echo-teacher-forcing' }) as unknown,
    });
    // Saving the loaded models writes the same files.
    const again = fresh();
    await saveTeacherForcing(loaded, again);
    expect(await readFile(join(again, 'weights.bin'))).toEqual(
      await readFile(join(dir, 'weights.bin')),
    );
    // The same topology, but for the initializers' seeds (the loaded models were built unseeded).
    const unseeded = async (d: string) =>
      JSON.stringify(
        (await readJson(join(d, 'model.json'))).modelTopology,
        (key, value: unknown) => (key === 'seed' ? null : value),
      );
    expect(await unseeded(again)).toBe(await unseeded(dir));
    loaded.dispose();
  });

  it('trains on exactly as the saved weights with fresh Adam moments do', async () => {
    // Adam's moments are not saved, so the reference is the trained weights in new models.
    const reference = buildTeacherForcing({
      ...options,
      task: 'reverse',
      recurrentActivation: 'sigmoid',
    });
    reference.training.setWeights(models.training.getWeights());
    const loaded = await loadTeacherForcing(dir);
    for (const m of [reference, loaded]) {
      await trainTeacherForcing(m, { ...training, epochs: 1, seed: 3 });
    }
    expect(weightValues(loaded.training)).toEqual(weightValues(reference.training));
    expect(weightValues(loaded.training)).not.toEqual(weightValues(models.training));
    expect(answers(loaded)).toEqual(answers(reference));
    reference.dispose();
    loaded.dispose();
  });

  it('accepts a file:// URL (string or URL) and the path of model.json', async () => {
    const expected = answers(models);
    for (const source of [
      pathToFileURL(dir).href,
      pathToFileURL(dir),
      join(dir, 'model.json'),
    ] as const) {
      const loaded = await loadTeacherForcing(source);
      expect(answers(loaded)).toEqual(expected);
      loaded.dispose();
    }
  });

  it('leaves tf.memory().numTensors unchanged once the loaded models are disposed', async () => {
    await loadTeacherForcing(dir).then((m) => {
      m.dispose();
    }); // tfjs's first-use allocations
    const before = tf.memory().numTensors;
    const loaded = await loadTeacherForcing(dir);
    decodeGreedy(loaded, [1, 2, 3]);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('untrained models', () => {
  it('train on identically to the originals after a round trip (same seed, one epoch)', async () => {
    const original = buildTeacherForcing(options);
    const dir = fresh();
    await saveTeacherForcing(original, dir);
    const loaded = await loadTeacherForcing(dir);
    for (const m of [original, loaded]) {
      await trainTeacherForcing(m, { ...training, epochs: 1, seed: 4 });
    }
    expect(weightValues(loaded.training)).toEqual(weightValues(original.training));
    expect(answers(loaded)).toEqual(answers(original));
    original.dispose();
    loaded.dispose();
  });
});

describe('a TensorFlow.js URL (a custom IO handler)', () => {
  let store: Map<string, tf.io.ModelArtifacts>;
  beforeAll(() => {
    store = registerMemoryRouter('memtf://');
  });

  it('round-trips with the metadata in userDefinedMetadata, leaving no tensor', async () => {
    const models = buildTeacherForcing(options);
    await trainTeacherForcing(models, { ...training, epochs: 2, seed: 5 });
    const before = tf.memory().numTensors;
    const result = await saveTeacherForcing(models, 'memtf://a');
    expect(tf.memory().numTensors).toBe(before);
    expect(result.location).toBe('memtf://a');
    expect(store.get('memtf://a')!.userDefinedMetadata).toEqual({ seqEcho: result.metadata });
    const loaded = await loadTeacherForcing('memtf://a');
    expect(answers(loaded)).toEqual(answers(models));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expectFailure(
      () => loadTeacherForcing('memtf://missing'),
      Error,
      'loadTeacherForcing',
      'memtf://missing',
      'nothing at memtf://missing',
    );
    models.dispose();
  });
});

describe('refusals', () => {
  const fn = 'saveTeacherForcing';
  let models: TeacherForcingModels;
  beforeAll(() => {
    models = buildTeacherForcing(options);
  });
  afterAll(() => {
    models.dispose();
  });

  it('saveTeacherForcing: models, destination and options, before anything is written', async () => {
    const dir = fresh();
    const echo = buildSeq2Seq({ nUnique: 8, units: 4, seed: 1 });
    const disposed = buildTeacherForcing(options);
    disposed.dispose();
    const before = tf.memory().numTensors;
    for (const bad of [undefined, {}, echo, { ...models }]) {
      await expectRejection(
        () => saveTeacherForcing(bad as TeacherForcingModels, dir),
        TypeError,
        fn,
        'models must be the object returned by buildTeacherForcing',
      );
    }
    await expectRejection(() => saveTeacherForcing(disposed, dir), RangeError, fn, 'models');
    await expectRejection(() => saveTeacherForcing(models, ''), TypeError, fn, 'destination', '""');
    await expectRejection(
      () => saveTeacherForcing(models, 42 as unknown as string),
      TypeError,
      fn,
      'destination',
      '42',
    );
    await expectRejection(
      () => saveTeacherForcing(models, dir, { overwrite: 'yes' } as never),
      TypeError,
      fn,
      'options.overwrite',
      '"yes"',
    );
    await expectRejection(
      () => saveTeacherForcing(models, dir, { overwite: true } as never),
      RangeError,
      fn,
      'overwite',
    );
    await expectFailure(
      () => saveTeacherForcing(models, 'indexeddb://tf'),
      RangeError,
      fn,
      'destination',
      'needs a browser',
    );
    await expect(readdir(dir)).rejects.toThrow(); // never created
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(echo);
  });

  it('saveTeacherForcing: a file, and a directory of other files unless told to overwrite', async () => {
    const file = fresh('file');
    await writeFile(file, 'not a directory');
    await expectFailure(() => saveTeacherForcing(models, file), Error, fn, file, 'is a file');
    const mine = fresh('mine');
    await mkdir(mine);
    await writeFile(join(mine, 'notes.txt'), 'mine');
    await expectFailure(
      () => saveTeacherForcing(models, mine),
      Error,
      fn,
      'must be an empty directory or one saved by saveEchoModel or saveTeacherForcing',
      '"notes.txt"',
      'overwrite: true',
    );
    expect(await readdir(mine)).toEqual(['notes.txt']);
    await saveTeacherForcing(models, mine, { overwrite: true });
    expect((await readdir(mine)).sort()).toEqual([
      'model.json',
      'notes.txt',
      'seq-echo.json',
      'weights.bin',
    ]);
    // A seq-echo save, of either kind, is replaced without overwrite.
    const echo = buildSeq2Seq({ nUnique: 8, units: 4, seed: 1 });
    await saveEchoModel(echo, mine);
    await saveTeacherForcing(models, mine);
    const loaded = await loadTeacherForcing(mine);
    loaded.dispose();
    disposeAll(echo);
  });

  it('loadTeacherForcing: source', async () => {
    const load = 'loadTeacherForcing';
    await expectRejection(() => loadTeacherForcing(''), TypeError, load, 'source', '""');
    await expectRejection(
      () => loadTeacherForcing(undefined as unknown as string),
      TypeError,
      load,
      'source',
      'undefined',
    );
    const missing = fresh('missing');
    await expectFailure(
      () => loadTeacherForcing(missing),
      Error,
      load,
      missing,
      'does not exist',
      'a directory saved by saveTeacherForcing',
    );
  });

  it('each loader refuses the other kind of save, naming the loader to use', async () => {
    const echo = buildSeq2Seq({ nUnique: 8, units: 4, seed: 1 });
    const echoDir = fresh('echo');
    await saveEchoModel(echo, echoDir);
    const tfDir = fresh();
    await saveTeacherForcing(models, tfDir);
    await loadTeacherForcing(tfDir).then((m) => {
      m.dispose();
    }); // tfjs's first-use allocations
    const before = tf.memory().numTensors;
    await expectFailure(
      () => loadTeacherForcing(echoDir),
      TypeError,
      'loadTeacherForcing',
      join(echoDir, 'seq-echo.json'),
      "format must be 'seq-echo-teacher-forcing'",
      'received "seq-echo-model": it was saved by saveEchoModel; load it with loadEchoModel',
    );
    await expectFailure(
      () => loadEchoModel(tfDir),
      TypeError,
      'loadEchoModel',
      join(tfDir, 'seq-echo.json'),
      "format must be 'seq-echo-model'",
      'it was saved by saveTeacherForcing; load it with loadTeacherForcing',
    );
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(echo);
  });

  describe('damaged saves, leaking nothing', () => {
    const load = 'loadTeacherForcing';
    let saved: string;
    beforeAll(async () => {
      saved = fresh('saved');
      await saveTeacherForcing(models, saved);
      await loadTeacherForcing(saved).then((m) => {
        m.dispose();
      });
    });

    /** A copy of the save with both copies of the metadata edited. */
    async function withMetadata(edit: (metadata: Record<string, unknown>) => void) {
      const dir = fresh('damaged');
      await mkdir(dir);
      for (const name of ['model.json', 'seq-echo.json', 'weights.bin']) {
        await writeFile(join(dir, name), await readFile(join(saved, name)));
      }
      const metadata = await readJson(join(saved, 'seq-echo.json'));
      edit(metadata);
      await writeFile(join(dir, 'seq-echo.json'), JSON.stringify(metadata));
      const json = await readJson(join(saved, 'model.json'));
      json.userDefinedMetadata = { seqEcho: metadata };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      return dir;
    }

    it.each([
      [
        'seq-echo.json that is not JSON',
        async () => {
          const dir = await withMetadata(() => undefined);
          await writeFile(join(dir, 'seq-echo.json'), '{ not json');
          return dir;
        },
        Error,
        ['seq-echo.json'],
      ],
      [
        'a units that does not fit the weights',
        () => withMetadata((m) => (m.units = 13)),
        Error,
        ['does not describe its weights', 'units 13'],
      ],
      [
        'a maxLength that does not fit the topology',
        () => withMetadata((m) => (m.maxLength = 6)),
        Error,
        ['does not describe its model', 'encoder_input'],
      ],
      [
        'an unknown recurrentActivation',
        () => withMetadata((m) => (m.recurrentActivation = 'relu')),
        RangeError,
        ["recurrentActivation must be 'hardSigmoid' or 'sigmoid'", 'received "relu"'],
      ],
      [
        'a learning rate that is not a number',
        () => withMetadata((m) => (m.learningRate = null)),
        TypeError,
        ['learningRate must be a number in (0, 10]', 'received null'],
      ],
      [
        'a newer format version',
        () => withMetadata((m) => (m.formatVersion = 2)),
        RangeError,
        ['formatVersion must be an integer in [1, 1]', 'upgrade seq-echo'],
      ],
      [
        'a units too large to build',
        () => withMetadata((m) => (m.units = 1e6)),
        RangeError,
        ['units must be an integer in [1, 100000]'],
      ],
    ] as const)('%s', async (_, make, type, parts) => {
      const dir = await make();
      const before = tf.memory().numTensors;
      await expectFailure(() => loadTeacherForcing(dir), type, load, dir, ...parts);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
