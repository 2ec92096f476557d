// Apart from layers.ts so that the fused engine's workers can use it without loading tfjs.

/**
 * Sinusoidal features of positions `0 .. steps - 1`: for `dim / 2` frequencies `w_k`, from
 * 1 radian per step down to `1 / maxWavelength`, geometrically spaced, the pair
 * `sin(w_k p), cos(w_k p)`. Any shift or reflection of positions (`p -> c - p`) is a linear map
 * of these features, so a dense layer can turn "output step j" into "input step nIn - 1 - j".
 */
export function sinusoids(steps: number, dim: number, maxWavelength: number): Float32Array {
  const half = dim / 2;
  const values = new Float32Array(steps * dim);
  for (let k = 0; k < half; k++) {
    const frequency = half === 1 ? 1 : Math.pow(maxWavelength, -k / (half - 1));
    for (let p = 0; p < steps; p++) {
      values[p * dim + 2 * k] = Math.sin(frequency * p);
      values[p * dim + 2 * k + 1] = Math.cos(frequency * p);
    }
  }
  return values;
}
