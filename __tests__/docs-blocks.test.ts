import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { runExample } from './helpers/examples';

/**
 * The README's and the guide's code is part of the documentation, so it runs: every ```ts
 * block of README.md and docs/guide.md, as a user would paste it (`from 'seq-echo'` reads the
 * source), with `console.log(...); // value` lines as assertions (helpers/examples.ts).
 *
 * A block that is deliberately a fragment is marked with `<!-- not run: reason -->` on the
 * line before its fence, and is listed below, so that marking one is a visible change.
 */

const DOCS = ['README.md', 'docs/guide.md'] as const;

/** Blocks marked `<!-- not run: ... -->`, as `file: reason`. */
const NOT_RUN: string[] = [];

/**
 * Runtime overrides: the prose describes full training runs (the guide's model B trains for
 * 549 s), which the test shortens to keep the suite small. Each replaces text in exactly one
 * block, and only the number of epochs (or samples); what the blocks print about training
 * quality is not asserted in those blocks. The full runs are the examples' and the bench's.
 */
const OVERRIDES: { file: string; from: string; to: string }[] = [
  // Model B to 99% with the fast preset: about 300 epochs of LSTM(150). presets.test.ts trains it.
  {
    file: 'README.md',
    from: '{ ...presets.fastPartial.train, seed: 1 }',
    to: '{ ...presets.fastPartial.train, seed: 1, epochs: 3 }',
  },
  // The walkthrough's model B: 5000 epochs, 549 s.
  {
    file: 'docs/guide.md',
    from: 'epochs: 5000, seed: 2, verbose: true',
    to: 'epochs: 3, seed: 2, verbose: true',
  },
  // The loop by hand runs model.fit on the cpu backend.
  { file: 'docs/guide.md', from: 'epoch < 500;', to: 'epoch < 3;' },
  {
    file: 'docs/guide.md',
    from: 'const b = await trainEcho(partial, { ...presets.fastPartial.train, seed: 1 });',
    to: 'const b = await trainEcho(partial, { ...presets.fastPartial.train, seed: 1, epochs: 3 });',
  },
  // Section 9's extensions, each trained briefly.
  {
    file: 'docs/guide.md',
    from: '{ epochs: 200, batchSize: 1 }',
    to: '{ epochs: 2, batchSize: 1 }',
  },
  {
    file: 'docs/guide.md',
    from: '{ epochs: 50, sequenceLength: 147, targetAccuracy: 0.99 }',
    to: '{ epochs: 2, sequenceLength: 147, targetAccuracy: 0.99 }',
  },
  {
    file: 'docs/guide.md',
    from: '{ epochs: 100, samplesPerEpoch: 512, targetAccuracy: 0.99 }',
    to: '{ epochs: 2, samplesPerEpoch: 512, targetAccuracy: 0.99 }',
  },
  // The curriculum reverses 5, then 10 items: thousands of epochs; trainCurriculum.test.ts
  // trains a small one to its targets.
  {
    file: 'docs/guide.md',
    from: '{ nIn: 5, epochs: 4000, targetAccuracy: 0.9 },\n      { nIn: 10, epochs: 8000, targetAccuracy: 0.99 },',
    to: '{ nIn: 5, epochs: 2, targetAccuracy: 0.9 },\n      { nIn: 10, epochs: 2, targetAccuracy: 0.99 },',
  },
];

interface Block {
  file: string;
  /** The line of the opening fence, 1-based. */
  line: number;
  code: string;
  /** The reason given by a `<!-- not run: reason -->` before the fence, if any. */
  notRun: string | undefined;
}

function blocksOf(file: string): Block[] {
  const lines = readFileSync(resolve(__dirname, '..', file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`${file}:${i + 1}: an unclosed ts block`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const notRun = /^<!-- not run: (.+) -->$/.exec(lines[before] ?? '')?.[1];
    blocks.push({ file, line: i + 1, code: lines.slice(i + 1, end).join('\n'), notRun });
    i = end;
  }
  return blocks;
}

const blocks = DOCS.flatMap(blocksOf);
const used = new Set<(typeof OVERRIDES)[number]>();

function withOverrides(block: Block): string {
  let code = block.code;
  for (const override of OVERRIDES) {
    if (override.file !== block.file || !code.includes(override.from)) continue;
    code = code.replace(override.from, override.to);
    used.add(override);
  }
  return code;
}

describe('the README and the guide', () => {
  it('have their ts blocks where this test looks (3 in the README, 14 in the guide)', () => {
    expect(blocks.filter((b) => b.file === 'README.md')).toHaveLength(3);
    expect(blocks.filter((b) => b.file === 'docs/guide.md')).toHaveLength(14);
  });

  it('mark only the listed blocks as not run', () => {
    expect(
      blocks.filter((b) => b.notRun !== undefined).map((b) => `${b.file}: ${b.notRun}`),
    ).toEqual(NOT_RUN);
  });
});

describe('every ts block of the README and the guide runs and prints what it says', () => {
  let backend = '';
  let log: jest.SpyInstance;
  beforeAll(async () => {
    await tf.ready();
    backend = tf.getBackend();
    // trainEcho({ verbose }) logs through the global console.
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    log.mockRestore();
    await tf.setBackend(backend); // the blocks may call selectBackend
    // Every override replaced text in a block: none has gone stale.
    expect(OVERRIDES.filter((o) => !used.has(o))).toEqual([]);
  });

  it.each(
    blocks.filter((b) => b.notRun === undefined).map((b) => [`${b.file}:${b.line}`, b] as const),
  )('%s', async (_, block) => {
    const checked = await runExample(withOverrides(block));
    for (const { actual, expected } of checked) expect(actual).toBe(expected);
  });
});
