/**
 * Gradient clipping on the tfjs engine: the model's optimizer wrapped for a run so that
 * `model.fit` updates with clipped gradients (see clipping.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Clipping } from './clipping';

/** A named gradient, as tfjs's optimizers also take them (`NamedTensor`, not exported). */
interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

/** tfjs's optimizers' update, as the wrapper below calls it. */
type ApplyGradients = (gradients: tf.NamedTensorMap | NamedGradient[]) => void;

/**
 * Makes `model.fit` clip: wraps the model's optimizer's `applyGradients` so that it receives
 * the clipped gradients (their tensors disposed after the update). Returns the function that
 * puts the optimizer back as it was.
 */
export function clipOptimizer(model: tf.LayersModel, clip: Clipping | undefined): () => void {
  if (!clip) return () => undefined;
  const optimizer = model.optimizer as unknown as { applyGradients: ApplyGradients };
  const own = Object.prototype.hasOwnProperty.call(optimizer, 'applyGradients');
  const original = optimizer.applyGradients;
  optimizer.applyGradients = (gradients) => {
    const clipped = tf.tidy(() => {
      const one = (g: tf.Tensor): tf.Tensor => {
        let out = g;
        if (clip.norm !== undefined) {
          const length = tf.norm(out);
          out = tf.mul(out, tf.div(clip.norm, tf.maximum(length, clip.norm)));
        }
        if (clip.value !== undefined) out = tf.clipByValue(out, -clip.value, clip.value);
        return out;
      };
      return Array.isArray(gradients)
        ? gradients.map(({ name, tensor }) => ({ name, tensor: one(tensor) }))
        : Object.fromEntries(Object.entries(gradients).map(([name, g]) => [name, one(g)]));
    });
    try {
      original.call(optimizer, clipped);
    } finally {
      tf.dispose(Array.isArray(clipped) ? clipped.map((g) => g.tensor) : Object.values(clipped));
    }
  };
  return () => {
    if (own) optimizer.applyGradients = original;
    else delete (optimizer as Partial<typeof optimizer>).applyGradients;
  };
}
