/**
 * loadEchoModel against hostile or broken directories: files that are not regular files
 * (FIFOs, devices), sparse files far larger than the manifest says, symbolic links out of the
 * directory, manifests that list one file thousands of times, layer classes named after
 * Object.prototype's keys, odd dtypes, deeply nested JSON and non-finite weights. Each is
 * refused with a short, clear error, without hanging, without reading what it should not,
 * and without leaving a tensor behind. Every test is bounded by a timeout of a few seconds,
 * so a regression fails instead of hanging.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, loadEchoModel, saveEchoModel } from '../src';
import { setFsWrapper } from '../src/io/nodeIo';
import { type FsCall, faultyFs } from './helpers/faults';
import { disposeAll, outputs } from './helpers/models';

/** Bound on every test here: a regression that blocks fails by this timeout. */
const BOUND = 10_000;
const fn = 'loadEchoModel';
const small = { nUnique: 12, units: 6, seed: 1 };

let root: string;
let outside: string;
let model: tf.LayersModel;
let saved: string;
let counter = 0;
const fifos: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seq-echo-hostile-'));
  outside = await mkdtemp(join(tmpdir(), 'seq-echo-outside-'));
  model = buildSeq2Seq(small);
  saved = join(root, 'saved');
  await saveEchoModel(model, saved);
  await loadEchoModel(saved).then(disposeAll); // tfjs's first-use allocations
});
afterAll(async () => {
  disposeAll(model);
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

let before: number;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  setFsWrapper(undefined);
  // Should a regression block on a FIFO, opening its write end releases the reader.
  for (const fifo of fifos.splice(0)) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waiting (ENXIO): nothing to release.
    }
  }
  expect(tf.memory().numTensors).toBe(before);
});

/** A copy of the saved directory, with `change` applied to it. */
async function damaged(change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, `damaged-${++counter}`);
  await mkdir(dir);
  for (const name of await readdir(saved)) {
    await writeFile(join(dir, name), await readFile(join(saved, name)));
  }
  await change(dir);
  return dir;
}

type Json = Record<string, unknown>;
const editModelJson =
  (edit: (json: Json) => void) =>
  async (dir: string): Promise<void> => {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Json;
    edit(json);
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  };
const manifestOf = (json: Json) =>
  (json.weightsManifest as { paths: string[]; weights: Json[] }[])[0]!;

/** A file of `size` bytes that takes no disk space (ftruncate). */
async function sparseFile(file: string, size: number): Promise<void> {
  const handle = await open(file, 'w');
  await handle.truncate(size);
  await handle.close();
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
  fifos.push(file);
}

/** The error `run` rejects with; fails the test if it resolves. */
async function rejection(run: () => Promise<unknown>): Promise<Error> {
  let caught: unknown;
  try {
    const value = await run();
    if (value instanceof tf.LayersModel) disposeAll(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Error);
  const error = caught as Error;
  expect(error.message.startsWith(`${fn}: `)).toBe(true);
  expect(error.message.length).toBeLessThan(1000);
  return error;
}

/** Records every file system call loading makes. */
function recordCalls(): FsCall[] {
  const calls: FsCall[] = [];
  setFsWrapper((fs) => faultyFs(fs, calls));
  return calls;
}

const bytes = () => 4 * model.countParams();

describe('loadEchoModel checks each file with stat before reading it', () => {
  it(
    'a FIFO model.json is refused at once, not waited on',
    async () => {
      const dir = await damaged(async (d) => {
        await rm(join(d, 'model.json'));
        mkfifo(join(d, 'model.json'));
      });
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(join(dir, 'model.json'));
      expect(error.message).toContain('must be a regular file');
      expect(error.message).toContain('FIFO');
    },
    BOUND,
  );

  it(
    'a FIFO weights.bin is refused without being opened',
    async () => {
      const dir = await damaged(async (d) => {
        await rm(join(d, 'weights.bin'));
        mkfifo(join(d, 'weights.bin'));
      });
      const calls = recordCalls();
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain('must be a regular file');
      expect(error.message).toContain('FIFO');
      expect(calls.filter((c) => c.method === 'open' && c.target.endsWith('weights.bin'))).toEqual(
        [],
      );
    },
    BOUND,
  );

  it(
    'a weights.bin that is a symbolic link to /dev/zero is refused without being opened',
    async () => {
      const dir = await damaged(async (d) => {
        await rm(join(d, 'weights.bin'));
        await symlink('/dev/zero', join(d, 'weights.bin'));
      });
      const calls = recordCalls();
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(join(dir, 'weights.bin'));
      expect(calls.filter((c) => c.method === 'open' && c.target.endsWith('weights.bin'))).toEqual(
        [],
      );
    },
    BOUND,
  );

  it(
    'a sparse 64 MiB weights.bin is refused from its size alone: not one byte of it is read',
    async () => {
      const size = 64 * 2 ** 20;
      const dir = await damaged((d) => sparseFile(join(d, 'weights.bin'), size));
      const calls = recordCalls();
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(`must hold ${bytes()} bytes`);
      expect(error.message).toContain(`holds ${size} bytes`);
      const touched = calls.filter((c) => c.target.endsWith('weights.bin'));
      expect(touched.map((c) => c.method)).toEqual(['realpath', 'stat']);
    },
    BOUND,
  );

  it(
    'a sparse model.json beyond the 16 MiB limit is refused after fstat, before it is read',
    async () => {
      const dir = await damaged((d) => sparseFile(join(d, 'model.json'), 32 * 2 ** 20));
      const calls = recordCalls();
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(join(dir, 'model.json'));
      expect(error.message).toContain('must hold at most 16,777,216 bytes');
      expect(error.message).toContain('33,554,432');
      const touched = calls.filter((c) => c.target.endsWith('model.json'));
      expect(touched.map((c) => c.method)).not.toContain('handle.read');
    },
    BOUND,
  );

  it(
    'a good directory is read with exactly one read per file, of exactly its size',
    async () => {
      const calls = recordCalls();
      const loaded = await loadEchoModel(saved);
      expect(outputs(loaded)).toEqual(outputs(model));
      disposeAll(loaded);
      const reads = calls.filter((c) => c.method === 'handle.read').map((c) => c.target);
      expect(reads.sort()).toEqual(
        ['model.json', 'seq-echo.json', 'weights.bin'].map((name) => join(saved, name)),
      );
    },
    BOUND,
  );
});

describe('loadEchoModel reads nothing outside the model directory', () => {
  it(
    'a manifest path through a link to a directory outside is refused, and the size of what it names is not disclosed',
    async () => {
      const secret = join(outside, 'secret.bin');
      await writeFile(secret, Buffer.alloc(12_345, 7));
      const dir = await damaged(async (d) => {
        await symlink(outside, join(d, 'root'));
        await editModelJson((json) => (manifestOf(json).paths = ['root/secret.bin']))(d);
      });
      const calls = recordCalls();
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain('leads out of it');
      expect(error.message).not.toContain('12345');
      expect(error.message).not.toContain('12,345');
      expect(calls.filter((c) => c.method !== 'realpath' && c.target.includes('secret'))).toEqual(
        [],
      );
    },
    BOUND,
  );

  it.each(['weights.bin', 'model.json'])(
    'a %s that links to a copy of itself outside the directory is refused',
    async (name) => {
      const copy = join(outside, `copy-${++counter}-${name}`);
      await writeFile(copy, await readFile(join(saved, name)));
      const dir = await damaged(async (d) => {
        await rm(join(d, name));
        await symlink(copy, join(d, name));
      });
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(join(dir, name));
      expect(error.message).toContain('leads out of it');
    },
    BOUND,
  );

  it(
    'links that stay inside the directory load, and so does a model directory reached through a link',
    async () => {
      const dir = await damaged(async (d) => {
        await mkdir(join(d, 'shards'));
        await writeFile(join(d, 'shards', 'real.bin'), await readFile(join(d, 'weights.bin')));
        await rm(join(d, 'weights.bin'));
        await symlink(join(d, 'shards', 'real.bin'), join(d, 'weights.bin'));
      });
      const link = join(outside, `link-${++counter}`);
      await symlink(dir, link);
      for (const source of [dir, link]) {
        const loaded = await loadEchoModel(source);
        expect(outputs(loaded)).toEqual(outputs(model));
        disposeAll(loaded);
      }
    },
    BOUND,
  );
});

describe('loadEchoModel refuses manifests that list too many files, with short messages', () => {
  it(
    'weights.bin listed 20,000 times: refused as a repeat, before any file is opened',
    async () => {
      const dir = await damaged(
        editModelJson(
          (json) => (manifestOf(json).paths = Array<string>(20_000).fill('weights.bin')),
        ),
      );
      const calls = recordCalls();
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain('must list each weight file once');
      expect(error.message).toContain('"weights.bin" more than once');
      expect(calls.filter((c) => c.target.endsWith('weights.bin'))).toEqual([]);
    },
    BOUND,
  );

  it(
    'more files than the weights need (2,000 distinct names) is refused',
    async () => {
      const dir = await damaged(
        editModelJson(
          (json) =>
            (manifestOf(json).paths = Array.from({ length: 2000 }, (_, i) => `shard-${i}.bin`)),
        ),
      );
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain('must list at most 1024 weight files');
      expect(error.message).toContain('but lists 2000');
    },
    BOUND,
  );

  it(
    'an empty extra shard is refused: each file must hold some of the weights',
    async () => {
      const dir = await damaged(async (d) => {
        await writeFile(join(d, 'extra.bin'), '');
        await editModelJson((json) => manifestOf(json).paths.push('extra.bin'))(d);
      });
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(`${join(dir, 'extra.bin')} is empty`);
    },
    BOUND,
  );

  it(
    'a 100,000-character path or weight name is cut short in the message',
    async () => {
      const long = 'x'.repeat(100_000);
      for (const edit of [
        (json: Json) => (manifestOf(json).paths = [`../${long}`]),
        (json: Json) => (manifestOf(json).paths = [long]),
        (json: Json) => (manifestOf(json).weights[0]!.name = long),
        (json: Json) => (manifestOf(json).weights[0]!.dtype = long),
      ]) {
        const dir = await damaged(editModelJson(edit));
        await rejection(() => loadEchoModel(dir)); // checks the length
      }
    },
    BOUND,
  );
});

describe('loadEchoModel refuses layer classes named after Object.prototype keys', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
    '%s, as an unknown layer class, leaving no tensor',
    async (name) => {
      const dir = await damaged(
        editModelJson((json) => {
          const topology = json.modelTopology as { config: { layers: { class_name: string }[] } };
          topology.config.layers[1]!.class_name = name;
        }),
      );
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain(`uses the layer class "${name}"`);
      expect(error.message).toContain('tf.serialization.registerClass');
      // afterEach: tf.memory().numTensors unchanged
    },
    BOUND,
  );
});

describe('loadEchoModel gives clear refusals', () => {
  it(
    'a dtype "toString" is named as an unsupported dtype (not "NaN bytes")',
    async () => {
      const dir = await damaged(
        editModelJson((json) => (manifestOf(json).weights[0]!.dtype = 'toString')),
      );
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain('has dtype "toString"; expected float32, int32, bool');
      expect(error.message).not.toContain('NaN');
    },
    BOUND,
  );

  it(
    'a modelTopology nested 100,000 levels deep is refused before anything walks it',
    async () => {
      const depth = 100_000;
      const dir = await damaged(async (d) => {
        const text = await readFile(join(d, 'model.json'), 'utf8');
        const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
        await writeFile(
          join(d, 'model.json'),
          text.replace('"modelTopology":{', `"modelTopology":{"deep":${deep},`),
        );
      });
      const error = await rejection(() => loadEchoModel(dir));
      expect(error).not.toBeInstanceOf(RangeError); // not a stack overflow
      expect(error.message).toContain(join(dir, 'model.json'));
      expect(error.message).toContain('at most 100 levels deep');
    },
    BOUND,
  );

  it.each([
    ['all NaN', (data: Float32Array) => data.fill(NaN), 'NaN', 0],
    ['one Infinity', (data: Float32Array) => (data[37] = Infinity), 'Infinity', 37],
    ['one -Infinity', (data: Float32Array) => (data[data.length - 1] = -Infinity), '-Infinity', -1],
  ] as const)(
    'weights with %s are refused, naming the weight and the index',
    async (_, change, shown, index) => {
      const dir = await damaged(async (d) => {
        const raw = await readFile(join(d, 'weights.bin'));
        const data = new Float32Array(
          raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
        );
        change(data);
        await writeFile(join(d, 'weights.bin'), new Uint8Array(data.buffer));
      });
      const error = await rejection(() => loadEchoModel(dir));
      expect(error.message).toContain('must be finite numbers');
      expect(error.message).toContain(`holds ${shown} at index`);
      if (index === 0) expect(error.message).toContain('at index 0');
      if (index === 37) expect(error.message).toContain('at index 37');
    },
    BOUND,
  );
});
