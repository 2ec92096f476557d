import type { EchoShape } from '../../models/echoShape';
import type { FusedData } from './trainer';

/**
 * Windows of ids as the fused engine's rows: one-hot ids as they are (`-1`, padding, is an
 * all-zero row), or for the linear representation the scaled values `id / (nUnique - 1)`.
 */
export function echoData(
  shape: Pick<EchoShape, 'representation' | 'nUnique'>,
  X: readonly (readonly number[])[],
  y?: readonly (readonly number[])[],
): FusedData {
  const linear = shape.representation === 'linear';
  const scale = shape.nUnique - 1;
  const encode = (windows: readonly (readonly number[])[]) =>
    linear
      ? { kind: 'values' as const, values: Float32Array.from(windows.flat(), (id) => id / scale) }
      : { kind: 'ids' as const, ids: Int32Array.from(windows.flat()), width: shape.nUnique };
  return { rows: X.length, feeds: [encode(X)], target: y && encode(y) };
}
