import * as tf from '@tensorflow/tfjs';
import { errorText } from './nodeIo';

const BROWSER_ONLY = ['indexeddb', 'localstorage', 'downloads'];
/** Schemes tfjs can only save to. */
const SAVE_ONLY = ['downloads'];

/**
 * tfjs's own IO handler for a URL (`indexeddb://`, `localstorage://`, `downloads://`,
 * `http(s)://`, or any scheme registered with `tf.io.registerSaveRouter` /
 * `registerLoadRouter`). Throws a `RangeError` naming `fn` and `param` when no handler, or
 * more than one, accepts it here.
 */
export function urlHandler(
  fn: string,
  param: string,
  url: string,
  purpose: 'save' | 'load',
): tf.io.IOHandler {
  const handlers = purpose === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  const handler = handlers[0];
  if (handler !== undefined && handlers.length === 1) return handler;
  const scheme = /^([^:]*):/.exec(url)?.[1]?.toLowerCase() ?? '';
  const why =
    handlers.length > 1
      ? `${handlers.length} TensorFlow.js IO handlers accept it`
      : purpose === 'load' && SAVE_ONLY.includes(scheme)
        ? `TensorFlow.js can only save to ${scheme}://, not load from it (load the downloaded files with tf.io.browserFiles, or from a URL)`
        : `no TensorFlow.js IO handler ${purpose === 'save' ? 'saves to' : 'loads from'} ${scheme}:// here${
            BROWSER_ONLY.includes(scheme) ? ' (it needs a browser)' : ''
          }`;
  throw new RangeError(
    `${fn}: ${param} must be a directory path, a file:// URL, or a URL that one TensorFlow.js IO handler ${
      purpose === 'save' ? 'saves to' : 'loads from'
    } (indexeddb://, localstorage://, downloads://, http(s)://), but received ${JSON.stringify(url)}: ${why}`,
  );
}

/** Rethrows errors that already name `fn`; wraps any other as an `Error` naming the target. */
export function rethrowNamed(fn: string, verb: string, where: string, error: unknown): never {
  if (error instanceof Error && error.message.startsWith(`${fn}: `)) throw error;
  throw new Error(`${fn}: could not ${verb} ${where}: ${errorText(error)}`, { cause: error });
}
