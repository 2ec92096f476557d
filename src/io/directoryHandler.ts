import type * as tf from '@tensorflow/tfjs';
import { ECHO_MODEL, loadDirectory, type SavedKind } from './loadDirectory';
import type { NodeIo } from './nodeIo';
import { saveDirectory } from './saveDirectory';

export { METADATA_FILE, MODEL_FILE, WEIGHTS_FILE } from './fileAccess';

/** How {@link directoryHandler}'s `save` treats a directory that is not a seq-echo model. */
export interface DirectorySaveOptions {
  /** Replace model.json, weights.bin and seq-echo.json even in a foreign directory. */
  overwrite: boolean;
}

/**
 * A tfjs IO handler for a directory in Node: `save` writes model.json, weights.bin and
 * seq-echo.json so that the directory loads as the old model or the new one whatever fails
 * (see `saveDirectory.ts`); `load` reads them back, checking each file before reading it (see
 * `loadDirectory.ts`). Errors name `fn` and the file. `directory` is absolute; for `load` it
 * may also be the path of a model.json; `kind` says what `load` expects (an echo model unless
 * told).
 */
export function directoryHandler(
  fn: string,
  directory: string,
  io: NodeIo,
  options: DirectorySaveOptions = { overwrite: false },
  kind: SavedKind = ECHO_MODEL,
): tf.io.IOHandler {
  return {
    save: (artifacts) => saveDirectory(fn, directory, io, artifacts, options.overwrite),
    load: () => loadDirectory(fn, directory, io, kind),
  };
}
