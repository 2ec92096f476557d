/**
 * Checks of `seq-echo train`'s output paths, made before training starts: a `--save` or
 * `--curve` that cannot be written is found out in a moment, not after an hour of training
 * whose model would then be lost.
 */
import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { UsageError } from './args';

/**
 * The files `saveEchoModel` writes into a directory (src/io/directoryHandler.ts's
 * `MODEL_FILE`, `WEIGHTS_FILE` and `METADATA_FILE`; a test checks that they agree). Listed
 * here because the CLI must not load the library, and with it tfjs, to check a path.
 */
export const SAVED_FILES = ['model.json', 'weights.bin', 'seq-echo.json'] as const;

/** `stat`, or `undefined` when nothing is there (or a parent is not a directory). */
async function statOrNothing(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Whether the process may write to `path` (a directory: create entries in it). */
async function writable(path: string, directory: boolean): Promise<boolean> {
  const mode = directory ? constants.W_OK | constants.X_OK : constants.W_OK;
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

/** The nearest of `path` and its ancestors that exists, with its stats. */
async function nearestExisting(path: string): Promise<{ path: string; stats: Stats }> {
  let current = path;
  for (;;) {
    const stats = await statOrNothing(current);
    if (stats !== undefined) return { path: current, stats };
    const parent = dirname(current);
    if (parent === current) throw new Error(`no part of ${path} exists`);
    current = parent;
  }
}

/**
 * `path` with its existing part's symbolic links resolved (the rest kept as written), so two
 * spellings of one file compare equal.
 */
async function canonical(path: string): Promise<string> {
  const existing = await nearestExisting(path);
  const real = await realpath(existing.path);
  return existing.path === path ? real : join(real, path.slice(existing.path.length));
}

/** Whether `path` is `root` or lies inside it. */
const within = (path: string, root: string): boolean =>
  path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Checks that `path` can be written as a directory (`kind` `'directory'`, made with its
 * parents if missing) or a file (made in its parent directories if missing).
 */
async function checkWritable(flag: string, path: string, kind: 'directory' | 'file') {
  const existing = await nearestExisting(path);
  const { stats } = existing;
  if (existing.path === path) {
    if (kind === 'directory' && !stats.isDirectory()) {
      throw new UsageError(
        `${flag} must be a directory or a path where one can be made, but ${path} is a file`,
        'train',
      );
    }
    if (kind === 'file' && stats.isDirectory()) {
      throw new UsageError(`${flag} must be a file, but ${path} is a directory`, 'train');
    }
    if (!(await writable(path, kind === 'directory'))) {
      throw new UsageError(`${flag} must be writable, but ${path} is not`, 'train');
    }
    return;
  }
  if (!stats.isDirectory()) {
    throw new UsageError(
      `${flag} must be a path that can be made, but ${existing.path} (in ${path}) is a file, not a directory`,
      'train',
    );
  }
  if (!(await writable(existing.path, true))) {
    throw new UsageError(
      `${flag} must be a path that can be made, but the directory ${existing.path} is not writable`,
      'train',
    );
  }
}

/**
 * Checks `seq-echo train`'s output paths before training, so that a run never ends with a
 * model it cannot save: `save` must be an existing writable directory or a path where one
 * can be made; `curve` an existing writable file or a path where one can be made; and the
 * curve must not be the save directory, lie above it, or be (or lie inside) one of the files
 * saved there ({@link SAVED_FILES}), which it would overwrite or block.
 *
 * @param save - The absolute `--save` directory, or `undefined`.
 * @param curve - The absolute `--curve` file, or `undefined`.
 * @throws UsageError (exit code 2) naming the flag and the path, for any of these.
 *
 * @example
 * ```ts
 * await checkOutputPaths('/tmp/model', '/tmp/model/learning-curve.svg'); // fine
 * await checkOutputPaths('/tmp/model', '/tmp/model/model.json'); // UsageError
 * ```
 */
export async function checkOutputPaths(
  save: string | undefined,
  curve: string | undefined,
): Promise<void> {
  if (save !== undefined) await checkWritable('--save', save, 'directory');
  if (curve !== undefined) await checkWritable('--curve', curve, 'file');
  if (save === undefined || curve === undefined) return;
  const [saveDir, curveFile] = await Promise.all([canonical(save), canonical(curve)]);
  if (within(saveDir, curveFile)) {
    throw new UsageError(
      `--curve must not be the --save directory or one of its parents, but received ${curve}`,
      'train',
    );
  }
  // Case-insensitively: on macOS and Windows, Model.JSON is model.json.
  const lower = curveFile.toLowerCase();
  const clash = SAVED_FILES.find((file) => within(lower, join(saveDir, file).toLowerCase()));
  if (clash !== undefined) {
    const overwrites = lower === join(saveDir, clash).toLowerCase();
    throw new UsageError(
      `--curve must not be a file that --save writes (${SAVED_FILES.join(', ')} in ${save}), ` +
        `but received ${curve}, which would ${overwrites ? 'overwrite' : 'be inside'} ${clash}`,
      'train',
    );
  }
}
