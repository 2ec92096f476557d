describe('importing seq-echo', () => {
  it('changes no tfjs global state: backend, flags and registered backends stay as they were', async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.ready();
    const backend = tf.getBackend();
    const flags = { ...tf.env().getFlags() };
    const registry = Object.keys(tf.engine().registryFactory).sort();
    const lib = await import('../src');
    expect(typeof lib.trainEcho).toBe('function');
    expect(tf.getBackend()).toBe(backend);
    expect(tf.env().getFlags()).toEqual(flags);
    expect(Object.keys(tf.engine().registryFactory).sort()).toEqual(registry);
  });
});
