/**
 * The memory the WebAssembly kernels (wasmKernels.ts) work on, laid out as
 * `[resident arrays | scratch arena | staging | guard]`. Resident and scratch arrays are views
 * of it and go to the kernels by offset; other operands are copied into staging for a call
 * (and results back).
 */

/**
 * One operand of a kernel call: the `n` values of `array` it touches, whether the kernel reads
 * them (a staged copy is filled first) and whether it writes them (a staged copy is copied
 * back after). `undefined` for an optional operand that is absent: it gets offset 0, which the
 * kernel must not touch.
 */
export interface Operand {
  /** Floats, or (ids) 32-bit integers, copied as they are. */
  array: Float32Array | Int32Array;
  n: number;
  reads: boolean;
  writes: boolean;
}
/** A kernel call's operands by name (as in kernels.wat). */
export type Operands<K extends string> = Record<K, Operand | undefined>;

const operand =
  (reads: boolean, writes: boolean) =>
  (array: Float32Array | Int32Array, n: number): Operand => ({ array, n, reads, writes });
/** An operand the kernel reads, writes, or both. */
export const input = operand(true, false);
export const output = operand(false, true);
export const inout = operand(true, true);
/** Staging bytes for `floats` values over up to 10 operands, each aligned to 16 bytes. */
const stagingRoom = (floats: number): number => floats * 4 + 10 * 16;

const PAGE = 65536;
/**
 * The most one instance's memory may grow to, in pages: 2 GiB, far beyond what the fused
 * engine's models need, and every byte offset stays a positive i32. (V8 reserves its address
 * space for a 32-bit memory, about 10 GB, whatever the maximum; the maximum bounds what is
 * committed, and what other engines reserve.)
 */
const MAX_PAGES = 32768;
/** The staging room, in values, that a new instance starts with. */
const INITIAL_STAGING = 1 << 14;
/**
 * Bytes after the last array: SIMD loads of a row's tail read past its end, up to 12 bytes (the
 * LSTM cell, a 4-wide vector) or 28 (mmadd's 8-column tile of W and out). Exported for
 * __tests__/kernels.test.ts, which checks the kernels against it.
 */
export const GUARD = 32;
/** `bytes` rounded up to a multiple of 16 (in floating point: sizes may pass 2^31). */
const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * Another instance's memory (shared, so another thread's) and where in it the arrays to work
 * on are: a {@link WasmMemory} over it has those as its resident arrays, its scratch arena and
 * staging in `room` (none without: scratch then comes as ordinary arrays, and a call with an
 * operand outside the memory runs the JavaScript kernel), and never grows it.
 */
export interface Attached {
  memory: WebAssembly.Memory;
  /** Byte offsets of the arrays, whose lengths are the `lengths` given with it. */
  offsets: readonly number[];
  /** Bytes of the memory this instance may use for scratch and staging, from `offset`. */
  room?: { offset: number; bytes: number; stagingFloats: number } | undefined;
}

/** One instance's memory: its resident arrays, scratch arena and staging. */
export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  private readonly offsets: number[] = [];
  private readonly lengths: readonly number[];
  private readonly arenaStart: number;
  private arenaEnd: number;
  private stagingEnd: number;
  private heap: Float32Array;
  /** The same bytes as 32-bit integers, for staging ids. */
  private ints: Int32Array;
  private views: Float32Array[] = [];
  /** Whether this is a view of another instance's memory (see {@link Attached}). */
  private readonly attached: boolean = false;
  /** Next free byte of the arena, and the bytes the current step asked of it. */
  private arenaCursor: number;
  private arenaDemand = 0;
  private stagingCursor = 0;

  /**
   * A new memory (`shared`: SharedArrayBuffer-backed) with room for resident arrays of the
   * given lengths and some staging. Throws a
   * `RangeError` when that memory cannot be allocated (or would pass {@link MAX_PAGES}).
   */
  constructor(lengths: readonly number[], shared = false, attach?: Attached) {
    this.lengths = lengths;
    if (attach) {
      // Another instance's arrays, where they are; no arena, no staging, never grown.
      this.offsets.push(...attach.offsets);
      this.memory = attach.memory;
      this.heap = new Float32Array(this.memory.buffer);
      this.ints = new Int32Array(this.memory.buffer);
      const { offset = 0, bytes = 0, stagingFloats = 0 } = attach.room ?? {};
      // Staging at the room's end, as much as asked (and no more than the room); the arena before.
      this.arenaStart = this.arenaCursor = offset;
      this.stagingEnd = offset + bytes;
      this.arenaEnd = Math.max(offset, this.stagingEnd - stagingRoom(stagingFloats));
      this.attached = true;
      return;
    }
    let offset = 0;
    for (const n of lengths) {
      this.offsets.push(offset);
      offset += align16(n * 4);
    }
    this.arenaStart = this.arenaEnd = this.stagingEnd = this.arenaCursor = offset;
    const pages = Math.ceil((offset + stagingRoom(INITIAL_STAGING) + GUARD) / PAGE);
    if (pages > MAX_PAGES) {
      throw new RangeError(
        `WasmKernels: ${offset} bytes of resident arrays exceed the ${MAX_PAGES * PAGE}-byte memory maximum`,
      );
    }
    // A shared memory never moves when it grows: other threads' views of it stay valid.
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared });
    this.heap = new Float32Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
    this.reserve(INITIAL_STAGING);
  }

  arrays(): Float32Array[] {
    const buffer = this.attached ? this.heap.buffer : this.memory.buffer;
    if (this.views.length === 0 || this.views[0]!.buffer !== buffer) {
      this.views = this.lengths.map((n, i) => new Float32Array(buffer, this.offsets[i], n));
    }
    return this.views;
  }

  /**
   * Grows the memory, if needed, to room for the scratch the last step wanted (a quarter more)
   * or `scratch` values, whichever is more, and then `floats` staged values (an attached memory keeps its room). When the memory cannot grow (its maximum, or no address
   * space left) the areas keep their sizes: scratch past the arena comes as ordinary arrays,
   * and calls whose operands do not fit staging run the JavaScript kernels.
   */
  reserve(floats: number, scratch = 0): void {
    if (this.attached) {
      // A fixed room (see Attached): the next step starts from its beginning.
      this.arenaCursor = this.arenaStart;
      this.arenaDemand = 0;
      return;
    }
    const wanted = Math.max(this.arenaDemand * 1.25, scratch * 4);
    const arenaBytes = Math.max(this.arenaEnd - this.arenaStart, align16(wanted));
    const stagingBytes = Math.max(this.stagingEnd - this.arenaEnd, stagingRoom(floats));
    const arenaEnd = this.arenaStart + arenaBytes;
    const stagingEnd = arenaEnd + stagingBytes;
    if (this.holds(stagingEnd + GUARD)) {
      this.arenaEnd = arenaEnd;
      this.stagingEnd = stagingEnd;
    }
    this.heap = new Float32Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
    this.arenaCursor = this.arenaStart;
    this.arenaDemand = 0;
  }

  /** Whether the memory holds `bytes`, after growing it if needed and possible. */
  private holds(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages);
      return true;
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
  }

  /** See `Kernels.scratch`. */
  scratch(n: number, zero = true): Float32Array {
    const bytes = align16(n * 4);
    this.arenaDemand += bytes;
    if (this.arenaCursor + bytes > this.arenaEnd) return new Float32Array(n);
    const view = new Float32Array(this.heap.buffer, this.arenaCursor, n);
    if (zero) view.fill(0);
    this.arenaCursor += bytes;
    return view;
  }

  /**
   * The byte offset of `array` when it lives in this memory (a resident or scratch array),
   * else -1: the kernels' fast path, for calls whose operands need no staging.
   */
  offsetOf(array: Float32Array | Int32Array): number {
    return array.buffer === this.heap.buffer ? array.byteOffset : -1;
  }

  /**
   * The byte offset of `array`'s first `n` values in memory: where it is, for a resident or
   * scratch array; else a staged copy (or room for one when `copy` is false). -1 if no room.
   */
  private place(array: Float32Array | Int32Array, n: number, copy: boolean): number {
    if (array.buffer === this.heap.buffer) return array.byteOffset;
    const at = this.stagingCursor;
    if (at + n * 4 > this.stagingEnd) return -1;
    if (copy) {
      const from = n === array.length ? array : array.subarray(0, n);
      if (from instanceof Int32Array) this.ints.set(from, at / 4);
      else this.heap.set(from, at / 4);
    }
    this.stagingCursor = at + align16(n * 4);
    return at;
  }

  /**
   * Places every operand by name (those read copied in) and returns their offsets under the
   * same names, or `undefined` if one does not fit: the caller then runs the JavaScript kernel.
   */
  stage<K extends string>(operands: Operands<K>): Record<K, number> | undefined {
    this.stagingCursor = this.arenaEnd;
    const at: Partial<Record<K, number>> = {};
    for (const name of Object.keys(operands) as K[]) {
      const operand = operands[name];
      const offset = operand ? this.place(operand.array, operand.n, operand.reads) : 0;
      if (offset < 0) return undefined;
      at[name] = offset;
    }
    return at as Record<K, number>;
  }

  /** Copies each staged operand the kernel writes back into its array. */
  unstage<K extends string>(operands: Operands<K>, at: Record<K, number>): void {
    for (const name of Object.keys(operands) as K[]) {
      const operand = operands[name];
      if (!operand?.writes || operand.array.buffer === this.heap.buffer) continue;
      const from = at[name] / 4;
      if (operand.array instanceof Int32Array) {
        operand.array.set(this.ints.subarray(from, from + operand.n));
      } else {
        operand.array.set(this.heap.subarray(from, from + operand.n));
      }
    }
  }
}
