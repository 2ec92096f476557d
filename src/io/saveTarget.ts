import type * as tf from '@tensorflow/tfjs';
import { assertBoolean, assertKnownKeys, assertOptions, optionKeys } from '../internal/assert';
import { directoryHandler } from './directoryHandler';
import { locationText, resolveLocation } from './location';
import type { SaveEchoModelOptions } from './saveEchoModel';
import { urlHandler } from './urlHandler';

/** Every key of {@link SaveEchoModelOptions}, which both save functions take. */
const SAVE_KEYS = optionKeys<SaveEchoModelOptions>()(['overwrite']);

/** Checks a save function's options and returns `overwrite`. */
export function checkSaveOptions(fn: string, options: unknown): boolean {
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, SAVE_KEYS);
  const overwrite = (options as SaveEchoModelOptions | undefined)?.overwrite ?? false;
  assertBoolean(fn, 'options.overwrite', overwrite);
  return overwrite;
}

/**
 * Where a save goes: the handler that writes it (a directory, atomically, or a tfjs URL) and
 * the location to report and to name in errors.
 */
export async function openSaveTarget(
  fn: string,
  destination: unknown,
  overwrite: boolean,
): Promise<{ target: tf.io.IOHandler; where: string }> {
  const text = locationText(fn, 'destination', destination);
  const location = await resolveLocation(fn, 'destination', text);
  return location.kind === 'directory'
    ? {
        target: directoryHandler(fn, location.path, location.io, { overwrite }),
        where: location.path,
      }
    : { target: urlHandler(fn, 'destination', location.url, 'save'), where: location.url };
}
