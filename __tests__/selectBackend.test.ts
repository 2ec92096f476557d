import * as tf from '@tensorflow/tfjs';
import { buildSeq2Seq, selectBackend, trainEcho } from '../src';
import { expectRejection } from './helpers/errors';

describe('selectBackend', () => {
  let original = 'cpu';
  beforeAll(async () => {
    await tf.ready();
    original = tf.getBackend();
  });
  afterEach(async () => {
    await tf.setBackend(original);
  });

  it('switches to the named backend and returns its name', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('loads the optional wasm package on demand, and models train on it', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const model = buildSeq2Seq({ seed: 1, nUnique: 10, units: 4 });
    // The fused engine computes with its own kernels and never touches a tfjs backend, so
    // training on wasm means the tfjs engine: model.fit, whose every op makes its output on the
    // wasm backend.
    const wasm = tf.findBackend('wasm') as unknown as { makeOutput: (...args: never[]) => unknown };
    const outputs = jest.spyOn(wasm, 'makeOutput');
    try {
      const result = await trainEcho(model, { epochs: 2, seed: 1, engine: 'tfjs' });
      expect(result.engine).toBe('tfjs');
      expect(result.history.loss).toHaveLength(2);
      expect(result.history.loss.every(Number.isFinite)).toBe(true);
      expect(outputs.mock.calls.length).toBeGreaterThan(100);
    } finally {
      outputs.mockRestore();
      model.dispose();
    }
  });

  it("picks wasm for 'auto' when it is installed (it is a devDependency here)", async () => {
    await tf.setBackend('cpu');
    expect(await selectBackend()).toBe('wasm');
  });

  it('rejects unknown names and wrong kinds, leaving the backend as it was', async () => {
    await tf.setBackend('cpu');
    await expectRejection(
      () => selectBackend('tpu'),
      RangeError,
      'selectBackend',
      'choice',
      '"tpu"',
    );
    await expectRejection(
      () => selectBackend(3 as unknown as string),
      TypeError,
      'selectBackend',
      'choice',
      '3',
    );
    expect(tf.getBackend()).toBe('cpu');
  });
});
