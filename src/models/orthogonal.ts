import * as tf from '@tensorflow/tfjs';
import { mulberry32, type RandomSource } from '../data/random';

type Initializer = ReturnType<typeof tf.initializers.orthogonal>;

/** Standard normal draws by Box–Muller from a uniform source. */
function gaussian(random: RandomSource): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

/**
 * A `rows x cols` matrix with orthonormal rows (when `rows <= cols`) or columns, drawn from the
 * Haar distribution: Gram–Schmidt on Gaussian vectors, which is QR with a positive diagonal, as
 * Keras's `Orthogonal` does. Plain `Float64Array` arithmetic: milliseconds for a 150 x 600
 * recurrent kernel, where tfjs's tensor QR on the `cpu` backend takes about a minute.
 */
export function orthogonalMatrix(
  rows: number,
  cols: number,
  gain: number,
  random: RandomSource,
): Float32Array {
  const k = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const normal = gaussian(random);
  const basis: Float64Array[] = [];
  while (basis.length < k) {
    const v = Float64Array.from({ length: n }, normal);
    // Modified Gram–Schmidt, twice for numerical orthogonality.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (v[i] as number) * (q[i] as number);
        for (let i = 0; i < n; i++) v[i] = (v[i] as number) - dot * (q[i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-8) continue; // a draw in the span of the others: draw again
    for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm;
    basis.push(v);
  }
  const out = new Float32Array(rows * cols);
  basis.forEach((q, j) => {
    for (let i = 0; i < n; i++) {
      // Vector j is row j when rows <= cols, else column j.
      out[rows <= cols ? j * cols + i : i * cols + j] = gain * (q[i] as number);
    }
  });
  return out;
}

/**
 * tfjs's own `Orthogonal` initializer, whose `apply` computes the same kind of matrix in plain
 * JavaScript instead of a tensor QR. It serialises exactly like the standard one
 * (`{ className: 'Orthogonal', config: { gain, seed } }`), so saved models load anywhere.
 */
export function fastOrthogonal(seed: number | undefined): Initializer {
  const initializer = tf.initializers.orthogonal(seed === undefined ? {} : { seed });
  const random = seed === undefined ? Math.random : mulberry32(seed);
  initializer.apply = (shape: number[], dtype?: tf.DataType): tf.Tensor => {
    const cols = shape[shape.length - 1] ?? 0;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (shape.length < 2 || (dtype !== undefined && dtype !== 'float32')) {
      throw new TypeError(
        `orthogonal initializer: expected a float32 shape of rank >= 2, but received [${shape.join(', ')}] ${String(dtype)}`,
      );
    }
    return tf.tensor(orthogonalMatrix(rows, cols, 1, random), shape, 'float32');
  };
  return initializer;
}
