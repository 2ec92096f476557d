import * as tf from '@tensorflow/tfjs';
import { showValue } from '../internal/assert';
import { assertNotTraining } from '../internal/modelLock';
import { forgetFusedRunner } from './fused/trainer';
import { forgetFusedTrainer } from './trainEcho';
import { isLayersModel } from '../models/echoShape';

/** Models {@link disposeEchoModel} has disposed: a second call does nothing. */
const disposedModels = new WeakSet<tf.LayersModel>();

/** The parts of a tfjs layer that can hold tensors outside its weights. */
interface LayerInternals {
  /** A recurrent layer's current state (stateful layers keep it between calls). */
  states_?: unknown;
  /** Old states a stateful recurrent layer keeps during training. */
  keptStates?: unknown;
  /** A recurrent layer's cell, which may keep dropout masks. */
  cell?: { dropoutMask?: unknown; recurrentDropoutMask?: unknown };
  /** The layer a wrapper (`TimeDistributed`, `Bidirectional`) wraps. */
  layer?: unknown;
  forwardLayer?: unknown;
  backwardLayer?: unknown;
  /** The layers of a nested model. */
  layers?: unknown;
}

/** Every tensor in `value` (a tensor or nested arrays of them). */
function tensorsIn(value: unknown, into: tf.Tensor[]): void {
  if (value instanceof tf.Tensor) into.push(value as tf.Tensor);
  else if (Array.isArray(value)) for (const item of value) tensorsIn(item, into);
}

/**
 * Collects the tensors `layer` (and the layers it wraps or contains) holds outside its weights,
 * and forgets them, so the layer does not point at freed tensors.
 */
function takeLayerTensors(layer: unknown, into: tf.Tensor[], seen: Set<unknown>): void {
  if (typeof layer !== 'object' || layer === null || seen.has(layer)) return;
  seen.add(layer);
  const l = layer as LayerInternals;
  if (l.states_ != null) {
    tensorsIn(l.states_, into);
    l.states_ = null;
  }
  if (Array.isArray(l.keptStates) && l.keptStates.length > 0) {
    tensorsIn(l.keptStates, into);
    l.keptStates = [];
  }
  if (l.cell) {
    tensorsIn(l.cell.dropoutMask, into);
    tensorsIn(l.cell.recurrentDropoutMask, into);
    if (l.cell.dropoutMask != null) l.cell.dropoutMask = null;
    if (l.cell.recurrentDropoutMask != null) l.cell.recurrentDropoutMask = null;
  }
  for (const inner of [l.layer, l.forwardLayer, l.backwardLayer])
    takeLayerTensors(inner, into, seen);
  if (Array.isArray(l.layers)) for (const inner of l.layers) takeLayerTensors(inner, into, seen);
}

/**
 * Frees everything a model holds: its weights (as `model.dispose()` does), its stateful
 * LSTMs' state tensors and its optimizer's state (which `model.dispose()` leaves: 2 tensors
 * for model A, 4 for model B, plus Adam's moments once trained), and the fused engine's copy
 * of its weights and Adam moments that {@link trainEcho} keeps per model. Use it instead of
 * `model.dispose()` for any model from seq-echo's factories or {@link loadEchoModel}.
 *
 * The optimizer is disposed unless tfjs owns it (a model compiled with an optimizer's name,
 * which `model.dispose()` frees itself): seq-echo's factories give every model its own, so do
 * not share one optimizer between models you dispose separately. The model cannot be used
 * afterwards; calling it again does nothing. On a model whose `model.dispose()` already ran it
 * frees what that left behind.
 *
 * @param model - A `tf.LayersModel`, not being trained.
 * @throws TypeError for anything but a `tf.LayersModel`; RangeError for a model that
 *   {@link trainEcho} is training (dispose it after that call's promise settles).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { buildSeq2Seq, disposeEchoModel, trainEcho } from 'seq-echo';
 *
 * const before = tf.memory().numTensors;
 * const model = buildSeq2Seq({ nUnique: 10, units: 8, seed: 1 });
 * await trainEcho(model, { epochs: 1, seed: 2 });
 * disposeEchoModel(model);
 * console.log(tf.memory().numTensors - before); // 0
 * ```
 */
export function disposeEchoModel(model: tf.LayersModel): void {
  const fn = 'disposeEchoModel';
  if (!isLayersModel(model)) {
    throw new TypeError(`${fn}: model must be a tf.LayersModel, but received ${showValue(model)}`);
  }
  assertNotTraining(fn, 'model', model, true);
  if (disposedModels.has(model)) return;
  disposedModels.add(model);
  forgetFusedTrainer(model);
  forgetFusedRunner(model);
  const held: tf.Tensor[] = [];
  takeLayerTensors(model, held, new Set());
  const internals = model as unknown as {
    optimizer_?: tf.Optimizer | null;
    isOptimizerOwned?: boolean;
    _refCount?: number;
  };
  const optimizer = internals.optimizer_ ?? null;
  // tfjs frees an optimizer it owns when the model's last reference goes.
  const ownOptimizer = optimizer !== null && internals.isOptimizerOwned !== true;
  // A model whose dispose() already ran has a reference count of 0: only its leftovers remain.
  if (internals._refCount !== 0) model.dispose();
  if (ownOptimizer) optimizer.dispose();
  tf.dispose(held.filter((t) => !t.isDisposed));
}
