import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  buildEncoderDecoder,
  buildSeq2Seq,
  generateSequence,
  loadEchoModel,
  predictEcho,
  saveEchoModel,
  trainEcho,
  type EchoModelMetadata,
} from '../src';
import { VERSION } from '../src/version';
import { expectRejection } from './helpers/errors';
import { disposeAll, fixedEchoModel, outputs, weightValues } from './helpers/models';
import packageJson from '../package.json';
import { registerMemoryRouter } from './helpers/memoryRouter';
import { expectFailure } from './helpers/errors';

const small = { nUnique: 12, units: 6, seed: 1 };

let root: string;
let counter = 0;
/** A fresh path under this file's temporary directory (not created). */
const fresh = (name = 'model') => join(root, `${name}-${++counter}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seq-echo-io-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const readJson = async (file: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

const topologyConfig = (model: tf.LayersModel): unknown =>
  (model.toJSON(null, false) as { config: unknown }).config;

describe('VERSION', () => {
  it("equals package.json's version", () => {
    expect(VERSION).toBe(packageJson.version);
  });
});

describe('saveEchoModel and loadEchoModel in Node (a directory)', () => {
  let model: tf.LayersModel;
  let dir: string;

  beforeAll(async () => {
    model = buildSeq2Seq({ ...small, learningRate: 0.01 });
    await trainEcho(model, { epochs: 3, seed: 2, engine: 'fused' });
    dir = fresh();
  });
  afterAll(() => {
    disposeAll(model);
  });

  it('writes model.json (tfjs format), weights.bin and seq-echo.json, leaving no tensor', async () => {
    const weights = weightValues(model);
    const before = tf.memory().numTensors;
    const result = await saveEchoModel(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    expect(weightValues(model)).toEqual(weights);
    // Only the task the factory recorded: saving adds nothing to the model itself.
    expect(model.getUserDefinedMetadata()).toEqual({
      seqEchoTask: { task: 'echo', representation: 'one-hot', nUnique: 12 },
    });

    const expected: EchoModelMetadata = {
      format: 'seq-echo-model',
      formatVersion: 1,
      libraryVersion: VERSION,
      nIn: 5,
      nOut: 5,
      nUnique: 12,
      architecture: 'seq2seq',
      representation: 'one-hot',
      task: 'echo',
      stateful: true,
      batchSize: 7,
    };
    expect(result.location).toBe(dir);
    expect(result.metadata).toEqual(expected);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'seq-echo.json', 'weights.bin']);
    expect(await readJson(join(dir, 'seq-echo.json'))).toEqual(expected);

    const modelJson = await readJson(join(dir, 'model.json'));
    expect(modelJson.userDefinedMetadata).toEqual({
      seqEcho: expected,
      seqEchoTask: { task: 'echo', representation: 'one-hot', nUnique: 12 },
    });
    expect(modelJson.modelTopology).toEqual(model.toJSON(null, false));
    const manifest = modelJson.weightsManifest as { paths: string[]; weights: unknown[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.paths).toEqual(['weights.bin']);
    expect(manifest[0]!.weights).toHaveLength(model.weights.length);
    expect(modelJson.trainingConfig).toMatchObject({
      loss: 'categorical_crossentropy',
      metrics: ['accuracy'],
      optimizer_config: { class_name: 'Adam', config: { learningRate: 0.01 } },
    });
    const bytes = (await readFile(join(dir, 'weights.bin'))).byteLength;
    expect(bytes).toBe(4 * model.countParams());
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(bytes);
  });

  it('loads a compiled model that predicts exactly what the saved one predicted', async () => {
    const loaded = await loadEchoModel(dir);
    expect(outputs(loaded)).toEqual(outputs(model));
    const sequence = generateSequence(40, { nUnique: 12, seed: 3 });
    expect(predictEcho(loaded, sequence)).toEqual(predictEcho(model, sequence));
    expect(weightValues(loaded)).toEqual(weightValues(model));
    // Compiled like the factories' models, with the saved learning rate.
    expect(loaded.loss).toBe('categoricalCrossentropy');
    expect(loaded.optimizer.getClassName()).toBe('Adam');
    expect(loaded.optimizer.getConfig()).toMatchObject({ learningRate: 0.01 });
    // Its metadata comes along, and it serialises exactly as the saved model did (the
    // Orthogonal initializers put back), so saving it again writes the same topology.
    expect(loaded.getUserDefinedMetadata()).toEqual({
      seqEcho: expect.objectContaining({ architecture: 'seq2seq' }) as unknown,
      seqEchoTask: { task: 'echo', representation: 'one-hot', nUnique: 12 },
    });
    expect(topologyConfig(loaded)).toEqual(topologyConfig(model));
    const again = fresh();
    await saveEchoModel(loaded, again);
    const first = await readJson(join(dir, 'model.json'));
    const second = await readJson(join(again, 'model.json'));
    expect(second.modelTopology).toEqual(first.modelTopology);
    expect(second.trainingConfig).toEqual(first.trainingConfig);
    expect(await readFile(join(again, 'weights.bin'))).toEqual(
      await readFile(join(dir, 'weights.bin')),
    );
    disposeAll(loaded);
  });

  it('continues training with the fused engine', async () => {
    const loaded = await loadEchoModel(dir);
    const { history } = await trainEcho(loaded, { epochs: 3, seed: 4, engine: 'fused' });
    expect(history.loss).toHaveLength(3);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    expect(weightValues(loaded)).not.toEqual(weightValues(model));
    disposeAll(loaded);
  });

  it('accepts a file:// URL (string or URL) and the path of model.json', async () => {
    const expected = outputs(model);
    for (const source of [
      pathToFileURL(dir).href,
      pathToFileURL(dir),
      join(dir, 'model.json'),
    ] as const) {
      const loaded = await loadEchoModel(source);
      expect(outputs(loaded)).toEqual(expected);
      disposeAll(loaded);
    }
    const target = fresh();
    const { location } = await saveEchoModel(model, pathToFileURL(target));
    expect(location).toBe(target);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'seq-echo.json', 'weights.bin']);
  });

  it('leaves tf.memory().numTensors unchanged once the loaded model is disposed', async () => {
    await loadEchoModel(dir).then(disposeAll); // tfjs's first-use allocations
    const before = tf.memory().numTensors;
    disposeAll(await loadEchoModel(dir));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('replaces an earlier save in the same directory, leaving no temporary file', async () => {
    const target = fresh();
    const other = buildSeq2Seq({ ...small, seed: 9 });
    await saveEchoModel(other, target);
    await saveEchoModel(model, target);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'seq-echo.json', 'weights.bin']);
    const loaded = await loadEchoModel(target);
    expect(outputs(loaded)).toEqual(outputs(model));
    disposeAll(loaded);
    disposeAll(other);
  });
});

describe('saveEchoModel and loadEchoModel on other models', () => {
  it('round-trips a stateless encoder-decoder (free batch dimension)', async () => {
    const model = buildEncoderDecoder({ ...small, nOut: 3, stateful: false });
    const dir = fresh();
    const { metadata } = await saveEchoModel(model, dir);
    expect(metadata).toMatchObject({
      architecture: 'encoderDecoder',
      nIn: 5,
      nOut: 3,
      nUnique: 12,
      stateful: false,
      batchSize: null,
    });
    const before = tf.memory().numTensors;
    const loaded = await loadEchoModel(dir);
    expect(loaded.inputs[0]!.shape).toEqual([null, 5, 12]);
    expect(outputs(loaded)).toEqual(outputs(model));
    expect(topologyConfig(loaded)).toEqual(topologyConfig(model));
    const { history } = await trainEcho(loaded, { epochs: 2, seed: 5, engine: 'fused' });
    expect(history.loss).toHaveLength(2);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    disposeAll(loaded);
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(model);
  });

  it("round-trips a model of another architecture ('other'), compiling it for echo training", async () => {
    const model = fixedEchoModel(4, 9, [0, 2]);
    const dir = fresh();
    const { metadata } = await saveEchoModel(model, dir);
    expect(metadata).toMatchObject({ architecture: 'other', nIn: 4, nOut: 2, nUnique: 9 });
    const loaded = await loadEchoModel(dir);
    expect(outputs(loaded)).toEqual(outputs(model));
    expect(predictEcho(loaded, [1, 2, 3, 4, 5, 6])).toEqual(predictEcho(model, [1, 2, 3, 4, 5, 6]));
    // Not compiled when saved: Adam with the default learning rate.
    expect(loaded.optimizer.getConfig()).toMatchObject({ learningRate: 0.001 });
    disposeAll(loaded);
    model.dispose();
  });

  it('puts Orthogonal initializers back inside wrappers (Bidirectional, TimeDistributed)', async () => {
    const orthogonal = (seed: number) => tf.initializers.orthogonal({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.bidirectional({
          layer: tf.layers.lstm({
            units: 3,
            returnSequences: true,
            unitForgetBias: true,
            recurrentInitializer: orthogonal(1),
          }),
          inputShape: [4, 6],
        }),
        tf.layers.timeDistributed({
          layer: tf.layers.dense({
            units: 6,
            activation: 'softmax',
            kernelInitializer: orthogonal(2),
          }),
        }),
      ],
    });
    const dir = fresh();
    await saveEchoModel(model, dir);
    const loaded = await loadEchoModel(dir);
    expect(topologyConfig(loaded)).toEqual(topologyConfig(model));
    expect(outputs(loaded)).toEqual(outputs(model));
    disposeAll(loaded);
    model.dispose();
  });
});

describe('loading speed', () => {
  // The mechanism, not a wall time (that is the bench's business): loading builds the layers
  // without running tfjs's Orthogonal initializer, whose tensor QR takes minutes for LSTM(150).
  it("never runs tfjs's Orthogonal initializer, so a default encoder-decoder loads fast", async () => {
    const model = buildEncoderDecoder({ seed: 1 }); // LSTM(150) x 2: a tensor QR would take minutes
    const dir = fresh();
    await saveEchoModel(model, dir);
    const proto = Object.getPrototypeOf(tf.initializers.orthogonal({})) as {
      apply: (...args: unknown[]) => unknown;
    };
    const apply = jest.spyOn(proto, 'apply');
    try {
      const loaded = await loadEchoModel(dir);
      expect(apply).not.toHaveBeenCalled();
      expect(topologyConfig(loaded)).toEqual(topologyConfig(model));
      expect(weightValues(loaded)).toEqual(weightValues(model));
      disposeAll(loaded);
    } finally {
      apply.mockRestore();
    }
    disposeAll(model);
  });
  it("falls back to tfjs's own loader when the rebuilt model would not serialise as saved", async () => {
    // An initializer config with a field tfjs drops: put back, the layer would serialise
    // without it, so seq-echo lets tfjs build the model (still without running the QR).
    const model = buildSeq2Seq(small);
    const dir = fresh();
    await saveEchoModel(model, dir);
    const file = join(dir, 'model.json');
    const json = await readJson(file);
    const lstm = (
      json.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }
    ).config.layers[0]!.config;
    lstm.recurrent_initializer = {
      class_name: 'Orthogonal',
      config: { gain: 1, seed: 3, note: 'dropped by tfjs' },
    };
    await writeFile(file, JSON.stringify(json));
    const proto = Object.getPrototypeOf(tf.initializers.orthogonal({})) as {
      apply: (...args: unknown[]) => unknown;
    };
    const apply = jest.spyOn(proto, 'apply');
    const before = tf.memory().numTensors;
    try {
      const loaded = await loadEchoModel(dir);
      expect(apply).not.toHaveBeenCalled();
      expect(outputs(loaded)).toEqual(outputs(model));
      const config = (loaded.layers[0]!.getConfig() as { recurrentInitializer: unknown })
        .recurrentInitializer;
      expect(config).toEqual({ className: 'Orthogonal', config: { gain: 1, seed: 3 } });
      disposeAll(loaded);
    } finally {
      apply.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(model);
  });
});

describe("TensorFlow.js URLs: tfjs's own IO handlers", () => {
  let store: Map<string, tf.io.ModelArtifacts>;
  beforeAll(() => {
    store = registerMemoryRouter('memtest://');
  });

  it('saves through the handler with the metadata in userDefinedMetadata, and loads back', async () => {
    const model = buildSeq2Seq(small);
    const before = tf.memory().numTensors;
    const result = await saveEchoModel(model, 'memtest://a');
    expect(tf.memory().numTensors).toBe(before);
    expect(result.location).toBe('memtest://a');
    const artifacts = store.get('memtest://a')!;
    expect(artifacts.userDefinedMetadata).toEqual({
      seqEcho: result.metadata,
      seqEchoTask: { task: 'echo', representation: 'one-hot', nUnique: 12 },
    });
    expect(artifacts.trainingConfig?.loss).toBe('categorical_crossentropy');
    const loaded = await loadEchoModel('memtest://a');
    expect(outputs(loaded)).toEqual(outputs(model));
    disposeAll(loaded);
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(model);
  });

  it('refuses a model that has no seq-echo metadata, and reports handler failures', async () => {
    const model = buildSeq2Seq(small);
    await model.save('memtest://plain');
    await expectFailure(
      () => loadEchoModel('memtest://plain'),
      TypeError,
      'loadEchoModel',
      'memtest://plain',
      'userDefinedMetadata.seqEcho',
      "'seq-echo-model'",
    );
    await expectFailure(
      () => loadEchoModel('memtest://missing'),
      Error,
      'loadEchoModel',
      'memtest://missing',
      'nothing at memtest://missing',
    );
    disposeAll(model);
  });

  it('says when no handler accepts a URL here (indexeddb:// in Node)', async () => {
    const model = buildSeq2Seq(small);
    await expectFailure(
      () => saveEchoModel(model, 'indexeddb://echo'),
      RangeError,
      'saveEchoModel',
      'destination',
      'indexeddb://echo',
      'needs a browser',
    );
    await expectFailure(
      () => loadEchoModel('downloads://echo'),
      RangeError,
      'loadEchoModel',
      'source',
      'downloads://echo',
      'can only save to downloads://',
    );
    await expectFailure(
      () => loadEchoModel('unknown-scheme://x'),
      RangeError,
      'loadEchoModel',
      'source',
      'unknown-scheme://x',
    );
    disposeAll(model);
  });
});

describe('bad arguments are refused before anything is written', () => {
  it('saveEchoModel: model and destination', async () => {
    const fn = 'saveEchoModel';
    const model = buildSeq2Seq(small);
    const flat = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const dir = fresh();
    const before = tf.memory().numTensors;
    await expectRejection(
      () => saveEchoModel({} as unknown as tf.LayersModel, dir),
      TypeError,
      fn,
      'model',
    );
    await expectRejection(() => saveEchoModel(flat, dir), RangeError, fn, 'model');
    await expectRejection(() => saveEchoModel(model, ''), TypeError, fn, 'destination', '""');
    await expectRejection(
      () => saveEchoModel(model, 42 as unknown as string),
      TypeError,
      fn,
      'destination',
      '42',
    );
    await expect(readdir(dir)).rejects.toThrow(); // never created
    expect(tf.memory().numTensors).toBe(before);
    flat.dispose();
    disposeAll(model);
  });

  it('loadEchoModel: source', async () => {
    const fn = 'loadEchoModel';
    await expectRejection(() => loadEchoModel(''), TypeError, fn, 'source', '""');
    await expectRejection(
      () => loadEchoModel(undefined as unknown as string),
      TypeError,
      fn,
      'source',
      'undefined',
    );
  });

  it('saveEchoModel: a destination that is a file', async () => {
    const model = buildSeq2Seq(small);
    const file = fresh('file');
    await writeFile(file, 'not a directory');
    await expectFailure(
      () => saveEchoModel(model, file),
      Error,
      'saveEchoModel',
      file,
      'is a file',
    );
    disposeAll(model);
  });

  it('a directory path where node:fs cannot be loaded (a browser) asks for a tfjs URL', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('node:fs/promises', () => {
        throw new Error("Cannot find module 'node:fs/promises'");
      });
      const { resolveLocation } = await import('../src/io/location');
      await expectFailure(
        () => resolveLocation('saveEchoModel', 'destination', 'models/echo'),
        RangeError,
        'saveEchoModel',
        'models/echo',
        'node:fs/promises',
        "'indexeddb://my-model'",
      );
      // tfjs URLs never need node:fs.
      await expect(
        resolveLocation('saveEchoModel', 'destination', 'indexeddb://echo'),
      ).resolves.toEqual({ kind: 'url', url: 'indexeddb://echo' });
    });
  });
});

describe('loadEchoModel refuses damaged or foreign saves with clear errors, leaking nothing', () => {
  const fn = 'loadEchoModel';
  let model: tf.LayersModel;
  let saved: string;
  beforeAll(async () => {
    model = buildSeq2Seq(small);
    saved = fresh('saved');
    await saveEchoModel(model, saved);
    await loadEchoModel(saved).then(disposeAll); // tfjs's first-use allocations
  });
  afterAll(() => {
    disposeAll(model);
  });

  /** A copy of the saved directory, with `change` applied to it. */
  async function damaged(change: (dir: string) => Promise<void>): Promise<string> {
    const dir = fresh('damaged');
    await mkdir(dir);
    for (const name of await readdir(saved)) {
      await writeFile(join(dir, name), await readFile(join(saved, name)));
    }
    await change(dir);
    return dir;
  }

  /** Rewrites a JSON file of `dir` with `edit`. */
  const editJson =
    (name: string, edit: (json: Record<string, unknown>) => void) =>
    async (dir: string): Promise<void> => {
      const json = await readJson(join(dir, name));
      edit(json);
      await writeFile(join(dir, name), JSON.stringify(json));
    };

  /** Edits the metadata in both seq-echo.json and model.json, as one save would have. */
  const editMetadata =
    (edit: (metadata: Record<string, unknown>) => void) => async (dir: string) => {
      await editJson('seq-echo.json', edit)(dir);
      await editJson('model.json', (json) => {
        edit((json.userDefinedMetadata as { seqEcho: Record<string, unknown> }).seqEcho);
      })(dir);
    };

  let before: number;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a missing directory', async () => {
    const dir = join(root, 'does-not-exist');
    await expectFailure(() => loadEchoModel(dir), Error, fn, dir, 'does not exist', 'model.json');
  });

  const bytes = () => 4 * model.countParams();
  /** Each damage: what it does to a copy of the save, and the error it must bring. */
  const damages: [
    name: string,
    change: (dir: string) => Promise<void>,
    type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor,
    parts: (dir: string) => string[],
  ][] = [
    [
      'a missing model.json',
      (d) => rm(join(d, 'model.json')),
      Error,
      (dir) => [join(dir, 'model.json'), 'does not exist', 'modelTopology and weightsManifest'],
    ],
    [
      'a model.json that is not valid JSON',
      (d) => writeFile(join(d, 'model.json'), '{"modelTopology": {'),
      Error,
      (dir) => [join(dir, 'model.json'), 'is not valid JSON', 'modelTopology and weightsManifest'],
    ],
    [
      'a model.json without weightsManifest',
      editJson('model.json', (json) => delete json.weightsManifest),
      Error,
      (dir) => [join(dir, 'model.json'), 'weightsManifest'],
    ],
    [
      'a missing weights file',
      (d) => rm(join(d, 'weights.bin')),
      Error,
      (dir) => [join(dir, 'weights.bin'), 'does not exist'],
    ],
    [
      'a weights file of the wrong size',
      async (d) => {
        const data = await readFile(join(d, 'weights.bin'));
        await writeFile(join(d, 'weights.bin'), data.subarray(0, bytes() - 8));
      },
      Error,
      (dir) => [
        join(dir, 'weights.bin'),
        `must hold ${bytes()} bytes`,
        `holds ${bytes() - 8} bytes`,
      ],
    ],
    [
      'a weights manifest pointing outside the directory',
      editJson('model.json', (json) => {
        (json.weightsManifest as { paths: string[] }[])[0]!.paths = ['../saved/weights.bin'];
      }),
      Error,
      () => ['inside', '../saved/weights.bin'],
    ],
    [
      'weights that do not fit the topology (a manifest swapped between layers)',
      editJson('model.json', (json) => {
        const weights = (json.weightsManifest as { weights: { name: string }[] }[])[0]!.weights;
        const [a, b] = [weights[0]!, weights[3]!];
        [a.name, b.name] = [b.name, a.name];
      }),
      Error,
      (dir) => [dir, 'does not fit its modelTopology'],
    ],
    [
      'a layer class tfjs does not know (an unregistered custom layer)',
      editJson('model.json', (json) => {
        const topology = json.modelTopology as { config: { layers: { class_name: string }[] } };
        topology.config.layers[1]!.class_name = 'MyCustomLayer';
      }),
      Error,
      (dir) => [dir, '"MyCustomLayer"', 'tf.serialization.registerClass'],
    ],
    [
      'a missing seq-echo.json',
      (d) => rm(join(d, 'seq-echo.json')),
      Error,
      (dir) => [join(dir, 'seq-echo.json'), 'does not exist'],
    ],
    [
      'a seq-echo.json of another format',
      editJson('seq-echo.json', (json) => (json.format = 'keras-model')),
      TypeError,
      (dir) => [
        join(dir, 'seq-echo.json'),
        "format must be 'seq-echo-model'",
        'received "keras-model"',
      ],
    ],
    [
      'a formatVersion newer than this seq-echo reads',
      editJson('seq-echo.json', (json) => (json.formatVersion = 2)),
      RangeError,
      (dir) => [
        join(dir, 'seq-echo.json'),
        'formatVersion must be an integer in [1, 1]',
        'upgrade seq-echo',
        'received 2',
      ],
    ],
    [
      'a seq-echo.json naming a task seq-echo does not know (a string: the right kind)',
      editJson('seq-echo.json', (json) => (json.task = 'sideways')),
      RangeError,
      (dir) => [join(dir, 'seq-echo.json'), "task must be 'echo' or 'reverse'", '"sideways"'],
    ],
    [
      'a seq-echo.json with a task of the wrong kind',
      editJson('seq-echo.json', (json) => (json.task = 1)),
      TypeError,
      (dir) => [join(dir, 'seq-echo.json'), "task must be 'echo' or 'reverse'", 'received 1'],
    ],
    [
      'a seq-echo.json with a batch size of 0',
      editJson('seq-echo.json', (json) => (json.batchSize = 0)),
      RangeError,
      (dir) => [join(dir, 'seq-echo.json'), 'batchSize must be an integer >= 1 or null'],
    ],
    [
      'metadata that does not describe the model',
      editMetadata((json) => (json.nUnique = 13)),
      Error,
      (dir) => [dir, 'does not describe its model', 'nUnique: metadata 13, model 12'],
    ],
  ];
  it.each(damages)('%s', async (_, change, type, parts) => {
    const dir = await damaged(change);
    await expectFailure(() => loadEchoModel(dir), type, fn, ...parts(dir));
  });

  it('a model saved by another major version of seq-echo (other versions load)', async () => {
    const [major, minor] = VERSION.split('.').map(Number) as [number, number];
    const sameMajor = await damaged(
      editMetadata((json) => (json.libraryVersion = `${major}.${minor + 1}.7`)),
    );
    disposeAll(await loadEchoModel(sameMajor));
    const otherMajor = await damaged(
      editMetadata((json) => (json.libraryVersion = `${major + 1}.0.0`)),
    );
    await expectFailure(
      () => loadEchoModel(otherMajor),
      RangeError,
      fn,
      'libraryVersion',
      'major version',
      `"${major + 1}.0.0"`,
    );
  });

  it("seq-echo.json from another save: model.json's copy of the metadata is the one used", async () => {
    // A save replaces seq-echo.json before model.json, so a failed save can leave a newer one:
    // model.json, renamed into place last, is the one that is never stale.
    const dir = await damaged(editJson('seq-echo.json', (json) => (json.nIn = 6)));
    const loaded = await loadEchoModel(dir);
    expect((loaded.getUserDefinedMetadata() as { seqEcho: { nIn: number } }).seqEcho.nIn).toBe(5);
    expect(outputs(loaded)).toEqual(outputs(model));
    disposeAll(loaded);
  });

  it('a source that is a file other than model.json', async () => {
    const file = join(saved, 'weights.bin');
    await expectFailure(() => loadEchoModel(file), Error, fn, file, 'is not a directory');
  });
});

describe('outside Node', () => {
  it('refuses a directory path without trying to import node: modules', async () => {
    const versions = Object.getOwnPropertyDescriptor(process, 'versions')!;
    Object.defineProperty(process, 'versions', { value: {}, configurable: true });
    try {
      await jest.isolateModulesAsync(async () => {
        const nodeIo = await import('../src/io/nodeIo');
        expect(await nodeIo.loadNodeIo()).toBeUndefined();
      });
    } finally {
      Object.defineProperty(process, 'versions', versions);
    }
    expect(typeof process.versions.node).toBe('string');
  });
});
