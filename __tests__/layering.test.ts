/**
 * The library's layers import downward only (README, architecture): `data` imports nothing
 * of the library's and no tfjs (at run time); `internal` imports only `internal`; `tensors`, `models` and
 * `io` never import `training` (the fused engine's recognition lives in `models`, its
 * execution in `training`); nothing imports `cli`.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SRC, sourceFiles } from './helpers/sourceFiles';

/** The top-level folder of `src` each relative import of a file lands in. */
function importedLayers(file: string): { layer: string; spec: string }[] {
  const text = readFileSync(file, 'utf8');
  // Type-only imports vanish at run time (data/ may name tfjs's Tensor type).
  const specs = [...text.matchAll(/^\s*(?:import(?! type)|export)[^'"]*from\s+'([^']+)'/gm)].map(
    (m) => m[1]!,
  );
  return specs.map((spec) => {
    if (!spec.startsWith('.')) return { layer: spec, spec };
    const target = relative(SRC, join(file, '..', spec));
    return { layer: target.includes('/') ? target.split('/')[0]! : '(root)', spec };
  });
}

const FORBIDDEN: Record<string, (layer: string) => boolean> = {
  data: (layer) => !['data', 'internal'].includes(layer) && !layer.startsWith('node:'),
  internal: (layer) => layer !== 'internal' && !layer.startsWith('node:'),
  tensors: (layer) => ['training', 'io', 'cli', 'models', 'backend'].includes(layer),
  models: (layer) => ['training', 'io', 'cli', 'backend'].includes(layer),
  io: (layer) => ['training', 'cli'].includes(layer),
  training: (layer) => ['io', 'cli'].includes(layer),
};

describe('imports point downward only', () => {
  const all = sourceFiles();
  it('finds the source files', () => {
    expect(all.length).toBeGreaterThan(40);
  });
  it.each(Object.keys(FORBIDDEN))('%s/ imports nothing above it', (layer) => {
    const offending = all
      .filter((file) => relative(SRC, file).startsWith(`${layer}/`))
      .flatMap((file) =>
        importedLayers(file)
          .filter(({ layer: target }) => FORBIDDEN[layer]!(target))
          .map(({ spec }) => `${relative(SRC, file)} imports ${spec}`),
      );
    expect(offending).toEqual([]);
  });
  it('nothing outside cli/ imports cli/', () => {
    const offending = all
      .filter((file) => !relative(SRC, file).startsWith('cli/'))
      .flatMap((file) => importedLayers(file).filter(({ layer }) => layer === 'cli'));
    expect(offending).toEqual([]);
  });
});
