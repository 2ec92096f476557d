import * as tf from '@tensorflow/tfjs';
import { showValue } from '../internal/assert';

/** A tfjs backend name, or `'auto'` for the fastest one available. */
export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'webgl' | 'webgpu' | (string & {});

/** The optional package that provides the `wasm` backend. */
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** Whether a backend of that name is registered (its package imported). */
const isRegistered = (name: string): boolean => name in tf.engine().registryFactory;

/**
 * Registers the wasm backend by importing its package, unless it is registered already. The
 * specifier is held in a variable so bundlers do not try to resolve the optional package; in
 * a bundled browser app, import `'@tensorflow/tfjs-backend-wasm'` yourself before calling
 * {@link selectBackend}.
 */
async function loadWasm(): Promise<boolean> {
  if (isRegistered('wasm')) return true;
  try {
    const specifier = WASM_PACKAGE;
    await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
  } catch {
    return false;
  }
  return isRegistered('wasm');
}

/**
 * Switches TensorFlow.js to a backend and waits until it is ready. seq-echo never changes the
 * backend on its own (not on import, not while training): this is the explicit call to make,
 * once, before building models.
 *
 * - `'wasm'`: the WebAssembly backend from the optional package
 *   `@tensorflow/tfjs-backend-wasm` (install it next to `@tensorflow/tfjs`). It is imported on
 *   demand in Node; in a bundled browser app, import the package yourself first. On this
 *   project's 2-core machine it runs `model.fit` on the walkthrough's models about 2.5x (model A)
 *   to 5.5x (model B) faster than `'cpu'` (see the README's performance section and
 *   `npm run bench`). `trainEcho`'s fused engine does not use the backend at all.
 * - `'auto'`: `'wasm'` when its package is available, otherwise tfjs's own default (`'cpu'` in
 *   Node without `@tensorflow/tfjs-node`, `'webgl'` in most browsers).
 * - any other name (`'cpu'`, `'webgl'`, `'webgpu'`, `'tensorflow'`, …): that backend, which
 *   must be registered (that is, its package imported).
 *
 * @param choice - Which backend. Default `'auto'`.
 * @returns The name of the backend now in use.
 * @throws TypeError when `choice` is not a string; RangeError when that backend is not
 *   registered (or, for `'wasm'`, its package is not installed) or fails to initialise. The
 *   backend in use is then left as it was.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { selectBackend } from 'seq-echo';
 *
 * const previous = tf.getBackend();
 * console.log(await selectBackend('cpu')); // cpu
 * await selectBackend(previous);
 * ```
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<string> {
  const fn = 'selectBackend';
  if (typeof choice !== 'string' || choice === '') {
    throw new TypeError(
      `${fn}: choice must be 'auto' or a backend name such as 'wasm' or 'cpu', but received ${showValue(choice)}`,
    );
  }
  let name: string = choice;
  if (choice === 'auto') {
    if (await loadWasm()) name = 'wasm';
    else {
      await tf.ready();
      return tf.getBackend();
    }
  } else if (choice === 'wasm' && !(await loadWasm())) {
    throw new RangeError(
      `${fn}: choice 'wasm' needs the optional package ${WASM_PACKAGE} (npm install ${WASM_PACKAGE}), but it could not be loaded`,
    );
  }
  if (!isRegistered(name)) {
    const registered = Object.keys(tf.engine().registryFactory).join(', ');
    throw new RangeError(
      `${fn}: choice must be 'auto' or a registered backend (${registered}), but received ${showValue(choice)}`,
    );
  }
  if (!(await tf.setBackend(name))) {
    throw new RangeError(`${fn}: the ${showValue(name)} backend failed to initialise`);
  }
  await tf.ready();
  return tf.getBackend();
}
