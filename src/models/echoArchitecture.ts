import type * as tf from '@tensorflow/tfjs';

/**
 * Which layer stack a saved model has: `'seq2seq'` and `'encoderDecoder'` are built like
 * `buildSeq2Seq` and `buildEncoderDecoder`; `'other'` is any other model that fits an echo
 * task (the fused engine trains every one of them).
 */
export type EchoArchitecture = 'seq2seq' | 'encoderDecoder' | 'other';

type Config = Record<string, unknown>;

/**
 * `'seq2seq'` for `buildSeq2Seq`'s stack (an LSTM returning sequences, then a softmax
 * `TimeDistributed(Dense)`), `'encoderDecoder'` for `buildEncoderDecoder`'s (LSTM,
 * RepeatVector, LSTM of the same units, the same head), `'other'` for anything else, including
 * their linear and masking variants. Saved with a model as its metadata's `architecture`.
 */
export function echoArchitecture(model: tf.LayersModel): EchoArchitecture {
  const names = model.layers.map((l) => l.getClassName()).join();
  const configs = model.layers.map((l) => l.getConfig() as Config);
  const head = (configs[configs.length - 1]?.layer ?? {}) as { config?: Config };
  if (head.config?.activation !== 'softmax') return 'other';
  if (names === 'LSTM,TimeDistributed' && configs[0]!.returnSequences === true) return 'seq2seq';
  if (
    names === 'LSTM,RepeatVector,LSTM,TimeDistributed' &&
    configs[0]!.returnSequences !== true &&
    configs[2]!.returnSequences === true &&
    configs[0]!.units === configs[2]!.units
  ) {
    return 'encoderDecoder';
  }
  return 'other';
}
