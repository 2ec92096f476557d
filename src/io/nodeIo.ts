/**
 * Node's file system, path and URL modules, imported on first use only. Nothing here is
 * imported statically, so the browser bundle never references `node:` modules.
 */

/** What `stat` tells seq-echo about a file. */
export interface NodeStats {
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}

/** The part of `node:fs/promises`'s `FileHandle` seq-echo uses. */
export interface NodeFileHandle {
  stat(): Promise<NodeStats>;
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  writeFile(data: Uint8Array | string): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The part of `node:fs/promises` seq-echo uses. Every call seq-echo's directory IO makes goes
 * through one of these methods (or a handle's), so tests can wrap them to inject failures.
 */
export interface NodeFs {
  constants?: { O_RDONLY?: number; O_NONBLOCK?: number };
  open(path: string, flags: string | number): Promise<NodeFileHandle>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  stat(path: string): Promise<NodeStats>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
}

/** The part of `node:path` seq-echo uses. */
export interface NodePath {
  sep: string;
  resolve(...paths: string[]): string;
  join(...paths: string[]): string;
  dirname(path: string): string;
  basename(path: string): string;
  relative(from: string, to: string): string;
  isAbsolute(path: string): boolean;
}

/** The part of `node:url` seq-echo uses. */
export interface NodeUrl {
  fileURLToPath(url: string): string;
}

/** Node's modules, as {@link loadNodeIo} returns them. */
export interface NodeIo {
  fs: NodeFs;
  path: NodePath;
  url: NodeUrl;
}

/**
 * Imports a module by a specifier held in a variable, so bundlers neither resolve nor bundle
 * it (as `selectBackend` does for the optional wasm package).
 */
async function importOptional(specifier: string): Promise<unknown> {
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as unknown;
}

let cached: Promise<NodeIo | undefined> | undefined;
let wrapFs: ((fs: NodeFs) => NodeFs) | undefined;

/**
 * Internal, for tests only (not exported from the package): wraps the file system that
 * saving and loading use from now on, e.g. to make its k-th call fail; `undefined` restores
 * Node's own.
 */
export function setFsWrapper(wrap: ((fs: NodeFs) => NodeFs) | undefined): void {
  wrapFs = wrap;
}

/** Node's `fs/promises`, `path` and `url`, or `undefined` where they cannot be loaded. */
export async function loadNodeIo(): Promise<NodeIo | undefined> {
  cached ??= (async () => {
    // Outside Node (a browser, a worker) there is nothing to import: trying would make the
    // browser fetch `node:fs/promises` and log network errors before the answer.
    const versions = (globalThis as { process?: { versions?: { node?: unknown } } }).process
      ?.versions;
    if (typeof versions?.node !== 'string') return undefined;
    try {
      const [fs, path, url] = await Promise.all([
        importOptional('node:fs/promises'),
        importOptional('node:path'),
        importOptional('node:url'),
      ]);
      return { fs: fs as NodeFs, path: path as NodePath, url: url as NodeUrl };
    } catch {
      return undefined;
    }
  })();
  const io = await cached;
  return io !== undefined && wrapFs !== undefined ? { ...io, fs: wrapFs(io.fs) } : io;
}

/** The `code` of a Node system error (`'ENOENT'`, …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The message of any thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
