import * as tf from '@tensorflow/tfjs';

/** The LSTM states of every stateful layer, as plain numbers. */
export function lstmStates(model: tf.LayersModel): number[][] {
  return model.layers
    .filter((layer) => (layer as { stateful?: boolean }).stateful === true)
    .flatMap((layer) => (layer as unknown as { states: tf.Tensor[] }).states)
    .map((state) => Array.from(state.dataSync()));
}

/** Asserts that every LSTM state of a stateful model is back at zero (freshly reset). */
export function expectStateReset(model: tf.LayersModel): void {
  const states = lstmStates(model);
  expect(states.length).toBeGreaterThan(0);
  expect(states.flat().every((v) => v === 0)).toBe(true);
}

/** Every weight of a model, as plain numbers. */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/**
 * A stateless model that echoes perfectly, without training: a softmax over scaled one-hot
 * inputs, with the time axis mixed by a fixed selection matrix. `pick[j]` is the input step
 * that output step `j` copies; `shift` adds to every predicted id (mod nUnique), so a
 * non-zero shift makes every prediction wrong.
 */
export function fixedEchoModel(
  nIn: number,
  nUnique: number,
  pick: number[],
  shift = 0,
): tf.LayersModel {
  const nOut = pick.length;
  const select = tf.buffer([nIn, nOut]);
  pick.forEach((step, j) => {
    select.set(1, step, j);
  });
  const relabel = tf.buffer([nUnique, nUnique]);
  for (let v = 0; v < nUnique; v++) relabel.set(20, v, (v + shift) % nUnique);
  const model = tf.sequential({
    layers: [
      tf.layers.permute({ dims: [2, 1], inputShape: [nIn, nUnique] }),
      tf.layers.dense({ units: nOut, useBias: false, weights: [select.toTensor()] }),
      tf.layers.permute({ dims: [2, 1] }),
      tf.layers.dense({
        units: nUnique,
        useBias: false,
        activation: 'softmax',
        weights: [relabel.toTensor()],
      }),
    ],
  });
  return model;
}

/** Model outputs on a fixed random batch, as plain numbers (state reset before and after). */
export function outputs(model: tf.LayersModel): number[] {
  const shape = model.inputs[0]!.shape.map((d) => d ?? 4);
  const X = tf.randomUniform(shape, 0, 1, 'float32', 7);
  model.resetStates();
  const y = model.predict(X) as tf.Tensor;
  const values = Array.from(y.dataSync());
  model.resetStates();
  tf.dispose([X, y]);
  return values;
}

/** Disposes a model completely: its LSTM states (tfjs keeps them), weights and optimizer. */
export function disposeAll(model: tf.LayersModel): void {
  const states = model.layers
    .filter((layer) => (layer as { stateful?: boolean }).stateful === true)
    .flatMap((layer) => (layer as unknown as { states: (tf.Tensor | null)[] }).states)
    .filter((state): state is tf.Tensor => state !== null);
  tf.dispose(states);
  model.dispose();
  model.optimizer.dispose();
}
