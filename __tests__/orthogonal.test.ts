import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../src/data/random';
import { fastOrthogonal, orthogonalMatrix } from '../src/models/orthogonal';

/** Max |(A A^T - I)| over a rows x cols matrix with orthonormal rows. */
function rowGramError(a: Float32Array, rows: number, cols: number): number {
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += a[i * cols + k]! * a[j * cols + k]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

describe('orthogonal initialisation (internal)', () => {
  it('gives orthonormal rows for wide matrices and orthonormal columns for tall ones', () => {
    const wide = orthogonalMatrix(20, 80, 1, mulberry32(1));
    expect(rowGramError(wide, 20, 80)).toBeLessThan(1e-5);
    const tall = orthogonalMatrix(30, 7, 1, mulberry32(2));
    expect(rowGramError(transpose(tall, 30, 7), 7, 30)).toBeLessThan(1e-5);
    const square = orthogonalMatrix(16, 16, 1, mulberry32(3));
    expect(rowGramError(square, 16, 16)).toBeLessThan(1e-5);
  });

  it('is reproducible for a seed and serialises as the standard Orthogonal initializer', () => {
    const a = fastOrthogonal(5);
    const b = fastOrthogonal(5);
    const ta = a.apply([4, 16]);
    const tb = b.apply([4, 16]);
    expect(Array.from(ta.dataSync())).toEqual(Array.from(tb.dataSync()));
    expect(a.getClassName()).toBe('Orthogonal');
    expect(a.getConfig()).toEqual({ gain: 1, seed: 5 });
    tf.dispose([ta, tb]);
  });

  it('gives the LSTM recurrent kernel orthonormal rows', () => {
    const layer = tf.layers.lstm({
      units: 6,
      recurrentInitializer: fastOrthogonal(3),
      inputShape: [2, 3],
    });
    const model = tf.sequential({ layers: [layer] });
    const recurrent = model.getWeights()[1]!;
    expect(recurrent.shape).toEqual([6, 24]);
    expect(rowGramError(recurrent.dataSync() as Float32Array, 6, 24)).toBeLessThan(1e-5);
    model.dispose();
  });
});
