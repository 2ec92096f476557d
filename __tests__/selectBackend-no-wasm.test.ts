import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src';
import { expectRejection } from './helpers/errors';

// This file's module registry has no wasm package: as in an app that did not install it.
jest.mock('@tensorflow/tfjs-backend-wasm', () => {
  throw new Error("Cannot find module '@tensorflow/tfjs-backend-wasm'");
});

describe('selectBackend without the optional wasm package', () => {
  it("explains how to install it when asked for 'wasm'", async () => {
    await tf.ready();
    const before = tf.getBackend();
    await expectRejection(
      () => selectBackend('wasm'),
      RangeError,
      'selectBackend',
      'npm install @tensorflow/tfjs-backend-wasm',
    );
    expect(tf.getBackend()).toBe(before);
  });

  it("falls back to tfjs's own default for 'auto'", async () => {
    expect(await selectBackend('auto')).toBe('cpu');
    expect(tf.findBackendFactory('wasm')).toBeNull();
  });
});
