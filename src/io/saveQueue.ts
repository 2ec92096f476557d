import { errorCode, type NodeIo } from './nodeIo';

/** The tail of each directory's queue of saves, by the directory's real path. */
const saveQueues = new Map<string, Promise<unknown>>();
/** The tail of the chain that resolves each save's queue key, in the order saves are made. */
let keyChain: Promise<unknown> = Promise.resolve();

/** Runs `run` after every save already queued for `key` has settled. */
async function serialised<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = saveQueues.get(key) ?? Promise.resolve();
  const current = previous.then(run, run);
  const tail = current.catch(() => undefined);
  saveQueues.set(key, tail);
  try {
    return await current;
  } finally {
    if (saveQueues.get(key) === tail) saveQueues.delete(key);
  }
}

/**
 * The real path of `directory` (symbolic links resolved), or, while it does not exist yet,
 * that of its nearest existing ancestor joined with the rest: two spellings of one directory
 * get the same key. Falls back to `directory` itself.
 */
async function queueKey(io: NodeIo, directory: string): Promise<string> {
  const { fs, path } = io;
  const rest: string[] = [];
  let current = directory;
  for (;;) {
    try {
      return path.join(await fs.realpath(current), ...rest);
    } catch (error) {
      const parent = path.dirname(current);
      if (errorCode(error) !== 'ENOENT' || parent === current) return directory;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Runs `save` once every save queued earlier for the same directory, however its path is
 * spelled, has settled: saves to one directory run one at a time, in the order they were made.
 */
export async function queueSave(
  io: NodeIo,
  directory: string,
  save: () => Promise<void>,
): Promise<void> {
  // Keys are resolved one save at a time, so that saves join their directory's queue in the
  // order they were made (realpath calls can finish out of order).
  const queued = keyChain
    .then(() => queueKey(io, directory))
    .then((key) => ({ done: serialised(key, save) }));
  keyChain = queued.catch(() => undefined);
  await (
    await queued
  ).done;
}
