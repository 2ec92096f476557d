import { showValue } from '../internal/assert';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './limits';
import { errorCode, errorText, type NodeIo, type NodeStats } from './nodeIo';

/** tfjs's model file: topology, weights manifest, training config, user-defined metadata. */
export const MODEL_FILE = 'model.json';
/** The weights, as the little-endian binary tfjs writes. */
export const WEIGHTS_FILE = 'weights.bin';
/** seq-echo's metadata, also kept in model.json's `userDefinedMetadata.seqEcho`. */
export const METADATA_FILE = 'seq-echo.json';

/** A file one call touches: `fn` names the caller and `shown` the file in messages. */
export interface FileAt {
  fn: string;
  io: NodeIo;
  /** The path opened: when reading, the real path (links resolved). */
  file: string;
  shown: string;
}

/** `text`, cut to 200 characters for a message. */
export const short = (text: string): string =>
  text.length > 200 ? `${text.slice(0, 200)}…` : text;

/** Runs a file system call, turning its failure into an `Error` naming `fn` and `file`. */
export async function attempt<T>(
  fn: string,
  file: string,
  run: () => Promise<T>,
  missing?: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (missing !== undefined && errorCode(error) === 'ENOENT') {
      throw new Error(`${fn}: ${file} does not exist; expected ${missing}`, { cause: error });
    }
    // Node's messages quote the path, which may be long: keep them short.
    throw new Error(`${fn}: could not access ${file}: ${short(errorText(error))}`, {
      cause: error,
    });
  }
}

/** What kind of file `stats` describes, for messages about files that are not regular. */
function fileKind(stats: NodeStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Throws unless `stats` describes a regular file; `expected` says what it should be. */
export function assertRegular(fn: string, shown: string, expected: string, stats: NodeStats): void {
  if (!stats.isFile()) {
    throw new Error(
      `${fn}: ${shown} must be a regular file (${expected}), but it is ${fileKind(stats)}`,
    );
  }
}

/**
 * Reads a regular file without ever blocking on it or reading more than it should: opened
 * non-blocking (a FIFO does not wait for a writer), checked with `fstat` to be a regular file
 * of at most `limit` bytes (exactly `size` bytes when given), then read for exactly that many.
 */
export async function readRegularFile(
  { fn, io, file, shown }: FileAt,
  expected: string,
  limit: number,
  size?: number,
): Promise<Uint8Array> {
  const { fs } = io;
  const flags = (fs.constants?.O_RDONLY ?? 0) | (fs.constants?.O_NONBLOCK ?? 0);
  const handle = await attempt(fn, shown, () => fs.open(file, flags), expected);
  try {
    const stats = await attempt(fn, shown, () => handle.stat());
    assertRegular(fn, shown, expected, stats);
    if (size !== undefined && stats.size !== size) {
      throw new Error(
        `${fn}: ${shown} must hold the ${size} bytes it held a moment before, but it holds ${stats.size} bytes: it changed while being read`,
      );
    }
    if (stats.size > limit) {
      throw new Error(
        `${fn}: ${shown} must hold at most ${limit.toLocaleString('en-US')} bytes (${expected}), but it holds ${stats.size.toLocaleString('en-US')} bytes`,
      );
    }
    const data = new Uint8Array(stats.size);
    let offset = 0;
    while (offset < data.byteLength) {
      const { bytesRead } = await attempt(fn, shown, () =>
        handle.read(data, offset, data.byteLength - offset, offset),
      );
      if (bytesRead === 0) {
        throw new Error(
          `${fn}: ${shown} must hold ${data.byteLength} bytes, but it ended after ${offset}: it changed while being read`,
        );
      }
      offset += bytesRead;
    }
    return data;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Reads (as {@link readRegularFile}) and parses a JSON file, refusing deep nesting. */
export async function readJson(at: FileAt, expected: string, limit: number): Promise<unknown> {
  const { fn, shown } = at;
  const bytes = await readRegularFile(at, expected, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (error) {
    throw new Error(
      `${fn}: ${shown} is not valid JSON (${errorText(error)}); expected ${expected}`,
      { cause: error },
    );
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new Error(
      `${fn}: ${shown} must nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep (${expected}), but it nests them deeper`,
    );
  }
  return value;
}

/** Creates `file` (it must not exist), writes `content` and flushes it to the disk. */
export async function writeDurably(
  { fn, io, file, shown }: FileAt,
  content: Uint8Array | string,
): Promise<void> {
  const handle = await attempt(fn, shown, () => io.fs.open(file, 'wx'));
  try {
    await attempt(fn, shown, () => handle.writeFile(content));
    await attempt(fn, shown, () => handle.sync());
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await attempt(fn, shown, () => handle.close());
}

/** Flushes a directory's entries (renames) to the disk; Windows cannot and needs not. */
export async function syncDirectory(fn: string, io: NodeIo, directory: string): Promise<void> {
  const platform = (globalThis as { process?: { platform?: unknown } }).process?.platform;
  if (platform === 'win32') return;
  const handle = await attempt(fn, directory, () => io.fs.open(directory, 'r'));
  try {
    await attempt(fn, directory, () => handle.sync());
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Whether `inner` is `outer` or a path inside it (both absolute and resolved). */
export function within(io: NodeIo, outer: string, inner: string): boolean {
  const relative = io.path.relative(outer, inner);
  return (
    relative !== '..' && !relative.startsWith(`..${io.path.sep}`) && !io.path.isAbsolute(relative)
  );
}

/** A list of at most three names for a message, each shortened, and how many more there are. */
export function someNames(names: readonly string[], quote = true): string {
  const shown = names.slice(0, 3).map((name) => (quote ? showValue(name) : short(name)));
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}
