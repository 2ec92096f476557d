/**
 * Shared memory for the fused engine's threads: whether this runtime can share memory between
 * threads, and the kernels' WebAssembly module made to import a shared memory.
 */

/**
 * Whether memory can be shared with workers here: `SharedArrayBuffer` exists and, in a
 * browser, the page is cross-origin isolated (without it, a shared memory cannot be posted).
 */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** The most pages a shared memory may grow to: wasmMemory.ts's own maximum (2 GiB). */
export const SHARED_MAX_PAGES = 32768;

/** `n` as unsigned LEB128 bytes. */
function leb(n: number): number[] {
  const bytes: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    bytes.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return bytes;
}

/** Reads an unsigned LEB128 at `at`: its value and the offset after it. */
function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/**
 * The same module with its imported memory declared shared (limits flag 3, maximum
 * {@link SHARED_MAX_PAGES}): a module that imports a shared memory must say so. Patching
 * the binary rather than building a second one keeps every variant of kernels.wat (and
 * their staleness test) single; only the import section changes.
 */
export function shareMemoryImport(binary: Uint8Array): Uint8Array<ArrayBuffer> {
  const out: number[] = Array.from(binary.subarray(0, 8));
  let at = 8;
  while (at < binary.length) {
    const id = binary[at]!;
    const [size, start] = readLeb(binary, at + 1);
    const end = start + size;
    const body = id === 2 ? shareImports(binary.subarray(start, end)) : binary.subarray(start, end);
    out.push(id, ...leb(body.length), ...body);
    at = end;
  }
  return Uint8Array.from(out);
}

/** An import section's body with every memory import's limits made shared. */
function shareImports(section: Uint8Array): number[] {
  const [count, first] = readLeb(section, 0);
  const out = leb(count);
  let at = first;
  for (let i = 0; i < count; i++) {
    const entry = at;
    for (let name = 0; name < 2; name++) {
      const [length, text] = readLeb(section, at);
      at = text + length;
    }
    if (section[at] !== 2)
      throw new Error('shareMemoryImport: the kernels import only their memory');
    out.push(...section.subarray(entry, at + 1));
    const flags = section[at + 1]!;
    const [min, afterMin] = readLeb(section, at + 2);
    at = flags & 1 ? readLeb(section, afterMin)[1] : afterMin;
    out.push(3, ...leb(min), ...leb(SHARED_MAX_PAGES));
  }
  return out;
}
