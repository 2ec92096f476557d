import * as tf from '@tensorflow/tfjs';

/**
 * Registers a tfjs save and load router for URLs starting with `scheme` that keeps the saved
 * artifacts in memory, and returns that store (by URL), so tests can save through a tfjs URL
 * and read what was written.
 */
export function registerMemoryRouter(scheme: string): Map<string, tf.io.ModelArtifacts> {
  const store = new Map<string, tf.io.ModelArtifacts>();
  const route = (url: string | string[]): tf.io.IOHandler | null => {
    const key = Array.isArray(url) ? url[0] : url;
    if (key === undefined || !key.startsWith(scheme)) return null;
    return {
      save: (artifacts) => {
        store.set(key, artifacts);
        return Promise.resolve({
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
        });
      },
      load: () => {
        const artifacts = store.get(key);
        return artifacts
          ? Promise.resolve(artifacts)
          : Promise.reject(new Error(`nothing at ${key}`));
      },
    };
  };
  // tfjs's routers return null for URLs they do not take; its typings say IOHandler.
  const router = route as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
  return store;
}
