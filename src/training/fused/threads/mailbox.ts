/**
 * An epoch handed to a parked worker through shared memory instead of a message: its
 * settings and its rows (every feed and the target), written by the calling thread and read in
 * place by the worker. A worker that finished an epoch waits a moment for the next one
 * (see protocol.ts, `PARK`), so a run of short epochs (model B: one batch each) does not pay a
 * message's latency, tens to hundreds of microseconds, every epoch.
 *
 * Layout, in 32-bit words: `[epoch, batchSize, stateful, threads, base, rows, feeds, hasTarget]`,
 * then per feed (and the target, if any) `[kind, width, length]` (kind 0: ids, 1: values),
 * then each one's `length` values in the same order.
 */
import type { Feed, Target } from '../values';
import type { FusedData } from './shard';

/** An epoch's settings, as the worker needs them. */
export interface EpochSettings {
  batchSize: number;
  stateful: boolean;
  threads: number;
  /** The control block's batch counter before the epoch's first batch. */
  base: number;
}

const HEADER = 8;
const PER_PART = 3;

/** The parts of an epoch's data, in mailbox order. */
const partsOf = (data: FusedData): (Feed | Target)[] =>
  data.target ? [...data.feeds, data.target] : [...data.feeds];

const valuesOf = (part: Feed | Target): Int32Array | Float32Array =>
  part.kind === 'ids' ? part.ids : part.values;

/** The 32-bit words an epoch of `data` takes in a mailbox. */
export function mailboxWords(data: FusedData): number {
  const parts = partsOf(data);
  return HEADER + PER_PART * parts.length + parts.reduce((n, p) => n + valuesOf(p).length, 0);
}

/** Writes epoch `epoch` into `box` (at least {@link mailboxWords} words). */
export function writeMailbox(
  box: SharedArrayBuffer,
  epoch: number,
  data: FusedData,
  settings: EpochSettings,
): void {
  const words = new Int32Array(box);
  const floats = new Float32Array(box);
  const parts = partsOf(data);
  const { batchSize, stateful, threads, base } = settings;
  // The epoch word last, -1 meanwhile: a reader that sees it change reads again.
  Atomics.store(words, 0, -1);
  words.set([batchSize, stateful ? 1 : 0, threads, base, data.rows, data.feeds.length], 1);
  words[7] = data.target ? 1 : 0;
  let at = HEADER + PER_PART * parts.length;
  parts.forEach((part, i) => {
    const values = valuesOf(part);
    const width = part.kind === 'ids' && 'width' in part ? part.width : 0;
    words.set([part.kind === 'ids' ? 0 : 1, width, values.length], HEADER + PER_PART * i);
    if (values instanceof Int32Array) words.set(values, at);
    else floats.set(values, at);
    at += values.length;
  });
  Atomics.store(words, 0, epoch);
}

/** An epoch as read from a mailbox. */
export interface MailedEpoch {
  epoch: number;
  settings: EpochSettings;
  data: FusedData;
}

/**
 * Reads the epoch in `box`: its number, settings and data (views of the mailbox), read again
 * while the caller is writing it.
 */
export function readMailbox(box: SharedArrayBuffer): MailedEpoch {
  const words = new Int32Array(box);
  for (;;) {
    const epoch = Atomics.load(words, 0);
    if (epoch < 0) continue;
    const read = readOnce(box, epoch);
    if (Atomics.load(words, 0) === epoch) return read;
  }
}

function readOnce(box: SharedArrayBuffer, epoch: number): MailedEpoch {
  const words = new Int32Array(box);
  const [, batchSize, stateful, threads, base, rows, feeds, hasTarget] = words;
  const parts: (Feed | Target)[] = [];
  let at = HEADER + PER_PART * (feeds! + hasTarget!);
  for (let i = 0; i < feeds! + hasTarget!; i++) {
    const [kind, width, length] = words.subarray(HEADER + PER_PART * i);
    const view =
      kind === 0
        ? { kind: 'ids' as const, ids: new Int32Array(box, at * 4, length) }
        : { kind: 'values' as const, values: new Float32Array(box, at * 4, length) };
    parts.push(view.kind === 'ids' && i < feeds! ? { ...view, width: width! } : view);
    at += length!;
  }
  const data: FusedData = {
    rows: rows!,
    feeds: parts.slice(0, feeds) as Feed[],
    target: hasTarget ? parts[feeds!] : undefined,
  };
  return {
    epoch,
    settings: { batchSize: batchSize!, stateful: stateful === 1, threads: threads!, base: base! },
    data,
  };
}
