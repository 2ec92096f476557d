/**
 * One vocabulary of checks: for every enumerated option of every public function, a value of
 * the wrong kind is a TypeError and a string that is not allowed is a RangeError, and both
 * name the function, the option and the value. No tensor is left behind by a refusal.
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  frameTeacherForcing,
  toSupervised,
} from '../src/index';

type Call = (bad: unknown) => unknown;

/** Each function with an enumerated option: its name, the option, and a call that passes it. */
const cases: { fn: string; option: string; call: Call }[] = [
  ...(
    [
      ['buildSeq2Seq', buildSeq2Seq],
      ['buildEncoderDecoder', buildEncoderDecoder],
      ['buildOneToOne', buildOneToOne],
      ['buildManyToOne', buildManyToOne],
      ['buildAttention', buildAttention],
    ] as const
  ).flatMap(([fn, build]) => [
    { fn, option: 'options.task', call: (bad: unknown) => build({ task: bad } as object) },
    {
      fn,
      option: 'options.recurrentActivation',
      call: (bad: unknown) => build({ recurrentActivation: bad } as object),
    },
  ]),
  {
    fn: 'buildAttention',
    option: 'options.encoder',
    call: (bad) => buildAttention({ encoder: bad } as object),
  },
  {
    fn: 'buildTeacherForcing',
    option: 'options.task',
    call: (bad) => buildTeacherForcing({ maxLength: 3, nUnique: 4, task: bad } as never),
  },
  {
    fn: 'buildTeacherForcing',
    option: 'options.recurrentActivation',
    call: (bad) =>
      buildTeacherForcing({ maxLength: 3, nUnique: 4, recurrentActivation: bad } as never),
  },
  {
    fn: 'toSupervised',
    option: 'options.task',
    call: (bad) => toSupervised([[1, 0]], 1, 1, { task: bad } as object),
  },
  {
    fn: 'frameTeacherForcing',
    option: 'options.task',
    call: (bad) => frameTeacherForcing([1, 2], { nUnique: 4, task: bad } as never),
  },
];

describe.each(cases)('$fn $option', ({ fn, option, call }) => {
  it.each([1, null, true, ['echo']])('is a TypeError for a non-string (%p)', (bad) => {
    const before = tf.memory().numTensors;
    expect(() => call(bad)).toThrow(TypeError);
    expect(() => call(bad)).toThrow(`${fn}: ${option} must be `);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is a RangeError for a string that is not allowed, quoting it', () => {
    const before = tf.memory().numTensors;
    expect(() => call('sideways')).toThrow(RangeError);
    expect(() => call('sideways')).toThrow(
      new RegExp(`^${fn}: ${option.replace('.', '\\.')} must be '.+', but received "sideways"$`),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
