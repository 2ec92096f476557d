import { showValue } from '../internal/assert';
import { errorText, loadNodeIo, type NodeIo } from './nodeIo';

/** Where a model is saved or loaded: a directory (Node), or a URL for tfjs's own IO handlers. */
export type Location =
  { kind: 'directory'; path: string; io: NodeIo } | { kind: 'url'; url: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

const EXPECTED =
  "a directory path, a file:// URL, or a TensorFlow.js URL such as 'indexeddb://my-model'";

/** The URL text of a destination or source, checked to be a non-empty string or a `URL`. */
export function locationText(fn: string, param: string, value: unknown): string {
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== 'string' || text === '') {
    throw new TypeError(`${fn}: ${param} must be ${EXPECTED}, but received ${showValue(value)}`);
  }
  return text;
}

/**
 * Resolves a checked location text: `file://` URLs and plain paths are directories, read and
 * written with Node's file system (an absolute path is returned); any other `scheme://` is
 * left to tfjs's IO handlers. Throws a `RangeError` for a directory where Node's file system
 * is not available (a browser).
 */
export async function resolveLocation(fn: string, param: string, text: string): Promise<Location> {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') return { kind: 'url', url: text };
  const io = await loadNodeIo();
  if (io === undefined) {
    throw new RangeError(
      `${fn}: ${param} ${showValue(text)} is a directory, which needs Node.js's file system (node:fs/promises could not be loaded here); in a browser, pass a TensorFlow.js URL such as 'indexeddb://my-model', 'localstorage://my-model', 'downloads://my-model' or an http(s):// URL`,
    );
  }
  let path = text;
  if (scheme === 'file') {
    try {
      path = io.url.fileURLToPath(text);
    } catch (error) {
      throw new TypeError(
        `${fn}: ${param} must be ${EXPECTED}, but received ${showValue(text)}, not a valid file:// URL here (${errorText(error)})`,
      );
    }
  }
  return { kind: 'directory', path: io.path.resolve(path), io };
}
