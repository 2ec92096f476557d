/** Softmax of every row of `width` values, in place, as tfjs computes it in float32. */
export function softmaxRows(data: Float32Array, width: number): void {
  for (let o = 0; o < data.length; o += width) {
    let max = -Infinity;
    for (let j = 0; j < width; j++) if (data[o + j]! > max) max = data[o + j]!;
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp(data[o + j]! - max);
      data[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < width; j++) data[o + j] = data[o + j]! / sum;
  }
}

/** `grad := y ⊙ (grad - Σ grad·y)` per row: from the softmax's output to its input. */
export function softmaxBackwardRows(y: Float32Array, grad: Float32Array, width: number): void {
  for (let o = 0; o < y.length; o += width) {
    let dot = 0;
    for (let j = 0; j < width; j++) dot += grad[o + j]! * y[o + j]!;
    for (let j = 0; j < width; j++) grad[o + j] = y[o + j]! * (grad[o + j]! - dot);
  }
}
